"""The caseload: households with their contacts, tasks and plan dates, searched, filtered and sorted; why a
household is overdue; and a coordinator's workload per worker. Like every selector it starts from the
households the user may see and access-logs what a page shows (one bulk row per page).

Search (`q`, at most `SEARCH_MAX_LENGTH` characters) finds a household by
- its name, any member's first or last name, or its street: every word must occur in one of these
  (case-insensitive; accents are not folded, so "Ozturk" does not find "Öztürk". On SQLite the case of
  letters outside ASCII counts, on PostgreSQL it does not);
- its reference: "HH-000030", "hh-30" or "30";
- its postcode, with or without the space and in any case ("9902 AB", "9902ab"), or its first four digits;
- a member's BSN: nine digits, exact only. A BSN search is access-logged as such ("… search by BSN").
"""

import datetime
import re
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkkracht.accounts.models import User
from wijkkracht.households.models import OPEN_STATUSES, Household, HouseholdStatus, Person, Task, TaskStatus
from wijkkracht.households.selectors import with_household_figures
from wijkkracht.plans.models import Plan, PlanStatus
from wijkkracht.privacy.access import AccessContext, coordinated_teams_of, teams_of, visible_households
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record_many
from wijkkracht.teams.models import Municipality, Team

CaseloadScope = Literal["mine", "team"]
CASELOAD_PAGE_SIZE = 25
SEARCH_MAX_LENGTH = 100

#: The lifecycle's order, for sorting by status: open statuses first, in the order a household goes through.
STATUS_ORDER: tuple[str, ...] = (
    HouseholdStatus.REGISTERED,
    HouseholdStatus.INTAKE,
    HouseholdStatus.PLAN,
    HouseholdStatus.IN_PROGRESS,
    HouseholdStatus.CLOSED,
    HouseholdStatus.HANDED_OVER,
)

#: Sort keys offered to users, mapped to their ordering; the last field keeps pages stable.
CASELOAD_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "status": ("status_rank", "name", "id"),
    "-status": ("-status_rank", "name", "id"),
    "last_contact": ("last_contact_date", "id"),
    "-last_contact": ("-last_contact_date", "-id"),
    "open_tasks": ("open_task_count", "name", "id"),
    "-open_tasks": ("-open_task_count", "name", "id"),
    "registered": ("registered_on", "id"),
    "-registered": ("-registered_on", "-id"),
}

