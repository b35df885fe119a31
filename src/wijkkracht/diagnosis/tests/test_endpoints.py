"""Pages and API of measurements: the flows, bad input, access isolation and the access log."""

import pytest
from django.utils import timezone

from wijkkracht.diagnosis.models import Measurement, Score, WorkScoreWaiver
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.privacy.models import CASE_ACTIONS, AccessLogEntry
from wijkkracht.security.testing import login_verified

TODAY = timezone.localdate


def nulmeting_scores(value=2):
    codes = ["veiligheid", "wonen", "opleiding", "werk", "opvoeden", "vrije-tijd", "zorg", "financien"]
    return [{"domain": code, "value": value} for code in codes]


class TestApi:
    def test_start_draft_update_complete_and_progress(self, world, api):
        api.force_authenticate(world.worker)
        base = {"household": world.household.id, "instrument": "integrale-nulmeting", "date": TODAY().isoformat()}
        created = api.post("/api/v1/measurements/", base | {"scores": nulmeting_scores(4)[:3]}, format="json")
        assert created.status_code == 201, created.json()
        body = created.json()
        assert (body["moment"], body["status"], len(body["scores"])) == (0, "draft", 3)

        incomplete = api.post(f"/api/v1/measurements/{body['id']}/complete/")
        assert incomplete.status_code == 400 and "Nog niet gescoord" in incomplete.json()["scores"][0]

        updated = api.patch(
            f"/api/v1/measurements/{body['id']}/", {"scores": nulmeting_scores(4), "lock_version": 1}, format="json"
        )
        assert updated.status_code == 200 and len(updated.json()["scores"]) == 8
        assert api.post(f"/api/v1/measurements/{body['id']}/complete/").json()["status"] == "complete"

        second = api.post(
            "/api/v1/measurements/", base | {"scores": nulmeting_scores(1), "lock_version": 2}, format="json"
        ).json()
        api.post(f"/api/v1/measurements/{second['id']}/complete/")
        progress = api.get(f"/api/v1/measurements/{second['id']}/progress/").json()
        assert progress["improved"] == 8 and {d["change"] for d in progress["domains"]} == {3}

        listed = api.get(f"/api/v1/measurements/?household={world.household.id}").json()
        assert [m["moment"] for m in listed["results"]] == [0, 1]

    @pytest.mark.parametrize(
        ("payload", "field", "fragment"),
        [
            ({"moment": 1}, "moment", "0-meting"),
            ({"scores": [{"domain": "vliegen", "value": 1}]}, "scores.0", "geen domein"),
            ({"scores": [{"domain": "werk", "value": 7}]}, "scores.0", "geen waarde"),
            (
                {"scores": [{"domain": "werk", "value": 1}, {"domain": "werk", "value": 2}]},
                "scores.1.domain",
                "één keer",
            ),
            ({"instrument": "bestaat-niet"}, "instrument", "Onbekend"),
            ({"person": 1}, "person", "hele huishouden"),
        ],
    )
    def test_bad_input_is_400_with_a_dutch_message(self, world, api, payload, field, fragment):
        api.force_authenticate(world.worker)
        base = {"household": world.household.id, "instrument": "integrale-nulmeting", "date": TODAY().isoformat()}
        response = api.post("/api/v1/measurements/", base | payload, format="json")
        assert response.status_code == 400, response.json()
        assert fragment in " ".join(map(str, response.json()[field])), response.json()
        assert not Measurement.objects.exists()

    def test_a_complete_measurement_cannot_be_patched(self, world, api):
        measurement = take(world, "integrale-nulmeting", 2)
        api.force_authenticate(world.worker)
        response = api.patch(
            f"/api/v1/measurements/{measurement.id}/", {"scores": nulmeting_scores(1), "lock_version": 2}, format="json"
        )
        assert response.status_code == 400
        assert set(Score.objects.filter(measurement=measurement).values_list("value", flat=True)) == {2}


class TestPages:
    def test_start_score_as_draft_then_complete(self, world, client):
        client.force_login(world.worker)
        response = client.post(
            f"/huishoudens/{world.household.id}/metingen/nieuw/",
            {"instrument": "integrale-nulmeting", "date": TODAY().isoformat(), "participation": "together"},
        )
        measurement = Measurement.objects.get()
        assert response.url == f"/huishoudens/{world.household.id}/metingen/{measurement.id}/"
        url = response.url
        client.post(url, {"score_werk": "4", "note_werk": "geen baan", "save": "1", "expected_version": "1"})
        assert Score.objects.get(measurement=measurement).value == 4
        page = client.post(url, {"score_werk": "4", "complete": "1", "expected_version": "2"})
        assert "Nog niet gescoord" in page.content.decode()
        data = {f"score_{c}": "3" for c in measurement.instrument.parsed.domain_codes} | {"complete": "1"}
        data["expected_version"] = "3"
        done = client.post(url, data)
        assert done.status_code == 302
        measurement.refresh_from_db()
        assert measurement.is_complete
        detail = client.get(f"/huishoudens/{world.household.id}/").content.decode()
        assert '<g class="sector"' in detail  # the target appears on the household page

    def test_a_value_outside_the_scale_is_refused_on_its_field(self, world, client):
        client.force_login(world.worker)
        client.post(
            f"/huishoudens/{world.household.id}/metingen/nieuw/",
            {"instrument": "integrale-nulmeting", "date": TODAY().isoformat(), "participation": "together"},
        )
        measurement = Measurement.objects.get()
        response = client.post(
            f"/huishoudens/{world.household.id}/metingen/{measurement.id}/",
            {"score_werk": "9", "save": "1", "expected_version": "1"},
        )
        assert "score_werk" in response.context["form"].errors
        assert not Score.objects.exists()

    def test_person_instrument_without_member_is_refused(self, world, client):
        client.force_login(world.worker)
        response = client.post(
            f"/huishoudens/{world.household.id}/metingen/nieuw/",
            {"instrument": "participatieladder", "date": TODAY().isoformat(), "participation": "together"},
        )
        assert "person" in response.context["form"].errors
        assert not Measurement.objects.exists()

    def test_record_why_work_is_not_scored(self, world, client):
        anna = world.household.members.get()
        client.force_login(world.worker)
        url = f"/huishoudens/{world.household.id}/leden/{anna.id}/werk-niet-gescoord/"
        assert "reason" in client.post(url, {"reason": ""}).context["form"].errors
        assert client.post(url, {"reason": "Langdurig ziek"}).status_code == 302
        assert WorkScoreWaiver.objects.get(person=anna).reason == "Langdurig ziek"


