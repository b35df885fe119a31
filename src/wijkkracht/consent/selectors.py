"""Reads of the consent register. Every selector starts from the households the user may see
(`privacy.access`), so a consent of a household that is not yours is the same 404 as one that does not exist.

`consents_in_force` is for other apps (referrals, the handover summary) that have already checked access to
the household and logged their read: it answers which consents and legal grounds hold on a day.
"""

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.consent.models import Consent, in_force_q
from wijkkracht.households.models import Household, Person
from wijkkracht.privacy.access import AccessContext, visible_households
from wijkkracht.privacy.services import access_log_read, access_note_refusal
from wijkkracht.socialmap.models import Organization


def _with_related(queryset: QuerySet[Consent]) -> QuerySet[Consent]:
    return queryset.select_related("household", "person", "organization", "recorded_by", "withdrawn_by")


def consent_list_for_user(*, access: AccessContext, household_id: int | None = None) -> QuerySet[Consent]:
    """The consents of the households the user may see (optionally of one), newest start first. Not
    access-logged: the page or API list that shows them logs what it shows."""
    queryset = _with_related(Consent.objects.filter(household__in=visible_households(access.user)))
    if household_id:
        queryset = queryset.filter(household_id=household_id)
    return queryset.order_by("-valid_from", "-id")


def consent_list_for_household(*, access: AccessContext, household: Household) -> QuerySet[Consent]:
    """Every consent and legal ground of a household the caller has fetched (and logged) through a selector,
    withdrawn and ended ones included, per member (in the household's order), newest start first. Empty when
    the user may not see the household."""
    return consent_list_for_user(access=access, household_id=household.id).order_by("person__id", "-valid_from", "-id")


def consents_in_force(
    *,
    household: Household,
    person: Person | None = None,
    organization: Organization | None = None,
    day: datetime.date | None = None,
) -> QuerySet[Consent]:
    """The consents and legal grounds of a household in force on a day (today by default): started, not
    ended, not withdrawn; optionally only a member's and only towards one organisation. The caller has
    checked access to the household; a legal ground is in the result too (`is_legal_ground`)."""
    queryset = _with_related(Consent.objects.filter(in_force_q(day or timezone.localdate()), household=household))
    if person is not None:
        queryset = queryset.filter(person=person)
    if organization is not None:
        queryset = queryset.filter(organization=organization)
    return queryset.order_by("-valid_from", "-id")


def consent_get_for_user(*, access: AccessContext, consent_id: int) -> Consent:
    """One consent of a household the user may see, or 404; the read is access-logged (naming the member)."""
    consent = consent_list_for_user(access=access).filter(id=consent_id).first()
    if consent is None:
        access_note_refusal(access=access, kind="consent", record_id=consent_id)
        raise Http404(_("Consent not found."))
    access_log_read(
        access=access, household_id=consent.household_id, what=f"consent {consent.id}", person_id=consent.person_id
    )
    return consent
