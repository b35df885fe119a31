"""Measure the access log at scale: the layout of before (one wide row per household shown) against the
entries + subjects layout (one wide entry per event, one narrow subject row per household it is about).

Fills both layouts with the same synthetic facts, set-based (INSERT ... SELECT over generate_series on
PostgreSQL, a recursive CTE on SQLite), up to each size in household-facts (= subject rows = rows of the old
layout), and times per size:

- "who saw household X": the first page (50) of everything about one household, newest first, and the count;
- "what did user U do this month": every fact of one account in one month (old: its rows; new: its entries,
  and its entries with their households);
- writing one caseload page's log (25 households), committed;
- table + index bytes per household-fact.

Shape of the synthetic log: 100,000 households, 500 accounts, one year; 19 of 24 events are list pages of 25
households, the others reads of one household (about 20 household-facts per event, as in the load run).
The old layout is a bench table with the columns and indexes of the access log before migration 0005.

    .venv/bin/python bench/accesslog.py --sizes 100000 1000000
    scripts/with-postgres.sh .venv/bin/python bench/accesslog.py --sizes 1000000 10000000
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from caseload import ROOT, fresh_django, write_section

HOUSEHOLDS = 100_000
USERS = 500
PAGE = 25
LIST_EVENTS_OF_24 = 19  # events 0..18 of every 24 are list pages, 19..23 reads of one household
FACTS_PER_24_EVENTS = LIST_EVENTS_OF_24 * PAGE + (24 - LIST_EVENTS_OF_24)
SPAN_SECONDS = 365 * 24 * 3600
START = "2026-01-01 00:00:00"
OLD = "bench_old_accesslog"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

NOTES = """\
What the layout does: one entry per event (who, role, teams, when, endpoint, purpose, IP address, user agent,
action, what) and one narrow subject row (entry, household, member, time) per household the event is about.
"Who saw household X" is one range of the subjects' index (household, at, entry) plus a primary-key fetch per
entry shown; "what did user U do" one range of the entries' index (user, at). A list page writes one entry
and 25 narrow subject rows in two statements (before: 25 wide rows in one). Both questions stay
O(log n) per question as the log grows; the gain is size (each fact no longer repeats the user agent,
endpoint, purpose and teams) and the per-user question (the old layout had separate indexes on user and time).
Not done, on purpose: no BRIN (the entries' B-tree on time is small, one entry per event, and serves "newest
first"; BRIN cannot), no partitioning (see docs/scaling.md). Timings on a shared 2-core machine are noisy:
old and new run in turns on the same data, so compare within a row."""


OLD_COLUMNS = (
    "id INTEGER PRIMARY KEY, at {ts} NOT NULL, user_id BIGINT, username VARCHAR(150) NOT NULL, "
    "role VARCHAR(32) NOT NULL, teams VARCHAR(300) NOT NULL, household_id BIGINT, person_id BIGINT, "
    "action VARCHAR(16) NOT NULL, what VARCHAR(200) NOT NULL, endpoint VARCHAR(300) NOT NULL, "
    "purpose VARCHAR(200) NOT NULL, ip {ip}, user_agent VARCHAR(200) NOT NULL"
)


def event_sql(vendor: str, first: int, last: int, offset: int) -> str:
    """The entries of events first..last, with ids event + offset (after the entries already there)."""
    if vendor == "postgresql":
        series = f"generate_series({first}::bigint, {last}::bigint) AS g(e)"
        at = f"TIMESTAMPTZ '{START}+00' + (e * {SPAN_SECONDS}.0 / %(events)s) * INTERVAL '1 second'"
        text = "::text"
        ip = "('10.0.' || (e % 250) || '.' || (e % 200))::inet"
    else:
        series = (
            f"(WITH RECURSIVE g(e) AS (SELECT {first} UNION ALL SELECT e + 1 FROM g WHERE e < {last}) SELECT e FROM g)"
        )
        at = f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', '{START}', '+' || (e * {SPAN_SECONDS}.0 / %(events)s) || ' seconds')"
        text = ""
        ip = "'10.0.' || (e % 250) || '.' || (e % 200)"
    is_list = f"(e % 24) < {LIST_EVENTS_OF_24}"
    user = f"(e % {USERS}) + 1"
    return f"""
        INSERT INTO privacy_accesslogentry
            (id, at, user_id, username, role, teams, household_id, person_id, action, what, endpoint, purpose,
             ip, user_agent)
        SELECT e + {offset}, {at}, {user}, 'medewerker' || ({user}){text}, 'social_worker',
            'Wijkteam Noord-Oost ' || (e % {USERS} / 3){text} || ' (' || (e % {USERS} / 3){text} || ')',
            CASE WHEN {is_list} THEN NULL ELSE (e * 7919) % {HOUSEHOLDS} + 1 END, NULL,
            CASE WHEN {is_list} THEN 'list' ELSE 'view' END,
            CASE WHEN {is_list} THEN 'caseload' ELSE 'household' END,
            CASE WHEN {is_list} THEN 'GET /huishoudens/team/?page=' || (e % 40){text}
                 ELSE 'GET /huishoudens/' || ((e * 7919) % {HOUSEHOLDS} + 1){text} || '/' END,
            'uitvoering taak sociaal wijkteam', {ip}, '{USER_AGENT}'
        FROM {series}
    """


def subject_sql(vendor: str, first: int, last: int, offset: int) -> str:
    """The subject rows of entries first..last: a list names a block of 25 households, a read its one."""
    if vendor == "postgresql":
        pages = "CROSS JOIN LATERAL generate_series(0, CASE WHEN e.action = 'list' THEN 24 ELSE 0 END) AS k(k)"
    else:
        pages = (
            "JOIN (WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < 24) SELECT k FROM k) k"
            " ON e.action = 'list' OR k.k = 0"
        )
    block = f"(((e.id - {offset}) * 7919) % {HOUSEHOLDS // PAGE}) * {PAGE}"
    return f"""
        INSERT INTO privacy_accesslogsubject (entry_id, household_id, person_id, at)
        SELECT e.id, CASE WHEN e.action = 'list' THEN {block} + k.k + 1 ELSE e.household_id END, NULL, e.at
        FROM privacy_accesslogentry e {pages}
        WHERE e.id BETWEEN {first + offset} AND {last + offset}
    """


def old_sql(first: int, last: int) -> str:
    """The same facts in the layout of before: one wide row per household-fact."""
    return f"""
        INSERT INTO {OLD} (at, user_id, username, role, teams, household_id, person_id, action, what, endpoint,
                           purpose, ip, user_agent)
        SELECT s.at, e.user_id, e.username, e.role, e.teams, s.household_id, s.person_id, e.action, e.what,
               e.endpoint, e.purpose, e.ip, e.user_agent
        FROM privacy_accesslogsubject s JOIN privacy_accesslogentry e ON e.id = s.entry_id
        WHERE s.entry_id BETWEEN {first} AND {last} ORDER BY s.entry_id, s.household_id
    """


def create_old_table(cursor: Any, vendor: str) -> None:
    if vendor == "postgresql":
        columns = OLD_COLUMNS.format(ts="TIMESTAMPTZ", ip="INET").replace(
            "id INTEGER PRIMARY KEY", "id BIGSERIAL PRIMARY KEY"
        )
    else:
        columns = OLD_COLUMNS.format(ts="DATETIME", ip="CHAR(39)")
    cursor.execute(f"CREATE TABLE {OLD} ({columns})")
    # The indexes the log had before migration 0005: when, household, user (its foreign key).
    for column in ["at", "household_id", "user_id"]:
        cursor.execute(f"CREATE INDEX {OLD}_{column} ON {OLD} ({column})")


def old_entry_model() -> type:
    """The access-log model of before migration 0005 (its fields), on the bench's table of the old layout."""
    from django.conf import settings
    from django.db import models

    class OldEntry(models.Model):  # noqa: DJ008  (a bench table, never shown)
        at = models.DateTimeField()
        user = models.ForeignKey(
            settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
        )
        username = models.CharField(max_length=150)
        role = models.CharField(max_length=32)
        teams = models.CharField(max_length=300)
        household_id = models.BigIntegerField(null=True)
        person_id = models.BigIntegerField(null=True)
        action = models.CharField(max_length=16)
        what = models.CharField(max_length=200)
        endpoint = models.CharField(max_length=300)
        purpose = models.CharField(max_length=200)
        ip = models.GenericIPAddressField(null=True)
        user_agent = models.CharField(max_length=200)

        class Meta:
            app_label = "privacy"
            db_table = OLD
            managed = False

    return OldEntry


def create_users(count: int) -> None:
    from wijkkracht.accounts.models import User

    User.objects.bulk_create(
        [User(id=n, username=f"medewerker{n}", role="social_worker", password="!") for n in range(1, count + 1)]
    )


def timed(old: Callable[[], object], new: Callable[[], object], repeat: int) -> list[tuple[float, float]]:
    """[(median ms, p95 ms) of the old code, the same of the new], run in turns so that the load of a shared
    machine falls on both alike."""
    timings: list[list[float]] = [[], []]
    for _ in range(repeat):
        for index, run in enumerate([old, new]):
            start = time.perf_counter()
            run()
            timings[index].append((time.perf_counter() - start) * 1000)
    result = []
    for runs in timings:
        runs.sort()
        result.append((statistics.median(runs), runs[max(int(len(runs) * 0.95) - 1, 0)]))
    return result


def sizes(cursor: Any, vendor: str) -> dict[str, int]:
    """Bytes of table + indexes for the old layout and for entries + subjects."""
    if vendor == "postgresql":

        def total(table: str) -> int:
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            return cursor.fetchone()[0]

    else:

        def total(table: str) -> int:
            cursor.execute(
                "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name = %s "
                "OR name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s)",
                [table, table],
            )
            return cursor.fetchone()[0]

    return {
        "old": total(OLD),
        "entries": total("privacy_accesslogentry"),
        "subjects": total("privacy_accesslogsubject"),
    }


Question = tuple[str, Callable[[], object], Callable[[], object]]


def questions(events: int, repeat: int, old_entry: Any) -> list[Question]:
    """(question, the old layout's code, the new layout's code); both ask about the same households and users,
    a different one on every run: households shown on list pages spread over the log, users in turn."""
    from django.db import transaction

    from wijkkracht.accounts.models import User
    from wijkkracht.privacy.access import AccessContext
    from wijkkracht.privacy.models import AccessAction
    from wijkkracht.privacy.selectors import access_log_of_household, access_log_of_user
    from wijkkracht.privacy.services import _entry_fields, access_log_record_many

    sample = [
        ((e * 7919) % (HOUSEHOLDS // PAGE)) * PAGE + (e % PAGE) + 1
        for e in range(1, events, max(events // (repeat * 6 + 20), 1))
        if e % 24 < LIST_EVENTS_OF_24
    ]
    month = (datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC), datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC))

    def households() -> Callable[[], int]:
        return iter(sample).__next__

    def users() -> Callable[[], int]:
        return iter(range(3, USERS)).__next__

    next_who_saw_old = households()
    next_who_saw_new = households()
    next_count_old = households()
    next_count_new = households()
    next_user_month_old = users()
    next_user_month_new = users()
    next_user_month_new_with_households = users()

    def who_saw_old() -> None:
        page = list(old_entry.objects.filter(household_id=next_who_saw_old()).order_by("-at", "-id")[:50])
        assert page and page[0].username

    def who_saw_new() -> None:
        page = list(access_log_of_household(household_id=next_who_saw_new())[:50])
        assert page and page[0].entry.username

    def count_old() -> None:
        old_entry.objects.filter(household_id=next_count_old()).count()

    def count_new() -> None:
        access_log_of_household(household_id=next_count_new()).count()

    def user_month_old() -> None:
        list(
            old_entry.objects.filter(user_id=next_user_month_old(), at__gte=month[0], at__lt=month[1]).order_by(
                "-at", "-id"
            )
        )

    def user_month_new() -> None:
        list(access_log_of_user(user_id=next_user_month_new(), since=month[0], until=month[1]))

    def user_month_new_with_households() -> None:
        entries = access_log_of_user(user_id=next_user_month_new_with_households(), since=month[0], until=month[1])
        [list(entry.subjects.all()) for entry in entries.prefetch_related("subjects")]

    access = AccessContext(user=User.objects.get(id=1), endpoint="GET /huishoudens/team/")
    page_households = list(range(1, PAGE + 1))

    def write_old() -> None:  # the code of before: one wide row per household, one bulk insert
        with transaction.atomic():
            rows = [_entry_fields(access, household, AccessAction.LIST, "caseload") for household in page_households]
            old_entry.objects.bulk_create([old_entry(**fields) for fields in rows])

    def write_new() -> None:
        with transaction.atomic():
            access_log_record_many(
                access=access, household_ids=page_households, action=AccessAction.LIST, what="caseload"
            )

    return [
        ("who saw household X: first page of 50, newest first", who_saw_old, who_saw_new),
        ("who saw household X: how many facts", count_old, count_new),
        ("what did user U do in a month (new: entries)", user_month_old, user_month_new),
        ("what did user U do in a month (new: entries + households)", user_month_old, user_month_new_with_households),
        ("write one caseload page's log (25 households, committed)", write_old, write_new),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="household-facts")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()

    fresh_django()
    from django.db import connection, transaction

    old_entry = old_entry_model()

    vendor = connection.vendor
    create_users(USERS)
    with connection.cursor() as cursor:
        create_old_table(cursor, vendor)
    largest = max(args.sizes)
    events_total = largest * 24 // FACTS_PER_24_EVENTS + 1
    done = 0
    results: list[tuple[int, str, str, float, float]] = []
    storage: list[tuple[int, int, dict[str, int]]] = []
    for size in sorted(args.sizes):
        events = size * 24 // FACTS_PER_24_EVENTS
        started = time.perf_counter()
        with connection.cursor() as cursor:  # the entries written by the timings of the size before
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM privacy_accesslogentry")
            offset = cursor.fetchone()[0] - done
        step = 200_000
        for first in range(done + 1, events + 1, step):
            last = min(first + step - 1, events)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(event_sql(vendor, first, last, offset).replace("%(events)s", str(events_total)))
                cursor.execute(subject_sql(vendor, first, last, offset))
                cursor.execute(old_sql(first + offset, last + offset))
        done = events
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('privacy_accesslogentry', 'id'), "
                    "(SELECT MAX(id) FROM privacy_accesslogentry))"
                )
            cursor.execute("ANALYZE")
            cursor.execute("SELECT COUNT(*) FROM privacy_accesslogsubject")
            facts = cursor.fetchone()[0]
            cursor.execute("SELECT COUNT(*) FROM privacy_accesslogentry")
            entry_count = cursor.fetchone()[0]
            storage.append((facts, entry_count, sizes(cursor, vendor)))
        sys.stderr.write(f"filled {facts} facts, {entry_count} entries in {time.perf_counter() - started:.0f} s\n")

        for name, old, new in questions(events, args.repeat, old_entry):
            old()  # warm up
            new()
            for layout, (median, p95) in zip(["old", "new"], timed(old, new, args.repeat), strict=True):
                results.append((size, name, layout, median, p95))

    engine = connection.vendor
    title = {"sqlite": "Access log, SQLite", "postgresql": "Access log, PostgreSQL (`scripts/with-postgres.sh`)"}.get(
        engine, f"Access log, {engine}"
    )
    lines = [
        f"## {title}",
        "",
        f"Measured by `bench/accesslog.py`: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, database {engine}. The old layout (one wide row per household shown, "
        "before migration 0005) against entries + subjects (one wide entry per event, one narrow row per "
        "household). Synthetic year of 100,000 households and 500 accounts, about 20 household-facts per event.",
        "",
        NOTES,
        "",
        "| household-facts | entries | bytes/fact old | bytes/fact new (entries + subjects) | old total | new total |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for facts, entry_count, size in storage:
        new_total = size["entries"] + size["subjects"]
        lines.append(
            f"| {facts:,} | {entry_count:,} | {size['old'] / facts:.0f} | {new_total / facts:.0f} "
            f"({size['entries'] / facts:.0f} + {size['subjects'] / facts:.0f}) | {size['old'] / 2**20:,.0f} MiB "
            f"| {new_total / 2**20:,.0f} MiB |"
        )
    lines += ["", "| household-facts | question | old median ms (p95) | new median ms (p95) |", "|---:|---|---:|---:|"]
    by_key = {(size, name, layout): (median, p95) for size, name, layout, median, p95 in results}
    for size, name, layout, _m, _p in results:
        if layout != "old":
            continue
        old_m, old_p = by_key[(size, name, "old")]
        new_m, new_p = by_key[(size, name, "new")]
        lines.append(f"| {size:,} | {name} | {old_m:.2f} ({old_p:.2f}) | {new_m:.2f} ({new_p:.2f}) |")
    section = "\n".join(lines) + "\n"
    write_section(args.output, title, section)
    sys.stdout.write(section)


if __name__ == "__main__":
    main()
