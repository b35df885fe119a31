"""Test data for referrals: an organisation with a service, a partner account, a consent, a sent referral.

Shared with the partner pages' tests (`test_partner_*.py`)."""

import datetime

from django.utils import timezone

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.consent.models import Consent, ConsentForm, ConsentGround, ConsentPurpose
from wijkkracht.plans.tests.helpers import add_action, add_goal, start_plan
from wijkkracht.referrals import services
from wijkkracht.socialmap.models import Organization, PartnerAccount, PyramidLevel, Service

_counter = iter(range(1, 10**6))


def organization(name="Verslavingszorg Noord"):
    number = next(_counter)
    return Organization.objects.create(hsds_id=f"org-{number}", name=name, description=f"{name}.")


def service(org=None, *, name="Ambulante verslavingszorg", domains=("verslaving", "gezondheid"), status="active"):
    org = org or organization()
    number = next(_counter)
    return Service.objects.create(
        hsds_id=f"svc-{number}",
        organization=org,
        name=name,
        description=f"{name}.",
        level=PyramidLevel.SECOND_LINE,
        domains=list(domains),
        status=status,
    )


def partner(org, username=None):
    user = UserFactory(username=username or f"partner{next(_counter)}", role=Role.PARTNER)
    PartnerAccount.objects.create(user=user, organization=org)
    return user


def consent(
    world,
    org,
    person=None,
    *,
    domains=("verslaving", "gezondheid"),
    purpose=ConsentPurpose.REFERRAL,
    ground=ConsentGround.CONSENT,
    valid_from=None,
    valid_until=None,
):
    person = person or world.household.members.first()
    legal = ground != ConsentGround.CONSENT
    return Consent.objects.create(
        household=person.household,
        person=person,
        organization=org,
        purpose=purpose,
        domains=list(domains),
        ground=ground,
        given_how="" if legal else ConsentForm.ORAL,
        reason="Acute onveiligheid in het gezin." if legal else "",
        valid_from=valid_from or timezone.localdate() - datetime.timedelta(days=1),
        valid_until=valid_until,
        recorded_by=world.worker,
    )


def plan_action(world, domain_code="verslaving", person=None):
    """An action of the active plan (started if needed) on a goal of `domain_code`."""
    from wijkkracht.plans.models import Plan, PlanStatus

    plan = Plan.objects.filter(household=world.household, status=PlanStatus.ACTIVE).first() or start_plan(world)
    goal = add_goal(
        world,
        plan,
        domain_code=domain_code,
        what=f"Doel {domain_code}",
        indicator=f"Indicator {domain_code}",
        **({"person_id": person.id} if person else {}),
    )
    return add_action(world, goal, description=f"Actie {domain_code}")


def send(world, *, action=None, svc=None, grant=None, person=None, domains=("verslaving", "gezondheid"), **kw):
    """Send a referral of the household's first member with consent for `domains` (all made if not given)."""
    person = person or world.household.members.first()
    svc = svc or service()
    grant = grant or consent(world, svc.organization, person, domains=domains)
    action = action or plan_action(world)
    return services.referral_send(
        access=world.access(),
        action_id=action.id,
        person_id=person.id,
        service_id=svc.id,
        consent_id=grant.id,
        domains=list(domains),
        question=kw.get("question", "Wilt u Anna helpen met haar alcoholgebruik?"),
    )
