"""`make bench`: the pages a team uses all day, at 10,000 and 100,000 households, on SQLite and PostgreSQL.

For each database and size it takes the demo municipality of that size (built once into `var/bench/`, or
given: see `bench/datasets.py`), migrates it to the current code, and times every page in a process of its
own with Django's test client: server-side time, no network, as the signed-in user who would open it. Each
page is requested `--warmup` times first (those requests count the queries) and then `--repeat` times (those
give the median and the 95th percentile). The results replace the "Pages" sections of docs/performance.md,
with the 10,000 → 100,000 ratio of every page and the machine they ran on.

    .venv/bin/python bench/caseload.py [--sizes 10000 100000] [--databases sqlite postgresql] [--repeat 30]

The other scripts in bench/ use `fresh_django()` and `write_section()` from here.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh_django() -> None:
    """Set Django up on a fresh, migrated database of the bench's own (in a temporary data directory, unless
    `WIJKKRACHT_DATA_DIR` or `DATABASE_URL` says where): shared by every script in `bench/`."""
    os.environ.setdefault("WIJKKRACHT_DATA_DIR", tempfile.mkdtemp(prefix="wijkkracht-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "wijkkracht.conf.test"
    os.environ["WIJKKRACHT_CREATE_DATABASE"] = "1"  # the bench migrates its own fresh database
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


HEADER = """# Performance

How fast the product is at the size of a large city, measured on one machine, with the commands that made
every figure:

- `make bench` (bench/caseload.py) times the pages of a team's working day at 10,000 and 100,000 households on
  SQLite and PostgreSQL: server-side time through Django's test client, so no network and no web server; the
  queries per page; and how much slower each page gets when the city is ten times larger (the ratio).
- `make load` (bench/load.py, bench/locustfile.py) puts 100 simulated social workers on a production-like
  server: gunicorn with the production settings and PostgreSQL, measured from the outside with locust.