@pytest.fixture
def measured(world):
    return take(world, "integrale-nulmeting", 2)


FOREIGN = ["other_worker", "other_coordinator", "regisseur"]


@pytest.mark.parametrize("who", FOREIGN)
@pytest.mark.parametrize(
    ("method", "url", "payload"),
    [
        ("get", "/huishoudens/{h}/metingen/nieuw/", None),
        (
            "post",
            "/huishoudens/{h}/metingen/nieuw/",
            {"instrument": "integrale-nulmeting", "date": "{today}", "participation": "together"},
        ),
        ("get", "/huishoudens/{h}/metingen/{m}/", None),
        ("post", "/huishoudens/{h}/metingen/{m}/", {"score_werk": "1", "save": "1", "expected_version": "1"}),
        ("get", "/huishoudens/{h}/voortgang/", None),
        ("get", "/huishoudens/{h}/leden/{p}/werk-niet-gescoord/", None),
        ("post", "/huishoudens/{h}/leden/{p}/werk-niet-gescoord/", {"reason": "x"}),
        ("api-get", "/api/v1/measurements/{m}/", None),
        ("api-get", "/api/v1/measurements/{m}/progress/", None),
        ("api-patch", "/api/v1/measurements/{m}/", {"scores": [{"domain": "werk", "value": 1}], "lock_version": 1}),
        ("api-post", "/api/v1/measurements/{m}/complete/", {}),
        (
            "api-post",
            "/api/v1/measurements/",
            {"household": "{h}", "instrument": "integrale-nulmeting", "date": "{today}"},
        ),
    ],
)
def test_other_teams_get_a_404_and_change_nothing(world, measured, client, api, who, method, url, payload):
    user = getattr(world, who)
    ids = {
        "h": world.household.id,
        "m": measured.id,
        "p": world.household.members.get().id,
        "today": TODAY().isoformat(),
    }
    url = url.format(**ids)
    payload = {k: (v.format(**ids) if isinstance(v, str) else v) for k, v in (payload or {}).items()}
    before = (Measurement.objects.count(), Score.objects.count(), WorkScoreWaiver.objects.count())
    log_before = AccessLogEntry.objects.filter(action__in=CASE_ACTIONS).count()
    if method.startswith("api-"):
        api.force_authenticate(user)
        response = getattr(api, method[4:])(url, payload, format="json")
    else:
        client.force_login(user)
        response = getattr(client, method)(url, payload or None)
    assert response.status_code == 404
    assert (Measurement.objects.count(), Score.objects.count(), WorkScoreWaiver.objects.count()) == before
    assert AccessLogEntry.objects.filter(action__in=CASE_ACTIONS).count() == log_before  # a refused row only


def test_other_teams_see_no_measurements_in_the_list(world, measured, api):
    api.force_authenticate(world.other_worker)
    assert api.get(f"/api/v1/measurements/?household={world.household.id}").json()["count"] == 0
    assert api.get("/api/v1/measurements/").json()["count"] == 0


@pytest.mark.parametrize("who", ["policy_officer", "functional_admin"])
def test_roles_without_case_access_are_refused(world, measured, client, api, who):
    api.force_authenticate(getattr(world, who))
    assert api.get(f"/api/v1/measurements/{measured.id}/").status_code == 403
    login_verified(client, getattr(world, who))
    assert client.get(f"/huishoudens/{world.household.id}/voortgang/").status_code == 403


def test_reads_and_writes_of_measurements_are_access_logged(world, client, api):
    measurement = take(world, "integrale-nulmeting", 2)
    assert list(AccessLogEntry.objects.order_by("id").values_list("action", "what")) == [
        ("create", "measurement integrale-nulmeting moment 0"),
        ("update", "measurement completed"),
    ]
    since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0  # append-only
    client.force_login(world.worker)
    client.get(f"/huishoudens/{world.household.id}/metingen/{measurement.id}/")
    client.get(f"/huishoudens/{world.household.id}/voortgang/")
    api.force_authenticate(world.worker)
    api.get(f"/api/v1/measurements/?household={world.household.id}")
    new_rows = AccessLogEntry.objects.filter(id__gt=since, action__in=CASE_ACTIONS)
    assert list(new_rows.order_by("id").values_list("action", "what", "subjects__household_id")) == [
        ("view", "measurement", world.household.id),
        ("view", "progress", world.household.id),
        ("list", "measurements (api)", world.household.id),
    ]
