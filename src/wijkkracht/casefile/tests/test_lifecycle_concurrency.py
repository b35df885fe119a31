"""Two colleagues closing the same household at the same moment, in real threads with connections of
their own: exactly one closing is saved (the household's row lock), its tasks are decided once and its
plan closed once; the other is refused and saves nothing. Meant for SQLite and PostgreSQL alike."""

import pytest
from rest_framework.test import APIClient

from wijkkracht.common.tests.concurrency import parallel_db, run_together  # noqa: F401 (a fixture)
from wijkkracht.households.models import HouseholdStatus, StatusChange, Task, TaskStatus
from wijkkracht.households.tests.factories import TaskFactory
from wijkkracht.plans.models import PlanChange, PlanStatus
from wijkkracht.plans.tests.helpers import start_plan

pytestmark = pytest.mark.usefixtures("parallel_db")


def api_as(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("round_number", range(3))
def test_two_closings_at_once_give_one(world, round_number):
    plan = start_plan(world)
    call = TaskFactory(household=world.household, title="Terugbellen")
    url = f"/api/v1/households/{world.household.id}/status/"
    worker, colleague = api_as(world.worker), api_as(world.colleague)

    first, second = run_together(
        lambda: worker.post(
            url,
            {"to_status": "closed", "reason": "Klaar", "tasks": [{"task": call.id, "outcome": "done"}]},
            format="json",
        ),
        lambda: colleague.post(
            url,
            {"to_status": "closed", "reason": "Verhuisd", "tasks": [{"task": call.id, "outcome": "cancelled"}]},
            format="json",
        ),
    )

    assert first.ok and second.ok, (first.error, second.error)
    codes = sorted([first.value.status_code, second.value.status_code])
    assert codes == [200, 400], (first.value.content, second.value.content)
    winner_is_first = first.value.status_code == 200
    world.household.refresh_from_db()
    call.refresh_from_db()
    plan.refresh_from_db()
    expected = (
        (HouseholdStatus.CLOSED, TaskStatus.DONE) if winner_is_first else (HouseholdStatus.CLOSED, TaskStatus.CANCELLED)
    )
    assert (world.household.status, call.status) == expected
    assert StatusChange.objects.filter(household=world.household).count() == 1
    assert plan.status == PlanStatus.CLOSED
    assert PlanChange.objects.filter(plan=plan, summary__in=["plan closed", "plan afgesloten"]).count() == 1
    assert Task.objects.filter(household=world.household, status=TaskStatus.OPEN).count() == 0
