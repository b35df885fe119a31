"""The social map in Debian's chromium: a worker searches and opens a service; the functional administrator
imports a file and sees the counts. axe-core without violations at 1280 px and 390 px, no sideways scrolling."""

import json
from urllib.parse import urlsplit

import pytest
from django.test import Client

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.security.testing import login_verified
from wijkkracht.socialmap.models import PyramidLevel, Service
from wijkkracht.socialmap.tests.helpers import hsds_reference, organization, service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_both_widths(page) -> None:  # type: ignore[no-untyped-def]
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"sideways at {width} px"


def test_a_worker_searches_the_social_map_and_opens_a_service(world, page):
    wijk = world.team.wijken.first()
    brug = organization(name="Stichting De Brug", phone="010 123 45 67", email="info@debrug.example")
    service(
        organization=brug,
        name="Schuldhulpverlening",
        description="Hulp bij schulden, aanmaningen en een overzicht van de post.",
        domains=["financien", "wonen"],
        minimum_age=18,
        wijken=[wijk],
        eligibility_description="Inwoners van 18 jaar en ouder met schulden.",
    )
    service(
        organization=organization(name="CJG"),
        name="Opvoedspreekuur",
        level=PyramidLevel.COLLECTIVE,
        domains=["opvoeden"],
    )
    log_in(page, "worker", PASSWORD)
    page.locator("nav a[href='/sociale-kaart/']").click()
    page.wait_for_url("**/sociale-kaart/")
    assert page.get_by_role("link", name="Opvoedspreekuur").is_visible()
    check_both_widths(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator("#f-domain").select_option("financien")
    page.wait_for_url("**domain=financien**")
    page.get_by_role("link", name="Opvoedspreekuur").wait_for(state="detached")
    page.locator("#f-age").fill("30")
    page.locator("#f-age").press("Enter")
    page.wait_for_url("**age=30**")
    page.get_by_role("link", name="Schuldhulpverlening").click()
    page.wait_for_url("**/sociale-kaart/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Schuldhulpverlening"
    assert page.get_by_text("010 123 45 67").is_visible()
    check_both_widths(page)

    page.goto("/sociale-kaart/?age=oud")
    page.locator("[role=alert]").wait_for()
    check_both_widths(page)


def test_the_functional_administrator_imports_a_file(world, live_server, browser, tmp_path):
    client = Client()
    login_verified(client, world.functional_admin)
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    host = urlsplit(live_server.url).hostname
    context.add_cookies(
        [{"name": name, "value": morsel.value, "domain": host, "path": "/"} for name, morsel in client.cookies.items()]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/sociale-kaart/")
        page.locator("a[href='/sociale-kaart/importeren/']").click()
        page.wait_for_url("**/importeren/")
        check_both_widths(page)
        source = tmp_path / "kaart.json"
        source.write_text(json.dumps(hsds_reference("example_organization_full.json")), encoding="utf-8")
        page.locator("#f-file").set_input_files(str(source))
        page.locator("form.import-form button[type=submit]").click()
        page.locator("[role=status]").first.wait_for()
        assert page.locator("table td.num").first.inner_text().strip() == "1"  # one new organisation
        check_both_widths(page)
        assert Service.objects.get().name == "Community Counselling"

        bad = tmp_path / "fout.json"
        bad.write_text('[{"id": 1}]', encoding="utf-8")
        page.locator("#f-file").set_input_files(str(bad))
        page.locator("form.import-form button[type=submit]").click()
        page.locator("#import-problems").wait_for()
        assert "[0].id" in page.locator("#import-problems").inner_text()
        check_both_widths(page)
    finally:
        context.close()
