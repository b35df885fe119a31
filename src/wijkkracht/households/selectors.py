"""Reads of case files. Every selector starts from the households the user may see, so "does not
exist" and "not yours" give the same 404, and every read of a household's data is access-logged.

Every selector that fetches one household or one record of it logs through
`privacy.services.access_log_read`: a view row when the request reads (GET), nothing when it writes (the
service logs the change in its own transaction). A 404 is noted for the access-log middleware, which
writes the `refused` row. `privacy/tests/test_every_case_url_is_logged.py` walks every URL to prove it."""

import datetime
from typing import TypeVar

from django.db.models import Case, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import User
from wijkkracht.households.figures import household_figures_catch_up
from wijkkracht.households.models import (
    Contact,
    ContactKind,
    ContactPersonChange,
    Household,
    IncomeWorkRecord,
    Person,
    SharedCustodyLink,
    Task,
    TaskStatus,
)
from wijkkracht.privacy.access import (
    AccessContext,
    can_work_with_cases,
    coordinated_teams_of,
    teams_of,
    visible_households,
)
from wijkkracht.privacy.services import access_log_read, access_note_refusal


def contacts_that_happened(today: datetime.date) -> Q:
    """A contact counts as contact once it took place: not a no-show (nobody was there), and not an
    appointment still to come."""
    return ~Q(kind=ContactKind.NO_SHOW) & Q(date__lte=today)


def with_household_figures(queryset: QuerySet[Household], today: datetime.date) -> QuerySet[Household]:
    """The households with what lists show beside them: their stored figures (`households.figures`: last
    contact, open tasks, members, plan evaluation — columns, so a list's cost does not grow with the city),
    brought up to date for appointments whose day has come, and their overdue tasks (`overdue_tasks`, one
    query per page)."""
    household_figures_catch_up(today=today)
    overdue = Task.objects.filter(status=TaskStatus.OPEN, due_date__lt=today).order_by("due_date", "id")
    return queryset.select_related("team", "wijk", "contact_person").prefetch_related(
        Prefetch("tasks", queryset=overdue, to_attr="overdue_tasks")
    )


def household_get_for_user(*, access: AccessContext, household_id: int, what: str = "household") -> Household:
    """One household with its members and contact person, or 404 when it does not exist or is not yours;
    the read is access-logged (the case-file page itself is `casefile.selectors.case_file_get`)."""
    household = (
        visible_households(access.user)
        .select_related("team", "contact_person")
        .prefetch_related("members")
        .filter(id=household_id)
        .first()
    )
    if household is None:
        access_note_refusal(access=access, kind="household", record_id=household_id, household_id=household_id)
        raise Http404(_("Household not found."))
    access_log_read(access=access, household_id=household.id, what=what)
    return household


def household_get_for_update(*, access: AccessContext, household_id: int, what: str = "household") -> Household:
    """The household of a form page and of the write it posts: a view row when the form is shown (GET),
    none when it is posted, because the service logs the change itself."""
    household = visible_households(access.user).select_related("team").filter(id=household_id).first()
    if household is None:
        access_note_refusal(access=access, kind="household", record_id=household_id, household_id=household_id)
        raise Http404(_("Household not found."))
    access_log_read(access=access, household_id=household.id, what=what)
    return household


def person_get_for_update(*, access: AccessContext, household_id: int, person_id: int, what: str = "member") -> Person:
    """One member of a household with the household, for a page about that person: the view row names
    the member (on GET; a posted change is logged by its service)."""
    person = (
        Person.objects.select_related("household", "household__team")
        .filter(id=person_id, household_id=household_id, household__in=visible_households(access.user))
        .first()
    )
    if person is None:
        access_note_refusal(
            access=access, kind="person", record_id=person_id, household_id=household_id, person_id=person_id
        )
        raise Http404(_("Member not found."))
    access_log_read(access=access, household_id=household_id, what=what, person_id=person.id)
    return person


