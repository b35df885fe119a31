"""In Debian's chromium: from a demo household's 0-meting to an agreed, printed plan."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from wijkkracht.accounts.models import User
from wijkkracht.common.tests.browser import assert_accessible, log_in
from wijkkracht.diagnosis import services as diagnosis_services
from wijkkracht.diagnosis.rules import is_adult
from wijkkracht.households.models import Household
from wijkkracht.households.tests.factories import record_income_work_of_adults
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.plans.models import Plan
from wijkkracht.plans.tests.helpers import PROBLEMS
from wijkkracht.privacy.access import AccessContext

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accept_a_suggestion_add_a_goal_with_two_actions_agree_and_print(page):
    call_command("demo", households=8, seed=2026, stdout=StringIO())
    household = (
        Household.objects.filter(
            team__memberships__user__username="ilse", plans__isnull=True, status__in=["registered", "intake"]
        )
        .order_by("id")
        .first()
    )
    assert household is not None
    ilse = User.objects.get(username="ilse")
    access = AccessContext(user=ilse, endpoint="test")
    # The intake, as far as the plan needs it: started, the 0-meting, work and the ladder for every adult.
    Household.objects.filter(id=household.id).update(status="intake")
    for code, person, scores in [
        ("integrale-nulmeting", None, PROBLEMS),
        *(
            (instrument, person, {"participatie": 4} if instrument == "participatieladder" else None)
            for person in household.members.all()
            if is_adult(person, timezone.localdate())
            for instrument in ("leefgebiedenmatrix", "participatieladder")
        ),
    ]:
        definition = instrument_catalogue().get(code).parsed
        values = scores or dict.fromkeys(definition.domain_codes, 1)
        measurement = diagnosis_services.measurement_start(
            access=access,
            household=household,
            instrument_code=code,
            person_id=person.id if person else None,
            date=timezone.localdate(),
            scores={domain: diagnosis_services.ScoreInput(value) for domain, value in values.items()},
        )
        diagnosis_services.measurement_complete(access=access, measurement=measurement)
    record_income_work_of_adults(household)  # and the income and work situation of every adult (issue 11)

    log_in(page, "ilse", "wijkkracht-demo")
    page.goto(f"/huishoudens/{household.id}/plan/")
    page.locator("#id_baseline").select_option(index=1)
    assert_accessible(page)
    page.get_by_role("button", name="Plan starten").click()
    page.get_by_text("Het plan is gestart.").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Overnemen als doel: Eerst een veilige, betaalbare woonplek regelen").click()
    page.get_by_label("Het doel in de eigen woorden van het huishouden").fill("We willen niet uit huis gezet worden.")
    page.get_by_label("Wie is eigenaar van het doel").fill("Moeder, met de sociaal werker")
    assert_accessible(page)
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Het doel is toegevoegd.").wait_for()

    for description, owner, extra in (
        ("Gesprek met de woningcorporatie", "Partnerorganisatie", ("#id_owner_name", "Woonstede")),
        ("Huurbrieven verzamelen", "Klant", None),
    ):
        page.get_by_role("link", name="Actie toevoegen: Eerst een veilige, betaalbare woonplek regelen").click()
        page.get_by_label("Actie", exact=True).fill(description)
        page.get_by_label("Wie voert het uit").select_option(label=owner)
        if extra:
            page.locator(extra[0]).fill(extra[1])
        else:
            page.locator("#id_owner_person").select_option(index=1)
        assert_accessible(page)
        page.get_by_role("button", name="Opslaan").click()
        page.get_by_text("De actie is toegevoegd.").wait_for()
    assert page.get_by_text("Gesprek met de woningcorporatie").is_visible()
    assert page.get_by_text("Huurbrieven verzamelen").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Besproken met het huishouden").click()
    page.get_by_label("Het huishouden is het eens met het plan").check()
    page.locator("input[name=present_members]").first.check()
    page.get_by_label("Wat het huishouden zei over het plan").fill("Fijn dat de huur eerst komt.")
    assert_accessible(page)
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Vastgelegd.").wait_for()

    page.get_by_role("link", name="Plan afdrukken voor het huishouden").click()
    page.get_by_role("heading", name=f"Ons plan – huishouden {household.name}").wait_for()
    assert page.get_by_text("We willen niet uit huis gezet worden.").is_visible()
    assert page.get_by_text("Fijn dat de huur eerst komt.").is_visible()
    assert page.locator("svg.chart--target").count() == 1
    assert_accessible(page)
    pdf = page.pdf()  # what the browser's print gives the household
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000

    plan = Plan.objects.get(household=household)
    for url in (
        f"/huishoudens/{household.id}/plan/{plan.id}/doelen/{plan.goals.get().id}/",
        f"/huishoudens/{household.id}/plan/{plan.id}/geen-werkdoel/",
        f"/huishoudens/{household.id}/plan/{plan.id}/evaluatie/",
    ):
        page.goto(url)
        assert_accessible(page)
    assert plan.agreed_on is not None and plan.goals.get().actions.count() == 2
    assert plan.suggestions.get(rule_code="housing-first").status == "accepted"
