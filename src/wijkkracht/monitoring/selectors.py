"""Aggregates for policy staff: counts per team, never a household or a person.

Two ways to the same figures (issue 10):

- `team_overview(today=…)` counts them on the spot from the households and contacts: one scan of each, so its
  cost grows with the city (35 ms at 10,000 households, 201 ms at 100,000 before issue 10).
- `current_overview(now=…)` is what the page shows: the latest stored snapshot (`OverviewSnapshot`, one row,
  a flat cost at any size), made again by `monitoring.services.overview_snapshot_refresh` when there is none
  yet, when it was counted for another day, or when it is older than `MONITORING_OVERVIEW_MAX_AGE_MINUTES`
  (default 10). Cron (`wijkkracht monitoring refresh`, e.g. every 5 minutes) keeps it younger than that, so
  no page view pays for the counting; without cron the first view after the limit does, once. The page says
  as of when its figures are.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from wijkkracht.households.models import OPEN_STATUSES, Contact, Household, HouseholdStatus
from wijkkracht.monitoring.models import OverviewSnapshot
from wijkkracht.privacy.disclosure import suppress
from wijkkracht.teams.models import Team

#: Counts below this are shown as "fewer than" so a small number cannot point at one family.
SMALL_CELL_THRESHOLD = 5

#: A snapshot older than this many minutes is counted again when the page is opened (setting
#: `MONITORING_OVERVIEW_MAX_AGE_MINUTES`).
DEFAULT_MAX_AGE_MINUTES = 10


@dataclass(frozen=True)
class Cell:
    count: int
    #: Hidden although not small: otherwise a small one could be worked out (complementary suppression).
    complement: bool = False

    @property
    def suppressed(self) -> bool:
        return self.complement or 0 < self.count < SMALL_CELL_THRESHOLD


@dataclass(frozen=True)
class TeamFigures:
    team: str
    by_status: list[Cell]  # in the order of HouseholdStatus
    open_total: Cell
    registered_last_90_days: Cell
    contacts_last_30_days: Cell
    #: None where the count of contacts is hidden (a sum follows the suppression of its count).
    contact_minutes_last_30_days: int | None

    def as_json(self) -> dict[str, Any]:
        """The raw counts, for the snapshot (suppression is applied when shown, not when stored)."""
        return {
            "team": self.team,
            "by_status": dict(zip(HouseholdStatus.values, (cell.count for cell in self.by_status), strict=True)),
            "registered_last_90_days": self.registered_last_90_days.count,
            "contacts_last_30_days": self.contacts_last_30_days.count,
            "contact_minutes_last_30_days": self.contact_minutes_last_30_days,
        }

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> "TeamFigures":
        by_status = row["by_status"]
        return cls(
            team=row["team"],
            by_status=[Cell(by_status.get(status, 0)) for status in HouseholdStatus.values],
            open_total=Cell(sum(by_status.get(status, 0) for status in OPEN_STATUSES)),
            registered_last_90_days=Cell(row["registered_last_90_days"]),
            contacts_last_30_days=Cell(row["contacts_last_30_days"]),
            contact_minutes_last_30_days=row["contact_minutes_last_30_days"],
        )


@dataclass(frozen=True)
class Overview:
    """The figures per team and the moment they were counted (the page shows it)."""

    teams: list[TeamFigures]
    computed_at: datetime.datetime
    day: datetime.date


def team_overview(*, today: datetime.date | None = None) -> list[TeamFigures]:
    """The figures per team counted now: one pass over the households (status and registrations together)
    and one over the contacts of the last 30 days (including appointments planned after today, as always)."""
    today = today or timezone.localdate()
    since_90 = today - datetime.timedelta(days=90)
    since_30 = today - datetime.timedelta(days=30)
    status_counts: dict[int, dict[str, int]] = {}
    registered_recently: dict[int, int] = {}
    for row in (
        Household.objects.values("team_id", "status")
        .annotate(n=Count("id"), recent=Count("id", filter=Q(registered_on__gte=since_90)))
        .order_by()
    ):
        status_counts.setdefault(row["team_id"], {})[row["status"]] = row["n"]
        registered_recently[row["team_id"]] = registered_recently.get(row["team_id"], 0) + row["recent"]
    contact_rows = {
        row["household__team_id"]: row
        for row in Contact.objects.filter(date__gte=since_30)
        .values("household__team_id")
        .annotate(n=Count("id"), minutes=Sum("duration_minutes"))
        .order_by()
    }
    figures = []
    for team_id, name in Team.objects.values_list("id", "name"):
        statuses = status_counts.get(team_id, {})
        contacts = contact_rows.get(team_id, {})
        figures.append(
            TeamFigures(
                team=name,
                by_status=[Cell(statuses.get(status, 0)) for status in HouseholdStatus.values],
                open_total=Cell(sum(statuses.get(status, 0) for status in OPEN_STATUSES)),
                registered_last_90_days=Cell(registered_recently.get(team_id, 0)),
                contacts_last_30_days=Cell(contacts.get("n", 0)),
                contact_minutes_last_30_days=contacts.get("minutes") or 0,
            )
        )
    return figures


def with_complements(teams: list[TeamFigures]) -> list[TeamFigures]:
    """Hide, beside the small counts, every count from which a small one could be worked out: a team's "open in
    total" is the sum of its four open statuses, so "<5" next to it could be found by subtraction (issue 11).
    The contact minutes follow their count of contacts."""
    cells: dict[tuple[int, str], int] = {}
    equations: list[tuple[tuple[int, str], tuple[tuple[int, str], ...]]] = []
    for index, figures in enumerate(teams):
        statuses = dict(zip(HouseholdStatus.values, figures.by_status, strict=True))
        for status, status_cell in statuses.items():
            cells[(index, status)] = status_cell.count
        cells[(index, "open")] = figures.open_total.count
        cells[(index, "registered_90_days")] = figures.registered_last_90_days.count
        cells[(index, "contacts")] = figures.contacts_last_30_days.count
        equations.append(((index, "open"), tuple((index, status) for status in OPEN_STATUSES)))
    hidden = suppress(cells, equations, threshold=SMALL_CELL_THRESHOLD)

    def cell(index: int, name: str) -> Cell:
        return Cell(cells[(index, name)], complement=(index, name) in hidden)

    shown = []
    for index, figures in enumerate(teams):
        contacts = cell(index, "contacts")
        shown.append(
            TeamFigures(
                team=figures.team,
                by_status=[cell(index, status) for status in HouseholdStatus.values],
                open_total=cell(index, "open"),
                registered_last_90_days=cell(index, "registered_90_days"),
                contacts_last_30_days=contacts,
                contact_minutes_last_30_days=None if contacts.suppressed else figures.contact_minutes_last_30_days,
            )
        )
    return shown


def max_age() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "MONITORING_OVERVIEW_MAX_AGE_MINUTES", DEFAULT_MAX_AGE_MINUTES))


def current_overview(*, now: datetime.datetime | None = None) -> Overview:
    """The latest snapshot, counted again first when there is none, it is of another day, or too old."""
    from wijkkracht.monitoring.services import overview_snapshot_refresh  # it counts with team_overview

    now = now or timezone.now()
    snapshot = OverviewSnapshot.objects.order_by("-computed_at", "-id").first()
    if snapshot is None or snapshot.day != timezone.localdate(now) or not now - max_age() < snapshot.computed_at <= now:
        snapshot = overview_snapshot_refresh(now=now)
    return Overview(
        teams=with_complements([TeamFigures.from_json(row) for row in snapshot.figures["teams"]]),
        computed_at=snapshot.computed_at,
        day=snapshot.day,
    )
