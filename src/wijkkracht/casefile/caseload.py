"""The caseload: households with their contacts, tasks and plan dates, searched, filtered and sorted; why a
household is overdue; and a coordinator's workload per worker. Like every selector it starts from the
households the user may see and access-logs what a page shows (one bulk row per page).

Search (`q`, at most `SEARCH_MAX_LENGTH` characters) finds a household by
- its name, any member's first or last name, or its street: every word must occur in one of these,
  in any case and with or without accents ("ozturk" finds "Öztürk"): the words are compared with the
  household's stored search text (`households.figures.fold`), which PostgreSQL indexes with trigrams;
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
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkkracht.accounts.models import CASE_ROLES, Role, User
from wijkkracht.households.figures import fold, household_figures_catch_up, overdue_q, overdue_terms_met
from wijkkracht.households.models import OPEN_STATUSES, Household, HouseholdStatus, Person, Task, TaskStatus
from wijkkracht.households.selectors import with_household_figures
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
    for word in fold(search).split():  # the stored search text: name, street and members, folded alike
        words &= Q(search_text__contains=word)
    return condition | words


def overdue_condition(today: datetime.date, contact_norm_days: int) -> Q:
    """Overdue: an open task past its date, a plan evaluation past its date, or no contact within the
    municipality's contact norm — the rule of `households.figures.OVERDUE_TERMS`, on stored columns."""
    return overdue_q(today, contact_norm_days)


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
        mine = Q(contact_person=access.user)
        if access.user.role == Role.SECOND_LINE_REGISSEUR:
            mine |= Q(second_line_regisseur=access.user)
        queryset = queryset.filter(mine)
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
    queryset = with_household_figures(queryset, today)
    if filters.sort.lstrip("-") == "status":
        queryset = queryset.annotate(status_rank=_status_rank())
    if filters.overdue:
        queryset = queryset.filter(overdue_condition(today, Municipality.current().contact_norm_days))
    return queryset.order_by(*CASELOAD_SORTS.get(filters.sort, CASELOAD_SORTS["last_contact"]))


def caseload_list_what(scope: CaseloadScope, search: str, base: str | None = None) -> str:
    """What the access log says a caseload list showed; a search by BSN says so."""
    what = base or ("caseload" if scope == "team" else "my households")
    return f"{what}, search by BSN" if is_bsn_search(search) else what


def caseload_page(
    *, access: AccessContext, scope: CaseloadScope, filters: CaseloadFilters, page_number: str | int = 1
) -> Page[Household]:
    """A page of the caseload; each household on it is access-logged as shown in a list."""
    queryset = caseload_queryset(access=access, scope=scope, filters=filters)
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
    """The rule of `overdue_condition`, for a household already loaded."""
    return bool(overdue_terms_met(household, today, contact_norm_days))


def overdue_reasons(household: Household, today: datetime.date, contact_norm_days: int) -> list[str]:
    """Why a household is overdue, in words a worker reads next to the badge; empty when it is on track.
    One sentence per term of the overdue rule met (`households.figures.OVERDUE_TERMS`), one per overdue task."""
    reasons: list[str] = []
    met = overdue_terms_met(household, today, contact_norm_days)
    if "contact" in met:
        last_contact = household.last_contact_date
        if last_contact is None:
            days = (today - household.registered_on).days
            reasons.append(
                ngettext(
                    "%(days)d day without contact since registration, norm %(norm)d",
                    "%(days)d days without contact since registration, norm %(norm)d",
                    days,
                )
                % {"days": days, "norm": contact_norm_days}
            )
        else:
            days = (today - last_contact).days
            reasons.append(
                ngettext(
                    "%(days)d day without contact, norm %(norm)d", "%(days)d days without contact, norm %(norm)d", days
                )
                % {"days": days, "norm": contact_norm_days}
            )
    if "task" in met:
        for task in household.overdue_tasks_list:
            days = (today - task.due_date).days
            reasons.append(
                ngettext(
                    "task “%(title)s” %(days)d day past its date", "task “%(title)s” %(days)d days past its date", days
                )
                % {"title": task.title, "days": days}
            )
    if "evaluation" in met and household.plan_evaluation_date is not None:
        reasons.append(
            _("evaluation overdue since %(date)s") % {"date": date_format(household.plan_evaluation_date, "j F Y")}
        )
    return reasons


# --- the coordinator's view -------------------------------------------------------------------------------


def contact_person_choices(user: User) -> QuerySet[User]:
    """The staff a user may filter the caseload by: the case workers of the user's teams (a team's manager is a
    member too, but never anyone's contact person)."""
    return (
        User.objects.filter(memberships__team__in=teams_of(user), role__in=CASE_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "id")
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
        User.objects.filter(memberships__team_id__in=team_ids, role__in=CASE_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "id")
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
    household_figures_catch_up(today=today)
    overdue_households = per_contact_person(households.filter(overdue_condition(today, contact_norm_days)))
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
