"""The test suite and the append-only staff-audit log (like `privacy.testing` for the access log).

Django empties the database after every test that commits (`transactional_db`, every browser test) with
`flush`: DELETE on SQLite and TRUNCATE on PostgreSQL, both refused by the triggers while the log has rows.
`accounts/tests/conftest.py` overrides `transactional_db` so that, after the test and before the flush,
the log is emptied the way a database owner would: drop the triggers, delete, create them again, in one
transaction. Tests only: production code has no way past the triggers.
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from wijkkracht.accounts.append_only import trigger_sql
from wijkkracht.accounts.models import StaffAuditEntry


def empty_staff_audit_log(using: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[using]
    table = StaffAuditEntry._meta.db_table
    create, drop = trigger_sql(connection.vendor, table)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement, None)
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608  (a constant)
        for statement in create:
            cursor.execute(statement, None)
