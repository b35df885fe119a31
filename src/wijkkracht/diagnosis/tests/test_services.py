import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wijkkracht.diagnosis import services
from wijkkracht.diagnosis.models import Measurement, MeasurementStatus, Score
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.privacy.models import AccessLogEntry

TODAY = timezone.localdate


def start(world, code="integrale-nulmeting", **kwargs):
    return services.measurement_start(
        access=world.access(),
        household=world.household,
        instrument_code=code,
        date=kwargs.pop("date", TODAY()),
        **kwargs,
    )


def test_moments_are_numbered_automatically(world):
    world.household.registered_on = TODAY() - datetime.timedelta(days=60)
    world.household.save()
    first = take(world, "integrale-nulmeting", 3, date=TODAY() - datetime.timedelta(days=30))
    second = take(world, "integrale-nulmeting", 2)
    assert (first.moment, second.moment) == (0, 1)
    assert second.instrument.version == 1 and second.status == MeasurementStatus.COMPLETE


def test_a_1_meting_before_any_0_meting_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        start(world, moment=1)
    assert "0-meting" in caught.value.message_dict["moment"][0]
    assert not Measurement.objects.exists()


def test_an_unfinished_measurement_blocks_the_next(world):
    start(world)
    with pytest.raises(ValidationError, match="onafgeronde meting"):
        start(world)


def test_person_instruments_need_a_member_of_this_household(world):
    with pytest.raises(ValidationError) as caught:
        start(world, "leefgebiedenmatrix")
    assert "person" in caught.value.message_dict
    with pytest.raises(ValidationError):
        start(world, "leefgebiedenmatrix", person_id=world.other_household.members.get().id)
    with pytest.raises(ValidationError):
        start(world, "integrale-nulmeting", person_id=world.household.members.get().id)


@pytest.mark.parametrize(
    ("scores", "fragment"),
    [
        ({"vliegen": services.ScoreInput(1)}, "geen domein"),
        ({"werk": services.ScoreInput(9)}, "geen waarde van deze schaal"),
        ({"werk": services.ScoreInput(0)}, "mogelijk: 1, 2, 3, 4"),
        ({"werk": services.ScoreInput(1, "x" * 1001)}, "maximaal 1000"),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_saved(world, scores, fragment):
    with pytest.raises(ValidationError) as caught:
        start(world, scores=scores)
    assert any(fragment in m for m in caught.value.messages), caught.value.messages
    assert not Measurement.objects.exists() and not Score.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_draft_is_saved_in_parts_and_completed_when_every_domain_is_scored(world):
    measurement = start(world, scores={"werk": services.ScoreInput(4, "geen werk")})
    services.measurement_scores_save(
        access=world.access(),
        measurement=measurement,
        expected_version=measurement.lock_version,
        scores={"wonen": services.ScoreInput(2)},
    )
    with pytest.raises(ValidationError) as caught:
        services.measurement_complete(access=world.access(), measurement=measurement)
    message = caught.value.message_dict["scores"][0]
    assert "Veiligheid" in message and "Financiën" in message and "Werk" not in message.split(":")[-1]
    assert Measurement.objects.get().status == MeasurementStatus.DRAFT

    rest = {c: services.ScoreInput(1) for c in measurement.instrument.parsed.domain_codes if c not in ("werk", "wonen")}
    services.measurement_scores_save(
        access=world.access(), measurement=measurement, expected_version=measurement.lock_version, scores=rest
    )
    services.measurement_complete(access=world.access(), measurement=measurement)
    assert Measurement.objects.get().completed_at is not None
    assert Score.objects.get(domain_code="werk").note == "geen werk"


def test_clearing_a_score_with_none(world):
    measurement = start(world, scores={"werk": services.ScoreInput(4)})
    services.measurement_scores_save(
        access=world.access(),
        measurement=measurement,
        expected_version=measurement.lock_version,
        scores={"werk": services.ScoreInput(None)},
    )
    assert not measurement.scores.exists()


def test_a_complete_measurement_cannot_change(world):
    measurement = take(world, "integrale-nulmeting", 2)
    with pytest.raises(ValidationError):
        services.measurement_scores_save(
            access=world.access(),
            measurement=measurement,
            expected_version=measurement.lock_version,
            scores={"werk": services.ScoreInput(1)},
        )
    with pytest.raises(ValidationError):
        services.measurement_complete(access=world.access(), measurement=measurement)


def test_no_measurement_before_the_previous_one(world):
    take(world, "integrale-nulmeting", 2)
    with pytest.raises(ValidationError) as caught:
        start(world, date=TODAY() - datetime.timedelta(days=3))
    assert "date" in caught.value.message_dict


def test_old_measurements_keep_their_instrument_version(world, settings, tmp_path):
    old = take(world, "integrale-nulmeting", 2)
    source = instrument_catalogue().get("integrale-nulmeting").source
    from wijkkracht.instruments.registry import SHIPPED_DIR

    text = (
        (SHIPPED_DIR / source)
        .read_text()
        .replace("version: 1", "version: 2")
        .replace("label: Veiligheid", "label: Veilig thuis")
    )
    (tmp_path / "nulmeting-v2.yaml").write_text(text)
    settings.INSTRUMENTS_DIR = str(tmp_path)
    new = take(world, "integrale-nulmeting", 1)
    assert (old.instrument.version, new.instrument.version) == (1, 2)
    old = Measurement.objects.get(id=old.id)
    assert old.instrument.parsed.domains[0].label == "Veiligheid"


SCALE = [1, 2, 3, 4]
DOMAINS = ["veiligheid", "wonen", "opleiding", "werk", "opvoeden", "vrije-tijd", "zorg", "financien"]


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(DOMAINS), st.sampled_from(SCALE), min_size=1))
def test_any_valid_score_set_round_trips(world, values):
    Measurement.objects.all().delete()
    measurement = start(world, scores={code: services.ScoreInput(value, f"n-{code}") for code, value in values.items()})
    stored = {s.domain_code: (s.value, s.note) for s in Score.objects.filter(measurement=measurement)}
    assert stored == {code: (value, f"n-{code}") for code, value in values.items()}


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.one_of(st.sampled_from(DOMAINS), st.from_regex(r"[a-z]{3,8}", fullmatch=True)),
        st.integers(-3, 8),
        min_size=1,
    ).filter(lambda d: any(code not in DOMAINS or value not in SCALE for code, value in d.items()))
)
def test_any_invalid_score_set_is_refused(world, values):
    Measurement.objects.all().delete()
    with pytest.raises(ValidationError):
        start(world, scores={code: services.ScoreInput(value) for code, value in values.items()})
    assert not Measurement.objects.exists()
