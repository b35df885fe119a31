"""The consent register's API: the same services and selectors as the pages, English field names, 400 with
messages per field and nothing saved on bad input, 404 for what is not yours, nothing for other roles."""

import datetime

import pytest
from django.utils import timezone

from wijkkracht.consent.models import Consent
from wijkkracht.consent.tests.helpers import organization, partner_of, record
from wijkkracht.households.tests.factories import PersonFactory
from wijkkracht.privacy.models import AccessLogEntry

pytestmark = pytest.mark.django_db

URL = "/api/v1/consents/"


def body(world, org, **overrides):
    data = {
        "household": world.household.id,
        "person": world.household.members.get().id,
        "organization": org.id,
        "purpose": "data_exchange",
        "domains": ["verslaving", "gezondheid"],
        "ground": "consent",
        "given_how": "digital",
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": (timezone.localdate() + datetime.timedelta(days=180)).isoformat(),
    }
    data.update(overrides)
    return data


def test_create_retrieve_list_and_withdraw(world, api):
    org = organization()
    api.force_authenticate(world.worker)

    created = api.post(URL, body(world, org), format="json")

    assert created.status_code == 201, created.json()
    data = created.json()
    consent = Consent.objects.get()
    assert data["id"] == consent.id and data["organization_name"] == org.name
    assert data["domains"] == ["gezondheid", "verslaving"] and data["in_force"] is True
    assert data["is_legal_ground"] is False and data["recorded_by"] == world.worker.id
    assert (consent.purpose, consent.given_how) == ("data_exchange", "digital")
    assert AccessLogEntry.objects.filter(action="create", household_id=world.household.id).count() == 1

    since = AccessLogEntry.objects.count()
    assert api.get(f"{URL}{consent.id}/").json()["id"] == consent.id
    listed = api.get(URL, {"household": world.household.id}).json()
    assert [item["id"] for item in listed["results"]] == [consent.id]
    rows = list(AccessLogEntry.objects.order_by("id")[since:])
    assert [(row.action, row.subjects.get().household_id) for row in rows] == [
        ("view", world.household.id),
        ("list", world.household.id),
    ]
    assert rows[0].person_id == consent.person_id

    withdrawn = api.post(f"{URL}{consent.id}/withdraw/", {"note": "Per e-mail"}, format="json")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["in_force"] is False and withdrawn.json()["withdrawn_by"] == world.worker.id
    assert Consent.objects.get().withdrawal_note == "Per e-mail"

    twice = api.post(f"{URL}{consent.id}/withdraw/", {}, format="json")
    assert twice.status_code == 400 and twice.json()["non_field_errors"]
    assert Consent.objects.get().withdrawal_note == "Per e-mail"


def test_a_legal_ground_through_the_api(world, api):
    api.force_authenticate(world.worker)
    response = api.post(
        URL,
        body(world, organization(), ground="meldcode_safety", given_how="", reason="Acuut gevaar.", valid_until=None),
        format="json",
    )
    assert response.status_code == 201 and response.json()["is_legal_ground"] is True
    assert AccessLogEntry.objects.get(action="create").what.startswith("legal ground other than consent")


BAD = {
    "ends before it starts": ({"valid_until": "2000-01-01"}, "valid_until"),
    "legal ground without a reason": ({"ground": "legal_duty", "given_how": ""}, "reason"),
    "domain not in the catalogue": ({"domains": ["schulden"]}, "domains"),
    "no domains": ({"domains": []}, "domains"),
    "unknown organisation": ({"organization": 987654}, "organization"),
    "consent without how given": ({"given_how": ""}, "given_how"),
    "bad date": ({"valid_from": "gisteren"}, "valid_from"),
    "unknown purpose": ({"purpose": "verkoop"}, "purpose"),
}


@pytest.mark.parametrize("overrides, field", BAD.values(), ids=BAD.keys())
def test_bad_input_is_a_400_on_its_field_and_nothing_is_saved(world, api, overrides, field):
    api.force_authenticate(world.worker)
    response = api.post(URL, body(world, organization(), **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Consent.objects.exists()
    assert not AccessLogEntry.objects.filter(action="create").exists()


def test_a_member_of_another_household_is_a_400(world, api):
    api.force_authenticate(world.worker)
    mine_elsewhere = PersonFactory(household=world.other_household)
    response = api.post(URL, body(world, organization(), person=mine_elsewhere.id), format="json")
    assert response.status_code == 400 and "person" in response.json()
    assert not Consent.objects.exists()


def test_a_foreign_household_is_a_404_and_refused_in_the_log(world, api):
    api.force_authenticate(world.worker)
    other = world.other_household
    response = api.post(
        URL, body(world, organization(), household=other.id, person=other.members.get().id), format="json"
    )
    assert response.status_code == 404
    assert not Consent.objects.exists()
    [row] = AccessLogEntry.objects.filter(action="refused")
    assert row.household_id == other.id and row.what.startswith("404 household")


def test_another_team_gets_nothing(world, api):
    org = organization()
    consent = record(world, org)
    api.force_authenticate(world.other_worker)
    assert api.get(URL).json()["results"] == []
    assert api.get(URL, {"household": world.household.id}).json()["results"] == []
    assert api.get(f"{URL}{consent.id}/").status_code == 404
    assert api.post(f"{URL}{consent.id}/withdraw/", {}, format="json").status_code == 404
    assert api.post(URL, body(world, org), format="json").status_code == 404
    assert Consent.objects.get().withdrawn_at is None and Consent.objects.count() == 1
    assert not AccessLogEntry.objects.filter(user_id=world.other_worker.id).exclude(action="refused").exists()


@pytest.mark.parametrize("who", ["partner", "policy_officer", "functional_admin"])
def test_roles_without_case_access_get_403_everywhere(world, api, who):
    org = organization()
    consent = record(world, org)
    user = partner_of(org) if who == "partner" else getattr(world, who)
    api.force_authenticate(user)
    responses = [
        api.get(URL),
        api.get(URL, {"household": world.household.id}),
        api.get(f"{URL}{consent.id}/"),
        api.post(URL, body(world, org), format="json"),
        api.post(f"{URL}{consent.id}/withdraw/", {}, format="json"),
    ]
    assert [response.status_code for response in responses] == [403] * 5
    assert all(str(org.name) not in response.content.decode() for response in responses)
    assert Consent.objects.get().withdrawn_at is None and Consent.objects.count() == 1


def test_unknown_query_parameters_are_refused(world, api):
    api.force_authenticate(world.worker)
    assert api.get(URL, {"person": 1}).status_code == 400
