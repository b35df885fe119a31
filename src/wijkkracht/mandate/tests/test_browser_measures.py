"""End to end in Debian's chromium (issue 12): a social worker proposes € 450 bijzondere bijstand above their
€ 250 mandate, the coordinator approves it from the approvals page and the team's budget changes; a social
worker suspends the sollicitatieplicht for three months within their mandate (approved at once); the decision
letter prints. axe-core without violations and no sideways scrolling on every page, at 1280 and 390 px.

Texts are matched by ids, names and addresses, not by Dutch words (the catalogue is compiled at the end)."""

import datetime
import re
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.mandate.budget import team_budget
from wijkkracht.mandate.models import Measure, MeasureStatus
from wijkkracht.mandate.tests.measure_helpers import add_managers, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]


def at_width(page, width: int) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": width, "height": 900})


def checked(page) -> None:  # type: ignore[no-untyped-def]
    """The page as it is now at 390 px and at 1280 px: no axe-core violations, no sideways scrolling."""
    for width in (*WIDTHS[1:], WIDTHS[0]):
        at_width(page, width)
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page.url}: {overflow} px sideways scrolling at {width} px"


def sign_in_as(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    log_in(page, username, PASSWORD)


def committed(world) -> Decimal:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return team_budget(world.team, today.year, today).committed


def test_bijstand_above_the_mandate_is_approved_by_the_coordinator_and_the_budget_changes(world, page):
    household = world.household
    at_width(page, WIDTHS[0])
    sign_in_as(page, "worker")
    page.goto(f"/huishoudens/{household.id}/#maatregelen")
    page.locator(f"#maatregelen a[href='/huishoudens/{household.id}/maatregelen/nieuw/']").click()
    page.wait_for_url(f"**/huishoudens/{household.id}/maatregelen/nieuw/")
    checked(page)
    assert "€\u00a0250,00" in page.locator("#kind-bijzondere_bijstand-mandate").inner_text()  # the limit shown
    page.locator("a[href='?soort=bijzondere_bijstand']").click()
    page.locator("#id_amount").wait_for()
    checked(page)

    # Bad input first: an amount with three decimals is refused on its field, nothing is saved.
    page.locator("#id_person").select_option(str(member(world).id))
    page.locator("#id_reason").fill("De wasmachine is kapot; er is geen geld voor een nieuwe.")
    page.locator("#id_amount").fill("450,125")
    page.locator("form.form button[type=submit]").click()
    page.locator("#id_amount_errors").wait_for()
    checked(page)
    assert not Measure.objects.exists()

    page.locator("#id_amount").fill("450")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/huishoudens/{household.id}/maatregelen/\d+/$"))
    measure = Measure.objects.get()
    assert (measure.status, measure.amount) == (MeasureStatus.PROPOSED, Decimal("450.00"))
    assert page.locator("#four-eyes-note").is_visible()  # the decider cannot approve it themselves
    assert page.locator("#decide").count() == 0
    checked(page)

    # The coordinator: the budget before, the approvals page, the measure, approve.
    before = committed(world)
    sign_in_as(page, "coordinator")
    page.goto(f"/budget/?team={world.team.id}")
    committed_before = page.locator("#budget-committed").inner_text()
    page.goto("/maatregelen/goedkeuren/")
    checked(page)
    page.locator(f"#approval-{measure.id} a[href='/huishoudens/{household.id}/maatregelen/{measure.id}/']").click()
    page.locator("#decide").wait_for()
    checked(page)
    page.locator("#decide button[value=approve]").click()
    page.locator("#measure-status .badge--measure-approved").wait_for()
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.APPROVED
    assert committed(world) == before + Decimal("450.00")
    checked(page)
    page.goto(f"/budget/?team={world.team.id}")
    assert page.locator("#budget-committed").inner_text() != committed_before
    assert "450" in page.locator("#budget-committed").inner_text()
    page.goto("/maatregelen/goedkeuren/")
    assert page.locator(f"#approval-{measure.id}").count() == 0  # nothing waits any more


def test_suspending_the_sollicitatieplicht_within_the_mandate_and_printing_the_letter(world, page):
    household = world.household
    start = timezone.localdate()
    end = start + relativedelta(months=3) - datetime.timedelta(days=1)  # three months
    at_width(page, WIDTHS[0])
    sign_in_as(page, "worker")
    page.goto(f"/huishoudens/{household.id}/maatregelen/nieuw/?soort=sollicitatieplicht_opschorten")
    assert page.locator("#id_amount").count() == 0 and page.locator("#id_hearing_date").count() == 0
    page.locator("#id_person").select_option(str(member(world).id))
    page.locator("#id_reason").fill("Eerst rust: de schulden en de gezondheid gaan nu voor.")
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill(end.isoformat())
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/huishoudens/{household.id}/maatregelen/\d+/$"))
    page.locator("#measure-status .badge--measure-approved").wait_for()  # within the mandate: approved at once
    measure = Measure.objects.get()
    assert measure.status == MeasureStatus.APPROVED and not measure.approvals.exists()
    checked(page)

    page.goto(f"/huishoudens/{household.id}/#maatregelen")
    row = page.locator(f"#measure-{measure.id}")
    assert row.locator(".badge--measure-approved").count() == 1
    checked(page)
    row.locator(f"a[href='/huishoudens/{household.id}/maatregelen/{measure.id}/besluit/']").click()
    page.locator("article.letter").wait_for()
    checked(page)
    letter = page.locator("article.letter").inner_text()
    assert member(world).full_name in letter and "Participatiewet, artikel 9, tweede lid" in letter
    from django.utils.formats import date_format

    assert date_format(start + datetime.timedelta(weeks=6), "j F Y") in letter  # the last day to object

    # The print button prints (window.print replaced to see the call), and print media shows the letter only.
    page.evaluate("window.__printed = false; window.print = () => { window.__printed = true; }")
    page.locator("button[data-print]").click()
    assert page.evaluate("window.__printed") is True
    page.emulate_media(media="print")
    assert page.locator("article.letter").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("button[data-print]").is_visible()
    page.emulate_media(media="screen")


def test_the_manager_approves_spending_beyond_the_budget_without_seeing_the_case(world, page):
    from wijkkracht.mandate import services
    from wijkkracht.mandate.tests.measure_helpers import access, small_budget

    add_managers(world)
    small_budget(world.team)  # € 500.00
    measure = services.measure_propose(
        access=access(world.coordinator),
        household_id=world.household.id,
        person_id=member(world).id,
        kind_code="bijzondere_bijstand",
        reason="Geheime reden van de aanvraag",
        start_date=timezone.localdate(),
        amount=Decimal("600"),
    )
    at_width(page, WIDTHS[0])
    sign_in_as(page, "manager")
    page.goto("/maatregelen/goedkeuren/")
    item = page.locator(f"#approval-{measure.id}")
    assert "Geheime reden" not in item.inner_text() and member(world).full_name not in item.inner_text()
    checked(page)
    item.locator("button[value=approve]").click()
    page.locator(f"#approval-{measure.id}").wait_for(state="detached")
    checked(page)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.APPROVED