The demo municipalities are built once by `wijkkracht demo --households N` into `var/bench/` (a PostgreSQL
cluster of the bench's own included) and reused by later runs; `BENCH_SQLITE_<N>` and `BENCH_POSTGRES_<N>`
point at sets built elsewhere. Before it builds anything the bench checks that the disk can hold it. Other
scripts in bench/ (search, social map, access log, the outcomes dashboard against its floor query) add
sections of their own; each run replaces only its own.
"""

#: (name, what it must meet at 100,000 households: "p95" ≤ 50 ms, "flat" ratio ≤ 1.3, "overview" ≤ 500 ms)
PAGE_TARGETS = {
    "team caseload": ("p95", "flat"),
    "team caseload, overdue, most open tasks first": ("p95", "flat"),
    "team caseload, longest without contact first": ("p95", "flat"),
    "my households": ("p95", "flat"),
    "search: household name": ("flat",),
    "search: postcode": ("flat",),
    "household page": ("p95", "flat"),
    "plan page": ("p95", "flat"),
    "progress page": ("p95", "flat"),
    "API household list": ("p95", "flat"),
    "policy overview": ("overview", "flat"),
}


def _other_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy, minus this process's own: what else ran meanwhile."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    busy = sum(fields) - fields[3] - fields[4]  # all but idle and iowait
    own = os.times()
    return busy / os.sysconf("SC_CLK_TCK") - own.user - own.system


def measure(args: argparse.Namespace) -> None:
    """In a process of its own: time every page on one data set, write the figures as JSON."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "wijkkracht.conf.test"
    os.environ["DATABASE_URL"] = args.measure
    os.environ.setdefault("WIJKKRACHT_DATA_DIR", tempfile.mkdtemp(prefix="wijkkracht-bench-"))
    os.environ["LOG_LEVEL"] = "WARNING"  # no sign-in messages of django-axes between the figures
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from wijkkracht.accounts.models import Role, User
    from wijkkracht.diagnosis.models import Measurement
    from wijkkracht.households.models import Contact, Household, HouseholdStatus
    from wijkkracht.plans.models import Plan, PlanStatus
    from wijkkracht.teams.models import Team

    # Not setup_test_environment(): its template instrumentation (a signal and a copy of every template's
    # context for the test client) is test-only work that would be timed with the pages.
    settings.ALLOWED_HOSTS = ["testserver"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)  # a set built by older code gets the current schema
    migrate_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as autovacuum keeps them on a server in use

    coordinator = (
        User.objects.filter(username="ilse", role=Role.TEAM_COORDINATOR).first()
        or User.objects.filter(role=Role.TEAM_COORDINATOR, is_active=True, memberships__isnull=False)
        .order_by("id")
        .first()
    )
    if coordinator is None:
        sys.exit("Geen teamcoördinator in deze database: is het de demogemeente?")
    team = Team.objects.filter(memberships__user=coordinator).order_by("id").first()
    assert team is not None
    open_households = Household.objects.filter(team=team).exclude(
        status__in=[HouseholdStatus.CLOSED, HouseholdStatus.HANDED_OVER]
    )
    worker = (
        User.objects.filter(role=Role.SOCIAL_WORKER, is_active=True, memberships__team=team)
        .annotate(households=Count("contact_households", filter=Q(contact_households__in=open_households)))
        .order_by("-households", "id")
        .first()
    )
    policy_officer = User.objects.filter(role=Role.POLICY_OFFICER, is_active=True).order_by("id").first()
    plan = (
        Plan.objects.filter(household__in=open_households, status=PlanStatus.ACTIVE)
        .filter(household__in=Measurement.objects.values("household"))
        .order_by("-id")
        .first()
    )
    if worker is None or policy_officer is None or plan is None:
        sys.exit("De demogemeente mist een medewerker, een beleidsmedewerker of een actief plan.")
    household = plan.household
    surname = household.name.split()[-1]
    postcode = f"{household.postcode[:4]} {household.postcode[4:]}"

    backend = "django.contrib.auth.backends.ModelBackend"
    clients = {}
    for user in (coordinator, worker, policy_officer):
        clients[user.id] = Client()
        clients[user.id].force_login(user, backend=backend)
    pages = [
        ("team caseload", coordinator, "/huishoudens/team/"),
        ("team caseload, overdue, most open tasks first", coordinator, "/huishoudens/team/?overdue=1&sort=-open_tasks"),
        ("team caseload, longest without contact first", coordinator, "/huishoudens/team/?sort=last_contact"),
        ("my households", worker, "/huishoudens/mijn/"),
        ("search: household name", coordinator, f"/huishoudens/team/?q={surname}"),
        ("search: postcode", coordinator, f"/huishoudens/team/?q={postcode.replace(' ', '+')}"),
        ("household page", coordinator, f"/huishoudens/{household.id}/"),
        ("plan page", coordinator, f"/huishoudens/{household.id}/plan/{plan.id}/"),
        ("progress page", coordinator, f"/huishoudens/{household.id}/voortgang/"),
        ("API household list", coordinator, "/api/v1/households/"),
        ("policy overview", policy_officer, "/overzicht/"),
    ]
    results = []
    for name, user, url in pages:
        client = clients[user.id]
        queries = []
        for _ in range(args.warmup):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"{name}: {url} gaf {response.status_code} voor {user.username}")
            queries.append(len(captured.captured_queries))
        timings = []
        others_before = _other_cpu_seconds()
        wall_before = time.perf_counter()
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                sys.exit(f"{name}: {url} gaf {response.status_code} voor {user.username}")
        others = (_other_cpu_seconds() - others_before) / (time.perf_counter() - wall_before)
        timings.sort()
        results.append(
            {
                "name": name,
                "user": user.username,
                "median": statistics.median(timings),
                "p95": timings[max(0, -(-len(timings) * 95 // 100) - 1)],  # nearest rank
                # The first request fills the process's caches; the steady state is what every later one makes.
                "queries": sorted(set(queries[1:] or queries)),
                "first_queries": queries[0],
                "other_cores": others,
            }
        )
        print(f"  {name:<48} {results[-1]['median']:7.1f} {results[-1]['p95']:7.1f} ms  {queries[-1]} queries")
    summary = {
        "vendor": connection.vendor,
        "server_version": connection.cursor().connection.info.server_version
        if connection.vendor == "postgresql"
        else None,
        "households": Household.objects.count(),
        "contacts": Contact.objects.count(),
        "teams": Team.objects.count(),
        "team_households": Household.objects.filter(team=team).count(),
        "team": team.name,
        "workers": User.objects.filter(role=Role.SOCIAL_WORKER, is_active=True).count(),
        "migrate_seconds": migrate_seconds,
        "repeat": args.repeat,
        "warmup": args.warmup,
        "pages": results,
    }
    Path(args.json).write_text(json.dumps(summary, indent=2))


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _verdict(page: dict, big: dict | None, ratio: float | None) -> str:
    targets = PAGE_TARGETS.get(page["name"], ())
    if big is None:
        return ""
    checks = []
    for target in targets:
        if target == "p95":
            checks.append(("p95 ≤ 50 ms", big["p95"] <= 50))
        elif target == "overview":
            checks.append(("≤ 500 ms", big["p95"] <= 500))
        elif target == "flat" and ratio is not None:
            checks.append(("ratio ≤ 1.3", ratio <= 1.3))
    return ", ".join(f"{label} {'yes' if met else '**no**'}" for label, met in checks)


def section(engine: str, runs: dict[int, dict], machine_line: str, build_notes: list[str]) -> tuple[str, str]:
    title = {"sqlite": "Pages, SQLite", "postgresql": "Pages, PostgreSQL"}[engine]
    sizes = sorted(runs)
    small, large = sizes[0], sizes[-1]
    first = runs[large]
    lines = [
        f"## {title}",
        "",
        f"Measured by `make bench` (bench/caseload.py) on {time.strftime('%d %B %Y, %H:%M UTC', time.gmtime())}: "
        f"server-side time through Django's test client (no network), {first['warmup']} warm-up requests per page "
        f"(which count the queries), then {first['repeat']} timed requests; median and 95th percentile in ms.",
        "",
        f"Machine: {machine_line}.",
        "",
        "Data sets: "
        + "; ".join(
            f"{runs[size]['households']:,} households ({runs[size]['contacts']:,} contacts, {runs[size]['teams']} "
            f"teams, {runs[size]['workers']} social workers; the measured team, {runs[size]['team']}, holds "
            f"{runs[size]['team_households']:,})"
            for size in sizes
        )
        + ". "
        + " ".join(build_notes)
        + " Other processes on the machine used on average "
        + ", ".join(
            f"{statistics.mean(page['other_cores'] for page in runs[size]['pages']):.2f} (at most "
            f"{max(page['other_cores'] for page in runs[size]['pages']):.2f})"
            for size in sizes
        )
        + " of the cores while the pages were timed (at "
        + " and ".join(f"{size:,}" for size in sizes)
        + " households).",
        "",
    ]
    head = "| page | " + " | ".join(f"{runs[size]['households']:,}: median / p95" for size in sizes)
    head += " | queries |"
    align = "|---|" + "---:|" * len(sizes) + "---:|"
    if len(sizes) > 1:
        head += f" ratio {large // 1000}k/{small // 1000}k (median) | target at {large:,} |"
        align += "---:|---|"
    lines += [head, align]
    for index, page in enumerate(first["pages"]):
        cells = [page["name"]]
        for size in sizes:
            run_page = runs[size]["pages"][index]
            cells.append(f"{_number(run_page['median'])} / {_number(run_page['p95'])}")
        cells.append(" / ".join(", ".join(map(str, runs[size]["pages"][index]["queries"])) for size in sizes))
        if len(sizes) > 1:
            ratio = runs[large]["pages"][index]["median"] / runs[small]["pages"][index]["median"]
            cells.append(f"{ratio:.2f}")
            cells.append(_verdict(page, runs[large]["pages"][index], ratio))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "Users: the team caseload, searches, household, plan and progress pages and the API list as the team's "
        "coordinator (who sees the whole team); my households as the team's social worker with the most "
        "households; the policy overview as a policy officer. Queries: per request at each size, after the first "
        "request of the process (which fills its caches); two numbers when the warm-up requests differed."
    )
    return title, "\n".join(lines) + "\n"


def main() -> None:
    # A stop (kill, timeout) cleans up like Ctrl+C: no half-built set, no server or copy left behind.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--measure", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args)
        return
    if any(size < 1 or size > 1_000_000 for size in args.sizes):
        sys.exit("--sizes: tussen 1 en 1.000.000 huishoudens.")
    if args.repeat < 30:
        print("Let op: minder dan 30 metingen per pagina; de p95 zegt dan weinig.", file=sys.stderr)

    sys.path.insert(0, str(ROOT / "bench"))
    from datasets import BenchError, datasets, machine, machine_line

    started = time.perf_counter()
    try:
        with datasets(args.databases, args.sizes) as found:
            pg_url = next((dataset.url for dataset in found if dataset.engine == "postgresql"), None)
            info = machine(pg_url)
            by_engine: dict[str, dict[int, dict]] = {}
            notes: dict[str, list[str]] = {}
            for dataset in found:
                print(f"{dataset.engine}, {dataset.size:,} huishoudens ({dataset.origin}):", flush=True)
                with tempfile.NamedTemporaryFile(suffix=".json") as output:
                    subprocess.run(
                        [sys.executable, __file__, "--measure", dataset.url, "--json", output.name,
                         "--repeat", str(args.repeat), "--warmup", str(args.warmup)],
                        check=True, env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
                    )  # fmt: skip
                    by_engine.setdefault(dataset.engine, {})[dataset.size] = json.loads(Path(output.name).read_text())
                if dataset.build_seconds is not None:
                    verb = "built in this run" if dataset.origin == "built" else "built earlier"
                    notes.setdefault(dataset.engine, []).append(
                        f"The {dataset.size:,} set was {verb} by `wijkkracht demo` in {dataset.build_seconds:,.0f} s."
                    )
                elif dataset.origin == "given":
                    notes.setdefault(dataset.engine, []).append(
                        f"The {dataset.size:,} set was given ({dataset.given_by})."
                    )
    except BenchError as error:
        sys.exit(str(error))
    except subprocess.CalledProcessError as error:
        sys.exit(f"Mislukt: {' '.join(map(str, error.cmd[:3]))} … (exit {error.returncode}); niets geschreven.")
    end_load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    line = f"{machine_line(info)}, at the end {end_load}"
    for engine, runs in by_engine.items():
        title, text = section(engine, runs, line, notes.get(engine, []))
        write_section(args.output, title, text)
        print(text)
    print(f"Klaar in {time.perf_counter() - started:,.0f} s; {args.output} bijgewerkt.")


#: Sections of earlier versions of this bench, replaced by the "Pages" sections.
RETIRED_SECTIONS = ("SQLite (default)", "PostgreSQL (`scripts/with-postgres.sh`)")
#: The sections of `make bench` and `make load` come first, the other scripts' after them.
LEADING_SECTIONS = ("Pages, SQLite", "Pages, PostgreSQL", "Load test, PostgreSQL")


def write_section(path: Path, title: str, section: str) -> None:
    """Replace this section of the results file (by its title), keeping the others."""
    text = path.read_text() if path.exists() else HEADER
    if not text.startswith("# Performance"):
        text = HEADER
    parts = text.split("\n## ")
    # The introduction is always this script's (it says how every section is made).
    head, sections = HEADER, {part.split("\n", 1)[0]: "## " + part for part in parts[1:]}
    for retired in RETIRED_SECTIONS:
        sections.pop(retired, None)
    sections[title] = section
    summaries = [name for name in sections if name.startswith("What the figures say")]  # written by hand
    first = summaries + [name for name in LEADING_SECTIONS if name in sections]
    sections = {name: sections[name] for name in [*first, *(name for name in sections if name not in first)]}
    path.write_text(head.rstrip() + "\n\n" + "\n".join(s.rstrip() + "\n" for s in sections.values()))


if __name__ == "__main__":
    main()
