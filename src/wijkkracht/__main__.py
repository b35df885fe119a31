"""The ``wijkkracht`` console script: Django's ``manage.py`` under the project's own name.

Safe by default: without ``DJANGO_SETTINGS_MODULE`` it runs with the production settings (which refuse to
start without a ``SECRET_KEY``); development is asked for explicitly with
``DJANGO_SETTINGS_MODULE=wijkkracht.conf.dev``, as ``make run`` does.

Only ``wijkkracht migrate`` creates the SQLite database. Any other command that needs the database stops
with the place it looked when the file is missing, instead of starting on a new empty database in
whatever folder it was run from.
"""

import os
import sys
from pathlib import Path

DEFAULT_SETTINGS = "wijkkracht.conf.production"

#: Commands that never open the database (or, like the test runner, make their own).
NO_DATABASE_COMMANDS = frozenset(
    {
        "help",
        "version",
        "check",
        "collectstatic",
        "findstatic",
        "compilemessages",
        "makemessages",
        "makemigrations",
        "diffsettings",
        "sendtestemail",
        "spectacular",
        "startapp",
        "startproject",
        "test",
    }
)


def sqlite_database_path() -> Path | None:
    """The SQLite file the settings point at, or None for PostgreSQL and in-memory databases."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    name = str(database.get("NAME") or "")
    if "sqlite" not in database["ENGINE"] or not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def missing_database_message(path: Path) -> str:
    return (
        f"Geen database gevonden in {path.resolve()}; voer eerst `wijkkracht migrate` uit "
        "of zet WIJKKRACHT_DATA_DIR/DATABASE_URL"
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from wijkkracht.common.db.sqlite3.base import CREATE_ENV

    args = sys.argv[1:]
    command = args[0] if args and not args[0].startswith("-") else "help"
    needs_database = command not in NO_DATABASE_COMMANDS and not {"-h", "--help", "--version"} & set(args)
    if needs_database:
        try:
            path = sqlite_database_path()
        except ImproperlyConfigured as error:
            sys.stderr.write(
                f"wijkkracht: {error}\n"
                "Zet de variabelen voor productie (zie README, Configuratie), of kies voor lokaal gebruik "
                "DJANGO_SETTINGS_MODULE=wijkkracht.conf.dev.\n"
            )
            sys.exit(2)
        if path is not None and command == "migrate":
            path.parent.mkdir(parents=True, exist_ok=True)
            os.environ[CREATE_ENV] = "1"
        elif path is not None and not path.is_file():
            sys.stderr.write(missing_database_message(path) + "\n")
            sys.exit(2)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
