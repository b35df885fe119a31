"""Database triggers that make a table append-only (the access log, the staff-audit log): INSERT works,
UPDATE and DELETE are refused by the database itself, whatever code (the admin, a shell, a bug) asks for them.

SQLite and PostgreSQL each get their own SQL. On PostgreSQL a TRUNCATE of a non-empty table is refused too
(row triggers do not fire on TRUNCATE); truncating an empty table is allowed, which is what the test suite's
flush between committing tests does after `privacy.testing.empty_append_only_tables` (tests only: the
production code has no way past the triggers). There is no setting or flag that switches them off; only a
database owner who drops the triggers can, and that leaves its own trace in the database's DDL.

On SQLite a migration that rebuilds a table (most field changes) drops its triggers: such a migration must
create them again (`privacy/tests/test_append_only.py` and the staff-audit tests fail if it does not).
"""

from typing import Any


def _sqlite_sql(table: str) -> tuple[list[str], list[str]]:
    create = [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END;",
    ]
    drop = [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]
    return create, drop


def _postgresql_sql(table: str) -> tuple[list[str], list[str]]:
    create = [
        f"""CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                IF EXISTS (SELECT 1 FROM {table}) THEN
                    RAISE EXCEPTION '{table} is append-only: TRUNCATE refused' USING ERRCODE = 'restrict_violation';
                END IF;
                RETURN NULL;
            END IF;
            RAISE EXCEPTION '{table} is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
        END; $$;""",  # noqa: S608  (the table name is a constant of the code)
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change();",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse_change();",
    ]
    drop = [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        f"DROP FUNCTION IF EXISTS {table}_refuse_change();",
    ]
    return create, drop


def trigger_sql(vendor: str, table: str) -> tuple[list[str], list[str]]:
    """(statements that create the triggers, statements that drop them) for a database vendor."""
    if vendor == "sqlite":
        return _sqlite_sql(table)
    if vendor == "postgresql":
        return _postgresql_sql(table)
    raise NotImplementedError(f"No append-only trigger for database vendor {vendor!r}")


def create_triggers(schema_editor: Any, table: str) -> None:
    for statement in trigger_sql(schema_editor.connection.vendor, table)[0]:
        schema_editor.execute(statement, params=None)


def drop_triggers(schema_editor: Any, table: str) -> None:
    for statement in trigger_sql(schema_editor.connection.vendor, table)[1]:
        schema_editor.execute(statement, params=None)


def empty_append_only_table(table: str, using: str = "default") -> None:
    """Tests only: empty the table as a database owner would (drop the triggers, delete, create them again)."""
    from django.db import connections, transaction

    connection = connections[using]
    create, drop = trigger_sql(connection.vendor, table)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement, None)
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608  (a table name of the code)
        for statement in create:
            cursor.execute(statement, None)
