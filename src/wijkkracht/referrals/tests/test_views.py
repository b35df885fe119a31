"""The team's referral pages: refer from a plan action, the detail with what went out, withdrawing."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from wijkkracht.households.tests.factories import PersonFactory
from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.referrals.forms import ChooseForm, SendForm
from wijkkracht.referrals.models import Referral, ReferralStatus
from wijkkracht.referrals.tests.helpers import consent, organization, partner, plan_action, send, service

pytestmark = pytest.mark.django_db


def _send_url(world, action):
    return reverse("referrals:send", args=[world.household.id, action.id])


def _dutch(message):
    """A message as the (Dutch) page shows it; the msgid itself while its translation is not compiled yet."""
    with translation.override("nl"):
        return escape(str(message))


def _error(form_class, field, code):
    return _dutch(form_class.base_fields[field].error_messages[code])


def _nothing_sent():
    return not Referral.objects.exists() and not AccessLogEntry.objects.filter(action="disclose").exists()


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


def test_member_and_service_are_required_and_not_labelled_optional(world, client):
    client.force_login(world.worker)
    url = _send_url(world, plan_action(world))
    opened = client.get(url)
    html = opened.content.decode()
    assert opened.status_code == 200 and 'class="errorlist' not in html
    for field in ("person", "service"):
        label = re.search(rf'<label for="choose_{field}">(.*?)</label>', html, re.S).group(1)
        assert 'class="optional"' not in label
    searched = client.get(url, {"q": "zorg", "step": "search"})
    assert searched.status_code == 200 and 'class="errorlist' not in searched.content.decode()
    response = client.get(url, {"q": "", "person": "", "service": "", "step": "next"})
    html = response.content.decode()
    assert response.status_code == 400
    assert _error(ChooseForm, "person", "required") in html
    assert _error(ChooseForm, "service", "required") in html
    assert 'name="consent"' not in html


def test_an_unknown_member_or_service_is_named_not_ignored(world, client):
    stranger = world.other_household.members.first()
    svc = service()
    consent(world, svc.organization)
    client.force_login(world.worker)
    response = client.get(
        _send_url(world, plan_action(world)), {"person": stranger.id, "service": 10**9, "step": "next"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert _error(ChooseForm, "person", "invalid_choice") in html
    assert _error(ChooseForm, "service", "invalid_choice") in html
    assert stranger.full_name not in html and 'name="consent"' not in html


@pytest.mark.parametrize("value", ["²", "9" * 40, "-1", "1e3"])
def test_an_id_that_is_no_number_is_refused_as_unknown(world, client, value):
    client.force_login(world.worker)
    response = client.get(_send_url(world, plan_action(world)), {"person": value, "service": value, "step": "next"})
    html = response.content.decode()
    assert response.status_code == 400
    assert _error(ChooseForm, "service", "invalid_choice") in html


def test_a_service_chosen_before_another_search_stays_chosen(world, client):
    anna = world.household.members.first()
    svc = service(name="Ambulante hulp Tactus")
    grant = consent(world, svc.organization, anna)
    client.force_login(world.worker)
    response = client.get(
        _send_url(world, plan_action(world)), {"person": anna.id, "service": svc.id, "q": "schuld", "step": "next"}
    )
    assert response.status_code == 200
    assert f'value="{grant.id}"' in response.content.decode()


def _refused_post(world, client, data):
    client.force_login(world.worker)
    response = client.post(_send_url(world, plan_action(world)), data)
    assert response.status_code == 400
    assert _nothing_sent()
    return response.content.decode()


def test_a_domain_the_consents_do_not_cover_is_refused_and_nothing_is_sent(world, client):
    anna = world.household.members.first()
    svc = service()
    grant = consent(world, svc.organization, anna)
    html = _refused_post(
        world,
        client,
        {"person": anna.id, "service": svc.id, "consent": grant.id, "domains": ["financien"], "question": "Hulp."},
    )
    assert _error(SendForm, "domains", "invalid_choice") in html


def test_no_consent_chosen_is_refused_and_nothing_is_sent(world, client):
    anna = world.household.members.first()
    svc = service()
    consent(world, svc.organization, anna)
    html = _refused_post(
        world, client, {"person": anna.id, "service": svc.id, "domains": ["verslaving"], "question": "Hulp."}
    )
    assert _error(SendForm, "consent", "required") in html


def test_no_consent_in_force_is_refused_and_nothing_is_sent(world, client):
    anna = world.household.members.first()
    svc = service()
    html = _refused_post(
        world, client, {"person": anna.id, "service": svc.id, "domains": ["verslaving"], "question": "Hulp."}
    )
    assert f"/huishoudens/{world.household.id}/toestemmingen/" in html and 'name="question"' not in html


def test_the_consent_of_another_member_is_refused_and_nothing_is_sent(world, client):
    anna = world.household.members.first()
    brother = PersonFactory(household=world.household, first_name="Bram")
    svc = service()
    consent(world, svc.organization, anna)
    his = consent(world, svc.organization, brother)
    html = _refused_post(
        world,
        client,
        {"person": anna.id, "service": svc.id, "consent": his.id, "domains": ["verslaving"], "question": "Hulp."},
    )
    assert _error(SendForm, "consent", "invalid_choice") in html


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
    assert refused.status_code == 400 and 'class="errorlist' in refused.content.decode()
    assert Referral.objects.get().status == "sent"
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


def test_an_accepted_referral_shows_the_referral_status_label_not_a_suggestion_s(world, client):
    referral = send(world)
    Referral.objects.filter(id=referral.id).update(status=ReferralStatus.ACCEPTED)
    client.force_login(world.worker)
    html = client.get(reverse("referrals:detail", args=[world.household.id, referral.id])).content.decode()
    assert _dutch(ReferralStatus.ACCEPTED.label) in html
    assert "Overgenomen" not in html
