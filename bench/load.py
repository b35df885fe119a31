"""`make load`: 100 simulated social workers against a production-like server, figures into docs/performance.md.

The setup is the one the README gives for production, on this machine: the production settings
(`wijkkracht.conf.production`: DEBUG off, secure cookies, HTTPS redirect, HSTS, a secret key of its own for the
run), PostgreSQL, collected static files, and gunicorn with one worker process per core. The database is a
copy (`CREATE DATABASE … TEMPLATE`) of the demo municipality of `--size` households (built once into
`var/bench/`, or given: see bench/datasets.py), dropped again afterwards, so that the contacts the load test
logs never end up in the set the bench measures.

The simulated users (bench/locustfile.py, locust headless) each sign in once as a different social worker and
then work in their own team's households: 50 % caseload, 25 % household page, 15 % API list, 10 % contact
POST. Together they offer `--rate` requests a second (default 300, the target; 0 = as fast as the server
answers). The measurement starts when all have signed in and lasts `--duration` seconds.

It refuses to run against anything else than the production settings on PostgreSQL (DEBUG on, SQLite,
development or test settings, secure cookies or the HTTPS redirect switched off), before anything is built.

    .venv/bin/python bench/load.py [--size 100000] [--users 100] [--rate 300] [--duration 60] [--workers N]
"""

import argparse
import contextlib
import hashlib
import importlib.metadata
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from caseload import write_section  # noqa: E402
from datasets import BIN, CACHE, BenchError, datasets, machine, machine_line, psql_url  # noqa: E402

PRODUCTION = "wijkkracht.conf.production"
TITLE = "Load test, PostgreSQL"
TARGET_RPS, TARGET_P99 = 300, 250

#: Run in the copy under the production settings: the social workers of the load test, each with the open
#: households of their team; checks that the settings really are production's and the password works.
PREPARE = r"""
import json, sys
import django
django.setup()
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.db import connection
problems = []
if settings.DEBUG:
    problems.append("DEBUG staat aan")
if connection.vendor != "postgresql":
    problems.append(f"de database is {connection.vendor}, niet PostgreSQL")
for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT"):
    if not getattr(settings, name):
        problems.append(f"{name} staat uit")
if not settings.SECURE_HSTS_SECONDS:
    problems.append("HSTS staat uit")
if "MD5" in settings.PASSWORD_HASHERS[0]:
    problems.append("de wachtwoord-hasher is die van de tests")
if problems:
    sys.exit("Geen productie-instellingen: " + "; ".join(problems) + ". De belastingtest draait alleen daartegen.")
from wijkkracht.accounts.models import Role, User
from wijkkracht.households.models import Household, HouseholdStatus
from wijkkracht.teams.models import TeamMembership
wanted = int(sys.argv[1])
workers = list(
    User.objects.filter(role=Role.SOCIAL_WORKER, is_active=True, memberships__isnull=False)
    .distinct().order_by("id")
)
accounts = []
for user in workers:
    team_ids = list(TeamMembership.objects.filter(user=user).values_list("team_id", flat=True))
    households = list(
        Household.objects.filter(team_id__in=team_ids)
        .exclude(status__in=[HouseholdStatus.CLOSED, HouseholdStatus.HANDED_OVER])
        .order_by("?").values_list("id", flat=True)[:200]
    )
    if households:
        accounts.append({"username": user.username, "households": households})
    if len(accounts) == wanted:
        break
if not accounts:
    sys.exit("Geen sociaal werkers met huishoudens in deze database: is het de demogemeente?")
from wijkkracht.demo.builder import DEMO_PASSWORD
user = User.objects.get(username=accounts[0]["username"])
if not user.check_password(DEMO_PASSWORD):
    sys.exit(f"Het demowachtwoord werkt niet voor {user.username} (met de test-hasher gebouwd?): bouw de set opnieuw.")
algorithm = identify_hasher(user.password).algorithm
print(json.dumps({"accounts": accounts, "password": DEMO_PASSWORD, "hasher": algorithm, "workers": len(workers)}))
"""


