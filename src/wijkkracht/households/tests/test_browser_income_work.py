"""The income and work situation in Debian's chromium (issue 11): the case-file section, the form (with a
refused input and its message) and the history, each at 1280 and 390 px: no axe-core violations, no
sideways scrolling. Texts are matched by id and url, so the test holds before and after the Dutch
messages are compiled."""

import datetime

import pytest
from django.utils import timezone

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.households.models import IncomeWorkRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]


def check_at_both_widths(page) -> None:  # type: ignore[no-untyped-def]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) <= 0, (
            f"{page.url} scrolls sideways at {width} px"
        )
        assert_accessible(page)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def test_record_an_adults_income_and_work_and_read_its_history(world, page):
    household = world.household
    anna = household.members.get()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    log_in(page, world.worker.username, PASSWORD)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    page.goto(f"/huishoudens/{household.id}/#inkomen")
    section = page.locator(f"#income-work-person-{anna.id}")
    assert section.is_visible()
    check_at_both_widths(page)

    section.locator(f'a[href$="/leden/{anna.id}/inkomen-en-werk/nieuw/"]').click()
    page.wait_for_url(f"**/leden/{anna.id}/inkomen-en-werk/nieuw/")
    page.locator("#id_benefit").select_option("participatiewet")
    page.locator("#id_benefit_since").fill("2023-02-01")
    page.locator("#id_benefit_ended_on").fill(yesterday.isoformat())  # an end without its reason: refused
    page.locator("#id_work").select_option("supported_paid")
    page.locator("form.form button[type=submit]").click()
    page.locator("#id_benefit_end_reason").wait_for()
    assert page.locator("[role=alert], .errorlist").first.is_visible()
    assert IncomeWorkRecord.objects.filter(person=anna).count() == 1
    check_at_both_widths(page)

    page.locator("#id_benefit_end_reason").select_option("partial_work")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**/huishoudens/{household.id}/#inkomen")
    current = IncomeWorkRecord.objects.filter(person=anna).order_by("-id").first()
    assert current is not None
    assert (current.benefit, current.benefit_end_reason, current.work) == (
        "participatiewet",
        "partial_work",
        "supported_paid",
    )
    assert "2023" in page.locator(f"#income-work-person-{anna.id}").inner_text()

    page.locator(f'#income-work-person-{anna.id} a[href$="/leden/{anna.id}/inkomen-en-werk/"]').click()
    page.wait_for_url(f"**/leden/{anna.id}/inkomen-en-werk/")
    assert page.locator("#income-work-history > li").count() == 2
    assert page.locator("#income-work-history > li").first.get_attribute("id") == f"income-work-{current.id}"
    check_at_both_widths(page)
