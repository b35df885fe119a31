"""The access log is append-only in the database itself (see `wijkkracht.common.append_only`).

Whoever reaches the database with the application's credentials (a shell, a mistaken migration, a script)
cannot rewrite or remove what the log says.
"""

from typing import Any

from wijkkracht.common import append_only

TABLE = "privacy_accesslogentry"


def create_triggers(apps: Any, schema_editor: Any) -> None:
    append_only.create_triggers(schema_editor, TABLE)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    append_only.drop_triggers(schema_editor, TABLE)
