"""The budget page in Debian's chromium, as a coordinator and as a manager: the hand-made team of
`budget_helpers`, the picture with its table, the warning and the alert, a year without rates. axe-core without
violations and no sideways scrolling at 1280 and 390 px. Matched by ids and roles, not by Dutch words."""

import datetime
from decimal import Decimal

import pytest

from wijkkracht.accounts.tests.factories import PASSWORD, UserFactory
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.mandate.tests.budget_helpers import make_budget_world, upload_hand_policy
from wijkkracht.mandate.tests.factories import MeasureFactory
from wijkkracht.teams.tests.factories import TeamFactory, TeamMembershipFactory, WijkFactory, WijkPostcodeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]


def checked(page) -> None:  # type: ignore[no-untyped-def]
    """The page as it is now at 390 px and at 1280 px: no axe-core violations, no sideways scrolling."""
    for width in (WIDTHS[1], WIDTHS[0]):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page.url}: {overflow} px sideways scrolling at {width} px"


def readable_on_a_phone(page) -> None:  # type: ignore[no-untyped-def]
    """At 390 px: every table and caption within the screen (not cut off inside a scrolling box), the picture's
    text at least 10 px high with the minor labels hidden, and the "used" bar drawn."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.locator("figure details").evaluate("details => { details.open = true; }")
    cut_off = page.evaluate(
        """() => [...document.querySelectorAll('main table, main caption, main th, main td')]
            .filter(e => !(e.closest('thead') && getComputedStyle(e.closest('thead')).position === 'absolute'))
            .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .map(e => (e.closest('table') || e).id + ': ' + e.textContent.trim().slice(0, 40))"""
    )
    assert cut_off == [], cut_off
    heights = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart--budget text')]
            .filter(t => getComputedStyle(t).display !== 'none')
            .map(t => t.getBoundingClientRect().height)"""
    )
    assert heights and min(heights) >= 10, heights
    hidden = page.evaluate(
        "() => [...document.querySelectorAll('svg.chart--budget text.tick--minor')]"
        ".filter(t => getComputedStyle(t).display === 'none').length"
    )
    assert hidden >= 6  # jan, mrt, mei … stay; feb, apr, jun … go
    used = page.locator("svg.chart--used")
    assert used.is_visible() and used.locator("rect.bar--spent").count() == 1
    assert page.locator("#budget-used").is_visible()


def sign_in_as(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    log_in(page, username, PASSWORD)


def test_the_budget_page_as_coordinator_and_as_manager(page) -> None:  # type: ignore[no-untyped-def]
    world = make_budget_world()
    upload_hand_policy()
    for username in ("coordinator", "manager"):
        sign_in_as(page, username)
        page.goto(f"/budget/?team={world.team.id}&jaar=2026")
        assert page.locator("#budget-total").inner_text().replace("\u00a0", " ").startswith("€ 69.")
        chart = page.locator("svg.chart--budget[role=img]")
        assert chart.count() == 1 and chart.locator("rect.bar--spent").count() >= 1
        # The picture's table alternative, opened.
        page.locator("figure details > summary").click()
        assert page.locator("#budget-months tbody tr").count() == 12
        assert page.locator('#budget-beyond a[href="/maatregelen/goedkeuren/"]').count() == 1
        checked(page)
        readable_on_a_phone(page)
    # The manager switches to a year without rates: said in words, no alert.
    page.locator("#budget-year").select_option("2027")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(lambda url: "jaar=2027" in url)
    assert page.locator("#budget-no-rates").is_visible()
    assert page.locator("#budget-alert").count() == 0
    checked(page)


@pytest.mark.parametrize(("spent", "mark"), [("1100.00", "#budget-warning"), ("1300.00", "#budget-alert")])
def test_the_warning_and_the_alert(page, spent: str, mark: str) -> None:  # type: ignore[no-untyped-def]
    upload_hand_policy()
    team = TeamFactory(wijken=[WijkPostcodeFactory(wijk=WijkFactory(residents=100)).wijk])  # € 1,250.00
    TeamMembershipFactory(team=team, user=UserFactory(username="coordinator", coordinator=True))
    MeasureFactory(person__household__team=team, amount=Decimal(spent), start_date=datetime.date(2026, 2, 1), paid=True)
    sign_in_as(page, "coordinator")
    page.goto("/budget/?jaar=2026")
    assert page.locator(mark).is_visible()
    checked(page)
