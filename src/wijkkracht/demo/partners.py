"""The demo municipality beyond the team's door: partner accounts on the social map, consents and referrals.

Everything goes through the services, as a worker and a partner would do it. Each household draws from its own
random stream (`seed:index:referral`), so adding this left the rest of the demo exactly as it was.
"""

import datetime
import random
from collections.abc import Callable

from django.utils import timezone

from wijkkracht.accounts.models import Role, User
from wijkkracht.consent import services as consent_services
from wijkkracht.consent.models import ConsentForm, ConsentGround, ConsentPurpose
from wijkkracht.households.models import Household, Person, PersonRole
from wijkkracht.plans import services as plan_services
from wijkkracht.plans.models import Action, OwnerType, Plan, PlanStatus
from wijkkracht.privacy.access import AccessContext
from wijkkracht.referrals import services as referral_services
from wijkkracht.referrals.models import Referral, ReferralEvent, ReferralStatus
from wijkkracht.socialmap.models import PyramidLevel, Service, ServiceStatus
from wijkkracht.socialmap.services import organization_by_name, partner_account_link

#: (username, first name, last name, organisation on the demo social map)
PARTNERS = (
    ("joris", "Joris", "Verbeek", "Verslavingszorg Kustland"),
    ("wendy", "Wendy", "Hoekstra", "Gemeente Wijkdorp – Schulddienstverlening"),
    ("gert", "Gert", "Bos", "GGZ Kustland"),
)

#: How often a household with an active plan has a referral in the demo.
REFERRAL_SHARE = 0.3

#: The question to the partner, per life domain of the goal the action belongs to.
QUESTIONS = {
    "financien": "Wilt u het gezin snel aanmelden voor schuldhulp? Er zijn betalingsachterstanden bij huur en energie.",
    "verslaving": "Wilt u een kennismakingsgesprek plannen over het alcoholgebruik? Hij staat er zelf voor open.",
    "gezondheid": "Wilt u beoordelen welke behandeling past? Klachten van somberheid sinds enkele maanden.",
    "werk": "Wilt u haar begeleiden naar dagbesteding met zicht op werk? Ze wil graag iets met haar handen doen.",
    "wonen": "Wilt u meekijken naar de woonsituatie? Er dreigt een huurachterstand.",
    "opvoeden": "Wilt u ondersteunen bij de opvoeding? Ouders vragen zelf om hulp bij grenzen stellen.",
    "sociaal-netwerk": "Wilt u helpen een netwerk op te bouwen? Ze heeft weinig contacten in de wijk.",
    "opleiding": "Wilt u een intake doen voor een taaltraject? Hij wil zijn Nederlands verbeteren voor werk.",
    "vrije-tijd": "Wilt u de kinderen helpen een sportclub te vinden?",
    "veiligheid": "Wilt u het gezin ondersteunen na contact met politie? Zie de afspraken in het plan.",
}


def build_partner_accounts(password_hash: Callable[[], str]) -> None:
    """One account of the partner role per demo partner organisation (found by name on the social map)."""
    for username, first_name, last_name, organization_name in PARTNERS:
        organization = organization_by_name(organization_name)
        if organization is None:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(
                username=username,
                password=password_hash(),  # the demo password, hashed once for every account
                first_name=first_name,
                last_name=last_name,
                role=Role.PARTNER,
            )
        partner_account_link(user=user, organization=organization)


def _partner_for(organization_id: int) -> User | None:
    return User.objects.filter(role=Role.PARTNER, partner_account__organization_id=organization_id).first()


def _service_for(rng: random.Random, domain: str, legal: bool) -> Service | None:
    """A first- or second-line service for this domain, preferably one whose organisation has a partner account;
    for a legal ground, Veilig Thuis."""
    if legal:
        return Service.objects.filter(organization__name__startswith="Veilig Thuis").order_by("id").first()
    if domain in ("verslaving", "gezondheid") and rng.random() < 0.5:
        addiction = Service.objects.filter(
            organization__name=PARTNERS[0][3], status=ServiceStatus.ACTIVE, level=PyramidLevel.SECOND_LINE
        )
        if (service := addiction.order_by("id").first()) is not None:
            return service
    candidates = [
        service
        for service in Service.objects.filter(status=ServiceStatus.ACTIVE)
        .exclude(level=PyramidLevel.COLLECTIVE)
        .select_related("organization")
        .order_by("id")
        if domain in service.domains
    ]
    with_partner = [service for service in candidates if _partner_for(service.organization_id) is not None]
    pool = with_partner or candidates
    return rng.choice(pool) if pool else None


