"""Reads of the access log, for the privacy officer (the management site) and the family's question "who
saw my file": per household through the subjects' index (household, at), per user through the entries'
index (user, at). Both are one indexed query however long the log is (see `bench/accesslog.py`)."""

import datetime

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from wijkkracht.privacy.models import AccessLogEntry, AccessLogSubject


def access_log_of_household(*, household_id: int) -> QuerySet[AccessLogSubject]:
    """Everything the log says about one household, newest first: every read, list, change, export,
    disclosure and refusal, by anyone; each subject row with its entry (who, when, from where, why)."""
    return (
        AccessLogSubject.objects.filter(household_id=household_id).select_related("entry").order_by("-at", "-entry_id")
    )


def access_log_entries_of_household(*, household_id: int) -> QuerySet[AccessLogEntry]:
    """The same as entries (for the management site's list): the entries that name the household."""
    return AccessLogEntry.objects.filter(subjects__household_id=household_id).order_by("-at", "-id")


def access_log_of_user(
    *, user_id: int, since: datetime.datetime | None = None, until: datetime.datetime | None = None
) -> QuerySet[AccessLogEntry]:
    """What one account did (or was refused) in a period, newest first; a list entry's households are its
    subjects (`households_of`)."""
    entries = AccessLogEntry.objects.filter(user_id=user_id)
    if since is not None:
        entries = entries.filter(at__gte=since)
    if until is not None:
        entries = entries.filter(at__lt=until)
    return entries.order_by("-at", "-id")


def with_household_count(entries: QuerySet[AccessLogEntry]) -> QuerySet[AccessLogEntry]:
    """Annotate `household_count`: a correlated count, so a page of entries costs one index range each."""
    counts = (
        AccessLogSubject.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(n=Count("household_id"))
        .values("n")
    )
    return entries.annotate(household_count=Coalesce(Subquery(counts), 0))


def households_of(entry: AccessLogEntry) -> list[int]:
    """The households an entry is about, in the order of their ids."""
    return list(entry.subjects.order_by("household_id").values_list("household_id", flat=True))
