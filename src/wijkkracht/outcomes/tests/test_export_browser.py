"""The research export's page in Debian's chromium: a policy officer picks a period and Parquet, downloads the
file (read back with pyarrow) and the export is logged; a period that ends before it starts shows the Dutch
message on the page and downloads nothing. No axe-core violations and no sideways scrolling at 1280 and 390 px.
Texts may still be English until the Dutch catalogue is compiled: the test finds things by id, name and role."""

import pyarrow.parquet as pq
import pytest
from django.utils import timezone

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.privacy.models import AccessLogEntry, AccessLogSubject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, PHONE = 1280, 390


def check(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state("load")
    try:
        for width in (WIDTH, PHONE):
            page.set_viewport_size({"width": width, "height": 900})
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {width} px"
            assert_accessible(page)
    finally:
        page.set_viewport_size({"width": WIDTH, "height": 900})


def test_a_policy_officer_downloads_the_research_export(world, page):
    this_month = f"{timezone.localdate():%Y-%m}"
    log_in(page, "policy", PASSWORD)
    page.goto("/uitkomsten/export/")
    check(page)

    page.locator("#id_from").fill(this_month)
    page.locator("#id_until").fill(this_month)
    page.locator("#id_format_1").check()  # Parquet
    with page.expect_download() as download_info:
        page.locator("#export-download").click()
    download = download_info.value
    assert download.suggested_filename == f"onderzoeksexport-{this_month}-tot-en-met-{this_month}.parquet"
    rows = pq.read_table(download.path()).to_pylist()
    assert sorted(row["level"] for row in rows) == ["adult", "adult", "household", "household"]
    entry = AccessLogEntry.objects.get(action="export")
    assert entry.user_id == world.policy_officer.id and entry.household_id is None
    assert set(AccessLogSubject.objects.filter(entry=entry).values_list("household_id", flat=True)) == {
        world.household.id,
        world.other_household.id,
    }

    # A period that ends before it starts: the page again, with the message at the field; nothing downloaded.
    page.goto("/uitkomsten/export/")
    page.locator("#id_from").fill(this_month)
    page.locator("#id_until").fill("2001-01")
    page.locator("#export-download").click()
    page.locator(".error-summary").wait_for()
    assert page.locator("#id_until_errors").inner_text().strip() in (
        "De periode eindigt voordat hij begint.",
        "The period ends before it starts.",
    )
    check(page)
    assert AccessLogEntry.objects.filter(action="export").count() == 1
