"""The municipality's settings and the districts are cached (issue 10): no query for them on most requests,
and every change made through this process is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wijkkracht.teams.models import Municipality, Wijk, forget_cached_settings
from wijkkracht.teams.tests.factories import WijkFactory

pytestmark = pytest.mark.django_db


def test_a_fresh_installation_gets_the_default_row_once():
    assert not Municipality.objects.exists()
    assert Municipality.current().name == "Gemeente"
    assert Municipality.objects.count() == 1
    with CaptureQueriesContext(connection) as queries:
        assert Municipality.current().code == "GM0000"
    assert len(queries) == 0


def test_reading_the_municipality_twice_asks_the_database_once(world):
    with CaptureQueriesContext(connection) as queries:
        first = Municipality.current()
        second = Municipality.current()
    assert (first.name, second.name) == ("Testgemeente", "Testgemeente")
    assert len(queries) == 1
    assert not any("INSERT" in query["sql"] for query in queries)


def test_every_caller_gets_its_own_copy(world):
    changed = Municipality.current()
    changed.contact_norm_days = 99
    assert Municipality.current().contact_norm_days == 14


@pytest.mark.parametrize("how", ["save", "update", "update_or_create"])
def test_a_change_is_seen_at_once(world, how):
    assert Municipality.current().contact_norm_days == 14
    if how == "save":
        municipality = Municipality.objects.get(id=1)
        municipality.contact_norm_days = 7
        municipality.save()
    elif how == "update":
        Municipality.objects.filter(id=1).update(contact_norm_days=7)
    else:
        Municipality.objects.update_or_create(id=1, defaults={"contact_norm_days": 7})
    assert Municipality.current().contact_norm_days == 7


def test_the_caseload_uses_a_changed_contact_norm_on_the_next_request(world, client):
    client.force_login(world.worker)
    assert client.get("/huishoudens/team/").context["contact_norm_days"] == 14
    Municipality.objects.filter(id=1).update(contact_norm_days=3)
    assert client.get("/huishoudens/team/").context["contact_norm_days"] == 3


def test_districts_are_cached_and_a_new_renamed_or_removed_one_is_seen_at_once(world):
    def names():
        return [wijk.name for wijk in Wijk.cached_all()]

    def in_database():
        return list(Wijk.objects.order_by("name").values_list("name", flat=True))

    WijkFactory(name="Centrum")
    assert "Centrum" in names() and names() == in_database()
    with CaptureQueriesContext(connection) as queries:
        Wijk.cached_all()
    assert len(queries) == 0
    WijkFactory(name="Oost")
    assert "Oost" in names() and names() == in_database()
    Wijk.objects.filter(name="Oost").update(name="Aa-Noord")
    assert names()[0] == "Aa-Noord" and names() == in_database()
    Wijk.objects.filter(name="Centrum").delete()
    assert "Centrum" not in names() and names() == in_database()


def test_a_change_by_another_process_waits_for_the_cache_lifetime(world, settings):
    """Another app process's change (simulated: SQL that bypasses this process's ORM) is seen once the cached
    copy expires: not before, and at once with a lifetime of zero."""
    assert Municipality.current().contact_norm_days == 14
    with connection.cursor() as cursor:
        cursor.execute("UPDATE teams_municipality SET contact_norm_days = 5 WHERE id = 1")
    assert Municipality.current().contact_norm_days == 14  # the cached copy, until it expires
    settings.WIJKKRACHT_SETTINGS_CACHE_SECONDS = 0
    forget_cached_settings()  # as the expiry would
    assert Municipality.current().contact_norm_days == 5
    with connection.cursor() as cursor:
        cursor.execute("UPDATE teams_municipality SET contact_norm_days = 6 WHERE id = 1")
    assert Municipality.current().contact_norm_days == 6  # lifetime zero: never cached
