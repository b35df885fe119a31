"""The policy overview's snapshot: counted from the case files, stored, and read by the page (issue 10)."""

import datetime

from django.db import transaction
from django.utils import timezone

from wijkkracht.monitoring.models import OverviewSnapshot
from wijkkracht.monitoring.selectors import team_overview


def overview_snapshot_refresh(*, now: datetime.datetime | None = None) -> OverviewSnapshot:
    """Count the overview's figures now and store them as the latest snapshot; older ones are removed. Two
    refreshes at once are harmless: each stores a complete snapshot and the page reads the latest."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    figures = {"teams": [team.as_json() for team in team_overview(today=day)]}
    with transaction.atomic():
        snapshot = OverviewSnapshot.objects.create(computed_at=now, day=day, figures=figures)
        OverviewSnapshot.objects.filter(id__lt=snapshot.id).delete()
    return snapshot
