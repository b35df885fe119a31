"""Reads of measures and approvals. Every read of a household's measures starts from `privacy.access` (same 404
for missing and foreign) and is access-logged; `household_measures` serves the case-file page, whose household
was fetched and logged by `casefile.selectors.case_file_get`."""

from django.db.models import Prefetch, QuerySet

from wijkkracht.households.models import Household
from wijkkracht.mandate.models import Measure, MeasureApproval


def household_measures(household: Household) -> QuerySet[Measure]:
    """The household's measures, newest first, with their member, goal and approvals (three queries)."""
    return (
        Measure.objects.filter(household=household)
        .select_related("person", "goal", "decided_by")
        .prefetch_related(Prefetch("approvals", queryset=MeasureApproval.objects.select_related("decided_by")))
        .order_by("-decided_at", "-id")
    )
