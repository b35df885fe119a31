"""The database check behind ``/healthz``: a write that is rolled back, with a firm deadline.

``SELECT 1`` is not enough: it succeeds on an empty file that SQLite just created, on a database that is
locked by another writer, and on one that has become read-only. The probe therefore updates a row of
``django_migrations`` (present in every migrated database) to its own value inside a transaction that
is always rolled back, with short lock and statement timeouts.
"""

import logging
import threading

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)


def _write_probe(conn: BaseDatabaseWrapper, timeout_ms: int) -> None:
    table = conn.ops.quote_name("django_migrations")
    with transaction.atomic(using=conn.alias):
        with conn.cursor() as cursor:
            if conn.vendor == "postgresql":
                # SET takes no parameters; the values are our own integers.
                cursor.execute(f"SET LOCAL statement_timeout = {timeout_ms}")
                cursor.execute(f"SET LOCAL lock_timeout = {timeout_ms}")
            cursor.execute(f"UPDATE {table} SET applied = applied WHERE id = (SELECT MIN(id) FROM {table})")  # noqa: S608
            if cursor.rowcount != 1:
                raise RuntimeError("django_migrations is empty: the database has not been migrated")
        transaction.set_rollback(True, using=conn.alias)


def _probe_sqlite(conn: BaseDatabaseWrapper, timeout_ms: int) -> None:
    """On the request's own connection (SQLite has no network to hang on); a short busy timeout, so a
    locked database is reported instead of waited for. The backend never creates a missing file."""
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
    try:
        _write_probe(conn, timeout_ms)
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {previous}")


def _probe_with_deadline(timeout: float, timeout_ms: int) -> None:
    """On a connection of its own in a worker thread, so that a server that accepts connections but never
    answers (or freezes mid-query) cannot hold the answer past ``timeout``. The thread itself ends at the
    latest after the connect timeout (``DATABASE_CONNECT_TIMEOUT``) or the statement timeout."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            _write_probe(connections[DEFAULT_DB_ALIAS], timeout_ms)
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - reported to the caller
            outcome.append(error)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run, name="healthz-probe", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise TimeoutError(f"the database did not answer within {timeout} seconds")
    if outcome[0] is not None:
        raise outcome[0]


def database_problem() -> str | None:
    """None when the database is there, answers and accepts writes; otherwise what went wrong (for the log)."""
    timeout = settings.HEALTHZ_TIMEOUT
    timeout_ms = max(100, int(timeout * 1000 * 2 / 3))
    conn = connections[DEFAULT_DB_ALIAS]
    try:
        if conn.vendor == "sqlite":
            _probe_sqlite(conn, timeout_ms)
        else:
            _probe_with_deadline(timeout, timeout_ms)
    except Exception as error:  # noqa: BLE001 - any database failure means unhealthy
        logger.warning("Health check failed: %s: %s", type(error).__name__, error)
        return f"{type(error).__name__}: {error}"
    return None
