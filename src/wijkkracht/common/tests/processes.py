"""Helpers for tests that run the installed `wijkkracht` command or a real WSGI server in a subprocess,
each on a database of its own: a SQLite file in a temporary folder, or (when the suite runs on
PostgreSQL) a fresh database on the same server."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
WIJKKRACHT = str(BIN / "wijkkracht")
#: 50+ random characters, as `check --deploy` wants (the documented way to make one).
PRODUCTION_SECRET_KEY = secrets.token_urlsafe(50)


def suite_database_url() -> str:
    return os.environ.get("DATABASE_URL", "")


def on_postgresql() -> bool:
    return suite_database_url().startswith(("postgres://", "postgresql://"))


def base_env(tmp_path: Path, settings_module: str = "wijkkracht.conf.dev", **extra: str) -> dict[str, str]:
    """The environment of a command run by an operator: nothing of the test run's own settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.pop("DATABASE_URL", None)
    env.pop("WIJKKRACHT_CREATE_DATABASE", None)
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        WIJKKRACHT_DATA_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The documented production variables (README, Configuratie)."""
    return base_env(
        tmp_path,
        "wijkkracht.conf.production",
        SECRET_KEY=PRODUCTION_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost,wijkkracht.gemeente.example",
        **extra,
    )


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment additions for a new, empty database of the suite's kind (not yet migrated)."""
    if not on_postgresql():
        yield {"WIJKKRACHT_DATA_DIR": str(tmp_path / "var")}
        return
    import psycopg

    name = f"wijkkracht_sub_{uuid.uuid4().hex[:12]}"
    url = suite_database_url()
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": url.rsplit("/", 1)[0] + "/" + name}
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wijkkracht(
    *args: str, env: Mapping[str, str], cwd: Path, check: bool = True, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run the installed console script, as an operator would."""
    result = subprocess.run(
        [WIJKKRACHT, *args], env=dict(env), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"wijkkracht {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str, headers: Mapping[str, str] | None = None, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects: (status, headers, body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def wsgi_server(env: Mapping[str, str], cwd: Path) -> Iterator[str]:
    """`waitress-serve wijkkracht.wsgi:application`, as the README documents for production."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "waitress",
            f"--listen=127.0.0.1:{port}",
            "--threads=4",
            # As documented: waitress drops X-Forwarded-* unless the TLS proxy in front of it is trusted.
            "--trusted-proxy=127.0.0.1",
            "--trusted-proxy-headers=x-forwarded-proto",
            "wijkkracht.wsgi:application",
        ],
        env=dict(env),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the server stopped:\n{process.stdout.read() if process.stdout else ''}")
            try:
                get(url + "/healthz", timeout=10)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        process.kill()
        process.wait()
        if process.stdout:
            process.stdout.close()
