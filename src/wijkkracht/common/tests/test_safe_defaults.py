"""Safe defaults of the installed `wijkkracht` command: production settings unless development is asked
for, `check --deploy` clean with the documented production variables, no stray database created outside
the project, the product's own error pages, and a demo build that survives `kill -9`."""

import importlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.views.defaults import server_error

from wijkkracht.common.tests.demo_fingerprint import fingerprints
from wijkkracht.common.tests.processes import (
    WIJKKRACHT,
    base_env,
    fresh_database,
    production_env,
    wijkkracht,
)


def settings_lines(diffsettings: str) -> set[str]:
    """`diffsettings --all` marks settings equal to Django's default with ###; the values are what counts."""
    return {line.removeprefix("### ").removesuffix("  ###") for line in diffsettings.splitlines()}


def test_the_installed_command_uses_production_settings_unless_asked(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SETTINGS_MODULE"]
    result = wijkkracht("diffsettings", "--all", env=env, cwd=tmp_path)
    assert {"DEBUG = False", "SECURE_SSL_REDIRECT = True"} <= settings_lines(result.stdout)
    del env["SECRET_KEY"]
    refused = wijkkracht("showmigrations", env=env, cwd=tmp_path, check=False)
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr and "wijkkracht.conf.dev" in refused.stderr
    assert list(tmp_path.iterdir()) == []


def test_check_deploy_is_clean_with_the_documented_production_variables(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SETTINGS_MODULE"]  # the default
    result = wijkkracht("check", "--deploy", "--fail-level", "WARNING", env=env, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_https_is_switched_off(tmp_path):
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0")
    result = wijkkracht("check", "--deploy", "--fail-level", "WARNING", env=env, cwd=tmp_path, check=False)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SECURE_PROXY_SSL_HEADER", None, "('HTTP_X_FORWARDED_PROTO', 'https')"),
        ("SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_SSL,on", "('HTTP_X_FORWARDED_SSL', 'on')"),
        ("SECURE_PROXY_SSL_HEADER", "", "None"),
        ("SECURE_HSTS_SECONDS", None, "31536000"),
        ("SECURE_HSTS_SECONDS", "600", "600"),
        ("SECURE_SSL_REDIRECT", "false", "False"),
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", None, "True"),
    ],
)
def test_production_https_settings_come_from_the_environment(tmp_path, variable, value, expected):
    env = production_env(tmp_path)
    if value is not None:
        env[variable] = value
    result = wijkkracht("diffsettings", "--all", env=env, cwd=tmp_path)
    assert f"{variable} = {expected}" in settings_lines(result.stdout)


def test_a_malformed_proxy_header_is_refused(tmp_path):
    env = production_env(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    result = wijkkracht("check", env=env, cwd=tmp_path, check=False)
    assert result.returncode != 0 and "SECURE_PROXY_SSL_HEADER" in result.stderr


@pytest.mark.parametrize(
    "command", [["showmigrations"], ["demo", "--households", "1"], ["createsuperuser", "--no-input"], ["runserver"]]
)
def test_a_command_outside_the_project_creates_no_database(tmp_path, command):
    env = base_env(tmp_path)
    del env["WIJKKRACHT_DATA_DIR"]  # the default: ./var of the folder the command runs in
    result = wijkkracht(*command, env=env, cwd=tmp_path, check=False, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"Geen database gevonden in {tmp_path / 'var' / 'wijkkracht.sqlite3'}" in result.stderr
    assert "wijkkracht migrate" in result.stderr
    assert list(tmp_path.iterdir()) == [], "the command left files behind"


def test_development_settings_keep_debug_off_unless_asked(monkeypatch):
    for value, expected in ((None, False), ("true", True), ("false", False)):
        if value is None:
            monkeypatch.delenv("DEBUG", raising=False)
        else:
            monkeypatch.setenv("DEBUG", value)
        for name in ("wijkkracht.conf.dev", "wijkkracht.conf.base"):
            sys.modules.pop(name, None)
        assert importlib.import_module("wijkkracht.conf.dev").DEBUG is expected
    for name in ("wijkkracht.conf.dev", "wijkkracht.conf.base"):
        sys.modules.pop(name, None)


def test_the_server_error_page_is_the_products_own(db):
    response = server_error(RequestFactory().get("/huishoudens/1/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "wijkkracht/wijkkracht.css" in html and '<main id="inhoud"' in html and "<h1>" in html
    assert "Traceback" not in html and "<script" not in html


def test_the_not_found_page_is_the_products_own(db, client):
    response = client.get("/huishoudens/999999999/")
    assert response.status_code in (302, 404)
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404 and b'<main id="inhoud"' in response.content


def count_households(tmp_path, database: dict[str, str]) -> int:  # type: ignore[no-untyped-def]
    """Read by another connection, as any other user of the database would see it."""
    if "DATABASE_URL" in database:
        import psycopg

        with psycopg.connect(database["DATABASE_URL"]) as connection:
            return connection.execute("SELECT count(*) FROM households_household").fetchone()[0]
    path = tmp_path / "var" / "wijkkracht.sqlite3"
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return connection.execute("SELECT count(*) FROM households_household").fetchone()[0]


@pytest.mark.django_db
def test_demo_killed_mid_run_leaves_whole_households_and_a_rerun_completes(tmp_path):
    households, seed = 6, 7
    with fresh_database(tmp_path) as database:
        env = base_env(tmp_path, **database)
        wijkkracht("migrate", "--no-input", env=env, cwd=tmp_path)
        demo = subprocess.Popen(
            [WIJKKRACHT, "demo", "--households", str(households), "--seed", str(seed), "-v", "2"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert demo.stdout is not None
        progress = []
        for line in demo.stdout:
            progress.append(line.strip())
            if line.strip().startswith("huishoudens") and f" 2/{households} " in line:
                break
        # Kill as soon as a third household row is visible to another connection: without a transaction per
        # household that is right after its registration, before its contacts, measurements and plan.
        deadline = time.monotonic() + 300
        while count_households(tmp_path, database) < 3 and demo.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(demo.pid, signal.SIGKILL)
        demo.wait()
        demo.stdout.close()
        assert demo.returncode == -signal.SIGKILL, progress
        assert any(line.startswith("huishoudens") and " 1/6 " in line for line in progress), progress

        def built() -> list[dict[str, object]]:
            shell = wijkkracht(
                "shell",
                "-c",
                "from wijkkracht.common.tests.demo_fingerprint import print_fingerprints; print_fingerprints()",
                env=env,
                cwd=tmp_path,
            )
            return json.loads(shell.stdout.strip().splitlines()[-1])

        after_kill = built()
        rerun = wijkkracht("demo", "--households", str(households), "--seed", str(seed), env=env, cwd=tmp_path)
        assert f"{households} huishoudens" in rerun.stdout
        after_rerun = built()

    # The same seed built in one go, in the test's own database.
    call_command("demo", households=households, seed=seed, stdout=StringIO())
    expected = json.loads(json.dumps(fingerprints(), default=str))
    assert len(after_kill) >= 2
    assert after_kill == expected[: len(after_kill)], "the kill left a household half built"
    assert after_rerun == expected
