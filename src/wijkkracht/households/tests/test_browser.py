"""End to end in Debian's chromium: the worker's main flow, and axe-core on every page."""

import pytest
from django.utils import timezone

from wijkkracht.accounts.tests.factories import PASSWORD
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.households.tests.factories import ContactFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_household_log_contact_and_see_it_in_my_households(world, page):
    log_in(page, "worker", PASSWORD)
    assert_accessible(page)

    page.get_by_role("link", name="Huishouden aanmelden").click()
    page.get_by_label("Naam huishouden").fill("Yildiz")
    postcode = world.team.wijken.first().postcodes.first().digits
    page.get_by_label("Postcode").fill(f"{postcode} KL")
    page.get_by_label("Huisnummer").fill("17")
    page.get_by_label("Binnengekomen via").select_option(label="Outreach in de wijk")
    first, second = page.locator("fieldset.member-form").nth(0), page.locator("fieldset.member-form").nth(1)
    first.get_by_label("Voornaam").fill("Ayşe")
    first.get_by_label("Achternaam").fill("Yildiz")
    first.get_by_label("Geboortedatum").fill("1984-03-02")
    first.get_by_label("Rol in het huishouden").select_option(label="Ouder/verzorger")
    first.get_by_label("BSN").fill("111222333")
    second.get_by_label("Voornaam").fill("Emre")
    second.get_by_label("Achternaam").fill("Yildiz")
    second.get_by_label("Geboortedatum").fill("2013-10-10")
    second.get_by_label("Rol in het huishouden").select_option(label="Kind")
    assert_accessible(page)
    page.get_by_role("button", name="Aanmelden").click()

    page.get_by_text("Huishouden Yildiz is aangemeld.").wait_for()
    assert page.get_by_role("cell", name="Ayşe Yildiz").is_visible()
    assert page.get_by_role("cell", name="Emre Yildiz").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Contact vastleggen").first.click()
    page.get_by_label("Soort contact").select_option(label="Huisbezoek")
    page.get_by_label("Duur in minuten").fill("45")
    page.get_by_label("Ayşe Yildiz").check()
    page.get_by_label("Korte notitie").fill("Kennismaking; post samen geordend.")
    assert_accessible(page)
    page.get_by_role("button", name="Contact opslaan").click()
    page.get_by_text("Het contact is vastgelegd.").wait_for()
    assert page.get_by_text("Kennismaking; post samen geordend.").is_visible()

    page.get_by_role("link", name="Mijn huishoudens").click()
    row = page.get_by_role("row").filter(has_text="Yildiz")
    assert row.get_by_role("cell").nth(3).inner_text().strip() == "0"  # days since last contact
    assert_accessible(page)


def test_bad_input_shows_dutch_errors_accessibly(world, page):
    log_in(page, "worker", PASSWORD)
    page.goto("/huishoudens/nieuw/")
    page.get_by_label("Naam huishouden").fill("Fout")
    page.get_by_label("Postcode").fill("12AB")
    page.get_by_label("Huisnummer").fill("1")
    first = page.locator("fieldset.member-form").nth(0)
    first.get_by_label("Voornaam").fill("A")
    first.get_by_label("Achternaam").fill("B")
    first.get_by_label("Geboortedatum").fill("2999-01-01")
    first.get_by_label("BSN").fill("123456789")
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_role("alert").wait_for()
    assert page.get_by_text("Vul een Nederlandse postcode in").is_visible()
    assert page.get_by_text("elfproef").is_visible()
    assert page.get_by_text("Een geboortedatum kan niet in de toekomst liggen.").is_visible()
    assert_accessible(page)


def test_every_case_page_is_accessible(world, page):
    household = world.household
    ContactFactory(household=household, note="Telefonisch gesproken")
    TaskFactory(household=household, due_date=timezone.localdate())
    log_in(page, "coordinator", PASSWORD)
    for url in [
        "/huishoudens/team/",
        "/huishoudens/team/?overdue=1&sort=-name",
        f"/huishoudens/{household.id}/",
        f"/huishoudens/{household.id}/contacten/nieuw/",
        f"/huishoudens/{household.id}/leden/nieuw/",
        f"/huishoudens/{household.id}/status/",
        f"/huishoudens/{household.id}/aanspreekpunt/",
        f"/huishoudens/{household.id}/wijzigen/",
        f"/huishoudens/{household.id}/leden/{household.members.get().id}/",
        f"/huishoudens/{household.id}/metingen/nieuw/",
        f"/huishoudens/{household.id}/voortgang/",
        f"/huishoudens/{household.id}/plan/",
        "/huishoudens/999999/",
        "/overzicht/",
    ]:
        page.goto(url)
        assert_accessible(page)


def test_task_is_completed_in_place_with_htmx(world, page):
    task = TaskFactory(household=world.household, title="Terugbellen over huur")
    log_in(page, "worker", PASSWORD)
    page.goto(f"/huishoudens/{world.household.id}/")
    page.get_by_role("button", name="Afronden: Terugbellen over huur").click()
    page.locator(f"#task-{task.id}").get_by_text("Afgerond").wait_for()
    task.refresh_from_db()
    assert task.status == "done"


