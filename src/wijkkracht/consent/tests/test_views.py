"""The consent register's pages: the list per member (legal grounds in red, in words), recording through
the form, withdrawing in place with htmx, read-only for a closed household, nothing for anyone else."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from wijkkracht.consent.forms import NOTE_MAX_LENGTH
from wijkkracht.consent.models import Consent
from wijkkracht.consent.tests.helpers import organization, partner_of, record, yesterday
from wijkkracht.households.models import Household, HouseholdStatus
from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.security.testing import login_verified

pytestmark = pytest.mark.django_db


def register_url(household):
    return f"/huishoudens/{household.id}/toestemmingen/"


def form_data(world, org, **overrides):
    data = {
        "person": world.household.members.get().id,
        "organization": org.id,
        "purpose": "referral",
        "domains": ["verslaving", "gezondheid"],
        "ground": "consent",
        "given_how": "oral",
        "reason": "",
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": "",
    }
    data.update(overrides)
    return data


def test_the_register_lists_consents_per_member_with_legal_grounds_marked_in_words(world, client):
    org, safety = organization("Verslavingszorg Noord"), organization("Veilig Thuis")
    record(world, org, valid_from=yesterday())
    record(world, safety, ground="meldcode_safety", given_how="", reason="Kind meldt geweld thuis.")
    client.force_login(world.worker)

    response = client.get(register_url(world.household))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Verslavingszorg Noord" in html and "Veilig Thuis" in html
    assert "consent-row--legal" in html and 'class="legal-ground"' in html
    assert "Kind meldt geweld thuis." in html
    assert html.count('class="consent-row consent-row--legal"') == 1
    assert 'id="vastleggen"' in html  # the form to record
    row = AccessLogEntry.objects.filter(household_id=world.household.id, action="view").get()
    assert row.what == "consent register" and row.user_id == world.worker.id


def test_recording_through_the_form_saves_and_redirects(world, client):
    org = organization()
    client.force_login(world.worker)
    response = client.post(register_url(world.household), form_data(world, org))
    consent = Consent.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#consent-{consent.id}")
    assert consent.domains == ["gezondheid", "verslaving"] and consent.given_how == "oral"
    assert AccessLogEntry.objects.filter(action="create", household_id=world.household.id).count() == 1


def test_bad_input_on_the_form_is_shown_on_its_fields_and_nothing_is_saved(world, client):
    org = organization()
    client.force_login(world.worker)
    today = timezone.localdate()
    response = client.post(
        register_url(world.household),
        form_data(
            world,
            org,
            ground="meldcode_safety",
            given_how="",
            reason="",
            domains=[],
            valid_until=(today - datetime.timedelta(days=1)).isoformat(),
        ),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"reason", "domains", "valid_until"} <= set(form.errors)
    html = response.content.decode()
    assert all(escape(message) in html for messages in form.errors.values() for message in messages)
    assert not Consent.objects.exists()
    assert not AccessLogEntry.objects.filter(action="create").exists()


def test_a_domain_not_in_the_catalogue_is_refused_by_the_form(world, client):
    client.force_login(world.worker)
    response = client.post(register_url(world.household), form_data(world, organization(), domains=["schulden"]))
    assert response.status_code == 400 and "domains" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_a_closed_household_is_read_only_but_a_consent_can_still_be_withdrawn(world, client):
    consent = record(world, organization())
    Household.objects.filter(id=world.household.id).update(status=HouseholdStatus.CLOSED)
    client.force_login(world.worker)

    html = client.get(register_url(world.household)).content.decode()
    assert 'id="vastleggen"' not in html and f"/huishoudens/toestemmingen/{consent.id}/intrekken/" in html

    response = client.post(register_url(world.household), form_data(world, organization("Ander")))
    assert response.status_code == 302
    assert Consent.objects.count() == 1


def test_withdrawing_in_place_with_htmx_replaces_the_row(world, client):
    consent = record(world, organization())
    client.force_login(world.worker)
    url = f"/huishoudens/toestemmingen/{consent.id}/intrekken/"

    response = client.post(url, {"note": "Telefonisch ingetrokken"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<tr") or html.lstrip().startswith("<tr")
    assert f'id="consent-{consent.id}"' in html and 'role="status"' in html and "<details" not in html
    saved = Consent.objects.get(id=consent.id)
    assert saved.withdrawn_by == world.worker and saved.withdrawal_note == "Telefonisch ingetrokken"

    again = client.post(url, {"note": "Nog eens"}, HTTP_HX_REQUEST="true")
    assert again.status_code == 200 and 'role="alert"' in again.content.decode()
    assert Consent.objects.get(id=consent.id).withdrawal_note == "Telefonisch ingetrokken"


def test_a_refused_withdrawal_answers_400_without_htmx_and_keeps_the_row_with_htmx(world, client):
    consent = record(world, organization())
    client.force_login(world.worker)
    url = f"/huishoudens/toestemmingen/{consent.id}/intrekken/"
    too_long = {"note": "x" * (NOTE_MAX_LENGTH + 1)}

    plain = client.post(url, too_long)
    assert plain.status_code == 400
    errors = plain.context["form"].errors["note"]
    assert errors and escape(errors[0]) in plain.content.decode()

    swapped = client.post(url, too_long, HTTP_HX_REQUEST="true")  # htmx swaps 2xx answers only
    assert swapped.status_code == 200 and 'role="alert"' in swapped.content.decode()
    assert Consent.objects.get(id=consent.id).withdrawn_at is None


def test_withdrawing_without_javascript_confirms_on_a_page_then_returns(world, client):
    consent = record(world, organization())
    client.force_login(world.worker)
    url = f"/huishoudens/toestemmingen/{consent.id}/intrekken/"

    page = client.get(url)
    assert page.status_code == 200 and b"<form" in page.content
    assert Consent.objects.get(id=consent.id).withdrawn_at is None  # showing the confirmation changes nothing

    response = client.post(url, {"note": ""})
    assert response.status_code == 302 and response["Location"].endswith(f"/toestemmingen/#consent-{consent.id}")
    assert Consent.objects.get(id=consent.id).withdrawn_at is not None

    again = client.post(url, {"note": ""})
    assert again.status_code == 302
    assert client.get(url).status_code == 200  # shows that it was withdrawn, without a form
    assert b'name="note"' not in client.get(url).content


@pytest.mark.parametrize("who", ["other_worker", "policy_officer", "functional_admin", "partner"])
def test_nobody_else_gets_anything_from_the_pages(world, client, who):
    org = organization()
    consent = record(world, org)
    user = partner_of(org) if who == "partner" else getattr(world, who)
    login_verified(client, user)
    expected = 404 if who == "other_worker" else 403
    urls = [register_url(world.household), f"/huishoudens/toestemmingen/{consent.id}/intrekken/"]
    for url in urls:
        assert client.get(url).status_code == expected, url
        assert client.post(url, {"note": "x", **form_data(world, org)}).status_code == expected, url
        assert client.post(url, {"note": "x"}, HTTP_HX_REQUEST="true").status_code == expected, url
    assert Consent.objects.get().withdrawn_at is None and Consent.objects.count() == 1
    refused = AccessLogEntry.objects.filter(user_id=user.id, action="refused").count()
    assert refused == 6
    assert not AccessLogEntry.objects.filter(user_id=user.id).exclude(action__in=["refused", "login"]).exists()
