"""A session idle for longer than SESSION_IDLE_TIMEOUT ends on the next request."""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from freezegun import freeze_time

from wijkkracht.security.tests.helpers import dutch_plural


def test_the_default_is_thirty_minutes():
    assert settings.SESSION_IDLE_TIMEOUT == 1800


def test_an_active_session_stays_and_an_idle_one_ends_with_a_dutch_message(world, client):
    with freeze_time(timezone.now()) as frozen:
        client.force_login(world.worker)
        assert client.get("/huishoudens/mijn/").status_code == 200
        for _step in range(3):  # active now and then: 3 × 20 minutes, more than 30 minutes in all
            frozen.tick(datetime.timedelta(minutes=20))
            assert client.get("/huishoudens/mijn/").status_code == 200
        session_key = client.session.session_key

        frozen.tick(datetime.timedelta(minutes=31))
        response = client.get("/huishoudens/mijn/")
        assert response.status_code == 302 and response.url == "/inloggen/?next=/huishoudens/mijn/"
        assert not Session.objects.filter(session_key=session_key).exists()
        login_page = client.get(response.url).content.decode()
        assert (
            dutch_plural(
                "You were logged out after %(minutes)d minute without activity. Please log in again.",
                "You were logged out after %(minutes)d minutes without activity. Please log in again.",
                30,
                minutes=30,
            )
            in login_page
        )
        assert client.get("/huishoudens/mijn/").status_code == 302


def test_an_idle_api_session_ends_too(world, client):
    with freeze_time(timezone.now()) as frozen:
        client.force_login(world.worker)
        assert client.get("/api/v1/households/").status_code == 200
        frozen.tick(datetime.timedelta(minutes=31))
        assert client.get("/api/v1/households/").status_code in (401, 403)
        assert "_auth_user_id" not in client.session


def test_even_an_active_session_ends_at_the_absolute_session_age(world, client):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    with freeze_time(timezone.now()) as frozen:
        client.force_login(world.worker)
        for _step in range(8 * 3):  # a request every 20 minutes for 8 hours
            frozen.tick(datetime.timedelta(minutes=20))
            assert client.get("/huishoudens/mijn/").status_code == 200
        frozen.tick(datetime.timedelta(minutes=20))
        response = client.get("/huishoudens/mijn/")
        assert response.status_code == 302 and response.url.startswith("/inloggen/")
        login_page = client.get(response.url).content.decode()
        assert dutch_plural(
            "You were logged out %(hours)s hour after logging in. Please log in again.",
            "You were logged out %(hours)s hours after logging in. Please log in again.",
            8,
            hours="8",
        ) in (login_page)
