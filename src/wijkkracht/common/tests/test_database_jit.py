"""PostgreSQL's JIT compiler is off for the product's connections (issue 10: compiling took 645 of the
700 ms of a caseload query at 100,000 households)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting; this run is on SQLite")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