_BSN = re.compile(r"^[0-9]{9}$")
_REFERENCE = re.compile(r"^(hh-?\s*)?0*([0-9]{1,12})$", re.IGNORECASE)
_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([a-z]{0,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class CaseloadFilters:
    status: str = ""
    overdue: bool = False
    wijk_id: int | None = None
    team_id: int | None = None
    contact_person_id: int | None = None
    search: str = ""
    sort: str = "last_contact"


def clean_search(value: str) -> str:
    """The search as typed, without surrounding and repeated spaces; too long is a ValidationError."""
    if len(value) > SEARCH_MAX_LENGTH:
        raise ValidationError(
            ngettext(
                "Search for at most %(max)d character.",
                "Search for at most %(max)d characters.",
                SEARCH_MAX_LENGTH,
            )
            % {"max": SEARCH_MAX_LENGTH},
            code="search_too_long",
        )
    return " ".join(value.split())


def is_bsn_search(search: str) -> bool:
    return bool(_BSN.match(search.strip()))


def search_condition(search: str) -> Q:
    """Which households a (cleaned) search finds; see the module docstring."""
    if _BSN.match(search):
        return Q(id__in=Person.objects.filter(bsn=search).values("household_id"))
    condition = Q(pk__in=[])
    reference = _REFERENCE.match(search)
    if reference and (reference.group(1) or len(reference.group(2)) <= 8):
        condition |= Q(id=int(reference.group(2)))
        if reference.group(1):
            return condition
    postcode = _POSTCODE.match(search)
    if postcode:
        prefix = (postcode.group(1) + postcode.group(2)).upper()
        if len(prefix) == 6:
            condition |= Q(postcode=prefix)
        else:  # a range rather than LIKE, so that an index on the postcode serves it on both databases
            condition |= Q(postcode__gte=prefix, postcode__lte=prefix + "ZZ")
    if postcode or (reference and search.isdigit()):
        return condition
    words = Q()
    for word in search.split():
        members = Person.objects.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        words &= Q(name__icontains=word) | Q(street__icontains=word) | Q(id__in=members.values("household_id"))
    return condition | words


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


def _status_rank() -> Case:
    return Case(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(STATUS_ORDER)),
        default=Value(len(STATUS_ORDER)),
        output_field=IntegerField(),
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
    if filters.contact_person_id:
        queryset = queryset.filter(contact_person_id=filters.contact_person_id)
    if filters.search:
        queryset = queryset.filter(search_condition(filters.search))
    queryset = with_caseload_figures(queryset, today).annotate(status_rank=_status_rank())
    if filters.overdue:
        queryset = queryset.filter(overdue_condition(today, Municipality.current().contact_norm_days))
    return queryset.order_by(*CASELOAD_SORTS.get(filters.sort, CASELOAD_SORTS["last_contact"]))


def with_overdue_tasks(queryset: QuerySet[Household], today: datetime.date) -> QuerySet[Household]:
    """The open tasks past their date as `overdue_tasks`, for `overdue_reasons`: one query per page."""
    overdue = Task.objects.filter(status=TaskStatus.OPEN, due_date__lt=today).order_by("due_date", "id")
    return queryset.prefetch_related(Prefetch("tasks", queryset=overdue, to_attr="overdue_tasks"))


def caseload_list_what(scope: CaseloadScope, search: str, base: str | None = None) -> str:
    """What the access log says a caseload list showed; a search by BSN says so."""
    what = base or ("caseload" if scope == "team" else "my households")
    return f"{what}, search by BSN" if is_bsn_search(search) else what


def caseload_page(
    *, access: AccessContext, scope: CaseloadScope, filters: CaseloadFilters, page_number: str | int = 1
) -> Page[Household]:
    """A page of the caseload; each household on it is access-logged as shown in a list."""
    queryset = with_overdue_tasks(caseload_queryset(access=access, scope=scope, filters=filters), timezone.localdate())
    paginator = Paginator(queryset, CASELOAD_PAGE_SIZE, allow_empty_first_page=True)
    page = paginator.get_page(page_number)
    access_log_record_many(
        access=access,
        household_ids=[household.id for household in page.object_list],
        action=AccessAction.LIST,
        what=caseload_list_what(scope, filters.search),
    )
    return page


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


def _overdue_tasks(household: Household, today: datetime.date) -> list[Task]:
    tasks = getattr(household, "overdue_tasks", None)
    if tasks is None:
        prefetched = getattr(household, "_prefetched_objects_cache", {}).get("tasks")
        source = list(prefetched) if prefetched is not None else household.tasks.filter(status=TaskStatus.OPEN)
        tasks = sorted(
            (task for task in source if task.status == TaskStatus.OPEN and task.due_date < today),
            key=lambda task: (task.due_date, task.id),
        )
    return list(tasks)


def overdue_reasons(household: Household, today: datetime.date, contact_norm_days: int) -> list[str]:
    """Why a household is overdue, in words a worker reads next to the badge; empty when it is on track.

    Uses the caseload's figures (`with_caseload_figures`) and the overdue tasks (`with_overdue_tasks`, or
    the household's prefetched tasks); the rule is the one of `overdue_condition`."""
    reasons: list[str] = []
    last_contact = getattr(household, "last_contact_date", None)
    cutoff = today - datetime.timedelta(days=contact_norm_days)
    if last_contact is None and household.registered_on < cutoff:
        days = (today - household.registered_on).days
        reasons.append(
            ngettext(
                "%(days)d day without contact since registration, norm %(norm)d",
                "%(days)d days without contact since registration, norm %(norm)d",
                days,
            )
            % {"days": days, "norm": contact_norm_days}
        )
    elif last_contact is not None and last_contact < cutoff:
        days = (today - last_contact).days
        reasons.append(
            ngettext(
                "%(days)d day without contact, norm %(norm)d", "%(days)d days without contact, norm %(norm)d", days
            )
            % {"days": days, "norm": contact_norm_days}
        )
    for task in _overdue_tasks(household, today):
        days = (today - task.due_date).days
        reasons.append(
            ngettext(
                "task “%(title)s” %(days)d day past its date", "task “%(title)s” %(days)d days past its date", days
            )
            % {"title": task.title, "days": days}
        )
    evaluation = getattr(household, "plan_evaluation_date", None)
    if evaluation is not None and evaluation < today:
        reasons.append(_("evaluation overdue since %(date)s") % {"date": date_format(evaluation, "j F Y")})
    if not reasons and getattr(household, "overdue_task_count", 0) > 0:  # tasks not loaded: at least say so
        count = household.overdue_task_count  # type: ignore[attr-defined]
        reasons.append(
            ngettext("%(count)d task past its date", "%(count)d tasks past their date", count) % {"count": count}
        )
    return reasons


# --- the coordinator's view -------------------------------------------------------------------------------


def contact_person_choices(user: User) -> QuerySet[User]:
    """The staff a user may filter the caseload by: the members of the user's teams."""
    return (
        User.objects.filter(memberships__team__in=teams_of(user)).distinct().order_by("first_name", "last_name", "id")
    )


def validate_contact_person(user: User, contact_person_id: int | None) -> None:
    if contact_person_id and not contact_person_choices(user).filter(id=contact_person_id).exists():
        raise ValidationError(_("Choose a contact person from your team(s)."), code="unknown_contact_person")


@dataclass(frozen=True)
class WorkerLoad:
    worker: User
    teams: str
    open_households: int
    overdue_households: int
    open_tasks: int
    overdue_tasks: int


def workload_for_coordinator(*, access: AccessContext, contact_norm_days: int) -> list[WorkerLoad]:
    """Per worker of the teams the user coordinates: open and overdue households (as contact person), open
    and overdue tasks. Figures only, no case data, so nothing here is access-logged; empty for anyone who
    coordinates no team. A constant number of queries, whatever the number of workers or households."""
    today = timezone.localdate()
    team_ids = list(coordinated_teams_of(access.user).values_list("id", flat=True))
    if not team_ids:
        return []
    workers = list(
        User.objects.filter(memberships__team_id__in=team_ids).distinct().order_by("first_name", "last_name", "id")
    )
    team_names: dict[int, list[str]] = {}
    for user_id, name in (
        Team.objects.filter(id__in=team_ids, memberships__user__in=workers)
        .order_by("name")
        .values_list("memberships__user_id", "name")
    ):
        team_names.setdefault(user_id, []).append(name)
    households = Household.objects.filter(team_id__in=team_ids, status__in=OPEN_STATUSES)

    def per_contact_person(queryset: QuerySet[Household]) -> dict[int, int]:
        rows = queryset.order_by().values("contact_person").annotate(n=Count("id")).values_list("contact_person", "n")
        return dict(rows)

    open_households = per_contact_person(households)
    overdue_households = per_contact_person(
        with_caseload_figures(households, today).filter(overdue_condition(today, contact_norm_days))
    )
    tasks = Task.objects.filter(team_id__in=team_ids, status=TaskStatus.OPEN).filter(
        Q(household__isnull=True) | Q(household__status__in=OPEN_STATUSES)
    )

    def per_assignee(queryset: QuerySet[Task]) -> dict[int, int]:
        return dict(queryset.order_by().values("assigned_to").annotate(n=Count("id")).values_list("assigned_to", "n"))

    open_tasks = per_assignee(tasks)
    overdue_tasks = per_assignee(tasks.filter(due_date__lt=today))
    return [
        WorkerLoad(
            worker=worker,
            teams=", ".join(team_names.get(worker.id, [])),
            open_households=open_households.get(worker.id, 0),
            overdue_households=overdue_households.get(worker.id, 0),
            open_tasks=open_tasks.get(worker.id, 0),
            overdue_tasks=overdue_tasks.get(worker.id, 0),
        )
        for worker in workers
    ]
