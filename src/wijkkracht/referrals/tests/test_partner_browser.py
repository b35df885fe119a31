"""The partner's pages in Debian's chromium: sign in, the list, a referral, accepting it; axe-core without
violations and no sideways scrolling at 1280 px and at 390 px (a phone held upright).

Texts may still be English until the lead compiles the Dutch catalogue: the test finds things by URL, role
and data attributes."""

import re

import pytest

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.referrals.models import Referral, ReferralStatus
from wijkkracht.referrals.tests.partner_world import DISCLOSED, NEVER, make_partner_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)


def check_at_every_width(page) -> None:  # type: ignore[no-untyped-def]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px at {width} px"


def test_a_partner_opens_a_referral_sees_only_the_covered_domains_and_accepts_it(world, page):
    pw = make_partner_world(world)
    log_in(page, "partner_a", PASSWORD)
    page.wait_for_url(re.compile(r"/partner/verwijzingen/$"))
    assert page.locator(f'tr[data-referral="{pw.referral.id}"]').is_visible()
    assert page.locator(f'tr[data-referral="{pw.other_referral.id}"]').count() == 0
    check_at_every_width(page)

    page.locator(f'tr[data-referral="{pw.referral.id}"] a').click()
    page.wait_for_url(re.compile(rf"/partner/verwijzingen/{pw.referral.id}/$"))
    text = page.locator("main").inner_text()
    assert DISCLOSED["member first name"] in text and DISCLOSED["covered goal"] in text
    assert not [what for what, marker in NEVER.items() if marker in text]
    assert page.locator("section[data-domain]").evaluate_all("nodes => nodes.map(n => n.dataset.domain)") == [
        "wonen",
        "gezondheid",
    ]
    check_at_every_width(page)

    page.locator('button[data-transition="accepted"]').click()
    page.locator('#referral-status[data-status="accepted"]').wait_for()
    assert page.locator(".message--success").is_visible()
    assert Referral.objects.get(id=pw.referral.id).status == ReferralStatus.ACCEPTED
    # Now the next steps are offered, and accepting is not.
    assert page.locator('button[data-transition="started"]').is_visible()
    assert page.locator('button[data-transition="accepted"]').count() == 0
    check_at_every_width(page)


def test_declining_shows_the_reason_field_and_the_withdrawn_consent_page_is_accessible(world, page):
    pw = make_partner_world(world)
    log_in(page, "partner_a", PASSWORD)
    page.goto(f"/partner/verwijzingen/{pw.referral.id}/")
    page.locator("#decline-reason").fill("Geen plek tot maart")
    page.locator('button[data-transition="declined"]').click()
    page.locator('#referral-status[data-status="declined"]').wait_for()
    assert page.locator("button[data-transition]").count() == 0
    check_at_every_width(page)

    pw.withdraw(by=world.worker)
    page.goto(f"/partner/verwijzingen/{pw.referral.id}/")
    assert page.locator("#no-disclosure").is_visible()
    assert DISCLOSED["member first name"] not in page.locator("main").inner_text()
    check_at_every_width(page)
    page.goto("/partner/verwijzingen/")
    assert page.locator(f'tr[data-referral="{pw.referral.id}"] [data-consent="withdrawn"]').is_visible()
    check_at_every_width(page)


def test_a_partner_account_without_an_organisation_sees_an_accessible_message(world, page):
    make_partner_world(world)
    log_in(page, "partner_none", PASSWORD)
    page.wait_for_url(re.compile(r"/partner/verwijzingen/$"))
    assert page.locator("#unlinked").is_visible()
    assert page.locator("tr[data-referral]").count() == 0
    check_at_every_width(page)
