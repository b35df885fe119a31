"""The case-file page, the closing form and reopening in Debian's chromium, at 1280 and 390 px wide: axe-core
without violations, no sideways scrolling, and a section reached from its link by keyboard.

New texts may still be English until the lead compiles the translations: these tests find elements by
their ids, names and links, or accept either language."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.households.models import HouseholdStatus, Task, TaskStatus
from wijkkracht.households.tests.factories import ContactFactory, PersonFactory, TaskFactory
from wijkkracht.plans.models import PlanStatus
from wijkkracht.plans.tests.helpers import start_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]


def fits(page, width) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": width, "height": 900})
    assert_accessible(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > "
        "window.innerWidth + 1).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + "
        "Math.round(e.getBoundingClientRect().right))"
    )
    assert overflow <= 0, f"{page.url}: {overflow} px wider than {width} px: {wide}"


def a_busy_household(world):  # type: ignore[no-untyped-def]
    household = world.household
    PersonFactory(household=household, first_name="Mila", date_of_birth=datetime.date(2016, 5, 1))
    for days in range(8):
        ContactFactory(
            household=household, date=timezone.localdate() - datetime.timedelta(days=days), note=f"Gesprek {days}"
        )
    TaskFactory(household=household, title="Huur bellen", due_date=timezone.localdate() - datetime.timedelta(days=3))
    TaskFactory(household=household, title="Huisbezoek plannen")
    return start_plan(world)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_household_page_summary_and_jumping_to_a_section_by_keyboard(world, page, width):
    a_busy_household(world)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "worker", PASSWORD)
    page.goto(f"/huishoudens/{world.household.id}/")
    fits(page, width)

    summary = page.locator("#overzicht")
    assert summary.get_by_text("Mila", exact=False).first.is_visible()
    assert summary.locator(".badge--overdue").first.is_visible()
    assert summary.locator("figure.picture--small svg").count() == 1

    # Keyboard: the link to "Taken" takes the reader (and the focus) to that section, marked as current.
    link = page.locator('nav.section-nav a[href="#taken"]')
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("window.location.hash === '#taken'")
    page.wait_for_function("document.activeElement !== null && document.activeElement.id === 'taken'")
    # The mark is set on the 'hashchange' event, which the browser fires after the hash changed: wait for it.
    expect(link).to_have_attribute("aria-current", "location")
    assert page.locator('nav.section-nav a[href="#overzicht"]').get_attribute("aria-current") is None
    assert page.locator("#taken").get_by_text("Huisbezoek plannen").is_visible()

    # The long list: the latest five contacts, and all of them on request.
    assert page.locator("#contacten .timeline li").count() == 5
    page.locator('#contacten a[href="?toon=contacten#contacten"]').click()
    page.wait_for_url(re.compile(r"toon=contacten"))
    assert page.locator("#contacten .timeline li").count() == 8
    fits(page, width)


def fits_at_every_width(page) -> None:  # type: ignore[no-untyped-def]
    """The page as it is now at every width (the window resized in place), then back to the first."""
    for width in (*WIDTHS[1:], WIDTHS[0]):
        fits(page, width)


def test_closing_decides_the_tasks_and_a_coordinator_reopens(world, page):
    """The journey once, at 1280 px; every page state on the way is checked at 1280 and at 390 px."""
    plan = a_busy_household(world)
    household = world.household
    late, later = Task.objects.filter(household=household).order_by("due_date")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    log_in(page, "worker", PASSWORD)
    page.goto(f"/huishoudens/{household.id}/")
    page.locator(f'a[href="/huishoudens/{household.id}/status/"]').first.click()
    page.wait_for_url(re.compile(r"/status/$"))
    assert page.locator(".current-status").is_visible()
    fits_at_every_width(page)

    page.locator("#id_to_status").select_option(HouseholdStatus.CLOSED.value)
    page.locator("#id_reason").fill("Doelen bereikt")
    page.locator(f'input[name="task_{late.id}"][value="done"]').check()
    page.get_by_role("button", name=re.compile("Status wijzigen|Change status")).click()
    page.get_by_role("alert").wait_for()
    assert page.locator(f"#id_task_{later.id}_errors").is_visible()
    fits_at_every_width(page)
    later.refresh_from_db()
    assert later.status == TaskStatus.OPEN

    page.locator(f'input[name="task_{later.id}"][value="cancelled"]').check()
    page.get_by_role("button", name=re.compile("Status wijzigen|Change status")).click()
    page.wait_for_url(re.compile(rf"/huishoudens/{household.id}/$"))
    household.refresh_from_db()
    plan.refresh_from_db()
    assert household.status == HouseholdStatus.CLOSED and plan.status == PlanStatus.CLOSED
    assert page.locator(f'a[href="/huishoudens/{household.id}/contacten/nieuw/"]').count() == 0
    fits_at_every_width(page)

    page.context.clear_cookies()
    log_in(page, "coordinator", PASSWORD)
    page.goto(f"/huishoudens/{household.id}/")
    page.locator(f'a[href="/huishoudens/{household.id}/heropenen/"]').first.click()
    page.wait_for_url(re.compile(r"/heropenen/$"))
    fits_at_every_width(page)
    page.get_by_role("button", name=re.compile("heropenen|reopen", re.IGNORECASE)).click()
    page.get_by_role("alert").wait_for()
    fits_at_every_width(page)
    page.locator("#id_reason").fill("Terugval na verhuizing")
    page.get_by_role("button", name=re.compile("heropenen|reopen", re.IGNORECASE)).click()
    page.wait_for_url(re.compile(rf"/huishoudens/{household.id}/$"))
    household.refresh_from_db()
    assert household.status == HouseholdStatus.INTAKE
    assert page.locator("#geschiedenis").get_by_text("Terugval na verhuizing").is_visible()
    fits_at_every_width(page)
