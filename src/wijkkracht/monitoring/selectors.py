"""Aggregates for policy staff: counts per team, never a household or a person."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from wijkkracht.households.models import OPEN_STATUSES, Contact, Household, HouseholdStatus
from wijkkracht.teams.models import Team

#: Counts below this are shown as "fewer than" so a small number cannot point at one family.
SMALL_CELL_THRESHOLD = 5


@dataclass(frozen=True)
class Cell:
    count: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.count < SMALL_CELL_THRESHOLD


@dataclass(frozen=True)
class TeamFigures:
    team: str
    by_status: list[Cell]  # in the order of HouseholdStatus
    open_total: Cell
    registered_last_90_days: Cell
    contacts_last_30_days: Cell
    contact_minutes_last_30_days: int


def team_overview(*, today: datetime.date | None = None) -> list[TeamFigures]:
    today = today or timezone.localdate()
    since_90 = today - datetime.timedelta(days=90)
    since_30 = today - datetime.timedelta(days=30)
    status_counts = {
        (row["team_id"], row["status"]): row["n"]
        for row in Household.objects.values("team_id", "status").annotate(n=Count("id")).order_by()
    }
    teams = Team.objects.annotate(
        registered_recently=Count("households", filter=Q(households__registered_on__gte=since_90), distinct=True),
        open_total=Count("households", filter=Q(households__status__in=OPEN_STATUSES), distinct=True),
    )
    contact_rows = {
        row["household__team_id"]: row
        for row in Contact.objects.filter(date__gte=since_30)
        .values("household__team_id")
        .annotate(n=Count("id"), minutes=Sum("duration_minutes"))
        .order_by()
    }
    return [
        TeamFigures(
            team=team.name,
            by_status=[Cell(status_counts.get((team.id, status), 0)) for status in HouseholdStatus.values],
            open_total=Cell(team.open_total),
            registered_last_90_days=Cell(team.registered_recently),
            contacts_last_30_days=Cell(contact_rows.get(team.id, {}).get("n", 0)),
            contact_minutes_last_30_days=contact_rows.get(team.id, {}).get("minutes") or 0,
        )
        for team in teams
    ]
