"""A worker's day, end to end in Debian's chromium at 1280 and 390 px wide: find a family by a member's
first name, open it, log a no-show and see the signal stay red with its reason, complete a task from
"Mijn taken"; no sideways scrolling and no axe-core violations on any page visited. The journeys run once at
1280 px; every page state on the way is checked at 1280 and at 390 px (the window resized in place: the CSS
decides the layout, not the server).

Texts added in issue 8 may still be English until the translations are compiled: names match either."""

import datetime
import re

import pytest
from django.utils import timezone

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.households.models import Contact, ContactKind, Task, TaskStatus
from wijkkracht.households.tests.factories import ContactFactory, HouseholdFactory, PersonFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


WIDTHS = [1280, 390]


def check(page) -> None:  # type: ignore[no-untyped-def]
    """No sideways scrolling and no axe violations on the page as it is now, at every width; then back to
    the journey's width (the first)."""
    page.wait_for_load_state("load")
    for width in (*WIDTHS[1:], WIDTHS[0]):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {width} px"
        assert_accessible(page)


def test_a_day_of_a_worker(world, page):
    today = timezone.localdate()
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    household = world.household
    household.registered_on = household.status_since = today - datetime.timedelta(days=40)
    household.save(update_fields=["registered_on", "status_since"])
    PersonFactory(household=household, first_name="Noor", last_name="Jansen")
    ContactFactory(household=household, date=today - datetime.timedelta(days=17))
    for index in range(4):  # others in the caseload, so the search has something to leave out
        other = HouseholdFactory(team=world.team, name=f"Gezin {index}")
        PersonFactory(household=other, first_name=f"Sam{index}")
    task = TaskFactory(household=household, title="Schuldhulp bellen", due_date=today - datetime.timedelta(days=1))

    log_in(page, "worker", PASSWORD)
    page.get_by_role("link", name="Team", exact=True).click()
    page.wait_for_url("**/huishoudens/team/")
    check(page)

    page.locator("#f-q").fill("noor")
    page.locator("#f-q").press("Enter")
    page.get_by_role("row").filter(has_text="Gezin 0").wait_for(state="detached")
    rows = page.locator("#caseload tbody tr")
    assert rows.count() == 1 and "Jansen" in rows.first.inner_text()
    check(page)

    rows.first.get_by_role("link", name="Jansen").click()
    page.wait_for_url(re.compile(rf"/huishoudens/{household.id}/$"))
    check(page)

    page.goto(f"/huishoudens/{household.id}/contacten/nieuw/")
    page.locator("select[name=kind]").select_option(ContactKind.NO_SHOW)
    check(page)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/huishoudens/{household.id}/([?#].*)?$"))
    assert Contact.objects.filter(household=household, kind=ContactKind.NO_SHOW).count() == 1
    # The no-show is no contact: the signal stays red and says why (17 days, norm 14).
    signal = page.locator(".badge--overdue").first
    assert signal.is_visible()
    assert page.locator(".overdue-reasons").filter(has_text="17").first.is_visible()
    check(page)

    page.get_by_role("link", name="Team", exact=True).click()
    page.wait_for_url("**/huishoudens/team/")
    row = page.locator("#caseload tbody tr").filter(has_text="Jansen")
    assert row.locator(".badge--overdue").first.is_visible()
    assert "17" in row.locator(".overdue-reasons").inner_text()

    page.get_by_role("link", name=re.compile("^(Mijn taken|My tasks)$")).click()
    page.wait_for_url("**/mijn-taken/")
    check(page)
    task_row = page.locator(f"#my-task-{task.id}")
    task_row.get_by_role("button").click()
    page.locator(f"#my-task-{task.id} [role=status]").wait_for()
    assert Task.objects.get(id=task.id).status == TaskStatus.DONE
    check(page)

    page.get_by_role("link", name=re.compile("My week|Mijn week")).click()
    page.wait_for_url("**/mijn-taken/week/")
    assert page.locator("[aria-current=date]").count() == 1
    check(page)


def test_the_coordinators_workload_fits_and_is_accessible(world, page):
    HouseholdFactory(team=world.team, contact_person=world.colleague)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    log_in(page, "coordinator", PASSWORD)
    page.goto("/huishoudens/team/")
    page.get_by_role("link", name=re.compile("Workload per worker|Werkverdeling")).click()
    page.wait_for_url("**/team/werkverdeling/")
    check(page)
    page.get_by_role("row").filter(has_text=world.colleague.get_full_name() or "colleague").get_by_role(
        "link"
    ).first.click()
    page.wait_for_url(re.compile(rf"contact_person={world.colleague.id}"))
    check(page)
