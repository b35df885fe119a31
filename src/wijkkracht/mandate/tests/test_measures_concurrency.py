"""Decisions at the same moment: of two approvals of one step exactly one counts, and two measures approved at
once never both spend the last of the budget (the team's row serialises budget decisions)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.common.tests.concurrency import parallel_db, run_together  # noqa: F401 (a fixture)
from wijkkracht.mandate import services
from wijkkracht.mandate.budget import team_budget
from wijkkracht.mandate.models import ApprovalDecision, Measure, MeasureApproval, MeasureStatus
from wijkkracht.mandate.policy import forget_policy
from wijkkracht.mandate.tests.measure_helpers import access, add_managers, member, small_budget, today
from wijkkracht.teams.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.usefixtures("parallel_db")


@pytest.fixture(autouse=True)
def _fresh_policy():
    forget_policy()
    yield
    forget_policy()


def propose(world, amount: str) -> Measure:
    return services.measure_propose(
        access=access(world.worker),
        household_id=world.household.id,
        person_id=member(world).id,
        kind_code="bijzondere_bijstand",
        reason="Kapotte wasmachine",
        start_date=today(),
        amount=amount,
    )


def test_two_coordinators_approving_one_step_at_once_decide_it_once(world):
    second = TeamMembershipFactory(team=world.team, user=UserFactory(username="coord2", coordinator=True)).user
    measure = propose(world, "450")
    outcomes = run_together(
        lambda: services.measure_approve(access=access(world.coordinator), measure_id=measure.id, note="een"),
        lambda: services.measure_approve(access=access(second), measure_id=measure.id, note="twee"),
    )
    assert sorted(outcome.ok for outcome in outcomes) == [False, True]
    loser = next(outcome for outcome in outcomes if not outcome.ok)
    assert isinstance(loser.error, ValidationError), loser.error
    step = MeasureApproval.objects.get(measure=measure)
    assert step.decision == ApprovalDecision.APPROVED and step.note in {"een", "twee"}
    assert Measure.objects.get(id=measure.id).status == MeasureStatus.APPROVED


def test_two_approvals_at_once_never_both_spend_the_last_of_the_budget(world):
    add_managers(world)
    second = TeamMembershipFactory(team=world.team, user=UserFactory(username="coord2", coordinator=True)).user
    small_budget(world.team)  # € 500.00
    first, other = propose(world, "300"), propose(world, "300")  # each fits alone; both wait for a coordinator
    outcomes = run_together(
        lambda: services.measure_approve(access=access(world.coordinator), measure_id=first.id),
        lambda: services.measure_approve(access=access(second), measure_id=other.id),
    )
    assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
    statuses = sorted(Measure.objects.filter(id__in=[first.id, other.id]).values_list("status", flat=True))
    assert statuses == [MeasureStatus.APPROVED, MeasureStatus.PROPOSED]
    waiting = Measure.objects.get(id__in=[first.id, other.id], status=MeasureStatus.PROPOSED)
    assert waiting.approvals.get(step="budget").decision == ApprovalDecision.PENDING
    assert team_budget(world.team, today().year, today()).remaining == Decimal("200.00")