def _visible_tasks(user: User) -> QuerySet[Task]:
    """The tasks a user may see: those of the households they may see, and their teams' tasks without a
    household (for instance: agree with another team who continues) when assigned to them or when they
    coordinate that team. Nothing for roles without case access."""
    if not can_work_with_cases(user):
        return Task.objects.none()
    team_task = Q(household__isnull=True, team__in=teams_of(user)) & (
        Q(assigned_to=user) | Q(team__in=coordinated_teams_of(user))
    )
    return Task.objects.filter(Q(household__in=visible_households(user)) | team_task)


def task_get_for_update(*, access: AccessContext, task_id: int) -> Task:
    """One task the user may see, or 404; a view row for its household on GET (a team task names none)."""
    task = _visible_tasks(access.user).select_related("household", "assigned_to", "team").filter(id=task_id).first()
    if task is None:
        access_note_refusal(access=access, kind="task", record_id=task_id)
        raise Http404(_("Task not found."))
    if task.household_id is not None:
        access_log_read(access=access, household_id=task.household_id, what="task")
    return task


def person_list_for_user(*, access: AccessContext, household_id: int | None = None) -> QuerySet[Person]:
    queryset = Person.objects.filter(household__in=visible_households(access.user))
    return queryset.filter(household_id=household_id) if household_id else queryset


def contact_list_for_user(
    *,
    access: AccessContext,
    household_id: int | None = None,
    worker: User | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Contact]:
    """Contacts and appointments of the households the user may see, newest first; optionally of one
    household, of one worker, and from/to a date (both inclusive)."""
    queryset = (
        Contact.objects.filter(household__in=visible_households(access.user))
        .select_related("worker")
        .prefetch_related("members")
        .order_by("-date", "-id")
    )
    if household_id:
        queryset = queryset.filter(household_id=household_id)
    if worker is not None:
        queryset = queryset.filter(worker=worker)
    if date_from is not None:
        queryset = queryset.filter(date__gte=date_from)
    if date_to is not None:
        queryset = queryset.filter(date__lte=date_to)
    return queryset


def appointment_list_for_user(
    *, access: AccessContext, worker: User, date_from: datetime.date, date_to: datetime.date
) -> QuerySet[Contact]:
    """The planned appointments of `worker` between two dates (inclusive) in the households the user may see,
    earliest first, with their household: contacts dated after today, and today's that were planned (no duration
    yet; a contact logged today as having happened has one). Not access-logged: the page that shows them logs one
    `list` row per household shown (`privacy.services.access_log_record_many`)."""
    today = timezone.localdate()
    return (
        contact_list_for_user(access=access, worker=worker, date_from=max(date_from, today), date_to=date_to)
        .filter(Q(date__gt=today) | Q(duration_minutes__isnull=True))
        .exclude(kind=ContactKind.NO_SHOW)
        .select_related("household")
        .order_by("date", "id")
    )


