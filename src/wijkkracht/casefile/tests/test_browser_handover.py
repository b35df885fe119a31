"""The warm handover in Debian's chromium, at 1280 and 390 px wide: a worker hands a household over to the
case director (the summary, the caseload table, sending), the case director records the conversation,
completes the handover, logs a contact and hands the household back. axe-core without violations and no
sideways scrolling on every page of the way, at both widths (the journey runs once, at 1280 px; each page on
the way is also checked at 390 px with the window resized in place).

New texts may still be English until the lead compiles the translations: elements are found by their ids,
names and links."""

import pytest
from django.utils import timezone

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.casefile import handover_services
from wijkkracht.casefile.models import Handover, HandoverStatus
from wijkkracht.casefile.tests.handover_helpers import hand_over, start_handover
from wijkkracht.casefile.tests.test_browser_household import fits
from wijkkracht.common.tests.browser import log_in
from wijkkracht.households.models import Contact, HouseholdStatus, StatusChange
from wijkkracht.households.tests.factories import HouseholdFactory
from wijkkracht.plans.tests.helpers import start_plan
from wijkkracht.teams.models import Municipality

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]
JOURNEY_WIDTH = 1280


def log_out(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("form[action='/uitloggen/'] button, form[action$='logout/'] button").first.click()
    page.wait_for_load_state()


def fits_at_both_widths(page) -> None:  # type: ignore[no-untyped-def]
    """The page as it is now at every width (the window resized in place; the CSS decides the layout), then
    back to the journey's width."""
    for width in (*sorted(set(WIDTHS) - {JOURNEY_WIDTH}), JOURNEY_WIDTH):
        fits(page, width)


def test_hand_over_log_a_contact_as_the_case_director_and_hand_back(world, page):
    """The journey once, at 1280 px; every page on the way is checked at 1280 and at 390 px."""
    start_plan(world)
    household = world.household
    page.set_viewport_size({"width": JOURNEY_WIDTH, "height": 900})
    log_in(page, "worker", PASSWORD)
    page.goto(f"/huishoudens/{household.id}/")
    page.locator(f"a[href='/huishoudens/{household.id}/overdracht/']").first.click()
    page.wait_for_url(f"**/huishoudens/{household.id}/overdracht/")
    fits_at_both_widths(page)
    assert page.locator(f"#load-{world.regisseur.id}").is_visible()
    page.locator("#id_regisseur").select_option(str(world.regisseur.id))
    page.locator("#id_question_text").fill("Langdurige begeleiding bij schulden")
    page.locator("form.form button[type=submit]").first.click()
    handover = Handover.objects.get(household=household)
    page.wait_for_url(f"**/overdracht/{handover.id}/")
    fits_at_both_widths(page)
    assert page.locator("#summary-form textarea").count() == 6
    page.locator("#send-handover").click()
    page.wait_for_url(f"**/overdracht/{handover.id}/")
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.SENT
    log_out(page)

    log_in(page, "regisseur", PASSWORD)
    page.goto(f"/huishoudens/{household.id}/overdracht/{handover.id}/")
    fits_at_both_widths(page)
    page.locator("#id_conversation_date").fill(timezone.localdate().isoformat())
    page.locator("#id_conversation_attendees").fill("Contactpersoon, regisseur, moeder")
    page.locator("#id_family_present").select_option("yes")
    page.locator("#conversation-form button[type=submit]").click()
    page.wait_for_url(f"**/overdracht/{handover.id}/")
    page.locator("#complete-handover").click()
    page.wait_for_url(f"**/huishoudens/{household.id}/")
    household.refresh_from_db()
    assert household.status == HouseholdStatus.HANDED_OVER
    fits_at_both_widths(page)

    page.locator(f"a[href='/huishoudens/{household.id}/contacten/nieuw/']").first.click()
    page.wait_for_url(f"**/huishoudens/{household.id}/contacten/nieuw/")
    page.locator("#id_kind").select_option("phone")
    page.locator("#id_duration_minutes").fill("20")
    page.locator("#id_note").fill("Kennismaking met de regisseur")
    page.locator("form.form button[type=submit]").first.click()
    page.wait_for_url(f"**/huishoudens/{household.id}/")
    assert Contact.objects.filter(household=household, worker=world.regisseur).exists()

    page.locator(f"a[href='/huishoudens/{household.id}/terug-naar-eerste-lijn/']").first.click()
    page.wait_for_url("**/terug-naar-eerste-lijn/")
    fits_at_both_widths(page)
    page.locator("#id_contact_person").select_option(str(world.worker.id))
    page.locator("#id_reason").fill("Situatie stabiel")
    page.locator("#hand-back").click()
    page.wait_for_url("**/huishoudens/mijn/")
    fits_at_both_widths(page)
    household.refresh_from_db()
    assert household.status == HouseholdStatus.IN_PROGRESS and household.second_line_regisseur is None
    steps = list(StatusChange.objects.filter(household=household).values_list("to_status", flat=True))
    assert steps[-2:] == [HouseholdStatus.HANDED_OVER, HouseholdStatus.IN_PROGRESS]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_handover_approved_over_the_norm_fits_and_is_linked_from_the_case_file(world, page, width):
    """The long term "Boven de norm, goedgekeurd door" does not push its value off a phone's screen; the
    case file links to the handover."""
    Municipality.objects.filter(id=1).update(regisseur_caseload_norm=1)
    hand_over(world, household=HouseholdFactory(team=world.team, contact_person=world.worker))
    handover = start_handover(world)
    handover = handover_services.handover_request_approval(
        access=world.access(), handover=handover, expected_version=handover.lock_version
    )
    handover = handover_services.handover_approve(
        access=world.access(world.coordinator), handover=handover, expected_version=handover.lock_version
    )
    assert handover.approved_by == world.coordinator
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "worker", PASSWORD)
    page.goto(f"/huishoudens/{world.household.id}/?toon=geschiedenis")
    page.locator(f"#handover-list a[href='/huishoudens/{world.household.id}/overdracht/{handover.id}/']").click()
    page.wait_for_url(f"**/overdracht/{handover.id}/")
    assert page.locator("#handover-facts").get_by_text(str(world.coordinator), exact=False).is_visible()
    fits(page, width)
