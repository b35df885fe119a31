"""The measurements API can do what the pages can: filters on the list, the work-score waiver, and the
same names (`instrument`, `domain`) and field paths as the rest of the API."""

import pytest
from django.utils import timezone

from wijkkracht.diagnosis.models import Measurement, WorkScoreWaiver
from wijkkracht.diagnosis.rules import intake_gaps
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.households.tests.factories import PersonFactory
from wijkkracht.privacy.models import AccessLogEntry

TODAY = timezone.localdate


@pytest.fixture
def measurements(world):
    """Of the worker's household: a complete and a draft household measurement, and a member's ladder."""
    anna = world.household.members.get()
    complete = take(world, "integrale-nulmeting", 3)
    ladder = take(world, "participatieladder", 2, person=anna)
    draft = Measurement.objects.create(
        household=world.household,
        instrument=complete.instrument,
        instrument_code=complete.instrument_code,
        moment=1,
        date=TODAY(),
        created_by=world.worker,
    )
    piet = world.other_household.members.get()
    return {"anna": anna, "piet": piet, "complete": complete, "ladder": ladder, "draft": draft}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json()["results"])


class TestMeasurementFilters:
    def test_each_filter_narrows_the_list_and_they_combine(self, world, api, measurements):
        api.force_authenticate(world.worker)
        complete, ladder, draft = measurements["complete"], measurements["ladder"], measurements["draft"]
        assert ids(api.get("/api/v1/measurements/")) == sorted([complete.id, ladder.id, draft.id])
        assert ids(api.get(f"/api/v1/measurements/?person={measurements['anna'].id}")) == [ladder.id]
        assert ids(api.get("/api/v1/measurements/?instrument=integrale-nulmeting")) == sorted([complete.id, draft.id])
        assert ids(api.get("/api/v1/measurements/?status=draft")) == [draft.id]
        assert ids(api.get("/api/v1/measurements/?status=complete")) == sorted([complete.id, ladder.id])
        combined = (
            f"/api/v1/measurements/?household={world.household.id}&instrument=integrale-nulmeting&status=complete"
        )
        assert ids(api.get(combined)) == [complete.id]
        assert ids(api.get("/api/v1/measurements/?instrument=participatieladder&status=draft")) == []

    def test_a_member_of_another_team_gives_the_same_empty_list_as_one_that_does_not_exist(
        self, world, api, measurements
    ):
        api.force_authenticate(world.worker)
        assert ids(api.get(f"/api/v1/measurements/?person={measurements['piet'].id}")) == []
        assert ids(api.get("/api/v1/measurements/?person=987654321")) == []

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("instrument=bestaat-niet", "instrument"),
            ("instrument=Integrale%20Nulmeting", "instrument"),
            ("instrument=" + "x" * 41, "instrument"),
            ("instrument_code=integrale-nulmeting", "instrument_code"),
            ("status=finished", "status"),
            ("status=", "status"),
            ("person=abc", "person"),
            ("person=0", "person"),
            ("person=" + "9" * 19, "person"),
        ],
    )
    def test_an_unknown_filter_value_is_a_400_naming_only_that_filter(self, world, api, measurements, query, field):
        api.force_authenticate(world.worker)
        api.credentials(HTTP_ACCEPT_LANGUAGE="nl")
        response = api.get(f"/api/v1/measurements/?{query}")
        assert response.status_code == 400, response.content
        body = response.json()
        assert list(body) == [field] and all(isinstance(message, str) for message in body[field]), body

    def test_the_filters_are_declared_in_the_schema(self, world, api):
        api.force_authenticate(world.worker)
        schema = api.get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert schema.status_code == 200
        operation = schema.json()["paths"]["/api/v1/measurements/"]["get"]
        parameters = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
        assert {"household", "person", "instrument", "status", "page", "page_size"} == set(parameters)
        assert parameters["status"]["schema"]["enum"] == ["draft", "complete"]
        assert all(parameters[name].get("description") for name in ("person", "instrument", "status"))


class TestNames:
    def test_progress_names_the_domain_and_its_label(self, world, api):
        take(world, "integrale-nulmeting", 2)
        later = take(world, "integrale-nulmeting", 4)
        api.force_authenticate(world.worker)
        progress = api.get(f"/api/v1/measurements/{later.id}/progress/").json()
        first = progress["domains"][0]
        assert set(first) == {"domain", "name", "before", "after", "change"}
        assert "werk" in {domain["domain"] for domain in progress["domains"]}

    def test_a_score_error_is_named_by_its_place_in_the_request(self, world, api):
        api.force_authenticate(world.worker)
        body = {
            "household": world.household.id,
            "instrument": "integrale-nulmeting",
            "date": TODAY().isoformat(),
            "scores": [
                {"domain": "werk", "value": 2},
                {"domain": "vliegen", "value": 1},
                {"domain": "wonen", "value": 9},
            ],
        }
        response = api.post("/api/v1/measurements/", body, format="json")
        assert response.status_code == 400
        assert set(response.json()) == {"scores.1", "scores.2"}, response.json()
        assert not Measurement.objects.exists()
        wrong_type = api.post(
            "/api/v1/measurements/", body | {"scores": [{"domain": "werk", "value": "x"}]}, format="json"
        )
        assert list(wrong_type.json()) == ["scores.0.value"]


