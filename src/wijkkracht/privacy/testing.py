"""The test suite and the append-only access log.

Django empties the database after every test that commits (`transactional_db`, and every browser test
through `live_server`) with `flush`: DELETE on SQLite, which the log's triggers refuse, and one TRUNCATE
on PostgreSQL, which the log's truncate trigger refuses while the log has rows. This fixture, imported
by the root conftest, overrides pytest-django's `transactional_db`: after the test and just before the
flush it empties the log the only way there is, as the database owner would: drop the triggers, delete the
rows and create the triggers again, in one transaction. The database then flushes an empty log, which the
triggers allow.

This lives in the tests only; production code has no way past the triggers. A test marked
`django_db(transaction=True)` bypasses this fixture: use the `transactional_db` fixture instead.
"""

from collections.abc import Iterator

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from wijkkracht.privacy.triggers import CREATE, DROP, TABLE, statements


def empty_access_log(using: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in statements(connection.vendor, DROP):
            cursor.execute(statement)
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608  (a constant)
        for statement in statements(connection.vendor, CREATE):
            cursor.execute(statement)


@pytest.fixture
def transactional_db(transactional_db: None) -> Iterator[None]:
    """pytest-django's `transactional_db`, with the access log emptied before its flush."""
    yield
    empty_access_log()
