"""Reads that combine the parts of a case file: the caseload (households with their contacts, tasks and
plan dates) and the case-file page. Like every selector they start from the households the user may see
and access-log what they show (see `households/selectors.py`)."""

import datetime
from dataclasses import dataclass
from typing import Literal

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.households.models import OPEN_STATUSES, Contact, Household, HouseholdStatus, Task
from wijkkracht.households.selectors import with_household_figures
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


def with_caseload_figures(queryset: QuerySet[Household], today: datetime.date) -> QuerySet[Household]:
    """The household's figures and the active plan's evaluation date: one query per page."""
    evaluation = Plan.objects.filter(household=OuterRef("pk"), status=PlanStatus.ACTIVE).values("evaluation_date")[:1]
    return with_household_figures(queryset, today).annotate(plan_evaluation_date=Subquery(evaluation))


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


def case_file_get(*, access: AccessContext, household_id: int, what: str = "household") -> Household:
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
