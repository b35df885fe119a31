"""The access log is append-only in the database itself: UPDATE and DELETE are refused by triggers, on
SQLite and on PostgreSQL, through the ORM and through raw SQL alike."""

import pytest
from django.db import IntegrityError, connection, transaction

from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.privacy.models import AccessAction, AccessLogEntry
from wijkkracht.privacy.services import access_log_record, access_log_sign_in_event

TABLE = AccessLogEntry._meta.db_table


@pytest.fixture
def entry(world):
    return access_log_record(access=world.access(), household_id=world.household.id, action="view", what="household")


def snapshot(entry_id):
    return AccessLogEntry.objects.filter(id=entry_id).values().first()


def refused(attempt):
    """Run a change that the database must refuse; the transaction around it rolls back."""
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        attempt()


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


ATTEMPTS = {
    "orm update": lambda e: AccessLogEntry.objects.filter(id=e.id).update(what="rewritten"),
    "orm save": lambda e: (setattr(e, "username", "someone else"), e.save()),
    "orm delete": lambda e: e.delete(),
    "orm queryset delete": lambda e: AccessLogEntry.objects.all().delete(),
    "raw update": lambda e: raw(f"UPDATE {TABLE} SET household_id = %s WHERE id = %s", 1, e.id),
    "raw update of every row": lambda e: raw(f"UPDATE {TABLE} SET purpose = ''"),
    "raw delete": lambda e: raw(f"DELETE FROM {TABLE} WHERE id = %s", e.id),
    "raw delete of every row": lambda e: raw(f"DELETE FROM {TABLE}"),
}


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_changing_or_deleting_a_row_is_refused_and_the_row_stays_as_it_was(entry, attempt):
    before = snapshot(entry.id)
    refused(lambda: ATTEMPTS[attempt](entry))
    assert snapshot(entry.id) == before
    assert AccessLogEntry.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's; SQLite has none")
def test_truncating_the_log_is_refused_on_postgresql(entry):
    before = snapshot(entry.id)
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # check the entry's subjects now, as a commit would: none pending
    refused(lambda: raw(f"TRUNCATE {TABLE} CASCADE"))  # with its subject rows (plain TRUNCATE: refused by the key)
    raw("SET CONSTRAINTS ALL DEFERRED")
    assert snapshot(entry.id) == before


def test_adding_rows_still_works(entry, world):
    access_log_record(access=world.access(), household_id=world.household.id, action="update", what="household")
    assert AccessLogEntry.objects.count() == 2


def test_deleting_an_account_leaves_its_log_rows_untouched(world):
    user = UserFactory(username="tijdelijk")
    row = access_log_sign_in_event(request=None, action=AccessAction.LOGIN, user=user)
    before = snapshot(row.id)
    user_id = user.id
    user.delete()
    assert snapshot(row.id) == before
    assert before["user_id"] == user_id
    assert AccessLogEntry.objects.get(id=row.id).username == "tijdelijk"


def test_a_test_that_commits_is_still_flushed_afterwards(transactional_db, world, client):
    """Django empties the database after this test with DELETE (SQLite) or TRUNCATE (PostgreSQL); the
    `transactional_db` override in `privacy/testing.py` makes that possible without weakening the triggers,
    which still hold during the test."""
    client.force_login(world.worker)
    client.get(f"/huishoudens/{world.household.id}/")
    entry = AccessLogEntry.objects.filter(action="view").get()
    refused(lambda: AccessLogEntry.objects.filter(id=entry.id).delete())
    assert AccessLogEntry.objects.filter(id=entry.id).exists()


def test_the_database_was_flushed_after_the_test_that_committed(db):
    """Runs after the test above (pytest keeps file order): the flush emptied the log."""
    assert not AccessLogEntry.objects.exists()
