"""The access rules for case files, in one place.

A case worker (social worker, team coordinator, second-line case director) sees the households of the
teams they belong to, and those handed over to them. Everyone else sees no case files at all: policy
officers get aggregates, functional administrators configuration.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.households.models import Household
from wijkkracht.teams.models import Team

DEFAULT_PURPOSE = "uitvoering taak sociaal wijkteam"


@dataclass(frozen=True)
class AccessContext:
    """Who asks, through which endpoint, and why: everything an access-log row needs."""

    user: User
    endpoint: str
    purpose: str = DEFAULT_PURPOSE

    @classmethod
    def from_request(cls, request: HttpRequest, purpose: str = DEFAULT_PURPOSE) -> "AccessContext":
        user = request.user
        assert isinstance(user, User), "access context needs an authenticated user"
        return cls(user=user, endpoint=f"{request.method} {request.path}"[:300], purpose=purpose)


def can_work_with_cases(user: User) -> bool:
    return user.is_authenticated and user.works_with_cases


def require_case_worker(user: User) -> None:
    """Services refuse case-file writes by roles without case access, whatever the caller checked."""
    if not can_work_with_cases(user):
        raise ValidationError(_("Your role does not give access to case files."), code="no_case_access")


def teams_of(user: User) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user)


def coordinated_teams_of(user: User) -> QuerySet[Team]:
    if user.role != Role.TEAM_COORDINATOR or not user.is_active:
        return Team.objects.none()
    return teams_of(user)


def visible_households(user: User) -> QuerySet[Household]:
    """Households whose case file this user may see; empty for roles without case access."""
    if not can_work_with_cases(user):
        return Household.objects.none()
    own_team_ids = teams_of(user).values("id")
    return Household.objects.filter(Q(team_id__in=own_team_ids) | Q(second_line_regisseur=user))
