"""The referrals API: the same rules and log as the pages; a partner gets no personal data in a list."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.referrals.models import Referral
from wijkkracht.referrals.tests.helpers import consent, organization, partner, plan_action, send, service

pytestmark = pytest.mark.django_db
URL = "/api/v1/referrals/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_worker_creates_a_referral(world):
    anna = world.household.members.first()
    svc = service()
    grant = consent(world, svc.organization, anna)
    action = plan_action(world)
    body = {
        "action": action.id,
        "person": anna.id,
        "service": svc.id,
        "consent": grant.id,
        "domains": ["verslaving"],
        "question": "Hulp bij drinken.",
    }
    response = client_for(world.worker).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "sent" and data["household"] == world.household.id
    assert [domain["code"] for domain in data["disclosure"]["domains"]] == ["verslaving"]
    assert response["ETag"] == '"1"'
    assert AccessLogEntry.objects.filter(action="disclose").count() == 1


def test_without_consent_400_and_nothing_saved(world):
    anna = world.household.members.first()
    body = {
        "action": plan_action(world).id,
        "person": anna.id,
        "service": service().id,
        "domains": ["verslaving"],
        "question": "Hulp.",
    }
    response = client_for(world.worker).post(URL, body, format="json")
    assert response.status_code == 400
    assert "consent" in response.json()
    assert not Referral.objects.exists()


def test_a_partner_list_has_no_personal_data_and_the_detail_is_a_logged_disclosure(world):
    referral = send(world)
    agent = client_for(partner(referral.organization))
    listed = agent.get(URL).json()["results"]
    assert [item["id"] for item in listed] == [referral.id]
    assert all(listed[0][key] is None for key in ("household", "person", "person_name", "question", "consent"))
    before = AccessLogEntry.objects.filter(action="disclose").count()
    detail = agent.get(f"{URL}{referral.id}/").json()
    assert detail["disclosure"]["person"]["first_name"] == referral.person.first_name
    assert detail["household"] is None
    assert AccessLogEntry.objects.filter(action="disclose").count() == before + 1
    by_household = agent.get(URL, {"household": world.household.id})
    assert by_household.status_code == 200 and by_household.json()["results"] == []


def test_withdrawal_empties_the_partners_detail(world):
    referral = send(world)
    agent = client_for(partner(referral.organization))
    grant = referral.consent
    grant.withdrawn_at, grant.withdrawn_by = timezone.now(), world.worker
    grant.save()
    detail = agent.get(f"{URL}{referral.id}/").json()
    assert detail["disclosure"] is None
    assert referral.person.first_name not in str(detail) and referral.question not in str(detail)


def test_status_through_the_api(world):
    referral = send(world)
    agent = client_for(partner(referral.organization))
    url = f"{URL}{referral.id}/status/"
    assert agent.post(url, {"status": "accepted"}, format="json").status_code == 400  # no version
    ok = agent.post(url, {"status": "accepted", "lock_version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "accepted" and ok["ETag"] == '"2"'
    again = agent.post(url, {"status": "accepted", "lock_version": 2}, format="json")
    assert again.status_code == 400 and "status" in again.json()
    stale = agent.post(url, {"status": "started"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert Referral.objects.get().status == "accepted"
    team = client_for(world.worker).post(url, {"status": "cancelled", "reason": "", "lock_version": 2}, format="json")
    assert team.status_code == 400 and "reason" in team.json()


def test_a_partner_cannot_create(world):
    referral = send(world)
    agent = client_for(partner(referral.organization))
    assert agent.post(URL, {}, format="json").status_code == 403


@pytest.mark.parametrize("who", ["other_worker", "other_partner", "policy_officer", "functional_admin"])
def test_others_get_nothing(world, who):
    referral = send(world)
    user = partner(organization("Ander")) if who == "other_partner" else getattr(world, who)
    client = client_for(user)
    expected = 404 if who in ("other_worker", "other_partner") else 403
    listed = client.get(URL)
    if expected == 404:
        assert listed.status_code == 200 and listed.json()["results"] == []
    else:
        assert listed.status_code == 403
    assert client.get(f"{URL}{referral.id}/").status_code == expected
    response = client.post(
        f"{URL}{referral.id}/status/", {"status": "cancelled", "reason": "x", "lock_version": 1}, format="json"
    )
    assert response.status_code == expected
    assert Referral.objects.get().status == "sent"
    assert not AccessLogEntry.objects.filter(user=user, action="disclose").exists()
