"""Data that a whole test module shares, built once; each test still starts from exactly that data.

The URL walks (every case URL writes its access-log row, the API contract, the API conventions) run one test
per URL or operation against the same rich household; building it again for every one of a few hundred
tests was most of their time. `shared_data` builds it once per module (per xdist worker) inside a
transaction of its own that is rolled back when the module is done. pytest-django's `db` fixture then runs
every test inside that transaction in a savepoint it rolls back, as always: nothing a test writes (its
access-log rows, a record the API created or deleted) reaches the next test, and nothing of the module
reaches the next module.

The model instances are shared too: a test reads them, it does not change them in memory (reload a copy).
Not for tests that commit (`transactional_db`, live server): their flush would empty the shared data.

Use it as:

    @pytest.fixture(scope="module")
    def shared(django_db_setup, django_db_blocker):
        yield from shared_data(django_db_blocker, lambda: (world := make_world(), build_more(world)))

    @pytest.fixture
    def world(shared, db):
        return shared[0]
"""

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from wijkkracht.teams.models import forget_cached_settings

T = TypeVar("T")


def shared_data(django_db_blocker: Any, build: Callable[[], T], using: str = DEFAULT_DB_ALIAS) -> Iterator[T]:
    """Build the module's data in a transaction of its own and yield it; roll it back at the module's end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic(using=using)
        outer.__enter__()
        try:
            forget_cached_settings()
            data = build()
        except BaseException:
            transaction.set_rollback(True, using=using)
            outer.__exit__(None, None, None)
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            assert connections[using].in_atomic_block, "a test closed the module's transaction"
            transaction.set_rollback(True, using=using)
            outer.__exit__(None, None, None)
            forget_cached_settings()
