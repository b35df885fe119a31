"""Two colleagues withdrawing the same consent at the same moment, in real threads with connections of their
own (SQLite serialises them with BEGIN IMMEDIATE, PostgreSQL with the row lock of the conditional UPDATE):
exactly one withdrawal holds, the other is told who was first, and the register keeps the first one only."""

import pytest
from rest_framework.test import APIClient

from wijkkracht.common.tests.concurrency import parallel_db, run_together  # noqa: F401 (a fixture)
from wijkkracht.consent.models import Consent
from wijkkracht.consent.tests.helpers import organization, record
from wijkkracht.privacy.models import AccessLogEntry

pytestmark = pytest.mark.usefixtures("parallel_db")

ROUNDS = 3


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_parallel_withdrawals_give_one_success(world, round_number):
    consent = record(world, organization())
    url = f"/api/v1/consents/{consent.id}/withdraw/"
    worker, colleague = api_as(world.worker), api_as(world.colleague)

    first, second = run_together(
        lambda: worker.post(url, {"note": "door de werker"}, format="json"),
        lambda: colleague.post(url, {"note": "door de collega"}, format="json"),
    )

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [200, 400]
    winner, loser = (first, second) if first.value.status_code == 200 else (second, first)
    winner_user, note = (world.worker, "door de werker") if winner is first else (world.colleague, "door de collega")
    assert str(winner_user) in loser.value.json()["non_field_errors"][0]
    saved = Consent.objects.get(id=consent.id)
    assert (saved.withdrawn_by, saved.withdrawal_note) == (winner_user, note)
    updates = AccessLogEntry.objects.filter(household_id=world.household.id, action="update")
    assert [(row.user_id, row.what.split(":")[0]) for row in updates] == [
        (winner_user.id, f"consent {consent.id} withdrawn")
    ]
