"""Reads of case files. Every selector starts from the households the user may see, so "does not
exist" and "not yours" give the same 404, and every read of a household's data is access-logged.

Every selector that fetches one household or one record of it logs through
`privacy.services.access_log_read`: a view row when the request reads (GET), nothing when it writes (the
service logs the change in its own transaction). A 404 is noted for the access-log middleware, which
writes the `refused` row. `privacy/tests/test_every_case_url_is_logged.py` walks every URL to prove it."""

import datetime
from dataclasses import dataclass
from typing import Literal, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.households.models import OPEN_STATUSES, Contact, Household, HouseholdStatus, Person, Task, TaskStatus
from wijkkracht.plans.models import Plan, PlanStatus
from wijkkracht.privacy.access import AccessContext, visible_households
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_read, access_log_record_many, access_note_refusal
from wijkkracht.teams.models import Municipality

CaseloadScope = Literal["mine", "team"]
CASELOAD_PAGE_SIZE = 25

#: Sort keys offered to users, mapped to their ordering; the last field keeps pages stable.
CASELOAD_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "status": ("status", "name", "id"),
    "-status": ("-status", "name", "id"),
    "last_contact": ("last_contact_date", "id"),
    "-last_contact": ("-last_contact_date", "-id"),
    "open_tasks": ("open_task_count", "name", "id"),
    "-open_tasks": ("-open_task_count", "name", "id"),
    "registered": ("registered_on", "id"),
    "-registered": ("-registered_on", "-id"),
}


@dataclass(frozen=True)
class CaseloadFilters:
    status: str = ""
    overdue: bool = False
    wijk_id: int | None = None
    team_id: int | None = None
    search: str = ""
    sort: str = "last_contact"


def _count_subquery(queryset: QuerySet[Task]) -> Coalesce:
    counts = queryset.values("household").annotate(count=Count("id")).values("count")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def with_caseload_figures(queryset: QuerySet[Household], today: datetime.date) -> QuerySet[Household]:
    """Last contact and task counts as subqueries: one query per page, whatever the data size."""
    open_tasks = Task.objects.filter(household=OuterRef("pk"), status=TaskStatus.OPEN)
    last_contact = Contact.objects.filter(household=OuterRef("pk")).order_by("-date").values("date")[:1]
    members = Person.objects.filter(household=OuterRef("pk")).values("household").annotate(c=Count("id")).values("c")
    evaluation = Plan.objects.filter(household=OuterRef("pk"), status=PlanStatus.ACTIVE).values("evaluation_date")[:1]
    return queryset.select_related("team", "wijk", "contact_person").annotate(
        last_contact_date=Subquery(last_contact),
        open_task_count=_count_subquery(open_tasks),
        overdue_task_count=_count_subquery(open_tasks.filter(due_date__lt=today)),
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
        plan_evaluation_date=Subquery(evaluation),
    )


def overdue_condition(today: datetime.date, contact_norm_days: int) -> Q:
    """Overdue: an open task past its date, a plan evaluation past its date, or no contact within the
    municipality's contact norm."""
    cutoff = today - datetime.timedelta(days=contact_norm_days)
    return (
        Q(overdue_task_count__gt=0)
        | Q(plan_evaluation_date__lt=today)
        | Q(last_contact_date__lt=cutoff)
        | Q(last_contact_date__isnull=True, registered_on__lt=cutoff)
    )


def caseload_queryset(*, access: AccessContext, scope: CaseloadScope, filters: CaseloadFilters) -> QuerySet[Household]:
    today = timezone.localdate()
    queryset = visible_households(access.user)
    if scope == "mine":
        queryset = queryset.filter(Q(contact_person=access.user) | Q(second_line_regisseur=access.user))
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    elif scope == "mine":
        # A second-line case director's own households are the ones handed over to them.
        queryset = queryset.filter(
            Q(status__in=OPEN_STATUSES) | Q(status=HouseholdStatus.HANDED_OVER, second_line_regisseur=access.user)
        )
    else:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    if filters.wijk_id:
        queryset = queryset.filter(wijk_id=filters.wijk_id)
    if filters.team_id:
        queryset = queryset.filter(team_id=filters.team_id)
    if filters.search:
        queryset = queryset.filter(Q(name__icontains=filters.search) | Q(postcode__icontains=filters.search))
    queryset = with_caseload_figures(queryset, today)
    if filters.overdue:
        queryset = queryset.filter(overdue_condition(today, Municipality.current().contact_norm_days))
    return queryset.order_by(*CASELOAD_SORTS.get(filters.sort, CASELOAD_SORTS["last_contact"]))


