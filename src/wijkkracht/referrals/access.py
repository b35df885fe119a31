"""Who sees which referral, in one place.

A case worker sees the referrals of the households they may see (`privacy.access.visible_households`). A
staff member of a partner organisation (role `partner`, linked to an organisation by a
`socialmap.PartnerAccount`) sees the referrals addressed to that organisation, also those whose consent is no
longer in force: the referral itself stays (so the partner can close it), but its data are not shown then
(`referrals.selectors.referral_disclosure` answers None). Everyone else sees none.
"""

from django.db.models import QuerySet

from wijkkracht.accounts.models import Role, User
from wijkkracht.privacy.access import can_work_with_cases, visible_households
from wijkkracht.referrals.models import Referral
from wijkkracht.socialmap.models import PartnerAccount


def is_partner(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.PARTNER)


def partner_organization_id(user: User) -> int | None:
    """The organisation a partner account works for; None for anyone else (or a partner without a link)."""
    if not is_partner(user):
        return None
    return PartnerAccount.objects.filter(user_id=user.id).values_list("organization_id", flat=True).first()


def visible_referrals(user: User) -> QuerySet[Referral]:
    """Referrals this user may see; empty for roles that neither work with cases nor are a linked partner."""
    if can_work_with_cases(user):
        return Referral.objects.filter(household__in=visible_households(user))
    organization_id = partner_organization_id(user)
    if organization_id is not None:
        return Referral.objects.filter(organization_id=organization_id)
    return Referral.objects.none()
