"""Test data for the consent register: organisations of the social map, a partner account, a recorded consent."""

import datetime
from itertools import count
from typing import Any

from django.utils import timezone

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.consent import services
from wijkkracht.consent.models import Consent
from wijkkracht.socialmap.models import Organization, PartnerAccount

_numbers = count(1)


def organization(name: str = "Schuldhulp Noord") -> Organization:
    return Organization.objects.create(hsds_id=f"consent-org-{next(_numbers)}", name=name, description=f"{name}.")


def partner_of(org: Organization, username: str = "partner") -> Any:
    user = UserFactory(username=username, role=Role.PARTNER)
    PartnerAccount.objects.create(user=user, organization=org)
    return user


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def consent_fields(world: Any, org: Organization, **overrides: Any) -> dict[str, Any]:
    """Everything `consent_record` needs for a valid oral consent of the household's first member."""
    fields: dict[str, Any] = {
        "household_id": world.household.id,
        "person_id": world.household.members.order_by("id").first().id,
        "organization_id": org.id,
        "purpose": "referral",
        "domains": ["verslaving", "gezondheid"],
        "ground": "consent",
        "given_how": "oral",
        "reason": "",
        "valid_from": timezone.localdate(),
        "valid_until": None,
    }
    fields.update(overrides)
    return fields


def record(world: Any, org: Organization, user: Any = None, **overrides: Any) -> Consent:
    return services.consent_record(access=world.access(user), **consent_fields(world, org, **overrides))
