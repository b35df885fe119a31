"""The WSGI application (production settings unless DJANGO_SETTINGS_MODULE says otherwise).

A missing SQLite database is never created here (only `wijkkracht migrate` does that): the server
starts, logs where it looked, and `/healthz` answers 503 until the database is there.
"""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wijkkracht.conf.production")

application = get_wsgi_application()


def _warn_about_a_missing_database() -> None:
    from wijkkracht.__main__ import missing_database_message, sqlite_database_path

    path = sqlite_database_path()
    if path is not None and not path.is_file():
        logging.getLogger("wijkkracht").error(missing_database_message(path))


_warn_about_a_missing_database()
