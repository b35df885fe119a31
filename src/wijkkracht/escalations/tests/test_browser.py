"""Escalation end to end in Debian's chromium, at 1280 and 390 px: a worker escalates a household from the
case file, the coordinator forwards it to a manager, the manager reads the case file under the escalation and
resolves it, and the outcome shows on the household page. axe-core without violations on every page, no
sideways scrolling.

New texts may still be English until the lead compiles the translations: elements are found by their ids and
links, or either language is accepted."""

import re

import pytest

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.escalations.models import Escalation, EscalationLevel, EscalationStatus
from wijkkracht.escalations.tests.helpers import manager_of
from wijkkracht.households.tests.factories import ContactFactory
from wijkkracht.plans.tests.helpers import start_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]


def fits_at_every_width(page) -> None:  # type: ignore[no-untyped-def]
    for width in (*WIDTHS[1:], WIDTHS[0]):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page.url}: {overflow} px wider than {width} px"


def signed_in(browser, live_server, username):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, username, PASSWORD)
    return context, page


def test_escalate_forward_read_the_case_file_and_resolve(world, page, browser, live_server):
    household = world.household
    start_plan(world)
    ContactFactory(household=household, note="Brief van de corporatie besproken")
    manager = manager_of(world.team)

    # The worker escalates from the case file.
    log_in(page, "worker", PASSWORD)
    page.goto(f"/huishoudens/{household.id}/#escalaties")
    page.locator("#escalate-link").click()
    page.wait_for_url(re.compile(r"/escaleren/$"))
    fits_at_every_width(page)
    page.locator("#id_blocked").fill("")
    page.locator("#escalation-raise-form button[type=submit]").click()
    page.get_by_role("alert").wait_for()  # empty fields: the form comes back with its messages
    assert not Escalation.objects.exists()
    fits_at_every_width(page)
    page.locator("#id_blocked").fill("De huisuitzetting gaat door")
    page.locator("#id_blocked_by").fill("Woningcorporatie Noord")
    page.locator("#id_needed").fill("Een besluit over een betalingsregeling")
    page.locator("#escalation-raise-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/escalaties/\d+/$"))
    escalation = Escalation.objects.get()
    fits_at_every_width(page)

    # The coordinator sees it on the team page and forwards it to a manager.
    coordinator_context, coordinator = signed_in(browser, live_server, "coordinator")
    coordinator.goto("/huishoudens/team/")
    summary = coordinator.locator("#escalation-summary")
    assert summary.is_visible()
    fits_at_every_width(coordinator)
    summary.locator('a[href="/escalaties/"]').click()
    coordinator.wait_for_url(re.compile(r"/escalaties/$"))
    assert coordinator.locator("#escalations-table").get_by_text(household.name).is_visible()
    fits_at_every_width(coordinator)
    coordinator.locator(f'#escalations-table a[href="/escalaties/{escalation.id}/"]').click()
    coordinator.locator("#forward_reason").fill("De corporatie wacht op een besluit van de gemeente")
    fits_at_every_width(coordinator)
    coordinator.locator("#escalation-forward-form button[type=submit]").click()
    coordinator.locator("#escalation-resolve-form").wait_for(state="detached")
    assert Escalation.objects.get().level == EscalationLevel.MANAGER
    coordinator_context.close()

    # The manager starts on the escalations, reads the case file under it, and resolves it.
    manager_context, manager_page = signed_in(browser, live_server, manager.username)
    manager_page.wait_for_url(re.compile(r"/escalaties/$"))
    fits_at_every_width(manager_page)
    manager_page.locator(f'#escalations-table a[href="/escalaties/{escalation.id}/"]').click()
    manager_page.locator("#case-file-link").click()
    manager_page.wait_for_url(re.compile(r"/dossier/$"))
    assert manager_page.get_by_text("Brief van de corporatie besproken").is_visible()
    assert manager_page.locator("#escalation-grant-note").is_visible()
    fits_at_every_width(manager_page)
    manager_page.go_back()
    manager_page.locator("#resolve_outcome").fill("Betalingsregeling afgesproken; de uitzetting is van de baan")
    manager_page.locator("#escalation-resolve-form button[type=submit]").click()
    manager_page.locator("#escalation-resolve-form").wait_for(state="detached")
    fits_at_every_width(manager_page)
    assert Escalation.objects.get().status == EscalationStatus.RESOLVED
    response = manager_page.goto(f"/escalaties/{escalation.id}/dossier/")
    assert response is not None and response.status == 404
    manager_context.close()

    # The outcome shows on the household page.
    page.goto(f"/huishoudens/{household.id}/#escalaties")
    outcome = page.locator("#household-escalations .escalation-outcome")
    assert outcome.inner_text().strip().startswith("Betalingsregeling afgesproken")
    assert page.locator("#escalate-link").is_visible()  # a new escalation may follow
    fits_at_every_width(page)
