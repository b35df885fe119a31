"""Measure the social map with 5,000 services: the HSDS import and export, and search on the page and in the API.

Builds the demo organisation (districts, staff, the demo social map), generates an HSDS 3.0 file of
organisations with services up to the size asked for, imports it through the importer (timed, and once more
to time an import that changes nothing), exports it (timed), and times each kind of search with Django's test
client as a social worker (server-side time, no network). Runs against a fresh SQLite database in a temporary
folder, or DATABASE_URL when set. Writes its section of docs/performance.md.

    .venv/bin/python bench/socialmap.py [--size 5000] [--repeat 20]
    scripts/with-postgres.sh .venv/bin/python bench/socialmap.py
"""

import argparse
import io
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

KINDS = [
    "Schuldhulp",
    "Budgetcursus",
    "Taalcafé",
    "Maatjesproject",
    "Opvoedspreekuur",
    "Jongerenwerk",
    "Dagbesteding",
    "Werkfit",
    "Buurtbemiddeling",
    "Mantelzorgsteun",
    "Sportclub",
    "Verslavingszorg",
    "Wijkverpleging",
    "Woonbegeleiding",
    "Voedselhulp",
]
PLACES = ["Noord", "Zuid", "Oost", "West", "Centrum", "Haven", "Dijk", "Polder", "Molen", "Kade"]


def hsds_file(size: int, wijk_codes: list[str], domain_codes: list[str], seed: int = 2026) -> bytes:
    """An HSDS file of `size` services, ten per organisation, with our tags and districts."""
    from wijkkracht.socialmap import hsds

    rng = random.Random(seed)
    organisations = []
    for number in range((size + 9) // 10):
        organisation_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        services = []
        for index in range(min(10, size - number * 10)):
            service_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            level = rng.choice(["collective", "first_line", "second_line"])
            domains = rng.sample(domain_codes, rng.randint(1, 3))
            minimum = rng.choice([None, None, 0, 4, 12, 18, 55])
            service: dict[str, object] = {
                "id": service_id,
                "name": f"{rng.choice(KINDS)} {rng.choice(PLACES)} {number}-{index}",
                "description": f"Hulp en ondersteuning in de wijk {rng.choice(PLACES)}; aanmelden via het wijkteam.",
                "status": rng.choice(["active"] * 9 + ["inactive"]),
                "attributes": [hsds._attribute(service_id, hsds.LEVEL_TAXONOMY, level, level)]
                + [hsds._attribute(service_id, hsds.DOMAIN_TAXONOMY, code, code) for code in domains],
                "service_areas": [
                    {"id": hsds.derived_id(service_id, code), "uri": f"{hsds.WIJK_URI_PREFIX}{code}"}
                    for code in rng.sample(wijk_codes, rng.randint(0, 2))
                ],
            }
            if minimum is not None:
                service["minimum_age"] = minimum
            services.append(service)
        organisations.append(
            {
                "id": organisation_id,
                "name": f"Stichting {rng.choice(PLACES)} {number}",
                "description": "Organisatie in het sociaal domein.",
                "services": services,
            }
        )
    return json.dumps(organisations).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()

    from caseload import fresh_django, write_section  # bench/caseload.py

    fresh_django()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client

    from wijkkracht.demo.builder import build_demo
    from wijkkracht.plans.catalogue import plan_catalogue
    from wijkkracht.socialmap.models import Service
    from wijkkracht.socialmap.services import socialmap_as_hsds, socialmap_import
    from wijkkracht.teams.models import Wijk

    build_demo(households=0, seed=2026)  # districts, staff and the demo social map
    wijken = list(Wijk.objects.order_by("code"))
    raw = hsds_file(
        args.size - Service.objects.count(), [w.code for w in wijken], [d.code for d in plan_catalogue().domains]
    )

    def run_import() -> float:
        started = time.perf_counter()
        socialmap_import(actor=None, stream=io.BytesIO(raw), size=len(raw), channel="bench", operator="bench")
        return time.perf_counter() - started

    import_seconds = run_import()
    unchanged_seconds = run_import()
    started = time.perf_counter()
    exported = socialmap_as_hsds()
    export_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    settings.DEBUG = True  # count queries
    client = Client()
    client.post("/inloggen/", {"username": "sanne", "password": "wijkkracht-demo"})
    service = Service.objects.order_by("id")[len(raw) % 100]
    queries = {
        "page, no filter": "/sociale-kaart/",
        "text (one word)": "/sociale-kaart/?q=schuldhulp",
        "text (two words)": "/sociale-kaart/?q=taalcaf%C3%A9+noord",
        "text, organisation name": "/sociale-kaart/?q=stichting+kade",
        "life domain": "/sociale-kaart/?domain=financien",
        "level": "/sociale-kaart/?level=second_line",
        "district": f"/sociale-kaart/?wijk={wijken[0].id}",
        "age": "/sociale-kaart/?age=15",
        "all filters": f"/sociale-kaart/?q=hulp&domain=opvoeden&level=first_line&wijk={wijken[1].id}&age=10",
        "no match": "/sociale-kaart/?q=zzzzqqq",
        "last page": "/sociale-kaart/?page=last",
        "service detail": f"/sociale-kaart/{service.id}/",
        "API: services, all filters": f"/api/v1/services/?text=hulp&domain=opvoeden&district={wijken[1].id}&age=10",
        "API: services, page of 50": "/api/v1/services/",
        "API: organisations, page of 50": "/api/v1/organizations/",
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
    title = f"Social map, {title}"
    total = Service.objects.count()
    lines = [
        f"## {title}",
        "",
        f"Measured by `bench/socialmap.py`: {total} services of {len(exported)} organisations (a tenth inactive), "
        "as a social worker. "
        f"Importing the {len(raw) / 1_000_000:.1f} MB HSDS file took {import_seconds:.1f} s "
        f"(the same file again, nothing changed: {unchanged_seconds:.1f} s); the export took {export_seconds:.1f} s. "
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at the end), "
        f"Python {platform.python_version()}, database {engine}; {args.repeat} runs each.",
        "",
        "| query | median ms | p95 ms | queries |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {name} | {median:.1f} | {p95:.1f} | {count} |" for name, median, p95, count in rows]
    write_section(args.output, title, "\n".join(lines) + "\n")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
