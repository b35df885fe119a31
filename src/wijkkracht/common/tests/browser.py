"""Helpers for browser tests (the fixtures live in the root conftest): axe-core checks and logging in."""

import time

from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: WCAG 2.1 A and AA (what Dutch government sites must meet) plus axe's best practices.
AXE_OPTIONS = {"resultTypes": ["violations"]}


#: One Axe for the run: it holds axe-core's 570 kB script, which a page then needs only once.
AXE = Axe()


def assert_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """No axe-core violations on the page as it is now. axe-core is put into a document once (a check of the
    same document at another width, or after an in-place update, runs the copy already there).

    First the page settles: no htmx request under way and no CSS transition running (`.htmx-request` dims a
    form to 60 % and fades it back in .2 s; axe measuring colour contrast halfway through that fade reported
    a contrast the page never keeps)."""
    # Polled from here with page.evaluate, not page.wait_for_function: the latter re-evaluates its string inside
    # the page, which the product's CSP (no 'unsafe-eval') refuses as soon as the first check is false.
    settled = (
        "!document.querySelector('.htmx-request') && document.getAnimations().every(a => a.playState !== 'running')"
    )
    deadline = time.monotonic() + 10
    while not page.evaluate(settled):
        assert time.monotonic() < deadline, f"{page.url}: still busy (htmx request or transition) after 10 s"
        page.wait_for_timeout(50)
    if not page.evaluate("typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(AXE.axe_script)
    results = AxeResults(page.evaluate("options => axe.run(options)", AXE_OPTIONS))
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def log_in(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen/" not in url)
