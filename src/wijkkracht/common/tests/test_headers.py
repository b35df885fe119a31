"""Security headers on every page: a strict Content-Security-Policy, no inline script, style or event
handler in any HTML, and `Cache-Control: no-store, private` on every answer but static files.

Structural: the pages are found by crawling every link from the start page of each role (on a demo
municipality, so plans, measurements and print pages exist), and the API by every GET operation of the
OpenAPI schema. A page added later is covered without touching this test."""

import re
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from wijkkracht.accounts.models import Role, User
from wijkkracht.households.models import OPEN_STATUSES, Household
from wijkkracht.plans.models import Plan
from wijkkracht.security.testing import login_verified

#: A bound on the crawl. It visits one URL per kind of page: ids become N and the query string is ignored,
#: so /huishoudens/3/ and /huishoudens/4/?sort=name count once (the plan household is crawled first).
MAX_PAGES_PER_ROLE = 250
NOT_FOLLOWED = ("/static/", "/uitloggen/", "/taal/")


class InlineCode(HTMLParser):
    """Collects everything a strict CSP would block (or that needs 'unsafe-inline'), and the links."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.links: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value or "" for name, value in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in names.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…> attribute")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "a" and names.get("href"):
            self.links.append(names["href"])


def assert_secure_headers(response, url: str) -> None:  # type: ignore[no-untyped-def]
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("default-src") == ["'self'"], (url, policy)
    assert directives.get("script-src") == ["'self'"], (url, policy)
    assert directives.get("style-src") == ["'self'"], (url, policy)
    assert directives.get("object-src") == ["'none'"] and directives.get("base-uri") == ["'none'"], (url, policy)
    assert directives.get("frame-ancestors") == ["'none'"] and directives.get("form-action") == ["'self'"], url
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (url, policy)
    cache_control = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= cache_control, (url, response.headers.get("Cache-Control"))
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "same-origin", url


def kind_of_page(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client: Client, *starts: str) -> dict[str, int]:
    """Every kind of page reachable by links from `starts`: the headers and the HTML of each are checked."""
    seen_paths: set[str] = {kind_of_page(urlsplit(start).path) for start in starts}
    visited: dict[str, int] = {}
    queue = deque(starts)
    while queue and len(visited) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        visited[url] = response.status_code
        assert response.status_code < 500, (url, response.status_code)
        assert_secure_headers(response, url)
        targets = []
        if response.status_code in (301, 302, 303, 307, 308):
            targets.append(response.headers["Location"])
        elif response.headers.get("Content-Type", "").startswith("text/html"):
            parser = InlineCode()
            parser.feed(response.content.decode())
            assert parser.problems == [], (url, parser.problems)
            targets.extend(parser.links)
        for target in targets:
            target = urldefrag(target).url
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(NOT_FOLLOWED) or kind_of_page(parts.path) in seen_paths:
                continue
            seen_paths.add(kind_of_page(parts.path))
            queue.append(target)
    return visited


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    call_command("demo", households=3, seed=2026, stdout=StringIO())
    assert Plan.objects.exists(), "the crawl must reach plan, measurement and print pages"


def _client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        login_verified(client, user)
    return client


def test_every_page_of_every_role_has_the_headers_and_no_inline_code(demo):
    # An open household's plan: its contact person can edit, so the crawl reaches every page of the case file.
    plan = Plan.objects.filter(household__status__in=OPEN_STATUSES).order_by("id").first()
    worker = plan.household.contact_person
    users = {
        "anonymous": None,
        "contact person": worker,
        "coordinator": User.objects.filter(role=Role.TEAM_COORDINATOR, memberships__team=plan.household.team).first(),
        "regisseur": User.objects.filter(role=Role.SECOND_LINE_REGISSEUR).first(),
        "policy officer": User.objects.filter(role=Role.POLICY_OFFICER).first(),
        "functional administrator": User.objects.filter(role=Role.FUNCTIONAL_ADMIN).first(),
        "privacy officer": User.objects.filter(role=Role.PRIVACY_OFFICER).first()
        or User.objects.create_user(username="privacy-officer", role=Role.PRIVACY_OFFICER),
        "superuser": User.objects.create_superuser(username="root", password="not-used-here-42"),
    }
    household_page = f"/huishoudens/{plan.household_id}/"
    visited_by_role = {}
    for role, user in users.items():
        assert role == "anonymous" or user is not None, role
        visited_by_role[role] = crawl(_client_for(user), household_page, "/")
    kinds = {kind_of_page(urlsplit(url).path) for url, code in visited_by_role["contact person"].items() if code == 200}
    for expected in (
        "/huishoudens/N/",
        "/huishoudens/N/plan/N/",
        "/huishoudens/N/plan/N/print/",
        "/huishoudens/N/metingen/N/",
        "/huishoudens/N/voortgang/",
        "/huishoudens/mijn/",
    ):
        assert expected in kinds, (expected, sorted(kinds))
    assert sum(url.startswith("/beheer/") and code == 200 for url, code in visited_by_role["superuser"].items()) > 5
    assert any(url.startswith("/inloggen/") for url in visited_by_role["anonymous"])


def test_every_api_get_operation_has_the_headers(demo):
    household = Household.objects.filter(plans__isnull=False).order_by("id").first()
    client = _client_for(household.contact_person)
    schema = SchemaGenerator().get_schema(request=None, public=True)
    checked = 0
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        url = path
        for parameter in ("{id}", "{household_id}", "{pk}"):
            url = url.replace(parameter, str(household.id))
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        assert_secure_headers(response, url)
        checked += 1
    for url in ("/api/v1/schema/", "/api/v1/docs/", "/api/v1/docs/?script=", "/api/v1/does-not-exist/", "/healthz"):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        assert_secure_headers(response, url)
    assert checked >= 10


def test_the_api_docs_have_no_inline_code(db, client):
    user = User.objects.create_user(username="reader", role=Role.SOCIAL_WORKER)
    login_verified(client, user)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    parser = InlineCode()
    parser.feed(page.content.decode())
    assert parser.problems == []
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_static_files_keep_their_cache_and_errors_do_not(db, client):
    static = client.get("/static/wijkkracht/wijkkracht.js")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    for url in ("/bestaat-niet/", "/api/v1/households/"):  # 404 page, 403/401 API answer
        response = client.get(url)
        assert response.status_code in (401, 403, 404)
        assert_secure_headers(response, url)
