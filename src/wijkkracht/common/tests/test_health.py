"""/healthz tells the truth: 503 when the SQLite file is missing (and nothing creates it), when the
database is locked or read-only (a write probe that is rolled back), and promptly when PostgreSQL hangs.

The file faults run against a real production server (waitress, as documented) on a SQLite file of its
own; the lock and read-only faults also run in-process on the suite's database (SQLite or PostgreSQL)."""

import shutil
import socket
import sqlite3

import pytest
from django.db import connection

from wijkkracht.common.tests.processes import get, on_postgresql, production_env, wijkkracht, wsgi_server


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    """A migrated SQLite database made by `wijkkracht migrate` with the production settings."""
    folder = tmp_path_factory.mktemp("health")
    env = production_env(folder)
    wijkkracht("migrate", "--no-input", env=env, cwd=folder)
    return folder, env


@pytest.fixture
def server(migrated_sqlite, tmp_path):
    folder, env = migrated_sqlite
    database = folder / "var" / "wijkkracht.sqlite3"
    with wsgi_server(env, cwd=tmp_path) as url:
        status, _headers, _body = get(url + "/healthz")
        assert status == 200, "the healthy starting point"
        yield url, database


def test_a_missing_sqlite_file_gives_503_and_is_not_created_again(server, tmp_path):
    url, database = server
    moved = tmp_path / "moved.sqlite3"
    shutil.move(database, moved)
    try:
        status, headers, body = get(url + "/healthz")
        assert status == 503 and b'"unavailable"' in body
        assert "no-store" in headers["Cache-Control"]
        # An ordinary request that needs the database (token sign-in) does not create it either.
        get(url + "/api/v1/households/", headers={"Authorization": "Token not-a-real-token"})
        assert not database.exists(), "a request created an empty database file"
    finally:
        shutil.move(moved, database)
    assert get(url + "/healthz")[0] == 200


def test_a_locked_sqlite_database_gives_503(server):
    url, database = server
    holder = sqlite3.connect(database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
        status, _headers, _body = get(url + "/healthz")
        assert status == 503
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert get(url + "/healthz")[0] == 200


def test_a_hanging_postgresql_gives_503_within_the_deadline(tmp_path):
    """A server that accepts TCP connections and never answers: connect and statement timeouts, and
    the probe's own deadline, make /healthz answer instead of hanging with it."""
    black_hole = socket.socket()
    black_hole.bind(("127.0.0.1", 0))
    black_hole.listen(16)  # the kernel completes the handshake; nobody ever reads or answers
    port = black_hole.getsockname()[1]
    env = production_env(tmp_path, DATABASE_URL=f"postgres://wijkkracht@127.0.0.1:{port}/wijkkracht")
    try:
        with wsgi_server(env, cwd=tmp_path) as url:
            status, _headers, body = get(url + "/healthz", timeout=30)
            assert status == 503 and b'"unavailable"' in body
    finally:
        black_hole.close()


@pytest.mark.django_db
def test_a_read_only_database_gives_503(client):
    """SELECT 1 still works on a read-only database; the write probe does not."""
    assert client.get("/healthz").status_code == 200
    if connection.vendor == "postgresql":
        import psycopg

        name = connection.settings_dict["NAME"]
        with psycopg.connect(_server_url(), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
            try:
                response = client.get("/healthz")
            finally:
                admin.execute(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")
        try:
            response = client.get("/healthz")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")
    assert response.status_code == 503 and response.json() == {"status": "error", "database": "unavailable"}
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
@pytest.mark.skipif(not on_postgresql(), reason="the SQLite lock is tested on a real file above")
def test_a_locked_postgresql_database_gives_503(client):
    import psycopg

    assert client.get("/healthz").status_code == 200
    with psycopg.connect(_server_url(connection.settings_dict["NAME"])) as holder:
        holder.execute("LOCK TABLE django_migrations IN ACCESS EXCLUSIVE MODE")
        response = client.get("/healthz")
        holder.rollback()
    assert response.status_code == 503
    assert client.get("/healthz").status_code == 200


def _server_url(database: str = "postgres") -> str:
    settings = connection.settings_dict
    return (
        f"postgresql://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:{settings['PORT']}/{database}"
    )


def test_production_redirects_to_https_and_sends_hsts_behind_the_tls_proxy(server):
    """With the documented production variables: plain HTTP is redirected (except /healthz, for load
    balancers), and an answer over HTTPS (as the TLS proxy reports it) carries HSTS."""
    url, _database = server
    status, headers, _body = get(url + "/huishoudens/mijn/")
    assert status == 301 and headers["Location"].startswith("https://")
    status, headers, _body = get(url + "/healthz", headers={"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert get(url + "/healthz")[0] == 200  # no redirect for the load balancer
