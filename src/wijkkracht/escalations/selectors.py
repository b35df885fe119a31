"""Reads of escalations. `household_escalations` serves the case-file page, whose household was fetched and
access-logged by `casefile.selectors.case_file_get`."""

from django.db.models import QuerySet

from wijkkracht.escalations.models import Escalation
from wijkkracht.households.models import Household


def household_escalations(household: Household) -> QuerySet[Escalation]:
    """The household's escalations, open ones first, newest first."""
    return (
        Escalation.objects.filter(household=household)
        .select_related("raised_by", "forwarded_by", "resolved_by")
        .order_by("-status", "-raised_at", "-id")
    )
