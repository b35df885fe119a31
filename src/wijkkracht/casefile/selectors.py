"""Reads that combine the parts of a case file: the caseload (households with their contacts, tasks and
plan dates) and the case-file page. Like every selector they start from the households the user may see
and access-log what they show (see `households/selectors.py`)."""

import datetime
from dataclasses import dataclass, replace
from typing import Literal

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

# The caseload lives in `casefile.caseload`; these names stay importable from here.
from wijkkracht.casefile.caseload import (  # noqa: F401
    CASELOAD_PAGE_SIZE,
    CASELOAD_SORTS,
    CaseloadFilters,
    CaseloadScope,
    caseload_page,
    caseload_queryset,
    household_is_overdue,
    overdue_condition,
    overdue_reasons,
)
from wijkkracht.diagnosis import charts
from wijkkracht.diagnosis.selectors import Picture
from wijkkracht.households.models import (
    Contact,
    ContactPersonChange,
    Household,
    HouseholdStatus,
    StatusChange,
    Task,
)
from wijkkracht.households.selectors import with_household_figures
from wijkkracht.plans.models import Plan
from wijkkracht.privacy.access import AccessContext, visible_households
from wijkkracht.privacy.services import access_log_read, access_note_refusal


def case_file_get(*, access: AccessContext, household_id: int, what: str = "household") -> Household:
    """One household with everything its page shows, or 404 when it does not exist or is not yours."""
    today = timezone.localdate()
    queryset = (
        with_household_figures(visible_households(access.user), today)
        .prefetch_related(
            "members",
            Prefetch("tasks", queryset=Task.objects.select_related("assigned_to", "done_by")),
            Prefetch("plans", queryset=Plan.objects.order_by("-number")),
        )
        .select_related("second_line_regisseur")
    )
    household = queryset.filter(id=household_id).first()
    if household is None:
        access_note_refusal(access=access, kind="household", record_id=household_id, household_id=household_id)
        raise Http404(_("Household not found."))
    access_log_read(access=access, household_id=household.id, what=what)
    return household


# --- the case-file page's parts, for a household fetched (and access-logged) by `case_file_get` ----------

#: How many of the long lists (contacts, history) the page shows before "alle tonen".
CASE_FILE_PREVIEW = 5
CASE_FILE_PAGE_SIZE = 25


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the household's history: a status change or a change of contact person."""

    kind: Literal["status", "contact_person"]
    date: datetime.date
    moment: datetime.datetime
    changed_by: str
    reason: str
    from_label: str
    to_label: str
    #: The statuses' codes (a status change) or the users' ids (a change of contact person).
    from_value: str | int | None = None
    to_value: str | int | None = None


def case_file_history(household: Household) -> list[HistoryEntry]:
    """Status changes and contact-person changes (who, when, why), newest first: two queries."""
    entries = [
        HistoryEntry(
            kind="status",
            date=change.date,
            moment=change.created_at,
            changed_by=str(change.changed_by),
            reason=change.reason,
            from_label=str(HouseholdStatus(change.from_status).label) if change.from_status else "",
            to_label=str(HouseholdStatus(change.to_status).label),
            from_value=change.from_status or None,
            to_value=change.to_status,
        )
        for change in StatusChange.objects.filter(household=household).select_related("changed_by")
    ]
    entries += [
        HistoryEntry(
            kind="contact_person",
            date=timezone.localdate(change.changed_at),
            moment=change.changed_at,
            changed_by=str(change.changed_by),
            reason=change.reason,
            from_label=str(change.from_user) if change.from_user else "",
            to_label=str(change.to_user),
            from_value=change.from_user_id,
            to_value=change.to_user_id,
        )
        for change in ContactPersonChange.objects.filter(household=household).select_related(
            "from_user", "to_user", "changed_by"
        )
    ]
    return sorted(entries, key=lambda entry: (entry.date, entry.moment), reverse=True)


def case_file_contacts(household: Household) -> QuerySet[Contact]:
    """The household's contacts, newest first, with who was there (page them: a query per page)."""
    return (
        Contact.objects.filter(household=household)
        .select_related("worker")
        .prefetch_related("members")
        .order_by("-date", "-id")
    )


def latest_picture(pictures: list[Picture]) -> Picture | None:
    """The picture of the most recent complete measurement (the household's target before a member's
    strip of the same day), drawn again under its own ids so it can stand in the summary as well."""
    latest = None
    latest_key: tuple[datetime.date, int] | None = None
    for picture in pictures:
        newest = picture.series.complete[-1]
        key = (newest.date, newest.id)
        if latest_key is None or key > latest_key:
            latest, latest_key = picture, key
    if latest is None:
        return None
    series, complete = latest.series, latest.series.complete
    chart_id = f"{series.chart_id}-summary"
    if latest.kind == "target":
        before = complete[0] if len(complete) > 1 else None
        svg = charts.target_svg(series.definition, before, complete[-1], chart_id)
    elif latest.kind == "ladder":
        svg = charts.ladder_svg(series.definition, complete, chart_id, series.subject_label)
    else:
        svg = charts.heat_strip_svg(series.definition, complete, chart_id, series.subject_label)
    return replace(latest, svg=svg)


def household_as_written(*, household_id: int) -> Household:
    """A household its writer just registered, to echo back; the write itself was access-logged."""
    queryset = with_household_figures(Household.objects.filter(id=household_id), timezone.localdate())
    return queryset.prefetch_related("members").get()