def caseload_page(
    *, access: AccessContext, scope: CaseloadScope, filters: CaseloadFilters, page_number: str | int = 1
) -> Page[Household]:
    """A page of the caseload; each household on it is access-logged as shown in a list."""
    paginator = Paginator(
        caseload_queryset(access=access, scope=scope, filters=filters), CASELOAD_PAGE_SIZE, allow_empty_first_page=True
    )
    page = paginator.get_page(page_number)
    access_log_record_many(
        access=access,
        household_ids=[household.id for household in page.object_list],
        action=AccessAction.LIST,
        what="caseload" if scope == "team" else "my households",
    )
    return page


def household_get_for_user(*, access: AccessContext, household_id: int, what: str = "household") -> Household:
    """One household with everything its page shows, or 404 when it does not exist or is not yours."""
    today = timezone.localdate()
    queryset = (
        with_caseload_figures(visible_households(access.user), today)
        .prefetch_related(
            "members",
            Prefetch("contacts", queryset=Contact.objects.select_related("worker").prefetch_related("members")),
            Prefetch("tasks", queryset=Task.objects.select_related("assigned_to", "done_by")),
            "status_changes__changed_by",
        )
        .select_related("second_line_regisseur")
    )
    household = queryset.filter(id=household_id).first()
    if household is None:
        access_note_refusal(access=access, kind="household", record_id=household_id, household_id=household_id)
        raise Http404(_("Household not found."))
    access_log_read(access=access, household_id=household.id, what=what)
    return household


def household_as_written(*, household_id: int) -> Household:
    """A household its writer just registered, to echo back; the write itself was access-logged."""
    queryset = with_caseload_figures(Household.objects.filter(id=household_id), timezone.localdate())
    return queryset.prefetch_related("members").get()


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


def task_get_for_update(*, access: AccessContext, task_id: int) -> Task:
    task = (
        Task.objects.select_related("household")
        .filter(id=task_id, household__in=visible_households(access.user))
        .first()
    )
    if task is None:
        access_note_refusal(access=access, kind="task", record_id=task_id)
        raise Http404(_("Task not found."))
    access_log_read(access=access, household_id=task.household_id, what="task")
    return task


def household_is_overdue(household: Household, today: datetime.date, contact_norm_days: int) -> bool:
    """The same rule as `overdue_condition`, for a household already annotated by the caseload."""
    cutoff = today - datetime.timedelta(days=contact_norm_days)
    last_contact = getattr(household, "last_contact_date", None)
    if getattr(household, "overdue_task_count", 0) > 0:
        return True
    evaluation = getattr(household, "plan_evaluation_date", None)
    if evaluation is not None and evaluation < today:
        return True
    if last_contact is None:
        return household.registered_on < cutoff
    return bool(last_contact < cutoff)


def person_list_for_user(*, access: AccessContext, household_id: int | None = None) -> QuerySet[Person]:
    queryset = Person.objects.filter(household__in=visible_households(access.user))
    return queryset.filter(household_id=household_id) if household_id else queryset


def contact_list_for_user(*, access: AccessContext, household_id: int | None = None) -> QuerySet[Contact]:
    queryset = (
        Contact.objects.filter(household__in=visible_households(access.user))
        .select_related("worker")
        .prefetch_related("members")
        .order_by("-date", "-id")
    )
    return queryset.filter(household_id=household_id) if household_id else queryset


def task_list_for_user(*, access: AccessContext, household_id: int | None = None, status: str = "") -> QuerySet[Task]:
    queryset = Task.objects.filter(household__in=visible_households(access.user)).select_related("assigned_to")
    if household_id:
        queryset = queryset.filter(household_id=household_id)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("due_date", "id")


RecordT = TypeVar("RecordT", Person, Contact, Task)


def record_get_for_user(queryset: QuerySet[RecordT], *, access: AccessContext, record_id: int, what: str) -> RecordT:
    """One member, contact or task from a list selector above, or 404; the read is access-logged."""
    record = queryset.filter(id=record_id).first()
    person_id = record_id if queryset.model is Person else None
    if record is None:
        kind = queryset.model._meta.model_name or what
        access_note_refusal(access=access, kind=kind, record_id=record_id, person_id=person_id)
        raise Http404(_("Not found."))
    access_log_read(access=access, household_id=record.household_id, what=what, person_id=person_id)
    return record
