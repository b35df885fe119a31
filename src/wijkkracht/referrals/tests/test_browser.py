"""The team's referral pages in Debian's chromium at 1280 px and 390 px: refer from a plan action with the
form (member, service search, consent, domains, question), then the detail with what went out; axe-core on
every step, and no sideways scrolling. The journey runs once at 1280 px; every step is checked at 1280 and
at 390 px (the window resized in place: the CSS decides the layout, not the server)."""

import pytest

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.referrals.models import Referral
from wijkkracht.referrals.tests.helpers import consent, plan_action, service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def overflow(page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


WIDTHS = [1280, 390]


def check(page) -> None:  # type: ignore[no-untyped-def]
    """The page as it is now at every width, then back to the journey's width (the first)."""
    for width in (*WIDTHS[1:], WIDTHS[0]):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        assert overflow(page) <= 0, f"{page.url} scrolls sideways at {width} px"


def test_refer_from_the_plan_and_see_what_went_out(world, page):
    anna = world.household.members.first()
    svc = service(name="Ambulante verslavingszorg Tactus")
    grant = consent(world, svc.organization, anna, domains=("verslaving", "gezondheid"))
    action = plan_action(world, "verslaving", person=anna)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    log_in(page, "worker", PASSWORD)

    page.goto(f"/huishoudens/{world.household.id}/plan/{action.goal.plan_id}/")
    page.locator(f'a[href="/huishoudens/{world.household.id}/acties/{action.id}/verwijzen/"]').click()
    check(page)
    page.locator('button[value="next"]').click()  # nothing chosen yet: both fields say so, accessibly
    page.locator("#choose_person_errors").wait_for()
    assert page.locator("#choose_service_errors").is_visible()
    check(page)
    page.locator("#choose_person").select_option(str(anna.id))
    page.locator("#choose_q").fill("tactus")
    page.locator('button[value="search"]').click()
    page.locator("#choose_service").select_option(str(svc.id))
    page.locator('button[value="next"]').click()
    page.locator(f'input[name="consent"][value="{grant.id}"]').wait_for()
    check(page)
    page.locator(f'input[name="consent"][value="{grant.id}"]').check()
    assert page.locator('input[name="domains"][value="financien"]').count() == 0
    page.locator('input[name="domains"][value="verslaving"]').check()
    page.locator("#id_question").fill("Wilt u Anna helpen met minder drinken?")
    page.locator('#referral-send-form button[type="submit"]').click()

    page.wait_for_url("**/verwijzingen/**")
    referral = Referral.objects.get()
    assert page.url.endswith(f"/huishoudens/{world.household.id}/verwijzingen/{referral.id}/")
    assert page.get_by_text("Wilt u Anna helpen met minder drinken?").first.is_visible()
    check(page)

    # Withdraw without a reason: the error is shown accessibly; then the plan shows the badge and link.
    page.locator('#referral-cancel-form button[type="submit"]').click()
    page.locator(".errorlist").first.wait_for()
    check(page)
    page.goto(f"/huishoudens/{world.household.id}/plan/{action.goal.plan_id}/")
    assert page.locator(f'a[href="/huishoudens/{world.household.id}/verwijzingen/{referral.id}/"]').is_visible()
    check(page)


def test_the_form_without_consent_points_to_the_register(world, page):
    anna = world.household.members.first()
    svc = service()
    action = plan_action(world)
    log_in(page, "worker", PASSWORD)
    page.goto(f"/huishoudens/{world.household.id}/acties/{action.id}/verwijzen/?person={anna.id}&service={svc.id}")
    assert page.locator(f'a[href="/huishoudens/{world.household.id}/toestemmingen/"]').is_visible()
    check(page)
