"""Reads of handovers: always through the households the user may see (`privacy.access`), so a handover of
a household that is not yours is the same 404 as one that does not exist; reading one is access-logged."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wijkkracht.casefile.models import ACTIVE_HANDOVER_STATUSES, Handover
from wijkkracht.households.models import Household
from wijkkracht.privacy.access import AccessContext, visible_households
from wijkkracht.privacy.services import access_log_read, access_note_refusal


def handover_list_for_user(*, access: AccessContext, household_id: int | None = None) -> QuerySet[Handover]:
    """The handovers of the households the user may see (optionally of one), newest first. Not logged: the
    page or API list that shows them logs what it shows."""
    queryset = Handover.objects.filter(household__in=visible_households(access.user)).select_related(
        "household", "team", "regisseur", "contact_person", "created_by", "approved_by"
    )
    if household_id is not None:
        queryset = queryset.filter(household_id=household_id)
    return queryset.order_by("-created_at", "-id")


def handover_get_for_user(
    *, access: AccessContext, handover_id: int, household_id: int | None = None, what: str = "handover"
) -> Handover:
    """One handover of a household the user may see (and, when given, of that household), or 404; the read
    is access-logged (a view row on GET; a write is logged by its service)."""
    queryset = handover_list_for_user(access=access)
    if household_id is not None:
        queryset = queryset.filter(household_id=household_id)
    handover = queryset.filter(id=handover_id).first()
    if handover is None:
        access_note_refusal(access=access, kind="handover", record_id=handover_id, household_id=household_id)
        raise Http404(_("Handover not found."))
    access_log_read(access=access, household_id=handover.household_id, what=f"{what} {handover.id}")
    return handover


def active_handover(household: Household) -> Handover | None:
    """The household's handover in progress, for a page that has fetched (and logged) the household."""
    return (
        Handover.objects.filter(household=household, status__in=ACTIVE_HANDOVER_STATUSES)
        .select_related("regisseur")
        .first()
    )


def household_handovers(household: Household) -> QuerySet[Handover]:
    """Every handover of the household, newest first, for a page that has fetched (and logged) it: the
    summaries there and back stay findable from the case file."""
    return (
        Handover.objects.filter(household=household).select_related("regisseur", "team").order_by("-created_at", "-id")
    )