def task_list_for_user(
    *,
    access: AccessContext,
    household_id: int | None = None,
    status: str = "",
    mine: bool = False,
    overdue: bool = False,
    due_before: datetime.date | None = None,
) -> QuerySet[Task]:
    """The tasks the user may see (see `_visible_tasks`: also their teams' tasks without a household),
    overdue ones first, then by due date. `mine`: assigned to the user; `overdue`: open and past their due
    date; `due_before`: due before that date. Not access-logged: a page or API list logs what it shows."""
    today = timezone.localdate()
    queryset = _visible_tasks(access.user).select_related("assigned_to", "household", "team")
    if household_id:
        queryset = queryset.filter(household_id=household_id)
    if status:
        queryset = queryset.filter(status=status)
    if mine:
        queryset = queryset.filter(assigned_to=access.user)
    if overdue:
        queryset = queryset.filter(status=TaskStatus.OPEN, due_date__lt=today)
    if due_before is not None:
        queryset = queryset.filter(due_date__lt=due_before)
    overdue_first = Case(
        When(status=TaskStatus.OPEN, due_date__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return queryset.annotate(overdue_rank=overdue_first).order_by("overdue_rank", "due_date", "id")


def contact_person_history(household: Household) -> QuerySet[ContactPersonChange]:
    """The household's changes of contact person (from whom to whom, why, by whom, when), oldest first.
    For the case-file page, which has already checked access and logged the read."""
    return ContactPersonChange.objects.filter(household=household).select_related("from_user", "to_user", "changed_by")


def shared_custody_links(household: Household) -> list[SharedCustodyLink]:
    """The shared-custody links of the household's members, each turned so that `person` is the member of
    this household and `other_person` the record in the other household (with its team and contact person).
    For the case-file page, which has already checked access and logged the read: the other household is
    shown by its team and contact person only."""
    links = SharedCustodyLink.objects.filter(
        Q(person__household=household) | Q(other_person__household=household)
    ).select_related(
        "person__household__team",
        "person__household__contact_person",
        "other_person__household__team",
        "other_person__household__contact_person",
        "stated_by",
    )
    turned = []
    for link in links:
        if link.person.household_id != household.id:
            link.person, link.other_person = link.other_person, link.person
        turned.append(link)
    return turned


# --- income and work situation (issue 11) -------------------------------------------------------------


def _latest_income_work() -> Q:
    """The records that are a person's current situation: the latest by `recorded_on`, then id."""
    latest = IncomeWorkRecord.objects.filter(person=OuterRef("person")).order_by("-recorded_on", "-id").values("id")
    return Q(id=Subquery(latest[:1]))


def income_work_list_for_user(
    *, access: AccessContext, household_id: int | None = None, person_id: int | None = None, current: bool = False
) -> QuerySet[IncomeWorkRecord]:
    """The income and work records of the households the user may see, by member and newest first;
    optionally of one household or member, or only each member's current situation. Not access-logged: a
    page or API list logs what it shows."""
    queryset = IncomeWorkRecord.objects.filter(household__in=visible_households(access.user)).select_related(
        "recorded_by"
    )
    if household_id:
        queryset = queryset.filter(household_id=household_id)
    if person_id:
        queryset = queryset.filter(person_id=person_id)
    if current:
        queryset = queryset.filter(_latest_income_work())
    return queryset.order_by("household_id", "person_id", "-recorded_on", "-id")


def income_work_current(household: Household) -> dict[int, IncomeWorkRecord]:
    """Each member's current income and work situation (member id → latest record). For pages that have
    already fetched the household and logged the read (the case-file page, the form)."""
    records = IncomeWorkRecord.objects.filter(household=household).filter(_latest_income_work())
    return {record.person_id: record for record in records.select_related("recorded_by")}


def income_work_history_for_user(
    *, access: AccessContext, household_id: int, person_id: int
) -> tuple[Person, list[IncomeWorkRecord]]:
    """One member and every income and work situation recorded for them, newest first; 404 when the member
    is not in a household the user may see. The read names the member in the access log."""
    person = person_get_for_update(
        access=access, household_id=household_id, person_id=person_id, what="income and work history"
    )
    records = list(
        IncomeWorkRecord.objects.filter(person=person).select_related("recorded_by").order_by("-recorded_on", "-id")
    )
    return person, records


RecordT = TypeVar("RecordT", Person, Contact, Task, IncomeWorkRecord)


def record_get_for_user(queryset: QuerySet[RecordT], *, access: AccessContext, record_id: int, what: str) -> RecordT:
    """One member, contact, task or income and work record from a list selector above, or 404; the read is
    access-logged, naming the member when the record is about one."""
    record = queryset.filter(id=record_id).first()
    person_id = record_id if queryset.model is Person else None
    if record is None:
        kind = queryset.model._meta.model_name or what
        access_note_refusal(access=access, kind=kind, record_id=record_id, person_id=person_id)
        raise Http404(_("Not found."))
    if isinstance(record, IncomeWorkRecord):
        person_id = record.person_id
    if record.household_id is not None:  # a team task names no household: no case data to log
        access_log_read(access=access, household_id=record.household_id, what=what, person_id=person_id)
    return record
