"""Two answers to one referral at the same moment (two staff members of the partner, in real threads with
connections of their own): exactly one wins, the other is told, and the history has one answer."""

import pytest

from wijkkracht.common.tests.concurrency import parallel_db, run_together  # noqa: F401 (a fixture)
from wijkkracht.referrals import services
from wijkkracht.referrals.models import Referral, ReferralEvent
from wijkkracht.referrals.tests.helpers import partner, send

pytestmark = pytest.mark.usefixtures("parallel_db")


@pytest.mark.parametrize("second", ["accepted", "declined"])
def test_parallel_answers_give_one_success(world, second):
    referral = send(world)
    first_agent, second_agent = partner(referral.organization), partner(referral.organization)

    def answer(user, status):
        return lambda: services.referral_status_change(
            access=world.access(user), referral_id=referral.id, status=status, reason="Geen plek.", lock_version=1
        )

    one, two = run_together(answer(first_agent, "accepted"), answer(second_agent, second))
    assert [one.ok, two.ok].count(True) == 1, (one.error, two.error)
    loser = two if one.ok else one
    assert "status" in loser.error.message_dict or "lock_version" in loser.error.message_dict
    stored = Referral.objects.get(id=referral.id)
    assert stored.lock_version == 2
    assert ReferralEvent.objects.filter(referral=referral).exclude(status="sent").count() == 1
