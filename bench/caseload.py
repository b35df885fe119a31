"""Measure the pages a team uses all day, on a demo municipality of growing size.

Runs against a fresh SQLite database in a temporary folder (or DATABASE_URL when set), builds the demo
municipality at each size, and times the caseload, the household page and the API list with Django's
test client (server-side time, no network). Writes a table to docs/performance.md.

    .venv/bin/python bench/caseload.py [--sizes 300 3000] [--repeat 20]
"""

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from io import StringIO
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()

    fresh_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client

    from wijkkracht.households.models import Contact, Household
    from wijkkracht.plans.models import Plan

    settings.DEBUG = True  # count queries
    rows = []
    for size in sorted(args.sizes):
        started = time.perf_counter()
        call_command("demo", households=size, seed=2026, stdout=StringIO())
        build_seconds = time.perf_counter() - started
        client = Client()
        client.post("/inloggen/", {"username": "ilse", "password": "wijkkracht-demo"})  # axes needs the request
        household = Household.objects.filter(team__memberships__user__username="ilse").order_by("id").last()
        plan = (
            Plan.objects.filter(household__team__memberships__user__username="ilse", status="active")
            .order_by("id")
            .last()
        )
        pages = {
            "team caseload": "/huishoudens/team/",
            "team caseload, overdue, sorted": "/huishoudens/team/?overdue=1&sort=-open_tasks",
            "my households": "/huishoudens/mijn/",
            "household page": f"/huishoudens/{household.id}/",
            "API caseload": "/api/v1/households/",
            "plan page": f"/huishoudens/{plan.household_id}/plan/{plan.id}/",
            "progress page (SVG pictures)": f"/huishoudens/{plan.household_id}/voortgang/",
            "household page with plan and pictures": f"/huishoudens/{plan.household_id}/",
        }
        for name, url in pages.items():
            timings, queries = [], 0
            for _ in range(args.repeat):
                reset_queries()
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                queries = len(connection.queries)
            rows.append(
                (
                    size,
                    Contact.objects.count(),
                    name,
                    statistics.median(timings),
                    sorted(timings)[int(len(timings) * 0.95) - 1],
                    queries,
                )
            )
        rows.append((size, Contact.objects.count(), "(demo build, seconds)", build_seconds * 1000, 0.0, 0))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    engine = connection.vendor
    title = {"sqlite": "SQLite (default)", "postgresql": "PostgreSQL (`scripts/with-postgres.sh`)"}.get(engine, engine)
    lines = [
        f"## {title}",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"database {engine}. Peak memory of the whole run: {peak_mib:.0f} MiB.",
        "",
        "| households | contacts | page | median ms | p95 ms | queries |",
        "|---:|---:|---|---:|---:|---:|",
    ]
    for size, contacts, name, median, p95, queries in rows:
        if name.startswith("(demo build"):
            build = "demo build (households added at this size)"
            lines.append(f"| {size} | {contacts} | {build} | {median / 1000:.1f} s | | |")
        else:
            lines.append(f"| {size} | {contacts} | {name} | {median:.1f} | {p95:.1f} | {queries} |")
    write_section(args.output, title, "\n".join(lines) + "\n")
    sys.stdout.write("\n".join(lines) + "\n")


HEADER = """# Performance

Measured by `bench/caseload.py`: server-side time through Django's test client, no network. Run it with
`make bench` (SQLite) or `scripts/with-postgres.sh .venv/bin/python bench/caseload.py` (PostgreSQL); each
run replaces only the section of its own database.

The query count per page does not grow with the number of households: list pages use subqueries for last
contact and task counts, and the access log for a page is one bulk insert.
"""


def write_section(path: Path, title: str, section: str) -> None:
    """Replace this database's section of the results file, keeping the others."""
    text = path.read_text() if path.exists() else HEADER
    if not text.startswith("# Performance"):
        text = HEADER
    parts = text.split("\n## ")
    head, sections = parts[0], {part.split("\n", 1)[0]: "## " + part for part in parts[1:]}
    sections[title] = section
    path.write_text(head.rstrip() + "\n\n" + "\n".join(s.rstrip() + "\n" for s in sections.values()))


if __name__ == "__main__":
    main()
