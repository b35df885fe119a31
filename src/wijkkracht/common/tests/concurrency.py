"""Run calls at the same moment in real threads, each with a database connection of its own, to prove
that of two parallel writes exactly one wins. Use the `parallel_db` fixture (it asks for `transactional_db`:
each thread must see the other's committed rows); every thread closes its connection when it ends.

On SQLite the test database is in memory, shared between connections through SQLite's shared cache,
which refuses a second writer at once ("database table is locked") instead of letting it wait as a real
database file does. `parallel_db` therefore copies the test database (with its triggers) into a file in a
temporary folder for the length of the test, with the project's own connection options (BEGIN IMMEDIATE,
WAL, busy timeout), so the threads meet SQLite as it runs in production."""

import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections


@pytest.fixture
def parallel_db(transactional_db: None, world: Any) -> Iterator[None]:
    """The world of the test on a database that separate connections can write to in turn."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    settings = connection.settings_dict
    original = settings["NAME"]
    with tempfile.TemporaryDirectory(prefix="wijkkracht-parallel-") as folder:
        path = Path(folder) / "parallel.sqlite3"
        connection.ensure_connection()
        in_memory = connection.connection  # closing it would drop the in-memory database: set it aside
        target = sqlite3.connect(path)
        try:
            in_memory.backup(target)
        finally:
            target.close()
        connection.connection = None
        settings["NAME"] = str(path)
        try:
            yield
        finally:
            connection.close()
            settings["NAME"] = original
            connection.connection = in_memory


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_together(*calls: Callable[[], Any], timeout: float = 60) -> list[Outcome]:
    """Line the calls up on a barrier, let them go at once, and return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout)
            outcomes[index].value = call()
        except BaseException as error:  # noqa: BLE001 - the test inspects whatever happened
            outcomes[index].error = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a parallel call did not finish"
    return outcomes
