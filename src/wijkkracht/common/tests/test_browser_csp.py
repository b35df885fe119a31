"""The main pages in Debian's chromium under the real Content-Security-Policy: not one violation (no
blocked inline script, style or event handler), htmx and the print button still work, and the product's
own error pages pass axe-core."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.views.csrf import csrf_failure
from django.views.defaults import server_error

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.tests.browser import assert_accessible
from wijkkracht.diagnosis.models import Measurement
from wijkkracht.plans.models import Plan
from wijkkracht.security.testing import login_verified

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

#: Runs before any script of the page (through the DevTools protocol, so the CSP does not apply to it).
RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
window.__printed = 0;
window.print = () => { window.__printed += 1; };
"""


def _sign_in(page, live_server, user: User) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    login_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


class Violations:
    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORDER)
        page.on("console", self._console)

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), url
        self.page.wait_for_load_state("networkidle")
        self.assert_none(url)

    def assert_none(self, where: str) -> None:
        events = self.page.evaluate("window.__cspViolations")
        assert events == [] and self.console == [], (where, events, self.console)


def test_main_pages_run_without_a_single_csp_violation(page, live_server):
    call_command("demo", households=3, seed=2026, stdout=StringIO())
    plan = Plan.objects.order_by("id").first()
    household = plan.household
    measurement = Measurement.objects.filter(household=household).order_by("id").first()
    violations = Violations(page)

    violations.visit("/inloggen/")
    _sign_in(page, live_server, household.contact_person)
    for url in (
        "/huishoudens/mijn/",
        "/huishoudens/team/",
        f"/huishoudens/{household.id}/",
        f"/huishoudens/{household.id}/metingen/{measurement.id}/",
        f"/huishoudens/{household.id}/plan/{plan.id}/",
        f"/huishoudens/{household.id}/voortgang/",
    ):
        violations.visit(url)

    # htmx (served locally, no inline indicator style, no eval) still filters the caseload in place.
    violations.visit("/huishoudens/team/")
    with page.expect_response(lambda response: "status=" in response.url):
        page.get_by_label("Status").select_option(index=1)
    violations.assert_none("caseload filter")

    # The print button works through the static script instead of onclick.
    violations.visit(f"/huishoudens/{household.id}/plan/{plan.id}/print/")
    page.get_by_role("button", name="Afdrukken").click()
    assert page.evaluate("window.__printed") == 1
    violations.assert_none("print button")

    # Swagger UI from the sidecar, with its start-up script from its own URL.
    violations.visit("/api/v1/docs/")
    page.locator(".swagger-ui .information-container").wait_for()
    page.locator(".opblock").first.wait_for()
    violations.assert_none("API docs")

    superuser = User.objects.create_superuser(username="root", password="not-used-here-42", role=Role.FUNCTIONAL_ADMIN)
    page.context.clear_cookies()
    _sign_in(page, live_server, superuser)
    for url in ("/beheer/", "/beheer/teams/team/", "/beheer/teams/team/add/", "/beheer/accounts/user/"):
        violations.visit(url)


def test_the_error_pages_are_accessible(page, live_server):
    page.goto("/inloggen/")
    for response in (
        server_error(RequestFactory().get("/")),
        csrf_failure(RequestFactory().post("/"), reason="test"),
    ):
        page.set_content(response.content.decode())
        page.locator("h1").wait_for()
        assert_accessible(page)