class TestWorkWaiver:
    URL = "/api/v1/work-waivers/"

    def test_record_replace_and_list_with_the_access_log_of_the_page(self, world, api):
        anna = world.household.members.get()
        assert any("werk" in gap for gap in intake_gaps(world.household, TODAY()))
        api.force_authenticate(world.worker)
        since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

        created = api.post(self.URL, {"person": anna.id, "reason": "  Mantelzorger, fulltime  "}, format="json")
        assert created.status_code == 201, created.content
        body = created.json()
        assert (body["person"], body["household"], body["reason"]) == (
            anna.id,
            world.household.id,
            "Mantelzorger, fulltime",
        )
        assert body["recorded_by"] == world.worker.id
        waiver = WorkScoreWaiver.objects.get(person=anna)
        assert (waiver.reason, waiver.recorded_by_id) == ("Mantelzorger, fulltime", world.worker.id)
        assert not any("werk" in gap and anna.first_name in gap for gap in intake_gaps(world.household, TODAY()))
        rows = list(AccessLogEntry.objects.filter(id__gt=since).values_list("action", "household_id", "what"))
        assert rows == [("update", world.household.id, "work waiver")]

        replaced = api.post(self.URL, {"person": anna.id, "reason": "Langdurig ziek"}, format="json")
        assert replaced.status_code == 200 and replaced.json()["id"] == body["id"]
        assert WorkScoreWaiver.objects.get(person=anna).reason == "Langdurig ziek"

        since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
        listed = api.get(f"{self.URL}?household={world.household.id}")
        assert [item["reason"] for item in listed.json()["results"]] == ["Langdurig ziek"]
        rows = list(AccessLogEntry.objects.filter(id__gt=since).values_list("action", "subjects__household_id"))
        assert rows == [("list", world.household.id)]

    def test_list_shows_only_the_households_of_my_team(self, world, api):
        bas = PersonFactory(household=world.household, first_name="Bas")
        piet = world.other_household.members.get()
        from wijkkracht.diagnosis import services

        services.work_score_waiver_record(access=world.access(), person=bas, reason="Met pensioen")
        services.work_score_waiver_record(access=world.access(world.other_worker), person=piet, reason="Ziek")
        api.force_authenticate(world.worker)
        assert [item["person"] for item in api.get(self.URL).json()["results"]] == [bas.id]
        assert api.get(f"{self.URL}?household={world.other_household.id}").json()["results"] == []

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"reason": "   "}, "reason"),
            ({"reason": ""}, "reason"),
            ({"reason": "x" * 501}, "reason"),
            ({"reason": None}, "reason"),
            ({"person": None}, "person"),
            ({"person": "anna"}, "person"),
            ({"person": 10**19}, "person"),
        ],
    )
    def test_bad_input_is_a_400_with_a_dutch_message_and_nothing_is_saved(self, world, api, payload, field):
        anna = world.household.members.get()
        api.force_authenticate(world.worker)
        api.credentials(HTTP_ACCEPT_LANGUAGE="nl")
        response = api.post(self.URL, {"person": anna.id, "reason": "Mantelzorger"} | payload, format="json")
        assert response.status_code == 400, response.content
        assert list(response.json()) == [field]
        assert not WorkScoreWaiver.objects.exists()

    def test_a_blank_reason_has_the_message_of_the_page(self, world, api):
        anna = world.household.members.get()
        api.force_authenticate(world.worker)
        response = api.post(self.URL, {"person": anna.id, "reason": "   "}, format="json", HTTP_ACCEPT_LANGUAGE="nl")
        assert response.json() == {"reason": ["Geef de reden waarom werk voor dit lid niet wordt gescoord."]}

    @pytest.mark.parametrize("who", ["other_worker", "policy_officer", "functional_admin"])
    def test_another_team_a_policy_officer_and_an_administrator_get_nothing(self, world, api, who):
        anna = world.household.members.get()
        from wijkkracht.diagnosis import services

        services.work_score_waiver_record(access=world.access(), person=anna, reason="Mantelzorger")
        api.force_authenticate(getattr(world, who))
        listed = api.get(f"{self.URL}?household={world.household.id}")
        recorded = api.post(self.URL, {"person": anna.id, "reason": "Overschreven"}, format="json")
        if who == "other_worker":
            assert listed.status_code == 200 and listed.json()["results"] == [] and listed.json()["count"] == 0
            assert recorded.status_code == 404
        else:
            assert listed.status_code == 403 and "results" not in listed.json()
            assert recorded.status_code == 403
        assert set(recorded.json()) == {"detail"}
        assert WorkScoreWaiver.objects.get(person=anna).reason == "Mantelzorger"

    def test_a_refused_record_is_in_the_access_log(self, world, api):
        anna = world.household.members.get()
        api.force_authenticate(world.other_worker)
        since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        assert api.post(self.URL, {"person": anna.id, "reason": "x"}, format="json").status_code == 404
        rows = list(AccessLogEntry.objects.filter(id__gt=since).values_list("action", "user_id"))
        assert rows == [("refused", world.other_worker.id)]

    def test_signing_in_is_required(self, world, api):
        assert api.get(self.URL).status_code == 401
        assert api.post(self.URL, {"person": 1, "reason": "x"}, format="json").status_code == 401
