import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wijkkracht.casefile import services as lifecycle
from wijkkracht.diagnosis import services
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.households.models import HouseholdStatus
from wijkkracht.households.tests.factories import PersonFactory


@pytest.fixture
def at_intake(world):
    lifecycle.household_status_change(
        access=world.access(), household=world.household, to_status=HouseholdStatus.INTAKE, reason="gesprek"
    )
    return world


def to_plan(world):
    return lifecycle.household_status_change(
        access=world.access(), household=world.household, to_status=HouseholdStatus.PLAN, reason="diagnose klaar"
    )


def test_intake_is_not_complete_until_work_and_ladder_are_scored_for_each_adult(at_intake):
    world = at_intake
    anna = world.household.members.get()
    PersonFactory(
        household=world.household, first_name="Kind", date_of_birth=timezone.localdate() - datetime.timedelta(days=3650)
    )
    with pytest.raises(ValidationError) as caught:
        to_plan(world)
    message = caught.value.message_dict["to_status"][0]
    assert "Anna" in message and "het domein werk" in message and "de participatieladder" in message
    assert "Kind" not in message  # children are not asked about work

    take(world, "leefgebiedenmatrix", 3, person=anna)
    with pytest.raises(ValidationError) as caught:
        to_plan(world)
    assert "het domein werk" not in caught.value.message_dict["to_status"][0]

    take(world, "participatieladder", 2, person=anna)
    assert to_plan(world).status == HouseholdStatus.PLAN


def test_a_draft_does_not_count(at_intake):
    world = at_intake
    anna = world.household.members.get()
    services.measurement_start(
        access=world.access(),
        household=world.household,
        instrument_code="participatieladder",
        person_id=anna.id,
        date=timezone.localdate(),
        scores={"participatie": services.ScoreInput(3)},
    )
    take(world, "leefgebiedenmatrix", 3, person=anna)
    with pytest.raises(ValidationError, match="participatieladder"):
        to_plan(world)


def test_a_recorded_reason_replaces_the_scores(at_intake):
    world = at_intake
    with pytest.raises(ValidationError):
        services.work_score_waiver_record(access=world.access(), person=world.household.members.get(), reason="  ")
    services.work_score_waiver_record(
        access=world.access(), person=world.household.members.get(), reason="Fulltime mantelzorger"
    )
    assert to_plan(world).status == HouseholdStatus.PLAN


def test_the_household_page_shows_what_is_missing(at_intake, client):
    client.force_login(at_intake.worker)
    page = client.get(f"/huishoudens/{at_intake.household.id}/").content.decode()
    assert "Werk vanaf het begin" in page and "Anna" in page
