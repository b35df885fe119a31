"""The team's referral pages: refer from a plan action, the detail with what went out, withdrawing."""

import pytest
from django.urls import reverse

from wijkkracht.households.tests.factories import PersonFactory
from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.referrals.models import Referral
from wijkkracht.referrals.tests.helpers import consent, organization, partner, plan_action, send, service

pytestmark = pytest.mark.django_db


def _send_url(world, action):
    return reverse("referrals:send", args=[world.household.id, action.id])


def test_the_plan_page_offers_refer_and_shows_the_status(world, client):
    referral = send(world)
    client.force_login(world.worker)
    plan = referral.action.goal.plan
    html = client.get(reverse("plans:detail", args=[world.household.id, plan.id])).content.decode()
    assert reverse("referrals:send", args=[world.household.id, referral.action_id]) in html
    assert reverse("referrals:detail", args=[world.household.id, referral.id]) in html
    assert referral.get_status_display() in html


def test_referring_through_the_form(world, client):
    anna = world.household.members.first()
    svc = service(name="Ambulante hulp Tactus")
    grant = consent(world, svc.organization, anna, domains=("verslaving", "gezondheid"))
    action = plan_action(world)
    client.force_login(world.worker)
    url = _send_url(world, action)
    first = client.get(url, {"q": "tactus"}).content.decode()
    assert "Ambulante hulp Tactus" in first and 'name="consent"' not in first
    chosen = client.get(url, {"person": anna.id, "service": svc.id, "step": "next"}).content.decode()
    assert f'value="{grant.id}"' in chosen and 'value="financien"' not in chosen
    response = client.post(
        url,
        {"person": anna.id, "service": svc.id, "consent": grant.id, "domains": ["verslaving"], "question": "Hulp."},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[world.household.id, referral.id])
    assert referral.domains == ["verslaving"] and referral.consent == grant


def test_without_consent_the_form_says_so_and_links_the_register(world, client):
    anna = world.household.members.first()
    svc = service()
    client.force_login(world.worker)
    html = client.get(_send_url(world, plan_action(world)), {"person": anna.id, "service": svc.id}).content.decode()
    assert f"/huishoudens/{world.household.id}/toestemmingen/" in html
    assert 'name="question"' not in html


def test_a_refused_post_shows_the_errors_and_saves_nothing(world, client):
    anna = world.household.members.first()
    svc = service()
    grant = consent(world, svc.organization, anna)
    client.force_login(world.worker)
    response = client.post(
        _send_url(world, plan_action(world)),
        {"person": anna.id, "service": svc.id, "consent": grant.id, "domains": ["financien"], "question": ""},
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Referral.objects.exists()


def test_the_detail_shows_what_went_out_and_logs_a_view(world, client):
    referral = send(world)
    client.force_login(world.colleague)
    url = reverse("referrals:detail", args=[world.household.id, referral.id])
    html = client.get(url).content.decode()
    assert referral.question in html and "Doel verslaving" in html
    assert AccessLogEntry.objects.filter(user=world.colleague, action="view", household_id=world.household.id).exists()


def test_withdrawing(world, client):
    referral = send(world)
    client.force_login(world.worker)
    url = reverse("referrals:cancel", args=[world.household.id, referral.id])
    refused = client.post(url, {"reason": "", "lock_version": referral.lock_version})
    assert refused.status_code == 200 and Referral.objects.get().status == "sent"
    done = client.post(url, {"reason": "Gezin wil het niet meer.", "lock_version": referral.lock_version})
    assert done.status_code == 302
    assert Referral.objects.get().status == "cancelled"
    html = client.get(reverse("referrals:detail", args=[world.household.id, referral.id])).content.decode()
    assert "Doel verslaving" not in html  # nothing goes out any more


@pytest.mark.parametrize("who", ["other_worker", "partner", "policy_officer", "functional_admin"])
def test_others_get_nothing_on_the_team_pages(world, client, who):
    referral = send(world)
    PersonFactory(household=world.household)
    user = partner(referral.organization) if who == "partner" else getattr(world, who)
    client.force_login(user)
    for url in (
        reverse("referrals:detail", args=[world.household.id, referral.id]),
        _send_url(world, referral.action),
    ):
        response = client.get(url)
        # An administrator first has to set up the second factor: sent there, shown nothing.
        sent_away = response.status_code == 302 and response["Location"].startswith("/tweestapsverificatie/")
        assert response.status_code in (403, 404) or sent_away, url
        assert referral.question not in response.content.decode()
    response = client.post(
        reverse("referrals:cancel", args=[world.household.id, referral.id]), {"reason": "x", "lock_version": 1}
    )
    assert response.status_code in (302, 403, 404)
    assert Referral.objects.get().status == "sent"


def test_another_partner_organisation_is_not_a_team(world, client):
    referral = send(world)
    client.force_login(partner(organization("Ander")))
    assert client.get(reverse("referrals:detail", args=[world.household.id, referral.id])).status_code == 403
