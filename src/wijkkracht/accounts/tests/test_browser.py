"""Choosing a password through a link, and "forgot password", in Debian's chromium with axe-core."""

import re

import pytest
from django.core import mail

from wijkkracht.accounts.models import User
from wijkkracht.common.tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Een-eigen-zin-voor-Willem-9"


def link_in_last_mail() -> str:
    match = re.search(r"https?://[^/\s]+(/wachtwoord-kiezen/[^/\s]+/[^/\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_forgot_password_and_choose_a_new_one_by_keyboard(world, page):
    User.objects.filter(pk=world.worker.pk).update(email="worker@example.org")
    page.goto("/inloggen/")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    page.wait_for_url("**/wachtwoord-vergeten/")
    assert_accessible(page)

    page.get_by_label("E-mailadres").fill("worker@example.org")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Kijk in uw e-mail").wait_for()
    assert_accessible(page)
    assert [m.to for m in mail.outbox] == [["worker@example.org"]]

    page.goto(link_in_last_mail())
    page.get_by_role("heading", name="Kies uw wachtwoord").wait_for()
    assert_accessible(page)
    page.locator("#id_new_password1").fill("kort")
    page.locator("#id_new_password2").fill("kort")
    page.keyboard.press("Enter")
    page.locator(".errorlist").first.wait_for()
    assert_accessible(page)  # the errors, too

    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").focus()
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Wachtwoord opgeslagen").wait_for()
    assert_accessible(page)
    assert User.objects.get(pk=world.worker.pk).check_password(NEW_PASSWORD)


def test_a_used_link_says_so_accessibly_and_the_pages_fit_a_phone(world, page):
    page.set_viewport_size({"width": 390, "height": 844})
    User.objects.filter(pk=world.worker.pk).update(email="worker@example.org")
    page.goto("/wachtwoord-vergeten/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("E-mailadres").fill("worker@example.org")
    page.get_by_role("button", name="Link sturen").click()
    page.get_by_role("heading", name="Kijk in uw e-mail").wait_for()
    link = link_in_last_mail()

    page.goto(link)
    page.get_by_role("heading", name="Kies uw wachtwoord").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    page.get_by_role("heading", name="Wachtwoord opgeslagen").wait_for()

    page.goto(link)
    page.get_by_role("alert").wait_for()
    assert "Deze link werkt niet meer" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
