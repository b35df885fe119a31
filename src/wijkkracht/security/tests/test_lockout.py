"""Lockout by django-axes: per username and address, a Dutch message, and over after the cool-off."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from freezegun import freeze_time

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.security.tests.helpers import dutch_plural

LOCKOUT_SINGULAR = (
    "Too many failed attempts to log in. For your safety, logging in with this username from this device is "
    "blocked for %(minutes)s minute. Try again later, or ask the functional administrator for help."
)
LOCKOUT_PLURAL = LOCKOUT_SINGULAR.replace("%(minutes)s minute.", "%(minutes)s minutes.")


def log_in(client, username, password, ip="10.0.0.1"):
    return client.post("/inloggen/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def lock(client, username="worker", ip="10.0.0.1"):
    responses = [log_in(client, username, "wrong-password", ip) for _attempt in range(settings.AXES_FAILURE_LIMIT)]
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    return responses[-1]


def test_the_defaults_are_five_failures_and_fifteen_minutes_per_user_and_address():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_after_five_failures_even_the_right_password_is_refused_with_a_dutch_message(world, client):
    last = lock(client)
    assert last.status_code == 429
    refused = log_in(client, "worker", PASSWORD)
    assert refused.status_code == 429 and not signed_in(client)
    message = dutch_plural(LOCKOUT_SINGULAR, LOCKOUT_PLURAL, 15, minutes=15)
    assert message.split(".")[0] in refused.content.decode()
    assert 'role="alert"' in refused.content.decode()
    attempt = AccessAttempt.objects.get(username="worker", ip_address="10.0.0.1")
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_four_failures_do_not_lock(world, client):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "worker", "wrong-password")
    assert log_in(client, "worker", PASSWORD).status_code == 302 and signed_in(client)


def test_the_same_user_from_another_address_and_another_user_from_the_same_address_still_log_in(world, client):
    lock(client, "worker", "10.0.0.1")
    assert log_in(client, "worker", PASSWORD, ip="10.0.0.2").status_code == 302 and signed_in(client)
    client.logout()
    assert log_in(client, "colleague", PASSWORD, ip="10.0.0.1").status_code == 302 and signed_in(client)


def test_behind_a_trusted_proxy_the_lockout_counts_the_client_address_not_the_proxys(world, client, settings):
    settings.ACCESS_LOG_CLIENT_IP_HEADER = "X-Forwarded-For"
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/inloggen/",
            {"username": "worker", "password": "wrong-password"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="10.9.9.9",
        )
    assert AccessAttempt.objects.filter(username="worker", ip_address="10.9.9.9").exists()
    other_client = log_in(client, "worker", PASSWORD, ip="127.0.0.1")
    assert other_client.status_code == 302 and signed_in(client)


def test_the_lockout_ends_after_the_cool_off(world, client):
    start = timezone.now()
    with freeze_time(start) as frozen:
        lock(client)
        frozen.tick(datetime.timedelta(minutes=14))
        assert log_in(client, "worker", PASSWORD).status_code == 429 and not signed_in(client)
        frozen.tick(datetime.timedelta(minutes=16))
        assert log_in(client, "worker", PASSWORD).status_code == 302 and signed_in(client)


def test_the_lockout_is_logged(world, client, caplog):
    with caplog.at_level("WARNING", logger="wijkkracht.security"):
        lock(client)
    assert any("locked out" in record.getMessage() and "worker" in record.getMessage() for record in caplog.records)


def test_lockouts_are_read_by_the_privacy_officer_and_lifted_by_the_administrator(world, client):
    from wijkkracht.accounts.tests.factories import UserFactory
    from wijkkracht.security.testing import login_verified

    lock(client)
    attempt = AccessAttempt.objects.get(username="worker")
    officer = UserFactory(username="privacy", privacy_officer=True)
    login_verified(client, officer)
    assert "worker" in client.get("/beheer/axes/accessattempt/").content.decode()
    assert client.post(f"/beheer/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 403
    login_verified(client, world.functional_admin)
    assert client.post(f"/beheer/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert log_in(client, "worker", PASSWORD).status_code == 302 and signed_in(client)


def test_a_superuser_flag_alone_does_not_open_the_sign_in_records(world, client):
    from wijkkracht.accounts.models import Role, User
    from wijkkracht.security.testing import login_verified

    flagged = User.objects.create(username="vlag", is_superuser=True, is_staff=True, role=Role.POLICY_OFFICER)
    login_verified(client, flagged)
    for url in [
        "/beheer/axes/accessattempt/",
        "/beheer/axes/accesslog/",
        "/beheer/axes/accessfailurelog/",
        "/beheer/security/apitoken/",
    ]:
        assert client.get(url).status_code == 403, url