def _addiction_action(*, access: AccessContext, plan: Plan, person: Person, today: datetime.date) -> Action:
    plan.refresh_from_db(fields=["lock_version"])
    goal = plan_services.goal_add(
        access=access,
        plan=plan,
        data=plan_services.GoalData(
            domain_code="verslaving",
            person_id=person.id,
            client_words="Ik wil minder drinken, voor mezelf en voor de kinderen.",
            what="Het alcoholgebruik verminderen met hulp van de verslavingszorg",
            indicator="Drinkt hooguit in het weekend, volgens eigen dagboek",
            owner=person.full_name,
            deadline=plan.evaluation_date,
        ),
    )
    return plan_services.action_add(
        access=access,
        goal=goal,
        description="Kennismakingsgesprek bij de verslavingszorg",
        owner_type=OwnerType.PARTNER,
        owner_name=PARTNERS[0][3],
        due_date=max(today, plan.plan_date) + datetime.timedelta(days=14),
    )


def refer_some(
    *, access: AccessContext, household: Household, seed: int, index: int, today: datetime.date
) -> Referral | None:
    """Perhaps refer a member of this household from an action of its active plan, with their consent for the
    action's domain and one more, and let the partner answer. Returns the referral, if one was made."""
    rng = random.Random(f"{seed}:{index}:referral")
    if rng.random() >= REFERRAL_SHARE:
        return None
    return refer(access=access, household=household, rng=rng, today=today)


def refer(*, access: AccessContext, household: Household, rng: random.Random, today: datetime.date) -> Referral | None:
    """Refer a member of this household (if it has an active plan with actions and an adult), as `refer_some`."""
    plan = Plan.objects.filter(household=household, status=PlanStatus.ACTIVE).first()
    if plan is None:
        return None
    actions = [
        action
        for goal in plan.goals.prefetch_related("actions").order_by("id")
        for action in goal.actions.all()
        if goal.domain_code in QUESTIONS
    ]
    adults = list(
        household.members.filter(role__in=[PersonRole.PARENT, PersonRole.PARTNER, PersonRole.OTHER]).order_by("id")
    )
    if not actions or not adults:
        return None
    if rng.random() < 0.4:
        # An adult who drinks too much, referred to the addiction service with consent for addiction and health:
        # its partner sees those two domains and nothing of the family's debts or housing.
        action = _addiction_action(access=access, plan=plan, person=rng.choice(adults), today=today)
    else:
        action = rng.choice(actions)
    domain = action.goal.domain_code
    legal = domain in ("veiligheid", "opvoeden") and rng.random() < 0.3
    service = _service_for(rng, domain, legal)
    if service is None:
        return None
    second = "gezondheid" if domain != "gezondheid" else "verslaving"
    if legal:
        second = "veiligheid" if domain != "veiligheid" else "opvoeden"
    person = action.goal.person or action.owner_person or rng.choice(adults)
    start = max(plan.plan_date, today - datetime.timedelta(days=300))
    consent = consent_services.consent_record(
        access=access,
        household_id=household.id,
        person_id=person.id,
        organization_id=service.organization_id,
        purpose=ConsentPurpose.REFERRAL,
        domains=[domain, second],
        ground=ConsentGround.MELDCODE_SAFETY if legal else ConsentGround.CONSENT,
        given_how="" if legal else rng.choice([ConsentForm.ORAL, ConsentForm.WRITTEN, ConsentForm.DIGITAL]),
        reason="Acute zorgen over de veiligheid van de kinderen; stap 5 van de Meldcode" if legal else "",
        valid_from=start,
        valid_until=None if legal else start + datetime.timedelta(days=365),
    )
    referral = referral_services.referral_send(
        access=access,
        action_id=action.id,
        person_id=person.id,
        service_id=service.id,
        consent_id=consent.id,
        domains=[domain, second],
        question=QUESTIONS[domain],
    )
    sent = timezone.make_aware(
        datetime.datetime.combine(
            start + datetime.timedelta(days=rng.randrange(0, max(1, (today - start).days) + 1)), datetime.time(10)
        )
    )
    # Demo only: the referral was sent on a day in the plan's life, not at the moment the demo is built.
    Referral.objects.filter(id=referral.id).update(sent_at=sent)
    ReferralEvent.objects.filter(referral=referral).update(at=sent)
    partner = _partner_for(service.organization_id)
    if partner is None:
        return referral
    partner_access = AccessContext(user=partner, endpoint=access.endpoint, purpose=access.purpose)
    path = rng.choice(
        [
            [],
            [ReferralStatus.ACCEPTED],
            [ReferralStatus.ACCEPTED, ReferralStatus.STARTED],
            [ReferralStatus.ACCEPTED, ReferralStatus.STARTED, ReferralStatus.COMPLETED],
            [ReferralStatus.DECLINED],
        ]
    )
    for status in path:
        referral = referral_services.referral_status_change(
            access=partner_access,
            referral_id=referral.id,
            status=status,
            reason="Valt buiten onze doelgroep; advies: Basis-GGZ" if status == ReferralStatus.DECLINED else "",
            lock_version=referral.lock_version,
        )
    if not legal and rng.random() < 0.1:
        consent_services.consent_withdraw(
            access=access, consent_id=consent.id, note="Wil niet langer dat gegevens worden gedeeld"
        )
    return referral
