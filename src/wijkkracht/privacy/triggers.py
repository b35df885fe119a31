"""The access log is append-only in the database itself: triggers refuse every UPDATE and DELETE of a row.

Whoever reaches the database with the application's credentials (a shell, a mistaken migration, a script)
cannot rewrite or remove what the log says; only a database owner who first drops the triggers can, and
that leaves its own trace in the database's DDL. There is no setting, flag or table that switches the
triggers off.

On PostgreSQL a TRUNCATE of the non-empty log is refused too (a statement trigger; row triggers do not
fire on TRUNCATE). Truncating an *empty* log is allowed: Django's test runner empties every table with
one TRUNCATE between tests that commit, and `wijkkracht.privacy.testing` empties the log just before.

The SQL is frozen in migration 0003: change it only together with a new migration. On SQLite a migration
that rebuilds the table (most field changes) drops its triggers; such a migration must create them again
(`privacy/tests/test_append_only.py` fails if it does not).
"""

from typing import Any

TABLE = "privacy_accesslogentry"
MESSAGE = "The access log is append-only: rows cannot be changed or deleted."

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]

POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            IF EXISTS (SELECT 1 FROM {TABLE}) THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
            END IF;
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END
    $$""",  # noqa: S608  (constants only)
    f"""CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()""",
    f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()""",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
]

CREATE = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}
DROP = {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}


def statements(vendor: str, which: dict[str, list[str]]) -> list[str]:
    if vendor not in which:
        raise NotImplementedError(f"No append-only triggers for the {vendor} database; use SQLite or PostgreSQL.")
    return which[vendor]


def create_triggers(apps: Any, schema_editor: Any) -> None:
    for statement in statements(schema_editor.connection.vendor, CREATE):
        schema_editor.execute(statement)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    for statement in statements(schema_editor.connection.vendor, DROP):
        schema_editor.execute(statement)
