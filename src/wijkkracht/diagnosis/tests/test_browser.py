"""In Debian's chromium: a 0-meting and a 1-meting for a demo household, and the target changes."""

from io import StringIO

import pytest
from django.core.management import call_command

from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.households.models import Household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def score_all(page, label):
    domains = page.locator("fieldset.domain")
    for index in range(domains.count()):
        domains.nth(index).get_by_label(label).check()


def test_take_a_0_meting_and_a_1_meting_and_see_the_target_change(page):
    call_command("demo", households=8, seed=2026, stdout=StringIO())
    household = (
        Household.objects.filter(team__memberships__user__username="ilse", status__in=["registered", "intake"])
        .exclude(measurements__instrument_code="integrale-nulmeting")
        .order_by("id")
        .first()
    )
    assert household is not None, "the demo should have a household that has not been measured yet"
    log_in(page, "ilse", "wijkkracht-demo")
    page.goto(f"/huishoudens/{household.id}/")
    assert_accessible(page)

    for label, level in (("4 – Individuele voorzieningen", "4"), ("1 – Zelf", "1")):
        page.get_by_role("link", name="Nieuwe meting").click()
        page.get_by_label("Instrument").select_option(label="Integrale nulmeting (huishouden)")
        assert_accessible(page)
        page.get_by_role("button", name="Meting starten").click()
        score_all(page, label)
        assert_accessible(page)
        page.get_by_role("button", name="Meting afronden").click()
        page.get_by_text("De meting is afgerond.").wait_for()
        target = page.locator(".pictures svg.chart--target")  # the diagnosis section, not the summary card
        assert target.locator(f'path.cell--now[data-level="{level}"]').count() == 8

    # After the 1-meting the earlier 0-meting shows as dashed markers in the outer ring.
    assert page.locator(".pictures svg.chart--target circle.marker-before").count() == 8
    assert_accessible(page)

    page.get_by_role("link", name="Voortgang (printbaar)").click()
    page.get_by_text("8 domeinen beter").wait_for()
    assert_accessible(page)


def test_a_draft_is_kept_and_missing_domains_are_named(page):
    call_command("demo", households=8, seed=2026, stdout=StringIO())
    household = Household.objects.filter(team__memberships__user__username="ilse", status="registered").first() or (
        Household.objects.filter(team__memberships__user__username="ilse", status="intake").first()
    )
    log_in(page, "ilse", "wijkkracht-demo")
    page.goto(f"/huishoudens/{household.id}/metingen/nieuw/")
    page.get_by_label("Instrument").select_option(label="Leefgebiedenmatrix (per lid)")
    page.locator("#id_person").select_option(index=1)
    page.get_by_role("button", name="Meting starten").click()
    page.locator("fieldset.domain").first.get_by_label("2 – Enige ondersteuning nodig").check()
    page.get_by_role("button", name="Meting afronden").click()
    page.get_by_role("alert").wait_for()
    assert page.get_by_text("Nog niet gescoord").is_visible()
    assert_accessible(page)
    assert page.locator("fieldset.domain").first.get_by_label("2 – Enige ondersteuning nodig").is_checked()
