"""The overview per team in Debian's chromium, at 1280 px and at 390 px: no sideways scrolling (the wide
tables scroll inside their own keyboard-reachable region) and no axe-core violations."""

import pytest

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_overview_fits_and_is_accessible(world, page, width):
    log_in(page, world.policy_officer.username, PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/overzicht/")
    assert page.locator("table").count() == 2
    assert page.locator("#overview-as-of").count() == 1  # as of when the figures were counted
    assert int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) <= 0
    assert_accessible(page)
