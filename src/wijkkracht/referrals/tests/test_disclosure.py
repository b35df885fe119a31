"""Exactly what a partner receives of a referral, and that every disclosure is logged."""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from wijkkracht.households.tests.factories import PersonFactory
from wijkkracht.plans.tests.helpers import add_action, add_goal
from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.referrals import selectors, services
from wijkkracht.referrals.tests.helpers import consent, partner, plan_action, send, service

pytestmark = pytest.mark.django_db


def _flat(value) -> str:
    return repr(dataclasses.asdict(value))


@pytest.fixture
def referred(world):
    """Anna referred for addiction and health; her plan also has goals on money (hers and the household's)
    and addiction (her brother's), which must never reach the partner."""
    anna = world.household.members.first()
    anna.bsn = "111222333"
    anna.save()
    brother = PersonFactory(household=world.household, first_name="Bram", date_of_birth=datetime.date(1990, 1, 1))
    action = plan_action(world, "verslaving", person=anna)
    plan = action.goal.plan
    add_action(
        world, add_goal(world, plan, domain_code="gezondheid", what="Huisarts bezoeken"), description="Afspraak maken"
    )
    money = add_goal(world, plan, domain_code="financien", what="Schulden saneren", indicator="Schuldregeling")
    add_action(world, money, description="Aanmelden bij schuldhulp", owner_type="partner", owner_name="Kredietbank")
    add_goal(world, plan, domain_code="financien", what="Budget voor Anna", person_id=anna.id)
    add_goal(world, plan, domain_code="verslaving", what="Bram stopt met blowen", person_id=brother.id)
    svc = service()
    grant = consent(world, svc.organization, anna, domains=("verslaving", "gezondheid"))
    referral = send(world, action=action, svc=svc, grant=grant, person=anna, domains=("verslaving", "gezondheid"))
    return referral


def test_the_partner_sees_only_the_covered_domains(world, referred):
    agent = partner(referred.organization)
    access = world.access(agent)
    referral = selectors.referral_get_for_user(access=access, referral_id=referred.id)
    disclosure = selectors.referral_disclosure(access=access, referral=referral)
    assert disclosure is not None
    assert disclosure.domain_codes == ("gezondheid", "verslaving")  # in the policy's order
    assert disclosure.person.first_name == referred.person.first_name
    assert disclosure.contact.name == str(world.worker) and disclosure.contact.team == "Team Noord"
    assert {goal.what for goal in disclosure.goals} == {"Doel verslaving", "Huisarts bezoeken"}
    assert {action.description for goal in disclosure.goals for action in goal.actions} == {
        "Actie verslaving",
        "Afspraak maken",
    }
    # The latest leefgebiedenmatrix of Anna (taken in the intake) on addiction and both health domains.
    assert {score.instrument_domain for score in disclosure.scores} >= {"Verslaving"}
    assert {score.domain for score in disclosure.scores} <= {"verslaving", "gezondheid"}
    text = _flat(disclosure)
    for secret in ("financien", "Financi", "Schuld", "schuld", "Budget", "Bram", "blowen", "111222333", "Kredietbank"):
        assert secret not in text


def test_scores_are_the_members_latest_complete_ones(world, referred):
    from wijkkracht.diagnosis.tests.helpers import take

    anna = referred.person
    take(world, "leefgebiedenmatrix", 3, person=anna, date=timezone.localdate())
    disclosure = selectors.referral_disclosure(access=world.access(), referral=referred)
    assert disclosure is not None
    addiction = disclosure.scores_of("verslaving")
    assert [score.value for score in addiction] == [3]


def test_every_partner_read_writes_one_disclose_row_naming_the_consent(world, referred):
    agent = partner(referred.organization)
    access = world.access(agent)
    before = AccessLogEntry.objects.filter(action="disclose").count()
    for _round in range(2):
        referral = selectors.referral_get_for_user(access=access, referral_id=referred.id)
        selectors.referral_disclosure(access=access, referral=referral)
    rows = AccessLogEntry.objects.filter(action="disclose", user=agent)
    assert rows.count() == 2 == AccessLogEntry.objects.filter(action="disclose").count() - before
    for row in rows:
        assert row.household_id == referred.household_id and row.person_id == referred.person_id
        assert f"consent {referred.consent_id}" in row.what
    assert not AccessLogEntry.objects.filter(user=agent, action="view").exists()


def test_a_workers_read_is_a_view_not_a_disclosure(world, referred):
    access = world.access()
    referral = selectors.referral_get_for_user(access=access, referral_id=referred.id)
    assert selectors.referral_disclosure(access=access, referral=referral) is not None
    assert AccessLogEntry.objects.filter(user=world.worker, action="view", what=f"referral {referred.id}").count() == 1
    assert (
        not AccessLogEntry.objects.filter(user=world.worker, action="disclose")
        .exclude(what__startswith=f"referral {referred.id} sent")
        .exists()
    )


def test_a_withdrawal_removes_the_partners_access_at_once(world, referred):
    agent = partner(referred.organization)
    access = world.access(agent)
    referral = selectors.referral_get_for_user(access=access, referral_id=referred.id)
    grant = referred.consent
    grant.withdrawn_at, grant.withdrawn_by = timezone.now(), world.worker
    grant.save()
    before = AccessLogEntry.objects.filter(action="disclose").count()
    assert selectors.referral_disclosure(access=access, referral=referral) is None
    assert AccessLogEntry.objects.filter(action="disclose").count() == before
    # The referral itself stays visible (so it can be declined or closed), without its data.
    assert selectors.referral_list_for_user(access=access).filter(id=referred.id).exists()


def test_an_ended_consent_or_a_withdrawn_referral_discloses_nothing(world, referred):
    grant = referred.consent
    grant.valid_from = timezone.localdate() - datetime.timedelta(days=10)
    grant.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    grant.save()
    assert selectors.referral_disclosure(access=world.access(), referral=referred) is None
    grant.valid_until = None
    grant.save()
    services.referral_status_change(
        access=world.access(), referral_id=referred.id, status="cancelled", reason="Niet meer nodig.", lock_version=1
    )
    referred.refresh_from_db()
    assert selectors.referral_disclosure(access=world.access(), referral=referred) is None


def test_visibility(world, referred):
    from wijkkracht.referrals.access import visible_referrals
    from wijkkracht.referrals.tests.helpers import organization

    assert list(visible_referrals(world.worker)) == [referred]
    assert list(visible_referrals(partner(referred.organization))) == [referred]
    for user in (world.other_worker, world.policy_officer, world.functional_admin, partner(organization("Ander"))):
        assert not visible_referrals(user).exists()


def test_after_a_handover_the_case_director_is_the_contact_and_gets_the_reminder(world, referred):
    from wijkkracht.households.models import Task
    from wijkkracht.teams.models import Municipality

    household = world.household
    household.second_line_regisseur = world.regisseur
    household.status = "handed_over"
    household.save()
    referred.refresh_from_db()
    disclosure = selectors.referral_disclosure(access=world.access(), referral=referred)
    assert disclosure is not None and disclosure.contact.name == str(world.regisseur)
    Municipality.objects.update_or_create(id=1, defaults={"referral_answer_working_days": 1})
    later = timezone.localdate() + datetime.timedelta(days=10)
    assert services.referral_reminders_create(today=later) == 1
    assert Task.objects.get(household=household).assigned_to == world.regisseur
