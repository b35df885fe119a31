"""The opt-in connection pool (`DATABASE_POOL`, docs/scaling.md): off unless asked for, PostgreSQL only,
never next to persistent connections, sizes from the environment with a clear refusal of nonsense; and on
PostgreSQL the installed command really connects through a psycopg pool. Also the switch for PgBouncer in
transaction mode (`DATABASE_DISABLE_SERVER_SIDE_CURSORS`)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from wijkkracht.common.tests.processes import base_env, fresh_database, on_postgresql, production_env, wijkkracht
from wijkkracht.conf.base import database_pool_options

POSTGRES = "django.db.backends.postgresql"
#: Any PostgreSQL address will do for `diffsettings`: it reads the settings and never connects.
SOME_POSTGRES_URL = "postgres://wijkkracht@127.0.0.1:5432/wijkkracht"


@pytest.mark.parametrize("value", [None, "", "false", "0", "off", "no"])
def test_the_pool_is_off_unless_asked_for(value):
    environ = {} if value is None else {"DATABASE_POOL": value}
    assert database_pool_options(environ, POSTGRES) is None


def test_the_pool_has_small_defaults():
    assert database_pool_options({"DATABASE_POOL": "true"}, POSTGRES) == {"min_size": 2, "max_size": 4, "timeout": 10}


def test_the_pool_sizes_come_from_the_environment():
    environ = {
        "DATABASE_POOL": "yes",
        "DATABASE_POOL_MIN_SIZE": "3",
        "DATABASE_POOL_MAX_SIZE": "8",
        "DATABASE_POOL_TIMEOUT": "5",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    assert database_pool_options(environ, POSTGRES) == {"min_size": 3, "max_size": 8, "timeout": 5}


@pytest.mark.parametrize(
    ("environ", "engine", "message"),
    [
        ({"DATABASE_POOL": "sometimes"}, POSTGRES, "DATABASE_POOL must be true or false"),
        ({"DATABASE_POOL": "true"}, "wijkkracht.common.db.sqlite3", "needs PostgreSQL"),
        ({"DATABASE_POOL": "true", "DATABASE_CONN_MAX_AGE": "60"}, POSTGRES, "DATABASE_CONN_MAX_AGE"),
        ({"DATABASE_POOL": "1", "DATABASE_POOL_MAX_SIZE": "many"}, POSTGRES, "DATABASE_POOL_MAX_SIZE must be a whole"),
        ({"DATABASE_POOL": "1", "DATABASE_POOL_MIN_SIZE": "0"}, POSTGRES, "DATABASE_POOL_MIN_SIZE must be at least 1"),
        ({"DATABASE_POOL": "1", "DATABASE_POOL_TIMEOUT": "-1"}, POSTGRES, "DATABASE_POOL_TIMEOUT must be at least 1"),
        (
            {"DATABASE_POOL": "true", "DATABASE_POOL_MIN_SIZE": "5", "DATABASE_POOL_MAX_SIZE": "2"},
            POSTGRES,
            "DATABASE_POOL_MIN_SIZE (5) is larger than DATABASE_POOL_MAX_SIZE (2)",
        ),
    ],
)
def test_nonsense_is_refused_with_the_variable_named(environ, engine, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        database_pool_options(environ, engine)


#: Variables of the test run's own environment that would change what these tests read.
OWN_VARIABLES = ("DATABASE_POOL", "DATABASE_CONN_MAX_AGE", "DATABASE_DISABLE_SERVER_SIDE_CURSORS")


def _env(tmp_path, production: bool = True, **extra: str) -> dict[str, str]:
    env = production_env(tmp_path) if production else base_env(tmp_path)
    for name in list(env):
        if name.startswith(OWN_VARIABLES):
            del env[name]
    env.update(extra)
    return env


def _database_setting(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith("DATABASES = "))


def test_the_production_settings_put_the_pool_in_place_of_persistent_connections(tmp_path):
    env = _env(tmp_path, DATABASE_URL=SOME_POSTGRES_URL, DATABASE_POOL="true", DATABASE_POOL_MAX_SIZE="6")
    databases = _database_setting(wijkkracht("diffsettings", env=env, cwd=tmp_path).stdout)
    assert "'pool': {'min_size': 2, 'max_size': 6, 'timeout': 10}" in databases
    assert "'CONN_MAX_AGE': 0" in databases


def test_without_the_variable_connections_stay_persistent_and_unpooled(tmp_path):
    env = _env(tmp_path, DATABASE_URL=SOME_POSTGRES_URL)
    databases = _database_setting(wijkkracht("diffsettings", env=env, cwd=tmp_path).stdout)
    assert "'pool'" not in databases
    assert "'CONN_MAX_AGE': 60" in databases


@pytest.mark.parametrize(("value", "expected"), [(None, "False"), ("true", "True")])
def test_server_side_cursors_can_be_switched_off_for_pgbouncer(tmp_path, value, expected):
    extra = {} if value is None else {"DATABASE_DISABLE_SERVER_SIDE_CURSORS": value}
    env = _env(tmp_path, DATABASE_URL=SOME_POSTGRES_URL, **extra)
    databases = _database_setting(wijkkracht("diffsettings", env=env, cwd=tmp_path).stdout)
    assert f"'DISABLE_SERVER_SIDE_CURSORS': {expected}" in databases


def test_a_pool_on_sqlite_stops_the_command_with_the_reason(tmp_path):
    env = _env(tmp_path, production=False, DATABASE_POOL="true")
    result = wijkkracht("diffsettings", env=env, cwd=tmp_path, check=False)
    assert result.returncode != 0
    assert "DATABASE_POOL needs PostgreSQL" in result.stderr


@pytest.mark.skipif(not on_postgresql(), reason="the pool is PostgreSQL's")
def test_the_command_works_through_a_psycopg_pool(tmp_path):
    probe = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SELECT 41 + 1')\n"
        "    answer = cursor.fetchone()[0]\n"
        "print(type(connection.pool).__name__, connection.pool.max_size, answer)\n"
    )
    with fresh_database(tmp_path) as database:
        env = _env(tmp_path, production=False, DATABASE_POOL="true", DATABASE_POOL_MAX_SIZE="3", **database)
        result = wijkkracht("shell", "-c", probe, env=env, cwd=tmp_path)
    # The last line: `shell` first says how many objects it imported.
    assert result.stdout.strip().splitlines()[-1].split() == ["ConnectionPool", "3", "42"]
