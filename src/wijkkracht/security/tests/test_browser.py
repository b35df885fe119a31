"""In Debian's chromium with axe-core: setting up and using the second factor, "Mijn API-sleutels", the
lockout message; at 390 px wide and by keyboard."""

import re
from base64 import b32decode

import pytest
from django.conf import settings
from django_otp.oath import TOTP

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.security.testing import confirmed_device
from wijkkracht.security.tests.helpers import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def main_fits(page) -> bool:  # type: ignore[no-untyped-def]
    """The page's own content fits (the header's user menu is base.html's, checked elsewhere)."""
    return page.evaluate("document.querySelector('main').getBoundingClientRect().right <= window.innerWidth")


def test_an_administrator_sets_up_two_step_verification_at_the_first_login(world, page):
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, "beheer", PASSWORD)
    page.wait_for_url(re.compile(r"/tweestapsverificatie/instellen/"))
    assert page.locator("main svg").count() == 1
    assert_accessible(page)
    assert fits(page)
    secret = page.locator("figcaption code").inner_text().replace(" ", "")
    code = f"{TOTP(b32decode(secret), 30, 0, 6, 0).token():06d}"
    page.get_by_label("6-cijferige code uit uw app").fill(code)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Uw herstelcodes").wait_for()
    assert page.locator("ul.recovery-codes li").count() == 10
    assert_accessible(page)
    assert fits(page)
    page.get_by_role("link", name=re.compile("doorgaan")).click()
    page.wait_for_url(re.compile(r"/beheer/"))


def test_an_administrator_with_a_device_enters_the_code(world, page):
    device = confirmed_device(world.functional_admin)
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, "beheer", PASSWORD)
    page.wait_for_url(re.compile(r"/tweestapsverificatie/controleren/"))
    assert_accessible(page)
    assert fits(page)
    page.get_by_label("Code").fill("000000" if current_code(device) != "000000" else "111111")
    page.get_by_role("button", name="Controleren").click()
    page.locator(".errorlist").wait_for()
    assert_accessible(page)
    device.refresh_from_db()
    device.throttle_reset()
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url(re.compile(r"/beheer/$"))


def test_my_api_keys(world, page):
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, "worker", PASSWORD)
    page.get_by_role("link", name="Mijn API-sleutels").click()
    assert_accessible(page)
    page.get_by_label("Naam").fill("Rapportage")
    page.get_by_role("button", name="API-sleutel maken").click()
    secret = page.get_by_label("API-sleutel", exact=True).input_value()
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    assert page.get_by_role("cell", name="Rapportage", exact=True).is_visible()
    assert_accessible(page)
    assert fits(page)
    page.get_by_role("button", name="Rapportage intrekken").focus()
    page.keyboard.press("Enter")
    page.get_by_role("cell", name="ingetrokken", exact=True).wait_for()
    assert secret not in page.content()
    assert_accessible(page)


def test_the_lockout_message(world, page):
    page.set_viewport_size({"width": 390, "height": 800})
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/inloggen/")
        page.get_by_label("Gebruikersnaam").fill("worker")
        page.get_by_label("Wachtwoord").fill("fout-wachtwoord")
        page.get_by_role("button", name="Inloggen").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "15 minuten" in alert.inner_text()
    assert_accessible(page)
    assert fits(page)


def test_changing_the_second_factor_asks_for_the_password(world, page):
    device = confirmed_device(world.worker)
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, "worker", PASSWORD)
    page.wait_for_url(re.compile(r"/tweestapsverificatie/controleren/"))
    page.get_by_label("Code").fill(current_code(device))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/tweestapsverificatie/" not in url)
    page.goto("/tweestapsverificatie/")
    assert_accessible(page)
    assert main_fits(page)
    page.locator('input[name="password"]').fill("fout-wachtwoord")
    page.keyboard.press("Enter")
    page.locator(".errorlist").wait_for()
    assert_accessible(page)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Nieuwe herstelcodes").click()
    page.get_by_role("heading", name="Uw herstelcodes").wait_for()
    page.goto("/tweestapsverificatie/instellen/")
    assert page.locator("ol > li").count() == 3
    assert page.locator("ol > li").nth(2).locator('input[name="password"]').count() == 1
    assert_accessible(page)
    assert main_fits(page)
