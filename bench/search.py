"""Measure search in the caseload and "Mijn taken" at a large municipality (100,000 households by default).

Builds the demo organisation with a small demo (realistic plans and measurements), then adds households
in bulk (members with first names and BSNs, contacts, planned appointments, open tasks) up to the size asked
for, and times each kind of search and the worker's own pages with Django's test client as the coordinator
of one of the three teams (server-side time, no network). Runs against a fresh SQLite database in a
temporary folder, or DATABASE_URL when set. Writes its section of docs/performance.md.

    .venv/bin/python bench/search.py [--size 100000] [--repeat 20]
    scripts/with-postgres.sh .venv/bin/python bench/search.py
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def bulk_households(size: int, seed: int = 2026, workload: int = 400) -> None:
    """Add households in bulk up to `size`: no services (they log and validate one by one), the same shape."""
    from django.db import transaction
    from django.utils import timezone

    from wijkkracht.accounts.models import Role, User
    from wijkkracht.demo.builder import ADULT_NAMES, SURNAMES, WIJKEN
    from wijkkracht.households.models import Contact, ContactKind, Household, Person, PersonRole, Task
    from wijkkracht.teams.models import Team, TeamMembership

    rng = random.Random(seed)
    today = timezone.localdate()
    teams = [Team.objects.get(name=f"Wijkteam {wijk.name}") for wijk in WIJKEN]
    # A worker carries some hundreds of households, not thousands: add workers so that "Mijn taken" and the
    # week view show a busy but real worker's load.
    per_team = max(1, size // len(teams) // workload)
    for team in teams:
        have = team.memberships.count()
        staff = User.objects.bulk_create(
            [
                User(username=f"bench-{team.id}-{n}", first_name="Bench", last_name=f"{n}", role=Role.SOCIAL_WORKER)
                for n in range(have, per_team)
            ]
        )
        TeamMembership.objects.bulk_create([TeamMembership(team=team, user=user) for user in staff])
    workers = {
        team.id: list(User.objects.filter(memberships__team=team, role__in=[Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR]))
        for team in teams
    }
    wijken = {team.id: team.wijken.get() for team in teams}
    existing = Household.objects.count()
    bsn = 200_000_000
    batch = 5000
    for start in range(existing, size, batch):
        count = min(batch, size - start)
        households = []
        for _ in range(count):
            index = rng.randrange(len(teams))
            team, demo_wijk = teams[index], WIJKEN[index]
            registered = today - datetime.timedelta(days=rng.randrange(5, 700))
            households.append(
                Household(
                    name=rng.choice(SURNAMES),
                    postcode=f"{rng.choice(demo_wijk.postcodes)}{rng.choice('ABCDEFGHJK')}{rng.choice('ABDEGHKLMNPRST')}",
                    house_number=rng.randrange(1, 240),
                    street=rng.choice(demo_wijk.streets),
                    city="Wijkdorp",
                    wijk=wijken[team.id],
                    team=team,
                    contact_person=rng.choice(workers[team.id]),
                    intake_channel="desk",
                    status=rng.choice(["registered", "intake", "plan", "in_progress", "in_progress", "closed"]),
                    status_since=registered,
                    registered_on=registered,
                )
            )
        with transaction.atomic():
            created = Household.objects.bulk_create(households, batch_size=1000)
            people, contacts, tasks = [], [], []
            for household in created:
                for _ in range(rng.randrange(1, 5)):
                    bsn += rng.randrange(1, 50)
                    people.append(
                        Person(
                            household=household,
                            first_name=rng.choice(ADULT_NAMES),
                            last_name=household.name,
                            date_of_birth=datetime.date(1960 + rng.randrange(50), 1 + rng.randrange(12), 1),
                            bsn=str(bsn) if rng.random() < 0.8 else "",
                            role=PersonRole.PARENT,
                        )
                    )
                for _ in range(rng.randrange(1, 6)):
                    contacts.append(
                        Contact(
                            household=household,
                            kind=ContactKind.HOME_VISIT,
                            date=today - datetime.timedelta(days=rng.randrange(0, 300)),
                            duration_minutes=45,
                            worker=household.contact_person,
                        )
                    )
                if rng.random() < 0.2:  # a planned appointment
                    contacts.append(
                        Contact(
                            household=household,
                            kind=ContactKind.HOME_VISIT,
                            date=today + datetime.timedelta(days=rng.randrange(0, 14)),
                            worker=household.contact_person,
                        )
                    )
                if rng.random() < 0.5:
                    tasks.append(
                        Task(
                            household=household,
                            team=household.team,
                            assigned_to=household.contact_person,
                            title="Terugbellen",
                            due_date=today + datetime.timedelta(days=rng.randrange(-20, 30)),
                        )
                    )
            Person.objects.bulk_create(people, batch_size=2000)
            Contact.objects.bulk_create(contacts, batch_size=2000)
            Task.objects.bulk_create(tasks, batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--demo", type=int, default=0, help="households with plans built by the demo first")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()

    from caseload import fresh_django, write_section  # bench/caseload.py

    fresh_django()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client

    from wijkkracht.demo.builder import build_demo
    from wijkkracht.households.models import Contact, Household, Person, Task

    started = time.perf_counter()
    build_demo(households=args.demo, seed=2026)  # the organisation (teams, staff), and full demo households
    bulk_households(args.size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics for the query planner, on both databases
    build_seconds = time.perf_counter() - started
    settings.DEBUG = True  # count queries

    client = Client()
    client.post("/inloggen/", {"username": "ilse", "password": "wijkkracht-demo"})
    mine = Household.objects.filter(team__memberships__user__username="ilse", status="in_progress")
    sample = mine.order_by("id")[0]
    member = Person.objects.filter(household__in=mine).exclude(bsn="").order_by("id")[0]
    postcode = f"{sample.postcode[:4]} {sample.postcode[4:].lower()}"
    queries = {
        "caseload, no search": "/huishoudens/team/",
        "household name": "/huishoudens/team/?q=Bakker",
        "member's first name": "/huishoudens/team/?q=anna",
        "name and first name": "/huishoudens/team/?q=anna+bakker",
        "street": "/huishoudens/team/?q=kadestraat",
        "reference (HH-…)": f"/huishoudens/team/?q={sample.reference}",
        "reference (number)": f"/huishoudens/team/?q={sample.id}",
        "postcode with space": f"/huishoudens/team/?q={postcode.replace(' ', '+')}",
        "postcode, four digits": f"/huishoudens/team/?q={sample.postcode[:4]}",
        "BSN": f"/huishoudens/team/?q={member.bsn}",
        "no match": "/huishoudens/team/?q=zzzzqqq",
        "API: member's first name": "/api/v1/households/?q=anna",
        "API: BSN": f"/api/v1/households/?q={member.bsn}",
        "Mijn taken": "/huishoudens/mijn-taken/",
        "Mijn week": "/huishoudens/mijn-taken/week/",
        "workload (coordinator)": "/huishoudens/team/werkverdeling/",
    }
    rows = []
    for name, url in queries.items():
        timings, count = [], 0
        for _ in range(args.repeat):
            reset_queries()
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            count = len(connection.queries)
        timings.sort()
        rows.append((name, statistics.median(timings), statistics.quantiles(timings, n=20)[-1], count))
    engine = connection.vendor
    title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(engine, engine)
    title = f"Search and Mijn taken, {title}"
    lines = [
        f"## {title}",
        "",
        f"Measured by `bench/search.py`: {Household.objects.count()} households ({Person.objects.count()} members, "
        f"{Contact.objects.count()} contacts, {Task.objects.count()} tasks) in three teams, as the coordinator "
        "of one team (a third of them visible; about 400 households per worker). "
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at the end), "
        f"Python {platform.python_version()}, database {engine}. "
        f"Built in {build_seconds:.0f} s; {args.repeat} runs each.",
        "",
        "| query | median ms | p95 ms | queries |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {name} | {median:.1f} | {p95:.1f} | {count} |" for name, median, p95, count in rows]
    write_section(args.output, title, "\n".join(lines) + "\n")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
