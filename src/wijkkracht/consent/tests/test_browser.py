"""The consent register in Debian's chromium: record a consent for two life domains and withdraw it in
place, with axe-core on every state, at 1280 and 390 px wide (no sideways scrolling). The journey runs once at
1280 px; every state is checked at both widths (the window resized in place: the CSS decides the layout)."""

import pytest

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.consent.models import Consent
from wijkkracht.consent.tests.helpers import organization, record

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def assert_fits(page, width: int) -> None:  # type: ignore[no-untyped-def]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px at {width} px"


WIDTHS = [1280, 390]


def check(page, fits: bool = True) -> None:  # type: ignore[no-untyped-def]
    """The page as it is now at every width (axe-core, and no sideways scrolling unless `fits` is off),
    then back to the journey's width (the first)."""
    for width in (*WIDTHS[1:], WIDTHS[0]):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        if fits:
            assert_fits(page, width)


def test_record_a_consent_for_two_domains_and_withdraw_it(world, page):
    org = organization("Verslavingszorg Noord")
    organization("Schuldhulp Noord")
    record(world, organization("Veilig Thuis"), ground="meldcode_safety", given_how="", reason="Kind meldt geweld.")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    log_in(page, "worker", PASSWORD)
    page.goto(f"/huishoudens/{world.household.id}/toestemmingen/")
    assert page.locator(".consent-row--legal .legal-ground").is_visible()
    check(page)

    anna = world.household.members.get()
    page.locator("#id_person").select_option(str(anna.id))
    page.locator("#id_organization").select_option(str(org.id))
    page.locator("#id_purpose").select_option("referral")
    page.locator("input[name=domains][value=verslaving]").check()
    page.locator("input[name=domains][value=gezondheid]").check()
    page.locator("#id_ground").select_option("consent")
    page.locator("#id_given_how").select_option("written")
    page.locator("#vastleggen button[type=submit]").click()

    consent = None
    page.wait_for_url(lambda url: "#consent-" in url)
    consent = Consent.objects.get(organization=org)
    assert consent.domains == ["gezondheid", "verslaving"] and consent.person_id == anna.id
    row = page.locator(f"#consent-{consent.id}")
    assert row.is_visible() and "Verslavingszorg Noord" in row.inner_text()
    check(page)

    row.locator("summary").click()
    row.locator("input[name=note]").fill("Telefonisch ingetrokken")
    check(page, fits=False)
    row.locator("button[type=submit]").click()
    page.locator(f"#consent-{consent.id} [role=status]").wait_for()
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawal_note == "Telefonisch ingetrokken"
    assert page.locator(f"#consent-{consent.id} details").count() == 0
    check(page)
