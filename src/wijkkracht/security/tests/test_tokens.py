"""API keys: hashed at rest, several per user with a name, expiry, revocation, and "Mijn API-sleutels"."""

import datetime
import hashlib
import re

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from freezegun import freeze_time

from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.security.models import ApiToken
from wijkkracht.security.services import api_token_create, api_token_revoke
from wijkkracht.security.testing import login_verified
from wijkkracht.security.tests.helpers import dutch

PAGE = "/api-sleutels/"


def call(api, secret, path="/api/v1/households/", **headers):
    return api.get(path, headers={"Authorization": f"Token {secret}", **headers})


def test_a_key_made_on_the_page_is_shown_once_and_stored_only_as_a_hash(world, client, api):
    client.force_login(world.worker)
    response = client.post(PAGE, {"name": "Rapportage", "days": ""})
    assert response.status_code == 200
    secret = re.search(r'id="new-secret"[^>]*value="([0-9a-f]{64})"', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=world.worker)
    assert token.name == "Rapportage" and token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:8]
    stored = " ".join(str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values())
    assert secret not in stored
    assert (token.expires_at - token.created_at) == datetime.timedelta(days=90)
    assert secret not in client.get(PAGE).content.decode()
    assert call(api, secret).status_code == 200


def test_several_keys_per_user_each_with_its_own_name(world, client, api):
    _first, one = api_token_create(user=world.worker, name="Koppeling")
    _second, two = api_token_create(user=world.worker, name="Rapportage", days=7)
    assert call(api, one).status_code == 200 and call(api, two).status_code == 200
    client.force_login(world.worker)
    page = client.get(PAGE).content.decode()
    assert "Koppeling" in page and "Rapportage" in page and one not in page and two not in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x", "days": "0"}, "days"),
        ({"name": "x", "days": "9999"}, "days"),
        ({"name": "a\u200bb"}, "name"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(world, client, data, field):
    client.force_login(world.worker)
    response = client.post(PAGE, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_second_active_key_with_the_same_name_is_refused(world, client):
    api_token_create(user=world.worker, name="Koppeling")
    client.force_login(world.worker)
    response = client.post(PAGE, {"name": "Koppeling"})
    assert response.status_code == 400
    assert dutch("You already have an API key with this name.") in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_last_use_is_recorded(world, api):
    token, secret = api_token_create(user=world.worker, name="Koppeling")
    assert token.last_used_at is None
    call(api, secret)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_expired_key_is_refused_with_a_message(world, api):
    start = timezone.now()
    with freeze_time(start) as frozen:
        _token, secret = api_token_create(user=world.worker, name="Kort", days=1)
        assert call(api, secret).status_code == 200
        frozen.tick(datetime.timedelta(days=1, seconds=1))
        response = call(api, secret, **{"Accept-Language": "en"})
        assert response.status_code == 401 and response.json()["detail"] == "This API key has expired."


def test_a_revoked_key_is_refused(world, client, api):
    token, secret = api_token_create(user=world.worker, name="Koppeling")
    client.force_login(world.worker)
    assert client.post(f"{PAGE}{token.pk}/intrekken/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = call(api, secret, **{"Accept-Language": "en"})
    assert response.status_code == 401 and response.json()["detail"] == "This API key has been revoked."
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_key_is_refused(world, api):
    assert call(api, "0" * 64).status_code == 401
    assert call(api, "ľšč").status_code == 401


def test_someone_elses_key_can_be_neither_seen_nor_revoked(world, client, api):
    token, secret = api_token_create(user=world.colleague, name="Van collega")
    client.force_login(world.worker)
    assert "Van collega" not in client.get(PAGE).content.decode()
    assert client.post(f"{PAGE}{token.pk}/intrekken/").status_code == 404
    assert client.post(f"{PAGE}999999/intrekken/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and call(api, secret).status_code == 200


@pytest.mark.parametrize("who", ["policy_officer", "functional_admin"])
def test_a_key_of_a_policy_officer_or_an_administrator_gets_no_case_data(world, api, who):
    _token, secret = api_token_create(user=getattr(world, who), name="Test")
    for path in [
        "/api/v1/households/",
        f"/api/v1/households/{world.household.id}/",
        "/api/v1/persons/",
        "/api/v1/contacts/",
        "/api/v1/tasks/",
        "/api/v1/plans/",
        "/api/v1/measurements/",
    ]:
        response = call(api, secret, path)
        assert response.status_code in (403, 404), path
        assert "Jansen" not in response.content.decode() and "Anna" not in response.content.decode()


def test_a_key_stops_giving_case_access_when_the_role_loses_it(world, api):
    _token, secret = api_token_create(user=world.worker, name="Koppeling")
    assert "Jansen" in call(api, secret).content.decode()
    world.worker.role = "policy_officer"
    world.worker.save()
    response = call(api, secret)
    assert response.status_code in (403, 404) and "Jansen" not in response.content.decode()


@pytest.mark.parametrize("change", ["password", "deactivate"])
def test_a_new_password_or_deactivation_ends_every_session_and_key(world, client, api, change, django_user_model):
    from django.test import Client

    _one, first = api_token_create(user=world.worker, name="Een")
    _two, second = api_token_create(user=world.worker, name="Twee")
    laptop, phone = Client(), Client()
    laptop.force_login(world.worker)
    phone.force_login(world.worker)
    assert laptop.get("/huishoudens/mijn/").status_code == 200 and phone.get("/huishoudens/mijn/").status_code == 200
    colleague = Client()
    colleague.force_login(world.colleague)
    _three, colleagues_key = api_token_create(user=world.colleague, name="Collega")

    user = django_user_model.objects.get(pk=world.worker.pk)
    if change == "password":
        user.set_password("een-heel-nieuw-wachtwoord")
    else:
        user.is_active = False
    user.save()

    assert not Session.objects.filter(session_key__in=[laptop.session.session_key, phone.session.session_key]).exists()
    assert laptop.get("/huishoudens/mijn/").status_code == 302
    assert phone.get("/huishoudens/mijn/").status_code == 302
    assert call(api, first).status_code == 401 and call(api, second).status_code == 401
    assert not ApiToken.objects.filter(user=world.worker, revoked_at__isnull=True).exists()
    # Nobody else is touched.
    assert colleague.get("/huishoudens/mijn/").status_code == 200 and call(api, colleagues_key).status_code == 200


def test_other_changes_to_the_account_end_nothing(world, client, api):
    _token, secret = api_token_create(user=world.worker, name="Een")
    client.force_login(world.worker)
    world.worker.first_name = "Anders"
    world.worker.save()
    assert client.get("/huishoudens/mijn/").status_code == 200 and call(api, secret).status_code == 200


def test_the_privacy_officer_lists_and_revokes_anyones_keys_in_management(world, client, api):
    officer = UserFactory(username="privacy", privacy_officer=True)
    token, secret = api_token_create(user=world.worker, name="Koppeling")
    login_verified(client, officer)
    listing = client.get("/beheer/security/apitoken/")
    assert listing.status_code == 200 and "Koppeling" in listing.content.decode()
    assert secret not in listing.content.decode() and token.key_hash not in listing.content.decode()
    assert client.get(f"/beheer/security/apitoken/{token.pk}/change/").status_code == 200  # read-only view
    client.post(f"/beheer/security/apitoken/{token.pk}/change/", {"name": "Anders"})
    client.post(f"/beheer/security/apitoken/{token.pk}/delete/", {"post": "yes"})
    token.refresh_from_db()
    assert token.name == "Koppeling" and token.revoked_at is None
    client.post("/beheer/security/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None and call(api, secret).status_code == 401


def test_the_functional_administrator_does_not_manage_keys(world, client):
    api_token_create(user=world.worker, name="Koppeling")
    login_verified(client, world.functional_admin)
    assert client.get("/beheer/security/apitoken/").status_code == 403


def test_the_pages_need_a_login(world, client):
    for path in [PAGE, "/tweestapsverificatie/", "/tweestapsverificatie/instellen/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/inloggen/")


def test_revoking_twice_changes_nothing(world):
    token, _secret = api_token_create(user=world.worker, name="Koppeling")
    first = api_token_revoke(token=token, by=world.worker).revoked_at
    assert api_token_revoke(token=token, by=world.worker).revoked_at == first


def test_a_rehash_of_the_same_password_at_sign_in_ends_nothing(world, client, api, settings):
    """Django re-hashes a password at sign-in when the hasher changes (e.g. more iterations after an
    upgrade): that is no new password, so the API keys stay. (Other sessions end all the same: Django's
    session hash is made from the password hash.)"""
    from wijkkracht.accounts.tests.factories import PASSWORD

    _token, secret = api_token_create(user=world.worker, name="Koppeling")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    before = type(world.worker).objects.get(pk=world.worker.pk).password
    assert client.post("/inloggen/", {"username": "worker", "password": PASSWORD}).status_code == 302
    assert type(world.worker).objects.get(pk=world.worker.pk).password != before  # re-hashed
    assert call(api, secret).status_code == 200
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_ones_own_password_change_keeps_the_current_session_only(world, client):
    from django.contrib.auth import update_session_auth_hash
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    other = type(client)()
    other.force_login(world.worker)
    client.force_login(world.worker)
    # What a password-change view does: save the new password, then keep the request's session valid.
    request = RequestFactory().post("/")
    request.session = SessionStore(session_key=client.session.session_key)
    request.user = world.worker
    assert request.session["_auth_user_id"] == str(world.worker.pk)  # loaded, as in a view of a signed-in user
    world.worker.set_password("een-heel-nieuw-wachtwoord")
    world.worker.save()
    update_session_auth_hash(request, world.worker)
    request.session.save()
    client.cookies["sessionid"] = request.session.session_key
    assert client.get("/huishoudens/mijn/").status_code == 200
    assert other.get("/huishoudens/mijn/").status_code == 302