def test_caseload_filters_without_reload_and_keyboard_skip_link(world, page):
    log_in(page, "worker", PASSWORD)
    page.goto("/huishoudens/team/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Direct naar de inhoud"
    page.get_by_label("Status").select_option(label="Afgesloten")
    page.get_by_text("Geen huishoudens gevonden.").wait_for()
    assert "status=closed" in page.url


def test_policy_officer_overview_and_login_page_are_accessible(world, page):
    page.goto("/inloggen/")
    assert_accessible(page)
    log_in(page, "policy", PASSWORD)
    assert page.url.endswith("/overzicht/")
    assert_accessible(page)
    page.goto("/huishoudens/team/")
    assert_accessible(page)  # the 403 page


# --- issue 8: task made by hand, contact form with a no-show, contact-person change, shared custody -------

WIDTHS = [1280, 390]


def at_width(page, width: int) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": width, "height": 900})


def no_sideways_scrolling(page) -> None:  # type: ignore[no-untyped-def]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url}: {overflow} px sideways scrolling"


def checked(page) -> None:  # type: ignore[no-untyped-def]
    """The page as it is now at every width (the window resized in place: the CSS decides the layout), then
    back to the journey's width (the first): each journey below runs once, at 1280 px."""
    for width in (*WIDTHS[1:], WIDTHS[0]):
        at_width(page, width)
        assert_accessible(page)
        no_sideways_scrolling(page)


def test_make_a_task_by_hand_refusing_a_past_date(world, page):
    import datetime

    from wijkkracht.households.models import Task

    at_width(page, WIDTHS[0])
    log_in(page, "worker", PASSWORD)
    page.goto(f"/huishoudens/{world.household.id}/taken/nieuw/")
    checked(page)
    page.locator("#id_title").fill("Verhuurder bellen over de huur")
    page.locator("#id_due_date").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.locator("#id_assigned_to").select_option(str(world.colleague.id))
    page.locator("form.form button[type=submit]").click()
    page.locator("#id_due_date_errors").wait_for()
    checked(page)
    assert not Task.objects.exists()
    page.locator("#id_due_date").fill((timezone.localdate() + datetime.timedelta(days=2)).isoformat())
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**/huishoudens/{world.household.id}/")
    assert Task.objects.get().assigned_to == world.colleague


def test_log_a_no_show_without_duration_and_refuse_one_with(world, page):
    from wijkkracht.households.models import Contact

    at_width(page, WIDTHS[0])
    log_in(page, "worker", PASSWORD)
    page.goto(f"/huishoudens/{world.household.id}/contacten/nieuw/")
    checked(page)
    page.locator("#id_kind").select_option("no_show")
    page.locator("#id_duration_minutes").fill("30")
    page.locator("form.form button[type=submit]").click()
    page.locator("#id_duration_minutes_errors").wait_for()
    checked(page)
    assert not Contact.objects.exists()
    page.locator("#id_duration_minutes").fill("")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**/huishoudens/{world.household.id}/")
    assert Contact.objects.get().duration_minutes is None
    checked(page)


def test_change_the_contact_person_with_a_reason(world, page):
    from wijkkracht.households.models import ContactPersonChange

    at_width(page, WIDTHS[0])
    log_in(page, "coordinator", PASSWORD)
    page.goto(f"/huishoudens/{world.household.id}/aanspreekpunt/")
    assert str(world.worker) in page.locator("main").inner_text()  # the current contact person is named
    checked(page)
    page.locator("#id_contact_person").select_option(str(world.colleague.id))
    page.locator("form.form button[type=submit]").click()
    page.locator("#id_reason_errors").wait_for()
    checked(page)
    assert not ContactPersonChange.objects.exists()
    page.locator("#id_reason").fill("Nieuwe verdeling van de huishoudens")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**/huishoudens/{world.household.id}/")
    assert ContactPersonChange.objects.get().to_user == world.colleague


def test_cancel_a_task_and_register_with_shared_custody_box(world, page):
    from wijkkracht.households.models import TaskStatus

    task = TaskFactory(household=world.household, title="Terugbellen")
    at_width(page, WIDTHS[0])
    log_in(page, "worker", PASSWORD)
    page.goto(f"/huishoudens/taken/{task.id}/annuleren/")
    checked(page)
    page.locator("#id_reason").fill("Zelf geregeld")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**/huishoudens/{world.household.id}/")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    page.goto("/huishoudens/nieuw/")
    assert page.locator("#id_members-0-shared_custody").is_visible()
    checked(page)


def test_completing_a_task_confirms_in_place_and_announces_it(world, page):
    task = TaskFactory(household=world.household, title="Huisbezoek plannen")
    at_width(page, WIDTHS[0])
    log_in(page, "worker", PASSWORD)
    page.goto(f"/huishoudens/{world.household.id}/")
    url = page.url
    page.locator(f"#task-{task.id} button[type=submit]").click()
    status = page.locator(f"#task-{task.id} [role=status]")
    status.wait_for()
    assert "Huisbezoek plannen" in status.inner_text() and page.url == url
    checked(page)
