"""The access log is append-only in the database itself (see `wijkkracht.common.append_only`).

Whoever reaches the database with the application's credentials (a shell, a mistaken migration, a script)
cannot rewrite or remove what the log says: neither the entries nor their subject rows (the households an
entry is about).

On PostgreSQL a deferred constraint trigger also checks, at commit, that every entry about case data names
its households in subject rows: an entry about one household has a subject row for it, a list entry at least
one. (SQLite has no deferred triggers; there the services write both in one transaction.)
"""

from typing import Any

from wijkkracht.common import append_only

ENTRY_TABLE = "privacy_accesslogentry"
SUBJECT_TABLE = "privacy_accesslogsubject"
TABLE = ENTRY_TABLE  # the name before the subject table existed (migration 0003)
TABLES = (ENTRY_TABLE, SUBJECT_TABLE)

CASE_ACTIONS_SQL = "('view', 'list', 'create', 'update', 'export', 'disclose')"

_POSTGRESQL_SUBJECTS_CREATE = [
    f"""CREATE OR REPLACE FUNCTION {ENTRY_TABLE}_names_subjects() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.action IN {CASE_ACTIONS_SQL} AND NOT EXISTS (
            SELECT 1 FROM {SUBJECT_TABLE} s
            WHERE s.entry_id = NEW.id AND (NEW.household_id IS NULL OR s.household_id = NEW.household_id)
        ) THEN
            RAISE EXCEPTION 'access log entry % about case data names no household in {SUBJECT_TABLE}', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END; $$;""",  # noqa: S608  (table names are constants of the code)
    f"CREATE CONSTRAINT TRIGGER {ENTRY_TABLE}_names_subjects AFTER INSERT ON {ENTRY_TABLE} "
    f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {ENTRY_TABLE}_names_subjects();",
]
_POSTGRESQL_SUBJECTS_DROP = [
    f"DROP TRIGGER IF EXISTS {ENTRY_TABLE}_names_subjects ON {ENTRY_TABLE};",
    f"DROP FUNCTION IF EXISTS {ENTRY_TABLE}_names_subjects();",
]


def create_triggers(apps: Any, schema_editor: Any) -> None:
    """The entries' append-only triggers (migration 0003; again after a SQLite table rebuild)."""
    append_only.create_triggers(schema_editor, ENTRY_TABLE)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    append_only.drop_triggers(schema_editor, ENTRY_TABLE)


def create_subject_triggers(apps: Any, schema_editor: Any) -> None:
    """The subject table's append-only triggers and, on PostgreSQL, the check that entries name subjects."""
    append_only.create_triggers(schema_editor, SUBJECT_TABLE)
    if schema_editor.connection.vendor == "postgresql":
        for statement in _POSTGRESQL_SUBJECTS_CREATE:
            schema_editor.execute(statement, params=None)


def drop_subject_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in _POSTGRESQL_SUBJECTS_DROP:
            schema_editor.execute(statement, params=None)
    append_only.drop_triggers(schema_editor, SUBJECT_TABLE)
