"""Optimistic locking of a draft measurement's scores: a save based on an older version (a colleague saved
scores meanwhile) is refused with a clear message and nothing saved, on the page and in the API."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from wijkkracht.diagnosis import services
from wijkkracht.diagnosis.models import Measurement, MeasurementStatus, Score
from wijkkracht.privacy.models import AccessLogEntry

TODAY = timezone.localdate


def stale_message() -> str:
    """The message in the active language (Dutch once the translations are compiled)."""
    return str(services.STALE_SCORES_MESSAGE)


def draft(world) -> Measurement:
    return services.measurement_start(
        access=world.access(),
        household=world.household,
        instrument_code="integrale-nulmeting",
        date=TODAY(),
        scores={"werk": services.ScoreInput(2, "start")},
    )


def stored_scores(measurement) -> dict[str, tuple[int, str]]:
    return {s.domain_code: (s.value, s.note) for s in Score.objects.filter(measurement_id=measurement.id)}


def colleague_saves(world, measurement) -> None:
    """The colleague saves scores on the version they read (1): the draft moves to version 2."""
    services.measurement_scores_save(
        access=world.access(world.colleague),
        measurement=Measurement.objects.get(id=measurement.id),
        expected_version=1,
        scores={"werk": services.ScoreInput(3, "collega")},
    )


class TestService:
    def test_every_save_and_the_completion_move_the_version(self, world):
        measurement = draft(world)
        assert Measurement.objects.get(id=measurement.id).lock_version == 1
        codes = measurement.instrument.parsed.domain_codes
        services.measurement_scores_save(
            access=world.access(),
            measurement=measurement,
            expected_version=1,
            scores={code: services.ScoreInput(3) for code in codes},
        )
        assert (measurement.lock_version, Measurement.objects.get(id=measurement.id).lock_version) == (2, 2)
        services.measurement_complete(access=world.access(), measurement=measurement, expected_version=2)
        stored = Measurement.objects.get(id=measurement.id)
        assert (stored.status, stored.lock_version) == (MeasurementStatus.COMPLETE, 3)

    def test_a_stale_save_is_refused_and_nothing_changes(self, world):
        measurement = draft(world)
        colleague_saves(world, measurement)
        log_before = AccessLogEntry.objects.count()
        with pytest.raises(ValidationError) as caught:
            services.measurement_scores_save(
                access=world.access(),
                measurement=measurement,
                expected_version=1,
                scores={"werk": services.ScoreInput(1, "mijn"), "wonen": services.ScoreInput(1)},
            )
        assert caught.value.message_dict == {"lock_version": [stale_message()]}
        assert stored_scores(measurement) == {"werk": (3, "collega")}
        assert Measurement.objects.get(id=measurement.id).lock_version == 2
        assert AccessLogEntry.objects.count() == log_before

    def test_a_stale_completion_is_refused(self, world):
        measurement = services.measurement_start(
            access=world.access(),
            household=world.household,
            instrument_code="integrale-nulmeting",
            date=TODAY(),
            scores={code: services.ScoreInput(2) for code in draft_codes(world)},
        )
        colleague_saves(world, measurement)
        with pytest.raises(ValidationError) as caught:
            services.measurement_complete(access=world.access(), measurement=measurement, expected_version=1)
        assert caught.value.message_dict == {"lock_version": [stale_message()]}
        stored = Measurement.objects.get(id=measurement.id)
        assert (stored.status, stored.completed_at, stored.lock_version) == (MeasurementStatus.DRAFT, None, 2)


def draft_codes(world) -> list[str]:
    from wijkkracht.instruments.registry import instrument_catalogue

    return list(instrument_catalogue().get("integrale-nulmeting").parsed.domain_codes)


class TestPage:
    def url(self, world, measurement) -> str:
        return f"/huishoudens/{world.household.id}/metingen/{measurement.id}/"

    def test_the_page_carries_the_version_and_a_save_moves_it(self, world, client):
        measurement = draft(world)
        client.force_login(world.worker)
        page = client.get(self.url(world, measurement)).content.decode()
        assert 'name="expected_version" value="1"' in page
        response = client.post(self.url(world, measurement), {"score_werk": "4", "expected_version": "1"})
        assert response.status_code == 302
        assert stored_scores(measurement) == {"werk": (4, "")}
        assert 'name="expected_version" value="2"' in client.get(self.url(world, measurement)).content.decode()

    def test_a_stale_page_save_is_refused_with_a_message_above_the_form(self, world, client):
        measurement = draft(world)
        client.force_login(world.worker)
        client.get(self.url(world, measurement))  # read at version 1
        colleague_saves(world, measurement)
        response = client.post(
            self.url(world, measurement),
            {"score_werk": "1", "note_werk": "mijn", "score_wonen": "1", "complete": "1", "expected_version": "1"},
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [stale_message()]
        assert escape(stale_message()) in response.content.decode()
        assert stored_scores(measurement) == {"werk": (3, "collega")}
        stored = Measurement.objects.get(id=measurement.id)
        assert (stored.status, stored.lock_version) == (MeasurementStatus.DRAFT, 2)

    def test_a_page_post_without_a_version_saves_nothing(self, world, client):
        measurement = draft(world)
        client.force_login(world.worker)
        response = client.post(self.url(world, measurement), {"score_werk": "1", "save": "1"})
        assert response.status_code == 200 and response.context["form"].non_field_errors()
        assert stored_scores(measurement) == {"werk": (2, "start")}


class TestApi:
    def url(self, measurement) -> str:
        return f"/api/v1/measurements/{measurement.id}/"

    def test_read_and_save_carry_the_version_as_etag(self, world, api):
        measurement = draft(world)
        api.force_authenticate(world.worker)
        read = api.get(self.url(measurement))
        assert (read["ETag"], read.json()["lock_version"]) == ('"1"', 1)
        saved = api.patch(
            self.url(measurement), {"scores": [{"domain": "werk", "value": 3}]}, format="json", HTTP_IF_MATCH='"1"'
        )
        assert saved.status_code == 200, saved.json()
        assert (saved["ETag"], saved.json()["lock_version"]) == ('"2"', 2)
        again = api.patch(
            self.url(measurement), {"scores": [{"domain": "werk", "value": 4}], "lock_version": 2}, format="json"
        )
        assert again.status_code == 200 and again["ETag"] == '"3"'
        assert stored_scores(measurement) == {"werk": (4, "")}

    def test_a_stale_body_version_is_400_and_nothing_saved(self, world, api):
        measurement = draft(world)
        colleague_saves(world, measurement)
        api.force_authenticate(world.worker)
        response = api.patch(
            self.url(measurement), {"scores": [{"domain": "werk", "value": 1}], "lock_version": 1}, format="json"
        )
        assert response.status_code == 400 and response.json()["lock_version"] == [stale_message()]
        assert stored_scores(measurement) == {"werk": (3, "collega")}

    def test_a_stale_if_match_is_412_and_nothing_saved(self, world, api):
        measurement = draft(world)
        colleague_saves(world, measurement)
        api.force_authenticate(world.worker)
        response = api.patch(
            self.url(measurement), {"scores": [{"domain": "werk", "value": 1}]}, format="json", HTTP_IF_MATCH='"1"'
        )
        assert response.status_code == 412 and response.json()["lock_version"] == [stale_message()]
        assert stored_scores(measurement) == {"werk": (3, "collega")}
        assert Measurement.objects.get(id=measurement.id).lock_version == 2

    def test_a_missing_version_is_400_and_nothing_saved(self, world, api):
        measurement = draft(world)
        api.force_authenticate(world.worker)
        response = api.patch(self.url(measurement), {"scores": [{"domain": "werk", "value": 1}]}, format="json")
        assert response.status_code == 400 and "lock_version" in response.json()
        assert stored_scores(measurement) == {"werk": (2, "start")}
        assert Measurement.objects.get(id=measurement.id).lock_version == 1

    def test_completion_moves_the_etag(self, world, api):
        measurement = services.measurement_start(
            access=world.access(),
            household=world.household,
            instrument_code="integrale-nulmeting",
            date=TODAY(),
            scores={code: services.ScoreInput(2) for code in draft_codes(world)},
        )
        api.force_authenticate(world.worker)
        response = api.post(f"{self.url(measurement)}complete/")
        assert response.status_code == 200 and response["ETag"] == '"2"' and response.json()["lock_version"] == 2
