"""Django's SQLite backend that never creates a database file by accident.

SQLite's ``connect`` silently creates an empty file when none exists. A command run in the wrong folder,
or a server whose volume went away, would then start over on an empty database (and `/healthz` would
report on the wrong file). This backend opens the file with ``mode=rw``: only ``wijkkracht migrate``
(which sets ``WIJKKRACHT_CREATE_DATABASE``) may create it. In-memory and URI names are left alone, so the
test runner's in-memory databases work as before.
"""

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db.backends.sqlite3 import base

#: Set (to "1") by `wijkkracht migrate`: the one command that may create the SQLite file.
CREATE_ENV = "WIJKKRACHT_CREATE_DATABASE"


def may_create_database() -> bool:
    return os.environ.get(CREATE_ENV) == "1"


def read_write_uri(path: str | Path) -> str:
    """A ``file:`` URI that opens an existing database for reading and writing, and fails when it is missing."""
    return f"file:{quote(str(Path(path).resolve()))}?mode=rw"


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        database = str(params["database"])
        if not may_create_database() and not self.is_in_memory_db() and not database.startswith("file:"):
            params["database"] = read_write_uri(database)
        return params
