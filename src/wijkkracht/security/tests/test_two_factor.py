"""Two-factor authentication: who must use it, that nothing is reachable before the code, and the set-up."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wijkkracht.accounts.tests.factories import PASSWORD, UserFactory
from wijkkracht.security.services import recovery_codes_regenerate
from wijkkracht.security.testing import confirmed_device, login_verified
from wijkkracht.security.tests.helpers import code_for_key, current_code, wrong_code
from wijkkracht.security.views import PENDING_KEY_SESSION_KEY
from wijkkracht.teams.models import Municipality

VERIFY = "/tweestapsverificatie/controleren/"
SETUP = "/tweestapsverificatie/instellen/"


@pytest.fixture
def privacy_officer(db):
    return UserFactory(username="privacy", privacy_officer=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_an_administrator_with_only_a_password_reaches_no_management_page(world, client):
    confirmed_device(world.functional_admin)
    response = client.post("/inloggen/", {"username": "beheer", "password": PASSWORD, "next": "/beheer/"})
    assert response.status_code == 302
    blocked = client.get("/beheer/")
    assert blocked.status_code == 302 and blocked.url.startswith(VERIFY)
    assert client.get("/beheer/accounts/user/").status_code == 302


@pytest.mark.parametrize("who", ["functional_admin", "privacy_officer", "superuser"])
def test_who_must_use_a_second_factor_is_sent_to_set_it_up(world, client, who, request):
    user = getattr(world, who) if who == "functional_admin" else request.getfixturevalue(who)
    client.force_login(user)
    response = client.get("/beheer/")
    assert response.status_code == 302 and response.url == f"{SETUP}?next=/beheer/"


def test_a_social_worker_needs_no_second_factor_unless_the_municipality_says_so(world, client):
    client.force_login(world.worker)
    assert client.get("/huishoudens/mijn/").status_code == 200
    Municipality.objects.filter(id=1).update(two_factor_required_for_all_staff=True)
    client.force_login(world.worker)  # a new sign-in
    response = client.get("/huishoudens/mijn/")
    assert response.status_code == 302 and response.url.startswith(SETUP)


def test_a_correct_code_lets_the_administrator_in(world, client):
    device = confirmed_device(world.functional_admin)
    client.force_login(world.functional_admin)
    assert client.get("/beheer/").status_code == 302
    response = client.post(VERIFY, {"code": current_code(device), "next": "/beheer/"})
    assert response.status_code == 302 and response.url == "/beheer/"
    assert client.get("/beheer/").status_code == 200


def test_a_wrong_code_does_not(world, client):
    device = confirmed_device(world.functional_admin)
    client.force_login(world.functional_admin)
    response = client.post(VERIFY, {"code": wrong_code(current_code(device)), "next": "/beheer/"})
    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    assert client.get("/beheer/").status_code == 302


def test_a_recovery_code_works_once(world, client):
    confirmed_device(world.functional_admin)
    codes = recovery_codes_regenerate(user=world.functional_admin)
    assert len(codes) == 10 and len(set(codes)) == 10
    client.force_login(world.functional_admin)
    assert client.post(VERIFY, {"code": codes[3].upper(), "next": "/beheer/"}).status_code == 302
    assert client.get("/beheer/").status_code == 200
    client.logout()
    client.force_login(world.functional_admin)
    assert client.post(VERIFY, {"code": codes[3], "next": "/beheer/"}).status_code == 200
    assert client.get("/beheer/").status_code == 302
    assert StaticToken.objects.filter(device__user=world.functional_admin).count() == 9


def test_setting_up_shows_a_qr_code_and_the_key_and_gives_ten_recovery_codes_once(world, client):
    Municipality.objects.filter(id=1).update(two_factor_required_for_all_staff=True)
    client.force_login(world.worker)
    page = client.get(SETUP).content.decode()
    key = client.session[PENDING_KEY_SESSION_KEY]
    assert "<svg" in page and "<script" not in page.split("<main", 1)[1]
    assert not TOTPDevice.objects.filter(user=world.worker).exists()  # nothing stored before confirming

    refused = client.post(SETUP, {"code": wrong_code(code_for_key(key))})
    assert refused.status_code == 200 and 'class="errorlist"' in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=world.worker).exists()
    assert client.get("/huishoudens/mijn/").status_code == 302

    client.get(SETUP)
    key = client.session[PENDING_KEY_SESSION_KEY]
    done = client.post(SETUP, {"code": code_for_key(key), "next": "/huishoudens/mijn/"})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=world.worker, confirmed=True).key == key
    assert client.get("/huishoudens/mijn/").status_code == 200
    # Shown once: the overview only counts them.
    overview = client.get("/tweestapsverificatie/").content.decode()
    assert not any(code in overview for code in codes)


def test_the_device_cannot_be_replaced_with_only_a_password(world, client):
    device = confirmed_device(world.worker)
    client.force_login(world.worker)
    response = client.get(SETUP)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert client.post(SETUP, {"code": "123456"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=world.worker)) == [device]


def test_a_user_with_a_device_is_asked_for_the_code_even_when_not_required(world, client):
    confirmed_device(world.worker)
    client.force_login(world.worker)
    response = client.get("/huishoudens/mijn/")
    assert response.status_code == 302 and response.url.startswith(VERIFY)


def test_the_api_through_an_unverified_session_is_refused(world, client):
    client.force_login(world.functional_admin)
    response = client.get("/api/v1/households/")
    assert response.status_code == 403 and "detail" in response.json()
    Municipality.objects.filter(id=1).update(two_factor_required_for_all_staff=True)
    client.force_login(world.worker)
    assert client.get("/api/v1/households/").status_code == 403
    login_verified(client, world.worker)
    assert client.get("/api/v1/households/").status_code == 200


def test_the_admin_login_is_no_way_around(world, client):
    response = client.get("/beheer/login/?next=/beheer/")
    assert response.status_code == 302 and response.url == "/inloggen/?next=/beheer/"
    # Posting a password to it signs nobody in.
    client.post("/beheer/login/", {"username": "beheer", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_new_recovery_codes_replace_the_old_ones(world, client):
    login_verified(client, world.worker)
    old = recovery_codes_regenerate(user=world.worker)
    page = client.post("/tweestapsverificatie/herstelcodes/", {"password": PASSWORD}).content.decode()
    new = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=world.worker).values_list("token", flat=True)) == set(new)


def _paths(resolver: URLResolver, prefix: str = "") -> list[str]:
    paths = []
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if route.startswith("^"):  # a regex route (the API router, the management site)
            route = re.sub(r"\(\?P<format>[^)]*\)/?|\\\.", "", route)
            route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route).strip("^$")
            if re.search(r"[()\[\]\\?*+|]", route):
                continue
        route = re.sub(r"<(?:int|id):\w+>", "1", route)
        route = re.sub(r"<(?:str|slug|path):\w+>|<\w+>", "x", route)
        if isinstance(pattern, URLResolver):
            paths.extend(_paths(pattern, prefix + route))
        elif isinstance(pattern, URLPattern):
            paths.append("/" + prefix + route)
    return paths


OPEN = ("/tweestapsverificatie/controleren/", "/tweestapsverificatie/instellen/", "/uitloggen/", "/healthz", "/taal/")


def test_every_url_is_closed_to_an_administrator_without_the_second_factor(world, client):
    """A page added later is covered without anyone remembering to: every route, GET and POST."""
    confirmed_device(world.functional_admin)
    paths = sorted(set(_paths(get_resolver())) | {"/beheer/", "/beheer/accounts/user/", "/beheer/teams/team/1/change/"})
    assert len(paths) > 40
    client.force_login(world.functional_admin)
    for path in paths:
        if path.startswith(OPEN):
            continue
        for method in (client.get, client.post):
            response = method(path)
            if path.startswith("/api/"):
                assert response.status_code == 403, (method, path)
            else:
                assert response.status_code == 302 and response.url.startswith(VERIFY), (method, path)
