"""Two colleagues starting the same measurement at the same moment, in real threads with connections of
their own: one draft, one clear message, never a server error and never two drafts (the database keeps
at most one draft per household × instrument × member)."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from wijkkracht.common.tests.concurrency import parallel_db, run_together  # noqa: F401 (a fixture)
from wijkkracht.diagnosis.models import Measurement, MeasurementStatus
from wijkkracht.instruments.registry import instrument_catalogue

#: The world of each test on a database that parallel connections can write to (see `parallel_db`).
pytestmark = pytest.mark.usefixtures("parallel_db")


@pytest.fixture(autouse=True)
def registered_instruments(world) -> None:
    """The instrument versions are registered before the race: registering them is not what is tested."""
    instrument_catalogue()


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("per_member", [False, True], ids=["household", "member"])
def test_parallel_measurement_starts_through_the_api_give_one_draft(world, per_member):
    anna = world.household.members.get()
    payload = {"household": world.household.id, "date": timezone.localdate().isoformat()}
    payload |= (
        {"instrument": "leefgebiedenmatrix", "person": anna.id} if per_member else {"instrument": "integrale-nulmeting"}
    )
    worker, colleague = api_as(world.worker), api_as(world.colleague)

    first, second = run_together(
        lambda: worker.post("/api/v1/measurements/", payload, format="json"),
        lambda: colleague.post("/api/v1/measurements/", payload, format="json"),
    )

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [201, 400]
    loser = first.value if first.value.status_code == 400 else second.value
    assert "instrument" in loser.json()
    assert Measurement.objects.filter(household=world.household, status=MeasurementStatus.DRAFT).count() == 1


def test_parallel_measurement_starts_on_the_page_give_one_draft_and_a_message(world):
    url = f"/huishoudens/{world.household.id}/metingen/nieuw/"
    data = {"instrument": "integrale-nulmeting", "date": timezone.localdate().isoformat(), "participation": "together"}
    worker, colleague = Client(), Client()
    worker.force_login(world.worker)
    colleague.force_login(world.colleague)

    first, second = run_together(lambda: worker.post(url, data), lambda: colleague.post(url, data))

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [200, 302]
    loser = first.value if first.value.status_code == 200 else second.value
    assert loser.context["form"].errors["instrument"]
    assert Measurement.objects.filter(household=world.household).count() == 1


def test_a_measurement_completed_twice_in_parallel_is_completed_once(world):
    from wijkkracht.diagnosis.services import ScoreInput, measurement_start
    from wijkkracht.privacy.models import AccessLogEntry

    definition = instrument_catalogue().get("integrale-nulmeting").parsed
    measurement = measurement_start(
        access=world.access(),
        household=world.household,
        instrument_code="integrale-nulmeting",
        date=timezone.localdate(),
        scores={code: ScoreInput(2) for code in definition.domain_codes},
    )
    url = f"/api/v1/measurements/{measurement.id}/complete/"
    worker, colleague = api_as(world.worker), api_as(world.colleague)

    first, second = run_together(lambda: worker.post(url), lambda: colleague.post(url))

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [200, 400]
    assert Measurement.objects.get(id=measurement.id).status == MeasurementStatus.COMPLETE
    assert AccessLogEntry.objects.filter(what="measurement completed").count() == 1


def test_the_database_refuses_a_second_draft_for_the_same_subject(db, world):
    """The constraint itself, without the service's check: NULL members do not slip past it."""
    version = instrument_catalogue().get("integrale-nulmeting")
    anna = world.household.members.get()
    person_version = instrument_catalogue().get("leefgebiedenmatrix")
    common = {"household": world.household, "date": timezone.localdate(), "created_by": world.worker}
    Measurement.objects.create(instrument=version, instrument_code=version.code, moment=0, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(instrument=version, instrument_code=version.code, moment=1, **common)
    Measurement.objects.create(
        instrument=person_version, instrument_code=person_version.code, person=anna, moment=0, **common
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(
            instrument=person_version, instrument_code=person_version.code, person=anna, moment=1, **common
        )
    assert Measurement.objects.count() == 2


def _draft(world) -> Measurement:
    from wijkkracht.diagnosis.services import ScoreInput, measurement_start

    return measurement_start(
        access=world.access(),
        household=world.household,
        instrument_code="integrale-nulmeting",
        date=timezone.localdate(),
        scores={"werk": ScoreInput(2)},
    )


def _scores(measurement) -> dict[str, int]:
    from wijkkracht.diagnosis.models import Score

    return dict(Score.objects.filter(measurement_id=measurement.id).values_list("domain_code", "value"))


def test_two_parallel_score_saves_through_the_api_give_one_success(world):
    """Both read version 1 and save at once: one is saved whole, the other refused whole (no per-domain mix)."""
    measurement = _draft(world)
    url = f"/api/v1/measurements/{measurement.id}/"
    mine = {"scores": [{"domain": "werk", "value": 1}, {"domain": "wonen", "value": 1}], "lock_version": 1}
    theirs = {"scores": [{"domain": "werk", "value": 4}, {"domain": "wonen", "value": 4}], "lock_version": 1}
    worker, colleague = api_as(world.worker), api_as(world.colleague)

    first, second = run_together(
        lambda: worker.patch(url, mine, format="json"), lambda: colleague.patch(url, theirs, format="json")
    )

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [200, 400]
    winner, loser = (first.value, second.value) if first.value.status_code == 200 else (second.value, first.value)
    assert list(loser.json()) == ["lock_version"]
    value = 1 if winner is first.value else 4
    assert _scores(measurement) == {"werk": value, "wonen": value}
    assert Measurement.objects.get(id=measurement.id).lock_version == 2 and winner["ETag"] == '"2"'


def test_two_parallel_score_saves_on_the_page_give_one_success_and_a_message(world):
    measurement = _draft(world)
    url = f"/huishoudens/{world.household.id}/metingen/{measurement.id}/"
    worker, colleague = Client(), Client()
    worker.force_login(world.worker)
    colleague.force_login(world.colleague)
    mine = {"score_werk": "1", "score_wonen": "1", "save": "1", "expected_version": "1"}
    theirs = {"score_werk": "4", "score_wonen": "4", "save": "1", "expected_version": "1"}

    first, second = run_together(lambda: worker.post(url, mine), lambda: colleague.post(url, theirs))

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [200, 302]
    loser = first.value if first.value.status_code == 200 else second.value
    assert loser.context["form"].non_field_errors()
    value = 4 if loser is first.value else 1
    assert _scores(measurement) == {"werk": value, "wonen": value}
    assert Measurement.objects.get(id=measurement.id).lock_version == 2
