"""The measurement and progress pages in Debian's chromium at 1280 px and at 390 px (a phone held upright):
no sideways scrolling, no axe-core violations, and dates in Dutch words. Each page is loaded once and checked
at both widths (the window resized in place: the CSS decides the layout, not the server)."""

import datetime
import re

import pytest
from django.utils import timezone

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.diagnosis.tests.helpers import take

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMERIC_DATE = re.compile(r"\b\d{1,2}-\d{1,2}-\d{4}\b")


def sideways_overflow(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


WIDTHS = [1280, 390]


def test_measurement_and_progress_pages_fit_and_are_accessible(world, page):
    household = world.household
    start = timezone.localdate() - datetime.timedelta(days=200)
    type(household).objects.filter(pk=household.pk).update(registered_on=start)
    household.refresh_from_db()
    anna = household.members.get()
    take(world, "integrale-nulmeting", 4, date=start)
    take(world, "participatieladder", 2, person=anna, date=start)
    take(world, "integrale-nulmeting", 4, date=start + datetime.timedelta(days=90))
    take(world, "participatieladder", 3, person=anna, date=start + datetime.timedelta(days=90))
    follow_up = take(world, "integrale-nulmeting", 2, date=timezone.localdate())
    take(world, "participatieladder", 4, person=anna, date=timezone.localdate())
    log_in(page, world.worker.username, PASSWORD)
    for url in (
        f"/huishoudens/{household.id}/metingen/{follow_up.id}/",
        f"/huishoudens/{household.id}/voortgang/",
        f"/huishoudens/{household.id}/metingen/nieuw/",
    ):
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(url)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            assert sideways_overflow(page) <= 0, f"{url} is {sideways_overflow(page)} px wider than {width} px"
            assert_accessible(page)
            assert not NUMERIC_DATE.search(page.locator("main").inner_text()), (url, width)
