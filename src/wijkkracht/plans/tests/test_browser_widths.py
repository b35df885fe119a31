"""Every plan page in Debian's chromium at 1280 px and at 390 px (a phone held upright): no sideways
scrolling, no axe-core violations, dates in Dutch words; the domains by severity, worst first, in words;
a checklist step ticked in place. The journey runs once at 1280 px; each page is loaded once and checked at
both widths (the window resized in place: the CSS decides the layout, not the server)."""

import datetime
import re

import pytest
from django.utils import timezone

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.plans.models import Action
from wijkkracht.plans.tests.helpers import PROBLEMS, add_action, add_goal, complete_intake, start_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMERIC_DATE = re.compile(r"\b\d{1,2}-\d{1,2}-\d{4}\b")


def sideways_overflow(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


WIDTHS = [1280, 390]


def test_plan_pages_fit_are_accessible_and_show_severity_in_words(world, page):
    household = world.household
    start = timezone.localdate() - datetime.timedelta(days=6)
    complete_intake(world, date=start)
    plan = start_plan(world, plan_date=start)
    housing = add_goal(
        world,
        plan,
        suggestion=plan.suggestions.get(rule_code="housing-first"),
        what="Een woonplek met huurcontract",
        instrument_code="integrale-nulmeting",
        instrument_domain="wonen",
        target_score=2,
    )
    add_action(world, housing, description="Gesprek met de woningcorporatie")
    work = add_goal(world, plan, domain_code="werk", what="Vrijwilligerswerk vinden")
    action = add_action(
        world, work, description="Kennismaken bij het activeringscentrum", method_code="sociale-activering"
    )
    take(world, "integrale-nulmeting", PROBLEMS, date=timezone.localdate())  # the 1-meting: no better yet

    log_in(page, world.worker.username, PASSWORD)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    base = f"/huishoudens/{household.id}/plan/{plan.id}"
    page.goto(f"{base}/")
    # The worst domain first, its severity as a word (not colour alone).
    first_column = page.locator("section.plan-column").first
    assert first_column.locator("h3").inner_text() in ("Wonen", "Financiën en schulden", "Werk en participatie")
    assert "Individuele voorzieningen" in first_column.locator(".severity").inner_text()
    assert page.get_by_text("Integrale nulmeting – Wonen → 2 (Sociaal netwerk)").is_visible()
    assert page.get_by_text("Sociale activering", exact=False).first.is_visible()
    # Tick the first step of the method's checklist and save: it stays ticked.
    page.locator(f"#step-{action.id}-0").check()
    page.get_by_role("button", name=re.compile(r"Kennismaken bij het activeringscentrum$")).click()
    page.locator(f"#step-{action.id}-0").wait_for()
    assert page.locator(f"#step-{action.id}-0").is_checked()
    assert Action.objects.get(id=action.id).checklist[0]["done"]

    for url in (
        f"{base}/",
        f"{base}/doelen/nieuw/",
        f"{base}/doelen/{housing.id}/",
        f"{base}/doelen/{housing.id}/acties/nieuw/",
        f"{base}/afspraak/",
        f"{base}/geen-werkdoel/",
        f"{base}/evaluatie/",
        f"{base}/print/",
    ):
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(url)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            assert sideways_overflow(page) <= 0, f"{url} is {sideways_overflow(page)} px wider than {width} px"
            assert_accessible(page)
            assert not NUMERIC_DATE.search(page.locator("main").inner_text()), (url, width)
        assert "---------" not in page.content(), url
