"""Test helpers of escalations: a manager of a team, and an escalation raised (and forwarded) through the
services, as the pages and the API do."""

from wijkkracht.accounts.models import Role, User
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.escalations import services
from wijkkracht.escalations.models import Escalation
from wijkkracht.teams.models import Team
from wijkkracht.teams.tests.factories import TeamMembershipFactory


def manager_of(team: Team, username: str = "manager") -> User:
    """A manager with the power to push through, member of `team` (no case access)."""
    return TeamMembershipFactory(team=team, user=UserFactory(username=username, role=Role.MANAGER)).user


def raise_escalation(world, household=None, user=None, blocked: str = "") -> Escalation:  # type: ignore[no-untyped-def]
    return services.escalation_raise(
        access=world.access(user or world.worker),
        household_id=(household or world.household).id,
        blocked=blocked or "De woningcorporatie schort de huisuitzetting niet op",
        blocked_by="Woningcorporatie Noord",
        needed="Een besluit over een betalingsregeling",
    )


def forward_escalation(world, escalation: Escalation, user=None) -> Escalation:  # type: ignore[no-untyped-def]
    return services.escalation_forward(
        access=world.access(user or world.coordinator),
        escalation_id=escalation.id,
        reason="De corporatie reageert niet op de coördinator",
        lock_version=escalation.lock_version,
    )


def escalation_records(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """An open escalation of the world's household, for the structural tests that walk every URL: by kind
    (`escalation_id`, the access-log walk) and by API collection (`escalations`, the API conventions)."""
    escalation = raise_escalation(world)
    return {"escalation": escalation.id, "escalations": escalation.id}
