"""The access rules for case files, in one place.

A case worker (social worker, team coordinator, second-line case director) sees the households of the
teams they belong to, and those handed over to them. Everyone else sees no case files at all: policy
officers get aggregates, functional administrators configuration, managers budgets and escalations. The one
exception lives above this module, in `escalations`: while an escalation of a household lies open with the
managers of its team, they read that household's case file through the escalation (a page of its own, every
read logged with the escalation as purpose) — never through the lists and pages of this module's rule.
"""

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.request_memo import memoized
from wijkkracht.households.models import OPEN_STATUSES, Household, HouseholdStatus
from wijkkracht.teams.models import Team

DEFAULT_PURPOSE = "uitvoering taak sociaal wijkteam"
#: Requests that change something; the service of the change writes its row. Everything else is a read.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
USER_AGENT_MAX_LENGTH = 200


@dataclass(frozen=True)
class Refusal:
    """A record asked for by id that the user may not see or that does not exist (the same to the user)."""

    kind: str
    record_id: int | str
    household_id: int | None = None
    person_id: int | None = None


@dataclass
class AccessTrail:
    """What one request has logged so far: one view row per household (and member) per request, however
    many selectors a page calls, and the refusals that the access-log middleware records on a 403 or 404."""

    viewed: set[tuple[int, int | None]] = field(default_factory=set)
    refusals: list[Refusal] = field(default_factory=list)
    teams: str | None = None  # the reader's teams, looked up once per request


@dataclass(frozen=True)
class AccessContext:
    """Who asks, through which endpoint, from where, and why: everything an access-log row needs.

    `method` is the HTTP method ("" outside a request, e.g. a command): selectors log a view row for every
    read, and leave writes to the service that makes them (one row in the same transaction).
    """

    user: User
    endpoint: str
    purpose: str = DEFAULT_PURPOSE
    method: str = ""
    ip: str | None = None
    user_agent: str = ""
    trail: AccessTrail = field(default_factory=AccessTrail, compare=False, repr=False)

    @property
    def is_read(self) -> bool:
        return self.method.upper() not in WRITE_METHODS

    @classmethod
    def from_request(cls, request: HttpRequest, purpose: str = DEFAULT_PURPOSE) -> "AccessContext":
        user = request.user
        assert isinstance(user, User), "access context needs an authenticated user"
        return cls(
            user=user,
            endpoint=f"{request.method} {request.path}"[:300],
            purpose=purpose,
            method=request.method or "",
            ip=client_ip(request),
            user_agent=user_agent(request),
            trail=trail_of(request),
        )


def trail_of(request: Any) -> AccessTrail:
    """The request's access trail, shared by every AccessContext made from it (DRF wraps the request)."""
    raw = getattr(request, "_request", request)
    trail = getattr(raw, "_access_trail", None)
    if trail is None:
        trail = AccessTrail()
        raw._access_trail = trail
    return trail


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the last address in the trusted proxy's header when
    ACCESS_LOG_CLIENT_IP_HEADER names one (e.g. X-Forwarded-For; the last entry is the one the proxy added,
    earlier ones are whatever the client sent). Anything that is not an IP address is ignored."""
    header = getattr(settings, "ACCESS_LOG_CLIENT_IP_HEADER", "") or ""
    candidates = []
    if header:
        meta_key = header.upper().replace("-", "_")
        if not meta_key.startswith("HTTP_"):
            meta_key = f"HTTP_{meta_key}"
        forwarded = [part.strip() for part in request.META.get(meta_key, "").split(",") if part.strip()]
        candidates.extend(forwarded[-1:])
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX_LENGTH]


def can_work_with_cases(user: User) -> bool:
    return user.is_authenticated and user.works_with_cases


def require_case_worker(user: User) -> None:
    """Services refuse case-file writes by roles without case access, whatever the caller checked."""
    if not can_work_with_cases(user):
        raise ValidationError(_("Your role does not give access to case files."), code="no_case_access")


def teams_of(user: User) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user)


def memberships_of(user: User) -> tuple[Team, ...]:
    """The user's teams by name, looked up once per request (`common.request_memo`; forgotten when a
    membership changes): the access rule, the menus and the access log's teams text share one query."""
    if user.pk is None:
        return ()
    return memoized(("teams_of", user.pk), lambda: tuple(Team.objects.filter(memberships__user=user).order_by("name")))


def team_ids_of(user: User) -> list[int]:
    return [team.id for team in memberships_of(user)]


def coordinated_team_ids_of(user: User) -> list[int]:
    """`coordinated_teams_of` as ids, from the request's memo."""
    if user.role != Role.TEAM_COORDINATOR or not user.is_active:
        return []
    return team_ids_of(user)


def coordinated_teams_of(user: User) -> QuerySet[Team]:
    if user.role != Role.TEAM_COORDINATOR or not user.is_active:
        return Team.objects.none()
    return teams_of(user)


def visible_households(user: User) -> QuerySet[Household]:
    """Households whose case file this user may see; empty for roles without case access."""
    if not can_work_with_cases(user):
        return Household.objects.none()
    # Literal team ids, and the case director's condition only for case directors: an OR or a subquery
    # here keeps the databases from using the (team, status) index, and every list would scan the city.
    own_team_ids = team_ids_of(user)
    condition = Q(team_id__in=own_team_ids)
    if user.role == Role.SECOND_LINE_REGISSEUR:
        condition |= Q(second_line_regisseur=user)
    return Household.objects.filter(condition)


def write_refusal(user: User, household: Household) -> str | None:
    """Who may write to a household's case file, in one place; None when `user` may, otherwise the reason
    (a Dutch message). Every service that writes to a case file asks this (through
    `households.services.refuse_if_closed`), and the pages hide what it refuses:

    - an open household: its team; and, while a handover to the second line is sent (the period of shared
      ownership), the case director it was sent to as well;
    - a household handed over to the second line: only its case director; the team keeps reading it;
    - a closed household: nobody (a coordinator of its team can reopen it).
    """
    if not can_work_with_cases(user):
        return _("Your role does not give access to case files.")
    if household.status == HouseholdStatus.HANDED_OVER:
        if household.second_line_regisseur_id == user.id:
            return None
        return _(
            "This household has been handed over to the second line: its case director works the case now, "
            "and your team can only read it."
        )
    if household.status not in OPEN_STATUSES:
        return _("This household is closed, so its case file can only be read; a coordinator can reopen it.")
    if household.second_line_regisseur_id == user.id or household.team_id in team_ids_of(user):
        return None
    return _("Only the household's team can change its case file.")


def may_write(user: User, household: Household) -> bool:
    """`write_refusal` as a yes or no, for pages that show or hide their buttons."""
    return write_refusal(user, household) is None
