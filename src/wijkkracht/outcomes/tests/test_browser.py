"""The outcomes dashboard in Debian's chromium: a policy officer opens the benchmark, finds the flagged
outlier, records what the team meeting concluded; no axe-core violations at 1280 px and at 390 px, no sideways
scrolling (wide tables scroll inside their own keyboard-reachable region)."""

import datetime

import pytest
from django.utils import timezone

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.outcomes.models import OutlierConclusion
from wijkkracht.outcomes.tests.helpers import history
from wijkkracht.teams.tests.factories import TeamFactory, TeamMembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def teams_with_a_slow_one() -> str:
    """Three teams of six households registered on the first of last month; Team Traag's first contacts come
    after 20–21 days, the others' after 3–5. Returns the month (YYYY-MM)."""
    month = last_month()
    for name, days in (("Team Traag", 20), ("Team Vlot", 3), ("Team Snel", 4)):
        team = TeamFactory(name=name)
        worker = TeamMembershipFactory(team=team).user
        for number in range(6):
            history(
                team=team,
                worker=worker,
                registered=month,
                contacts=[(month + datetime.timedelta(days=days + number % 2), 30)],
                name=f"{name}-{number}",
            )
    return f"{month:%Y-%m}"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_policy_officer_finds_the_outlier_and_records_a_conclusion(world, page, width):
    month = teams_with_a_slow_one()
    log_in(page, world.policy_officer.username, PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/uitkomsten/")
    assert page.locator("h1").count() == 1
    assert int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) <= 0
    assert_accessible(page)
    # Choose the period of last month and the indicator "days to the first contact".
    page.locator("#id_from").fill(month)
    page.locator("#id_until").fill(month)
    page.locator("#id_indicator").select_option("days_to_first_contact")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(lambda url: "indicator=days_to_first_contact" in url)
    outlier = page.locator(".outlier", has_text="Team Traag").filter(has_text="Dagen tot eerste contact")
    assert outlier.count() == 1
    assert page.locator("#funnel ~ figure svg, section[aria-labelledby=funnel] svg").count() >= 1
    assert int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) <= 0
    assert_accessible(page)
    outlier.get_by_role("link").click()
    assert_accessible(page)
    page.locator("#id_conclusion").fill("Twee collega's ziek; inhaalslag afgesproken.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/bespreken/" not in url)
    assert page.locator(".outlier", has_text="Team Traag").filter(has_text="inhaalslag").count() >= 1
    assert OutlierConclusion.objects.get().unit_label == "Team Traag"
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_conclusions_page_fits_and_is_accessible(world, page, width):
    log_in(page, world.policy_officer.username, PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/uitkomsten/conclusies/")
    assert int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) <= 0
    assert_accessible(page)
