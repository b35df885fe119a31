"""Helpers of the measure tests: a manager per team on top of the `world` fixture, a member, a small budget, and
a snapshot of everything a refused decision must leave untouched."""

import datetime
from dataclasses import dataclass
from typing import Any

import yaml
from django.utils import timezone

from wijkkracht.accounts.models import Role, User
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.households.models import Person, Task
from wijkkracht.instruments.definitions import read_file
from wijkkracht.mandate.models import MandateFile, Measure, MeasureApproval
from wijkkracht.mandate.policy import SHIPPED_FILE
from wijkkracht.privacy.access import AccessContext
from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.teams.models import Team, Wijk
from wijkkracht.teams.tests.factories import TeamMembershipFactory


@dataclass
class Managers:
    manager: User
    other_manager: User


def add_managers(world: Any) -> Managers:
    manager = TeamMembershipFactory(team=world.team, user=UserFactory(username="manager", role=Role.MANAGER)).user
    other = TeamMembershipFactory(
        team=world.other_team, user=UserFactory(username="other_manager", role=Role.MANAGER)
    ).user
    return Managers(manager=manager, other_manager=other)


def access(user: User, endpoint: str = "test", method: str = "POST") -> AccessContext:
    """A write's context (a read: method "GET")."""
    return AccessContext(user=user, endpoint=endpoint, method=method)


def member(world: Any) -> Person:
    return world.household.members.order_by("id").first()


def small_budget(team: Team, residents: int = 40) -> None:
    """Shrink the team's districts: with the shipped 2026 rates (9.50 + 3.00 per resident) 40 residents give a
    budget of € 500.00 (no contacts in the world)."""
    Wijk.objects.filter(teams=team).update(residents=0)
    wijk = Wijk.objects.filter(teams=team).first()
    assert wijk is not None
    Wijk.objects.filter(id=wijk.id).update(residents=residents)


def upload_policy(change: Any) -> MandateFile:
    """Put a changed copy of the shipped policy in force: `change(raw)` edits the parsed file."""
    raw = read_file(SHIPPED_FILE)
    change(raw)
    return MandateFile.objects.create(name="test.yaml", content=yaml.safe_dump(raw), is_active=True)


def today() -> datetime.date:
    return timezone.localdate()


def snapshot() -> dict[str, Any]:
    """What a refused change must not alter: every measure and approval with their fields, tasks, log rows."""
    return {
        "measures": list(Measure.objects.order_by("id").values()),
        "approvals": list(MeasureApproval.objects.order_by("id").values()),
        "tasks": list(Task.objects.order_by("id").values("id", "status", "assigned_to_id", "title")),
        "changes": AccessLogEntry.objects.filter(action__in=["create", "update"]).count(),
    }


def measure_records(world: Any) -> dict[str, int]:
    """For the structural walks: a measure of € 450 bijzondere bijstand proposed by the team's worker (above the
    worker's mandate), so it has a pending approval step for the coordinator. Ids by collection and kind."""
    from wijkkracht.mandate.services import measure_propose

    measure = measure_propose(
        access=access(world.worker),
        household_id=world.household.id,
        person_id=member(world).id,
        kind_code="bijzondere_bijstand",
        reason="Kapotte wasmachine",
        start_date=today(),
        amount="450",
    )
    approval = measure.approvals.get()
    return {"measures": measure.id, "approvals": approval.id, "measure": measure.id, "approval": approval.id}
