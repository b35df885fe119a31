"""Fixes from testing: no redirect loop on the management site, the second step in the access log and in
django-axes' lockout, wait/used messages for codes, the password before changing the second factor, and the
set-up steps in one list."""

import re
from urllib.parse import unquote

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.security.services import recovery_codes_regenerate
from wijkkracht.security.testing import confirmed_device, login_verified
from wijkkracht.security.tests.helpers import code_for_key, current_code, dutch, dutch_plural, wrong_code
from wijkkracht.security.views import PENDING_KEY_SESSION_KEY, SECOND_FACTOR_VERIFIED

VERIFY = "/tweestapsverificatie/controleren/"
SETUP = "/tweestapsverificatie/instellen/"
OVERVIEW = "/tweestapsverificatie/"
RECOVERY = "/tweestapsverificatie/herstelcodes/"
NO_MANAGEMENT = "Your role gives no access to management."


@pytest.fixture
def no_throttling(settings):
    """django-otp slows down guesses (1, 2, 4 … seconds); these tests look at django-axes' count instead."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def failed_rows(username: str) -> int:
    return AccessLogEntry.objects.filter(action="login_failed", username=username).count()


def axes_failures(username: str) -> int:
    return sum(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))


def verified(client) -> bool:
    return client.get("/beheer/").status_code == 200


# --- 1. the management site's login -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["worker", "policy_officer"])
def test_a_signed_in_user_without_management_access_gets_403_not_a_redirect_loop(world, client, who):
    user = getattr(world, who)
    client.force_login(user)
    response = client.get("/beheer/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2
    assert dutch(NO_MANAGEMENT) in response.content.decode()
    assert AccessLogEntry.objects.filter(user=user, action="refused", endpoint__contains="/beheer/login/").exists()


def test_an_anonymous_visitor_of_the_management_site_still_goes_to_the_login(world, client):
    response = client.get("/beheer/", follow=True)
    assert response.status_code == 200
    assert unquote(response.redirect_chain[-1][0]) == "/inloggen/?next=/beheer/"


def test_the_functional_administrator_reaches_the_management_site_after_the_second_factor(world, client):
    device = confirmed_device(world.functional_admin)
    client.post("/inloggen/", {"username": "beheer", "password": PASSWORD})
    client.post(VERIFY, {"code": current_code(device)})
    response = client.get("/beheer/", follow=True)
    assert response.status_code == 200 and response.redirect_chain == []


# --- 2. the second step in the access log and the lockout ---------------------------------------------------


def test_a_wrong_code_is_a_failed_sign_in_and_a_right_one_is_logged(world, client):
    device = confirmed_device(world.functional_admin)
    client.post("/inloggen/", {"username": "beheer", "password": PASSWORD})
    assert failed_rows("beheer") == 0
    client.post(VERIFY, {"code": wrong_code(current_code(device))})
    assert failed_rows("beheer") == 1
    assert axes_failures("beheer") == 1
    assert not AccessLogEntry.objects.filter(username="beheer", what=SECOND_FACTOR_VERIFIED).exists()

    device.refresh_from_db()
    device.throttle_reset()
    assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302
    row = AccessLogEntry.objects.get(username="beheer", what=SECOND_FACTOR_VERIFIED)
    assert row.action == "login" and row.user == world.functional_admin and row.household_id is None


def test_a_wrong_recovery_code_is_a_failed_sign_in_too(world, client, no_throttling):
    confirmed_device(world.functional_admin)
    recovery_codes_regenerate(user=world.functional_admin)
    client.force_login(world.functional_admin)
    client.post(VERIFY, {"code": "aaaaa-bbbbb"})
    assert failed_rows("beheer") == 1 and axes_failures("beheer") == 1


def test_wrong_codes_lock_out_and_then_even_the_right_code_is_refused(world, client, no_throttling):
    device = confirmed_device(world.functional_admin)
    client.force_login(world.functional_admin)
    responses = [
        client.post(VERIFY, {"code": wrong_code(current_code(device))}) for _n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert [r.status_code for r in responses] == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    refused = client.post(VERIFY, {"code": current_code(device), "next": "/beheer/"})
    assert refused.status_code == 429
    assert not verified(client)
    # The password step is locked as well.
    client.logout()
    client.post("/inloggen/", {"username": "beheer", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_lockout_by_wrong_passwords_also_stops_the_code_step(world, client, no_throttling):
    device = confirmed_device(world.functional_admin)
    client.force_login(world.functional_admin)
    other = type(client)()
    for _n in range(settings.AXES_FAILURE_LIMIT):
        other.post("/inloggen/", {"username": "beheer", "password": "wrong-password"})
    assert client.post(VERIFY, {"code": current_code(device)}).status_code == 429
    assert not verified(client)


def test_while_throttled_the_message_says_to_wait(world, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 600
    device = confirmed_device(world.functional_admin)
    client.force_login(world.functional_admin)
    client.post(VERIFY, {"code": wrong_code(current_code(device))})
    page = client.post(VERIFY, {"code": current_code(device)}).content.decode()
    wait = re.escape(
        dutch_plural(
            "Too many wrong codes; wait %(seconds)s second.",
            "Too many wrong codes; wait %(seconds)s seconds.",
            2,
            seconds="%(seconds)s",
        )
    ).replace(re.escape("%(seconds)s"), r"\d+")
    assert re.search(wait, page)
    assert dutch("This code is not correct. Wait for the next code and try again.") not in page
    assert not verified(client)
    # The throttled attempt checked no code, so it is no extra failed sign-in.
    assert failed_rows("beheer") == 1


def test_a_used_recovery_code_says_so(world, client):
    confirmed_device(world.functional_admin)
    codes = recovery_codes_regenerate(user=world.functional_admin)
    client.force_login(world.functional_admin)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302
    client.logout()
    client.force_login(world.functional_admin)
    page = client.post(VERIFY, {"code": codes[0]}).content.decode()
    assert dutch("This recovery code is not correct or has already been used.") in page
    assert dutch("This code is not correct. Wait for the next code and try again.") not in page
    assert not verified(client)


# --- 3. the password before changing the second factor ------------------------------------------------------


def test_replacing_the_phone_asks_for_the_password(world, client, no_throttling):
    device = login_verified(client, world.worker)
    page = client.get(SETUP).content.decode()
    assert 'name="password"' in page and 'autocomplete="current-password"' in page
    key = client.session[PENDING_KEY_SESSION_KEY]

    for password in ("", "wrong-password"):
        refused = client.post(SETUP, {"code": code_for_key(key), "password": password})
        assert refused.status_code == 200
        assert re.search(r'id="id_password_errors"', refused.content.decode())
        assert list(TOTPDevice.objects.filter(user=world.worker)) == [device]
    assert failed_rows("worker") == 1 and axes_failures("worker") == 1

    done = client.post(SETUP, {"code": code_for_key(key), "password": PASSWORD})
    assert done.status_code == 200
    assert TOTPDevice.objects.get(user=world.worker).key == key


def test_setting_up_the_first_phone_asks_no_password(world, client):
    client.force_login(world.worker)
    assert 'name="password"' not in client.get(SETUP).content.decode()


def test_new_recovery_codes_ask_for_the_password(world, client, no_throttling):
    login_verified(client, world.worker)
    old = set(recovery_codes_regenerate(user=world.worker))
    assert 'name="password"' in client.get(OVERVIEW).content.decode()

    refused = client.post(RECOVERY, {"password": "wrong-password"})
    assert refused.status_code == 400 and 'id="id_password_errors"' in refused.content.decode()
    assert set(StaticToken.objects.filter(device__user=world.worker).values_list("token", flat=True)) == old
    assert failed_rows("worker") == 1 and axes_failures("worker") == 1

    page = client.post(RECOVERY, {"password": PASSWORD}).content.decode()
    new = set(re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page))
    assert len(new) == 10 and not new & old
    assert set(StaticToken.objects.filter(device__user=world.worker).values_list("token", flat=True)) == new


def test_wrong_passwords_for_recovery_codes_lock_out(world, client, no_throttling):
    login_verified(client, world.worker)
    old = set(recovery_codes_regenerate(user=world.worker))
    statuses = [
        client.post(RECOVERY, {"password": "wrong-password"}).status_code for _n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert client.post(RECOVERY, {"password": PASSWORD}).status_code == 429
    assert set(StaticToken.objects.filter(device__user=world.worker).values_list("token", flat=True)) == old


# --- 4. the set-up steps ------------------------------------------------------------------------------------


def test_the_set_up_steps_are_one_numbered_list(world, client):
    client.force_login(world.functional_admin)
    page = client.get(SETUP).content.decode()
    steps = page[page.index("<ol") : page.index("</ol>")]
    assert len(re.findall(r"<li[ >]", steps)) == 3
    assert "<svg" in steps and 'name="code"' in steps
    assert not re.search(r">\s*3\.", page)
