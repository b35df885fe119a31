"""A partner's world for the partner pages' tests and the structural isolation test.

Household H (the `world` fixture's household of Team Noord) has two members, a 0-meting, a plan with a goal on
housing (covered by the consent) and one on money (not covered), a contact and a task. Anna has consented to
organisation A for a referral covering housing and care; the team referred her to A's service. Organisation B
has a referral of the other household. Every piece of H's data carries a marker that appears nowhere else, so a
test can assert that a response does not contain it.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from wijkkracht.accounts.models import Role, User
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.consent.models import Consent, ConsentForm, ConsentPurpose
from wijkkracht.households.figures import household_figures_refresh, household_search_text_refresh
from wijkkracht.households.models import Household, IncomeWorkRecord, Person, PersonRole
from wijkkracht.households.tests.factories import ContactFactory, PersonFactory, TaskFactory
from wijkkracht.plans.models import Action, Goal, Plan
from wijkkracht.plans.tests.helpers import add_action, add_goal, household_with_diagnosis, start_plan
from wijkkracht.referrals.models import Referral, ReferralStatus
from wijkkracht.socialmap.models import Organization, PartnerAccount, PyramidLevel, Service

#: The domains Anna's consent covers, and the one it does not.
COVERED = ["wonen", "gezondheid"]
NOT_COVERED = "financien"

#: Text of H that a partner may see on its own referral's page while the consent is in force.
DISCLOSED = {
    "member first name": "Annemijn",
    "member last name": "Quirijnsen",
    "question": "Kan Annemijn starten bij het woonbegeleidingstraject",
    "covered goal": "Huurachterstand Wonendoelbereik oplossen",
    "covered action": "Afspraak met Woonstede Wonenactie maken",
}
#: Text of H that a partner never sees: the rest of the household and the domains the consent does not cover.
NEVER = {
    "street": "Lijsterbeslaan",
    "other member": "Bartholomeus",
    "BSN": "111222333",
    "contact note": "Gesprek over Contactgeheim",
    "task": "Takengeheim nabellen",
    "uncovered goal": "Schulden bij Schuldgeheim saneren",
    "uncovered action": "Aanmelden bij Schuldactiegeheim",
    "goal in own words": "Eigenwoordengeheim rust in huis",
    "handover summary": "Overdrachtsgeheim risico",
    "escalation": "Escalatiegeheim blokkade",
    "measure reason": "Maatregelgeheim wasmachine",
}
#: The referral of organisation B (another household): A's partner never sees any of it.
OTHER_QUESTION = "Kan Pieterbert deelnemen aan Anderverwijzinggeheim"


@dataclass
class PartnerWorld:
    organization: Organization
    other_organization: Organization
    service: Service
    other_service: Service
    partner: User
    other_partner: User
    unlinked_partner: User
    household: Household
    anna: Person
    plan: Plan
    covered_goal: Goal
    covered_action: Action
    consent: Consent
    referral: Referral
    other_referral: Referral
    ids: dict[str, int] = field(default_factory=dict)

    def withdraw(self, by: User) -> None:
        """The consent is withdrawn (the register's own service is tested by the consent app)."""
        Consent.objects.filter(id=self.consent.id).update(withdrawn_at=timezone.now(), withdrawn_by=by)
        self.consent.refresh_from_db()

    def set_status(self, status: str) -> None:
        Referral.objects.filter(id=self.referral.id).update(status=status)
        self.referral.refresh_from_db()


def organization(name: str) -> tuple[Organization, Service]:
    org = Organization.objects.create(hsds_id=f"org-{name}", name=name, description=f"{name} helpt.")
    service = Service.objects.create(
        hsds_id=f"svc-{name}",
        organization=org,
        name=f"Woonbegeleiding {name}",
        level=PyramidLevel.FIRST_LINE,
        domains=["wonen", "gezondheid"],
    )
    return org, service


def partner_user(username: str, org: Organization | None) -> User:
    user = UserFactory(username=username, role=Role.PARTNER, first_name="Partner", last_name=username)
    if org is not None:
        PartnerAccount.objects.create(user=user, organization=org)
    return user


def referral_of(
    world, *, household, person, action, service, consent, domains, question, status=ReferralStatus.SENT
) -> Referral:  # type: ignore[no-untyped-def]
    referral = Referral.objects.create(
        household=household,
        person=person,
        action=action,
        service=service,
        organization=service.organization,
        consent=consent,
        domains=domains,
        question=question,
        status=status,
        sent_at=timezone.now(),
        sent_by=world.worker,
    )
    household_figures_refresh(household_ids=[household.id])  # as referral_send would (the outcomes count it)
    return referral


def consent_of(world, *, household, person, org, domains) -> Consent:  # type: ignore[no-untyped-def]
    return Consent.objects.create(
        household=household,
        person=person,
        organization=org,
        purpose=ConsentPurpose.REFERRAL,
        domains=domains,
        given_how=ConsentForm.WRITTEN,
        valid_from=timezone.localdate() - datetime.timedelta(days=1),
        valid_until=timezone.localdate() + datetime.timedelta(days=180),
        recorded_by=world.worker,
    )


def make_partner_world(world) -> PartnerWorld:  # type: ignore[no-untyped-def]
    household = world.household
    Household.objects.filter(id=household.id).update(name=DISCLOSED["member last name"], street=NEVER["street"])
    household.refresh_from_db()
    anna = household.members.get()
    Person.objects.filter(id=anna.id).update(
        first_name=DISCLOSED["member first name"], last_name=DISCLOSED["member last name"], bsn=NEVER["BSN"]
    )
    anna.refresh_from_db()
    household_search_text_refresh(household_ids=[household.id])  # as the services would
    PersonFactory(
        household=household,
        first_name=NEVER["other member"],
        role=PersonRole.CHILD,
        date_of_birth=timezone.localdate() - datetime.timedelta(days=365 * 12),
    )
    measurement = household_with_diagnosis(world)
    plan = start_plan(world, baseline_id=measurement.id)
    covered_goal = add_goal(
        world, plan, domain_code="wonen", what=DISCLOSED["covered goal"], client_words=NEVER["goal in own words"]
    )
    covered_action = add_action(world, covered_goal, description=DISCLOSED["covered action"])
    money_goal = add_goal(world, plan, domain_code=NOT_COVERED, what=NEVER["uncovered goal"])
    add_action(world, money_goal, description=NEVER["uncovered action"])
    contact = ContactFactory(household=household, worker=world.worker, note=NEVER["contact note"])
    task = TaskFactory(household=household, title=NEVER["task"])
    # A draft handover to the second line (the handover pages take its id).
    from wijkkracht.casefile.models import Handover

    handover = Handover.objects.create(
        household=household, team=household.team, created_by=world.worker, risks_text=NEVER["handover summary"]
    )
    # An escalation of the case (issue 12): the escalation pages take its id.
    from wijkkracht.escalations.tests.helpers import raise_escalation

    escalation = raise_escalation(world, blocked=NEVER["escalation"])
    # A measure above the worker's mandate (issue 12): the measure pages take its id, the approval pages its step.
    from wijkkracht.mandate.services import measure_propose
    from wijkkracht.mandate.tests.measure_helpers import access as measure_access

    measure = measure_propose(
        access=measure_access(world.worker),
        household_id=household.id,
        person_id=anna.id,
        kind_code="bijzondere_bijstand",
        reason=NEVER["measure reason"],
        start_date=timezone.localdate(),
        amount="450",
    )

    org, service = organization("Woonstede")
    other_org, other_service = organization("Anderhuis")
    consent = consent_of(world, household=household, person=anna, org=org, domains=COVERED)
    referral = referral_of(
        world,
        household=household,
        person=anna,
        action=covered_action,
        service=service,
        consent=consent,
        domains=COVERED,
        question=DISCLOSED["question"],
    )

    # Organisation B's referral: of the other household (another team), with its own consent and plan action.
    other_household = world.other_household
    piet = other_household.members.get()
    other_plan = Plan.objects.create(
        household=other_household,
        number=1,
        plan_date=timezone.localdate(),
        evaluation_date=timezone.localdate() + datetime.timedelta(days=90),
        created_by=world.other_worker,
    )
    household_figures_refresh(household_ids=[other_household.id])  # as plan_start would
    other_goal = Goal.objects.create(
        plan=other_plan,
        domain_code="wonen",
        client_words="Rust",
        what="Een huis",
        indicator="Sleutel",
        owner="Piet",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    other_action = Action.objects.create(
        goal=other_goal,
        description="Aanmelden",
        owner_type="partner",
        owner_name="Anderhuis",
        due_date=other_goal.deadline,
    )
    other_consent = consent_of(world, household=other_household, person=piet, org=other_org, domains=["wonen"])
    other_referral = referral_of(
        world,
        household=other_household,
        person=piet,
        action=other_action,
        service=other_service,
        consent=other_consent,
        domains=["wonen"],
        question=OTHER_QUESTION,
    )
    ids = {
        "household": household.id,
        "person": anna.id,
        # the income and work situation the world recorded for Anna (`make_world`)
        "income": IncomeWorkRecord.objects.get(person=anna).id,
        "contact": contact.id,
        "task": task.id,
        "measurement": measurement.id,
        "plan": plan.id,
        "goal": covered_goal.id,
        "action": covered_action.id,
        "consent": consent.id,
        "referral": referral.id,
        "organization": org.id,
        "service": service.id,
        "handover": handover.id,
        "escalation": escalation.id,
        "measure": measure.id,
        "approval": measure.approvals.get().id,
        "team": household.team_id,
        "district": household.wijk_id,
    }
    return PartnerWorld(
        organization=org,
        other_organization=other_org,
        service=service,
        other_service=other_service,
        partner=partner_user("partner_a", org),
        other_partner=partner_user("partner_b", other_org),
        unlinked_partner=partner_user("partner_none", None),
        household=household,
        anna=anna,
        plan=plan,
        covered_goal=covered_goal,
        covered_action=covered_action,
        consent=consent,
        referral=referral,
        other_referral=other_referral,
        ids=ids,
    )
