"""Reads of case files. Every selector starts from the households the user may see, so "does not
exist" and "not yours" give the same 404, and every read of a household's data is access-logged.

Every selector that fetches one household or one record of it logs through
`privacy.services.access_log_read`: a view row when the request reads (GET), nothing when it writes (the
service logs the change in its own transaction). A 404 is noted for the access-log middleware, which
writes the `refused` row. `privacy/tests/test_every_case_url_is_logged.py` walks every URL to prove it."""

import datetime
from typing import TypeVar

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from wijkkracht.households.models import Contact, Household, Person, Task, TaskStatus
from wijkkracht.privacy.access import AccessContext, visible_households
from wijkkracht.privacy.services import access_log_read, access_note_refusal


def _count_subquery(queryset: QuerySet[Task]) -> Coalesce:
    counts = queryset.values("household").annotate(count=Count("id")).values("count")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def with_household_figures(queryset: QuerySet[Household], today: datetime.date) -> QuerySet[Household]:
    """Last contact, task and member counts as subqueries: one query per page, whatever the data size."""
    open_tasks = Task.objects.filter(household=OuterRef("pk"), status=TaskStatus.OPEN)
    last_contact = Contact.objects.filter(household=OuterRef("pk")).order_by("-date").values("date")[:1]
    members = Person.objects.filter(household=OuterRef("pk")).values("household").annotate(c=Count("id")).values("c")
    return queryset.select_related("team", "wijk", "contact_person").annotate(
        last_contact_date=Subquery(last_contact),
        open_task_count=_count_subquery(open_tasks),
        overdue_task_count=_count_subquery(open_tasks.filter(due_date__lt=today)),
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
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
