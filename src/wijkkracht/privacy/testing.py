"""The test suite and the append-only logs (the access log, the staff-audit log).

Django empties the database after every test that commits (`transactional_db`, and every browser test
through `live_server`) with `flush`: DELETE on SQLite, which the logs' triggers refuse, and one TRUNCATE
on PostgreSQL, which the truncate triggers refuse while a log has rows. This fixture, imported by the root
conftest, overrides pytest-django's `transactional_db`: after the test and just before the flush it empties
each append-only table the only way there is, as the database owner would: drop the triggers, delete the
rows and create the triggers again, in one transaction. The database then flushes empty logs, which the
triggers allow.

This lives in the tests only; production code has no way past the triggers. A test marked
`django_db(transaction=True)` bypasses this fixture: use the `transactional_db` fixture instead.
"""

from collections.abc import Iterator

import pytest
from django.db import DEFAULT_DB_ALIAS

from wijkkracht.accounts.models import StaffAuditEntry
from wijkkracht.common.append_only import empty_append_only_table
from wijkkracht.privacy.models import AccessLogEntry, AccessLogSubject

#: Every table with append-only triggers; a new one is added here and in its migration. A table that refers
#: to another comes before it (the subjects name their entries).
APPEND_ONLY_MODELS = (AccessLogSubject, AccessLogEntry, StaffAuditEntry)


def empty_append_only_tables(using: str = DEFAULT_DB_ALIAS) -> None:
    for model in APPEND_ONLY_MODELS:
        empty_append_only_table(model._meta.db_table, using=using)


@pytest.fixture
def transactional_db(transactional_db: None) -> Iterator[None]:
    """pytest-django's `transactional_db`, with the append-only logs emptied before its flush."""
    yield
    empty_append_only_tables()