def refuse_non_production(environ: dict[str, str]) -> None:
    """Before anything is built: the load test measures production's configuration, nothing else."""
    problems = []
    settings_module = environ.get("DJANGO_SETTINGS_MODULE")
    if settings_module and settings_module != PRODUCTION:
        problems.append(f"DJANGO_SETTINGS_MODULE={settings_module} (alleen {PRODUCTION})")
    if environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
        problems.append("DEBUG staat aan")
    database_url = environ.get("DATABASE_URL", "")
    if database_url and not database_url.startswith(("postgres://", "postgresql://")):
        problems.append(f"DATABASE_URL wijst naar {database_url.split(':', 1)[0]}, niet naar PostgreSQL")
    for name in ("SECURE_COOKIES", "SECURE_SSL_REDIRECT"):
        if environ.get(name, "").strip().lower() in {"0", "false", "no", "off"}:
            problems.append(f"{name} staat uit")
    if problems:
        raise BenchError(
            "De belastingtest draait alleen tegen de productie-instellingen op PostgreSQL: "
            + "; ".join(problems)
            + ". Er is niets aangemaakt."
        )


def static_fingerprint() -> str:
    """What the collected static files depend on: the app's own files and the packages that bring theirs."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "wijkkracht").glob("*/static/**/*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    for package in ("django", "djangorestframework", "drf-spectacular", "drf-spectacular-sidecar", "whitenoise"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            digest.update(f"{package}=={importlib.metadata.version(package)}\n".encode())
    return digest.hexdigest()


def collect_static(env: dict[str, str]) -> None:
    """`collectstatic` as production runs it (hashed and compressed names), kept in the cache folder and done
    again only when a static file or a package that brings some changed: it costs a minute of CPU."""
    marker = Path(env["STATIC_ROOT"]) / ".bench-fingerprint"
    fingerprint = static_fingerprint()
    if marker.exists() and marker.read_text() == fingerprint:
        return
    print("Statische bestanden verzamelen (collectstatic) …", flush=True)
    marker.unlink(missing_ok=True)
    subprocess.run([str(BIN / "wijkkracht"), "collectstatic", "--no-input", "-v", "0"], env=env, check=True)
    marker.write_text(fingerprint)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float, server: subprocess.Popen) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn is gestopt (exit {server.returncode}); zie de uitvoer hierboven.")
        with contextlib.suppress(OSError, urllib.error.URLError), urllib.request.urlopen(url, timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.5)
    raise BenchError(f"{url} antwoordde niet binnen {seconds:.0f} s.")


def postmaster_pid(url: str) -> int:
    with contextlib.suppress(subprocess.CalledProcessError, OSError, ValueError):
        data_directory = psql_url(url, "SHOW data_directory")
        return int((Path(data_directory) / "postmaster.pid").read_text().split()[0])
    return 0


def title_for(rate: int) -> str:
    """The section of the target rate is the main one; other rates get sections of their own."""
    if rate == TARGET_RPS:
        return TITLE
    return f"{TITLE}, " + (f"{rate} requests a second offered" if rate else "as fast as the server answers")


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def section(result: dict, args: argparse.Namespace, plan: dict, info: dict, size_note: str) -> str:
    total = result["total"]
    met_rps = total["rps"] >= TARGET_RPS * 0.98
    met_p99 = total["p99"] <= TARGET_P99
    errors = sum(error["count"] for error in result["errors"])
    offered = f"{args.rate:,} requests a second offered" if args.rate else "each user as fast as the server answers"
    cpu = result["cpu_seconds"]
    ours = cpu.get("app", 0) + cpu.get("database", 0) + cpu.get("load generator", 0)
    shares = {
        "app (gunicorn)": cpu.get("app", 0),
        "PostgreSQL": cpu.get("database", 0),
        "load generator": cpu.get("load generator", 0),
        "other processes": max(0.0, cpu.get("machine", 0) - ours),
        "whole machine": cpu.get("machine", 0),
    }
    seconds = result["seconds"]
    lines = [
        f"## {title_for(args.rate)}",
        "",
        f"Measured by `make load` (bench/load.py, locust headless) on "
        f"{time.strftime('%d %B %Y, %H:%M UTC', time.gmtime())}: {args.users} simulated social workers, each a "
        f"different account ({len(plan['accounts'])} of the {plan['workers']} in the set"
        + (", shared round-robin" if len(plan["accounts"]) < args.users else "")
        + f"), {offered}, for {seconds:.0f} s after all had signed in; 50 % team caseload, 25 % household page, "
        "15 % API household list, 10 % contact POST, in the households of their own team.",
        "",
        f"Server: gunicorn {args.workers} worker process(es) × {args.threads} thread(s), production settings "
        f"(`{PRODUCTION}`, DEBUG off, secure cookies, HTTPS redirect and HSTS as shipped; the load client plays "
        "the TLS proxy with `X-Forwarded-Proto: https`), PostgreSQL with JIT off (the app's default), "
        f"{size_note}, copied for the run and dropped after it. The load generator runs on the same machine.",
        "",
        f"Machine: {machine_line(info)}, at the end {result.get('load_at_end', '?')}.",
        "",
        "| | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    measured = {name: entry for name, entry in result["by_name"].items() if entry["requests"]}
    for name, entry in sorted(measured.items(), key=lambda item: -item[1]["requests"]):
        lines.append(
            f"| {name} | {entry['requests']:,} | {entry['rps']:.1f} | {_ms(entry['p50'])} | {_ms(entry['p95'])} | "
            f"{_ms(entry['p99'])} | {_ms(entry['max'])} | {entry['failures']} |"
        )
    lines.append(
        f"| **all** | {total['requests']:,} | **{total['rps']:.1f}** | {_ms(total['p50'])} | {_ms(total['p95'])} | "
        f"**{_ms(total['p99'])}** | {_ms(total['max'])} | {errors} |"
    )
    lines += [
        "",
        f"Target: {TARGET_RPS} requests a second with p99 ≤ {TARGET_P99} ms. Throughput "
        f"{'met' if met_rps else '**not met**'} ({total['rps']:.0f} req/s), p99 "
        f"{'met' if met_p99 else '**not met**'} ({_ms(total['p99'])} ms); {errors} errors.",
        "",
        "CPU during the measurement (seconds of CPU per second of the run; 2 cores = 2.0): "
        + ", ".join(f"{name} {value / seconds:.2f}" for name, value in shares.items())
        + f"; app CPU per request {cpu.get('app', 0) * 1000 / max(1, total['requests']):.1f} ms, PostgreSQL "
        f"{cpu.get('database', 0) * 1000 / max(1, total['requests']):.1f} ms.",
        "",
        f"Sign-ins (once per user, before the measurement; password hasher {plan['hasher']}): "
        f"{result['sign_in']['count']} signed in, {result['sign_in']['failed']} failed, median "
        f"{_ms(result['sign_in']['p50'])} ms, slowest {_ms(result['sign_in']['max'])} ms.",
    ]
    if result["errors"]:
        lines += ["", "Errors:", ""]
        lines += [f"- {error['what']}: {error['error']} ({error['count']}×)" for error in result["errors"][:10]]
    return "\n".join(lines) + "\n"


def main() -> None:
    # A stop (kill, timeout) cleans up like Ctrl+C: no half-built set, no server or copy left behind.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="households in the demo municipality")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--rate", type=int, default=TARGET_RPS, help="requests a second offered (0 = no limit)")
    parser.add_argument("--duration", type=int, default=60, help="seconds measured after all have signed in")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--keep", type=Path, default=ROOT / "var" / "load", help="folder for locust's CSV files")
    args = parser.parse_args()

    try:
        refuse_non_production(dict(os.environ))
        if not shutil.which("gunicorn", path=str(BIN)) or not shutil.which("locust", path=str(BIN)):
            raise BenchError("gunicorn en locust ontbreken: `make load` installeert ze (pip install -e '.[bench]').")
        run(args)
    except BenchError as error:
        sys.exit(str(error))


def run(args: argparse.Namespace) -> None:
    with datasets(["postgresql"], [args.size]) as found:
        source = found[0]
        info = machine(source.url)
        base_url, _slash, source_name = source.url.rpartition("/")
        copy = f"load_{os.getpid()}"
        admin_url = f"{base_url}/postgres"
        need = int(psql_url(source.url, f"SELECT pg_database_size('{source_name}')"))
        with contextlib.suppress(subprocess.CalledProcessError, OSError):
            free = shutil.disk_usage(psql_url(source.url, "SHOW data_directory")).free
            if free < need + 2 * 1024**3:
                raise BenchError(
                    f"Te weinig schijfruimte voor een kopie van de database ({need / 1024**3:.1f} GB nodig, "
                    f"{free / 1024**3:.1f} GB vrij). Er is niets aangemaakt."
                )
        work = Path(tempfile.mkdtemp(prefix="wijkkracht-load-"))
        server = None
        try:
            print(f"Kopie van {source_name} maken ({need / 1024**2:,.0f} MB) …", flush=True)
            try:
                psql_url(admin_url, f"CREATE DATABASE {copy} TEMPLATE {source_name}")
            except subprocess.CalledProcessError as error:
                raise BenchError(f"Kopiëren van {source_name} lukte niet: {error.stderr.strip()}") from None
            env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DATABASE_"))}
            env.update(
                DJANGO_SETTINGS_MODULE=PRODUCTION,
                SECRET_KEY=secrets.token_urlsafe(50),
                DATABASE_URL=f"{base_url}/{copy}",
                WIJKKRACHT_DATA_DIR=str(work),
                STATIC_ROOT=str(CACHE / "static"),
                ALLOWED_HOSTS="127.0.0.1",
                LOG_LEVEL="WARNING",
            )
            env.pop("DEBUG", None)
            subprocess.run([str(BIN / "wijkkracht"), "migrate", "--no-input", "-v", "0"], env=env, check=True)
            collect_static(env)
            prepared = subprocess.run(
                [str(BIN / "python"), "-c", PREPARE, str(args.users)], env=env, capture_output=True, text=True
            )
            if prepared.returncode != 0:
                message = prepared.stderr.strip().splitlines()[-1] if prepared.stderr else "voorbereiden mislukt"
                raise BenchError(message)
            plan = json.loads(prepared.stdout)
            if len(plan["accounts"]) < args.users:
                print(
                    f"Let op: {len(plan['accounts'])} sociaal werkers voor {args.users} gebruikers; "
                    "sommige accounts worden gedeeld.",
                    file=sys.stderr,
                )
            (work / "plan.json").write_text(json.dumps(plan))
            port = free_port()
            server = subprocess.Popen(
                [
                    str(BIN / "gunicorn"), "wijkkracht.wsgi:application", "--bind", f"127.0.0.1:{port}",
                    "--workers", str(args.workers), "--threads", str(args.threads), "--backlog", "2048",
                    "--timeout", "120", "--log-level", "warning",
                ],
                env=env, start_new_session=True,
            )  # fmt: skip
            wait_for(f"http://127.0.0.1:{port}/healthz", 60, server)
            print(
                f"gunicorn ({args.workers} × {args.threads}) op poort {port}; {args.users} gebruikers, "
                f"{args.rate or 'onbeperkt'} req/s, {args.duration} s na het inloggen …",
                flush=True,
            )
            args.keep.mkdir(parents=True, exist_ok=True)
            result_path = work / "result.json"
            locust_env = dict(env)
            locust_env.update(
                LOAD_PLAN=str(work / "plan.json"),
                LOAD_USERS=str(args.users),
                LOAD_RATE=str(args.rate),
                LOAD_DURATION=str(args.duration),
                LOAD_RESULT=str(result_path),
                LOAD_PASSWORD=plan["password"],
                LOAD_APP_PID=str(server.pid),
                LOAD_DB_PID=str(postmaster_pid(source.url)),
            )
            subprocess.run(
                [
                    str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                    "-u", str(args.users), "-r", str(args.spawn_rate), "--host", f"http://127.0.0.1:{port}",
                    "--run-time", f"{args.duration + 900}s", "--csv", str(args.keep / "locust"), "--only-summary",
                    "--loglevel", "WARNING", "--exit-code-on-error", "0",
                ],
                env=locust_env, check=False,
            )  # fmt: skip
            if not result_path.exists():
                raise BenchError("De belastingtest gaf geen resultaat (zie de uitvoer van locust hierboven).")
            result = json.loads(result_path.read_text())
            if "error" in result:
                raise BenchError(f"Belastingtest afgebroken: {result['error']}.")
        finally:
            if server is not None and server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.CalledProcessError):
                psql_url(admin_url, f"DROP DATABASE IF EXISTS {copy} WITH (FORCE)")
            shutil.rmtree(work, ignore_errors=True)
    result["load_at_end"] = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    size_note = f"the demo municipality of {args.size:,} households"
    text = section(result, args, plan, info, size_note)
    (args.keep / "result.json").write_text(json.dumps(result, indent=2))
    write_section(args.output, title_for(args.rate), text)
    print(text)


if __name__ == "__main__":
    main()
