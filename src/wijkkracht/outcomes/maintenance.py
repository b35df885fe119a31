# ruff: noqa: S608  (plain SQL: the table and column names are the models' own; values are always parameters)
"""The stored contributions and the indicator cells, kept exact (issue 11).

Each household's events in its case file are its *contributions*: (month, measure) → (n, total, total_sq), all
integers (the measures are the shared contract, listed in `outcomes.policy.MEASURES`). They are stored per
household (`HouseholdContribution`, the units and level they were counted for in `HouseholdOutcomeState`) and
summed per unit, month, measure and level in `IndicatorCell`.

- `household_contributions(household_ids)` computes them from the case files with a fixed number of queries
  per batch of households, whatever their number of contacts, plans or measurements.
- `outcomes_refresh(household_ids=…)` recomputes, compares with what is stored and moves the cells by the
  difference (the old contributions under the old units and level out, the new ones in) with additive
  upserts, in the caller's transaction. `households.figures.household_figures_refresh` calls it for every
  household whose case file changed (registered in `outcomes.apps`); deleting a household takes its
  contributions out of the cells (`household_deleted`).
- `outcomes_rebuild()` computes everything again from scratch (the bulk demo, `wijkkracht outcomes rebuild`).
- `outcome_mismatches()` is the proof the tests run after every test that used the database.

The contributions depend on the case file only, never on today: a planned appointment counts as a contact
in its own month, so nothing goes stale while time passes.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from wijkkracht.casefile.models import Handover, HandoverDirection, HandoverStatus
from wijkkracht.diagnosis.models import Measurement, MeasurementStatus, Score
from wijkkracht.diagnosis.progress import progress_between
from wijkkracht.households.models import (
    OUTFLOW_TO_WORK,
    Contact,
    ContactKind,
    Household,
    HouseholdStatus,
    IncomeWorkRecord,
    Person,
    StatusChange,
)
from wijkkracht.instruments.models import InstrumentVersion
from wijkkracht.outcomes.models import HouseholdContribution, HouseholdOutcomeState, IndicatorCell, UnitKind
from wijkkracht.outcomes.policy import OutcomePolicy, outcome_policy
from wijkkracht.plans.models import Goal, GoalOutcome, Plan
from wijkkracht.referrals.models import Referral

#: Households computed per batch (the queries per batch are fixed; the rows they return grow with it).
BATCH = 1000
#: Cells written per upsert statement (8 parameters each).
CELL_CHUNK = 500
#: The end of first-line support.
END_STATUSES = (HouseholdStatus.CLOSED, HouseholdStatus.HANDED_OVER)

Key = tuple[datetime.date, str]  # (month, measure)
Sums = tuple[int, int, int]  # (n, total, total_sq)
CellKey = tuple[str, int, datetime.date, str, str]  # (unit_kind, unit_id, month, measure, level)


@dataclass
class HouseholdOutcome:
    """A household's units and level now, and its contributions."""

    team_id: int
    worker_id: int | None
    wijk_id: int
    level: str = ""
    contributions: dict[Key, Sums] = field(default_factory=dict)

    @property
    def state(self) -> tuple[int, int | None, int, str]:
        return (self.team_id, self.worker_id, self.wijk_id, self.level)

    def add(self, day: datetime.date, measure: str, n: int = 1, total: int = 0, total_sq: int | None = None) -> None:
        key = (month_of(day), measure)
        old = self.contributions.get(key, (0, 0, 0))
        square = total * total if total_sq is None else total_sq
        self.contributions[key] = (old[0] + n, old[1] + total, old[2] + square)


@cache
def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def units_of(team_id: int, worker_id: int | None, wijk_id: int) -> list[tuple[str, int]]:
    units = [(UnitKind.TEAM.value, team_id), (UnitKind.WIJK.value, wijk_id)]
    if worker_id is not None:
        units.append((UnitKind.WORKER.value, worker_id))
    return units


def _batches(ids: Iterable[int], size: int = BATCH) -> Iterator[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


# Computing. -----------------------------------------------------------------------------------------------
#
# Plain SQL: a refresh runs in the transaction of every change of a case file, and building a dozen ORM
# queries cost several times more than running them. The tables and columns are the models' own.


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _rows(sql: str, ids: list[int], *params: Any) -> list[tuple]:
    """Run `sql`, whose `{ids}` is the list of household ids; `params` follow the ids."""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(ids=", ".join(["%s"] * len(ids))), [*ids, *params])
        return cursor.fetchall()


def _date(value: datetime.date | str) -> datetime.date:
    """A date column as SQLite (text, when the column type is lost) or PostgreSQL (a date) returns it."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _local_date(value: datetime.datetime | str) -> datetime.date:
    """The local date of a moment stored in UTC (SQLite returns it naive or as text)."""
    moment = value if isinstance(value, datetime.datetime) else parse_datetime(value)
    assert moment is not None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return timezone.localtime(moment).date()


def household_contributions(
    household_ids: Iterable[int], policy: OutcomePolicy | None = None
) -> dict[int, HouseholdOutcome]:
    """Every measure of these households, from their case files (ids that no longer exist are left out).
    A fixed number of queries per batch of `BATCH` households."""
    policy = policy or outcome_policy()
    result: dict[int, HouseholdOutcome] = {}
    for batch in _batches(household_ids):
        result.update(_compute(batch, policy))
    return result


def _compute(batch: list[int], policy: OutcomePolicy, *, lock: bool = False) -> dict[int, HouseholdOutcome]:
    outcomes: dict[int, HouseholdOutcome] = {}
    registered: dict[int, datetime.date] = {}
    # `lock`: one refresh of a household at a time, or two would both take its old contributions out.
    for_update = " ORDER BY id FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    for hid, team_id, worker_id, wijk_id, registered_on, channel in _rows(
        "SELECT id, team_id, contact_person_id, wijk_id, registered_on, intake_channel "
        f"FROM {_table(Household)} WHERE id IN ({{ids}}){for_update}",
        batch,
    ):
        registered_on = _date(registered_on)
        outcome = outcomes[hid] = HouseholdOutcome(team_id, worker_id, wijk_id)
        registered[hid] = registered_on
        outcome.add(registered_on, f"registered.{channel}")
        outcome.add(registered_on, "care_start")
    if not outcomes:
        return outcomes
    batch = list(outcomes)

    # Contacts: per month, and the first one (a no-show is no contact).
    first_contact: dict[int, datetime.date] = {}
    for hid, day, minutes in _rows(
        f"SELECT household_id, date, duration_minutes FROM {_table(Contact)} "
        "WHERE household_id IN ({ids}) AND kind <> %s",
        batch,
        ContactKind.NO_SHOW.value,
    ):
        day, minutes = _date(day), minutes or 0
        outcomes[hid].add(day, "contacts", 1, minutes, minutes * minutes)
        if hid not in first_contact or day < first_contact[hid]:
            first_contact[hid] = day
    for hid, day in first_contact.items():
        outcomes[hid].add(day, "first_contact", 1, (day - registered[hid]).days)

    # The end of first-line support: the first change to closed or handed over.
    ended: dict[int, tuple[datetime.date, str]] = {}
    for hid, day, to_status in _rows(
        f"SELECT household_id, date, to_status FROM {_table(StatusChange)} "
        "WHERE household_id IN ({ids}) AND to_status IN (%s, %s) ORDER BY household_id, date, id",
        batch,
        *END_STATUSES,
    ):
        ended.setdefault(hid, (_date(day), to_status))
    for hid, (day, to_status) in ended.items():
        outcome = outcomes[hid]
        outcome.add(day, "ended", 1, (day - registered[hid]).days)
        outcome.add(day, "ended_closed" if to_status == HouseholdStatus.CLOSED else "ended_handed_over")
        outcome.add(next_month(day), "care_end")

    # The first agreed plan; the goals of evaluated plans.
    for hid, agreed_on in _rows(
        f"SELECT household_id, MIN(agreed_on) FROM {_table(Plan)} "
        "WHERE household_id IN ({ids}) AND agreed_on IS NOT NULL GROUP BY household_id",
        batch,
    ):
        agreed_on = _date(agreed_on)
        outcomes[hid].add(agreed_on, "plan_agreed", 1, (agreed_on - registered[hid]).days)
    for hid, evaluated_on, goal_outcome in _rows(
        f"SELECT p.household_id, p.evaluated_on, g.outcome FROM {_table(Goal)} g JOIN {_table(Plan)} p "
        "ON p.id = g.plan_id WHERE p.household_id IN ({ids}) AND p.evaluated_on IS NOT NULL AND g.outcome <> ''",
        batch,
    ):
        evaluated_on = _date(evaluated_on)
        outcomes[hid].add(evaluated_on, "goals_evaluated")
        if goal_outcome == GoalOutcome.ACHIEVED:
            outcomes[hid].add(evaluated_on, "goals_achieved")

    # Returns from the second line; referrals (on the local day they were sent).
    for hid, completed_on in _rows(
        f"SELECT household_id, completed_on FROM {_table(Handover)} WHERE household_id IN ({{ids}}) "
        "AND direction = %s AND status = %s AND completed_on IS NOT NULL",
        batch,
        HandoverDirection.BACK_TO_TEAM.value,
        HandoverStatus.COMPLETED.value,
    ):
        outcomes[hid].add(_date(completed_on), "returned")
    for hid, sent_at in _rows(
        f"SELECT household_id, sent_at FROM {_table(Referral)} WHERE household_id IN ({{ids}})", batch
    ):
        outcomes[hid].add(_local_date(sent_at), "referrals")

    _benefits(batch, outcomes)
    _measurements(batch, outcomes, policy)
    return outcomes


def _benefits(batch: list[int], outcomes: dict[int, HouseholdOutcome]) -> None:
    """Per benefit episode (person, benefit, since), the latest record says whether and why it ended."""
    latest: dict[tuple[int, str, object], tuple[int, object, str]] = {}
    for hid, person_id, benefit, since, ended_on, reason in _rows(
        "SELECT household_id, person_id, benefit, benefit_since, benefit_ended_on, benefit_end_reason "
        f"FROM {_table(IncomeWorkRecord)} WHERE household_id IN ({{ids}}) ORDER BY recorded_on, id",
        batch,
    ):
        latest[(person_id, benefit, since)] = (hid, ended_on, reason)
    for hid, ended_on, reason in latest.values():
        if ended_on is not None:
            outcomes[hid].add(_date(ended_on), "benefit_ended")  # type: ignore[arg-type]
            if reason in OUTFLOW_TO_WORK:
                outcomes[hid].add(_date(ended_on), "benefit_to_work")  # type: ignore[arg-type]


#: Instrument versions by checksum (their content never changes under a checksum).
_versions: dict[str, InstrumentVersion] = {}


def _measurement(
    hid: int, person_id: int | None, code: str, mid: int, taken: tuple[datetime.date, str, dict[str, int]]
) -> Measurement:
    """A measurement as `progress_between` reads it: its instrument and scores already there (not saved)."""
    day, checksum, scores = taken
    measurement = Measurement(id=mid, household_id=hid, person_id=person_id, instrument_code=code, date=day)
    measurement.instrument = _versions[checksum]
    measurement._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "scores": [Score(measurement_id=mid, domain_code=domain, value=value) for domain, value in scores.items()]
    }
    return measurement


def _measurements(batch: list[int], outcomes: dict[int, HouseholdOutcome], policy: OutcomePolicy) -> None:
    """Self-reliance change and the participation ladder per member (first and latest complete measurement,
    by moment), and the pyramid level from each member's first measurement."""
    codes = policy.instrument_codes
    code_list = ", ".join(["%s"] * len(codes))
    rows = _rows(
        "SELECT m.id, m.household_id, m.person_id, m.instrument_code, m.moment, m.date, v.id, v.checksum, "
        f"s.domain_code, s.value, p.date_of_birth FROM {_table(Measurement)} m "
        f"JOIN {_table(InstrumentVersion)} v ON v.id = m.instrument_id "
        f"JOIN {_table(Score)} s ON s.measurement_id = m.id "
        f"LEFT JOIN {_table(Person)} p ON p.id = m.person_id "
        f"WHERE m.household_id IN ({{ids}}) AND m.status = %s AND m.instrument_code IN ({code_list}) "
        "ORDER BY m.household_id, m.instrument_code, m.person_id, m.moment, s.id",
        batch,
        MeasurementStatus.COMPLETE.value,
        *codes,
    )
    if not rows:
        return
    missing = {version_id for *_, version_id, checksum, _, _, _ in rows if checksum not in _versions}
    for version in InstrumentVersion.objects.filter(id__in=missing) if missing else ():
        _versions[version.checksum] = version
    # Per member and instrument, its complete measurements by moment: (id, date, checksum, scores).
    births: dict[int, datetime.date] = {}
    series: dict[tuple[int, str, int | None], dict[int, tuple[datetime.date, str, dict[str, int]]]] = defaultdict(dict)
    for mid, hid, person_id, code, _, day, _, checksum, domain_code, value, born in rows:
        of_member = series[(hid, code, person_id)]
        if mid not in of_member:
            of_member[mid] = (_date(day), checksum, {})
            if born is not None:
                births[person_id] = _date(born)
        of_member[mid][2][domain_code] = value

    first_scores: dict[int, list[dict[str, int]]] = defaultdict(list)
    for (hid, code, person_id), by_id in series.items():
        measured = list(by_id.items())  # in the order of their moments
        if code == policy.pyramid.instrument:
            first_scores[hid].append(measured[0][1][2])
        if len(measured) < 2:
            continue
        first, latest = (_measurement(hid, person_id, code, *taken) for taken in (measured[0], measured[-1]))
        changes = [d.change for d in progress_between(first, latest).domains if d.change is not None]
        if code == policy.self_reliance_instrument:
            mean = round(Fraction(1000 * sum(changes), len(changes))) if changes else 0
            outcomes[hid].add(latest.date, "self_reliance", 1, mean)
        if code == policy.participation_instrument and person_id is not None:
            born = births.get(person_id)
            if born is not None and age_on(born, latest.date) >= 18:
                outcomes[hid].add(latest.date, "ladder")
                if sum(changes) > 0:
                    outcomes[hid].add(latest.date, "ladder_up")
    for hid, scores in first_scores.items():
        outcomes[hid].level = policy.pyramid_level(scores)


# Storing. ------------------------------------------------------------------------------------------------


def _stored(batch: list[int]) -> tuple[dict[int, HouseholdOutcome], dict[int, dict[Key, tuple[int, Sums]]]]:
    """The stored states, and the stored contributions with their row ids, of these households."""
    states = {
        hid: HouseholdOutcome(team_id, worker_id, wijk_id, level)
        for hid, team_id, worker_id, wijk_id, level in _rows(
            f"SELECT household_id, team_id, worker_id, wijk_id, level FROM {_table(HouseholdOutcomeState)} "
            "WHERE household_id IN ({ids})",
            batch,
        )
    }
    rows: dict[int, dict[Key, tuple[int, Sums]]] = defaultdict(dict)
    for row_id, hid, month, measure, n, total, total_sq in _rows(
        f"SELECT id, household_id, month, measure, n, total, total_sq FROM {_table(HouseholdContribution)} "
        "WHERE household_id IN ({ids})",
        batch,
    ):
        rows[hid][(_date(month), measure)] = (row_id, (n, total, total_sq))
    return states, rows


def _move(
    deltas: dict[CellKey, list[int]], outcome: HouseholdOutcome, contributions: dict[Key, Sums], sign: int
) -> None:
    for unit_kind, unit_id in units_of(outcome.team_id, outcome.worker_id, outcome.wijk_id):
        for (month, measure), (n, total, total_sq) in contributions.items():
            delta = deltas[(unit_kind, unit_id, month, measure, outcome.level)]
            delta[0] += sign * n
            delta[1] += sign * total
            delta[2] += sign * total_sq


def _execute_values(sql: str, rows: list[tuple], *, returning: bool = False) -> list[tuple]:
    """Run `sql` (whose `{values}` takes the rows) in chunks; the rows it returns with `returning`."""
    if not rows:
        return []
    width = len(rows[0])
    placeholder = "(" + ", ".join(["%s"] * width) + ")"
    chunk_size = max(1, 4000 // width)
    returned: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk_size):
            chunk = rows[start : start + chunk_size]
            cursor.execute(
                sql.format(values=", ".join([placeholder] * len(chunk))), [value for row in chunk for value in row]
            )
            if returning:
                returned += cursor.fetchall()
    return returned


def _delete_ids(model: type[models.Model], ids: list[int]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 4000):
            chunk = ids[start : start + 4000]
            cursor.execute(f"DELETE FROM {_table(model)} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)


def cells_add(deltas: dict[CellKey, list[int]]) -> None:
    """Add these amounts to the cells (creating the missing ones) and delete the cells that became all zero:
    additive upserts, so two transactions that move the same cell both count."""
    day = connection.ops.adapt_datefield_value
    rows = [
        (unit_kind, unit_id, day(month), measure, level, n, total, total_sq)
        for (unit_kind, unit_id, month, measure, level), (n, total, total_sq) in deltas.items()
        if n or total or total_sq
    ]
    table = _table(IndicatorCell)
    returned = _execute_values(
        f"INSERT INTO {table} (unit_kind, unit_id, month, measure, level, n, total, total_sq) VALUES {{values}} "
        "ON CONFLICT (unit_kind, unit_id, month, measure, level) DO UPDATE SET "
        f"n = {table}.n + excluded.n, total = {table}.total + excluded.total, "
        f"total_sq = {table}.total_sq + excluded.total_sq RETURNING id, n, total, total_sq",
        rows,
        returning=True,
    )
    _delete_ids(IndicatorCell, [cell_id for cell_id, n, total, total_sq in returned if not (n or total or total_sq)])


def _contributions_insert(rows: list[tuple[int, datetime.date, str, int, int, int]]) -> None:
    day = connection.ops.adapt_datefield_value
    _execute_values(
        f"INSERT INTO {_table(HouseholdContribution)} (household_id, month, measure, n, total, total_sq) "
        "VALUES {values}",
        [(hid, day(month), measure, n, total, total_sq) for hid, month, measure, n, total, total_sq in rows],
    )


def _states_write(rows: list[tuple[int, int, int | None, int, str]]) -> None:
    _execute_values(
        f"INSERT INTO {_table(HouseholdOutcomeState)} (household_id, team_id, worker_id, wijk_id, level) "
        "VALUES {values} ON CONFLICT (household_id) DO UPDATE SET team_id = excluded.team_id, "
        "worker_id = excluded.worker_id, wijk_id = excluded.wijk_id, level = excluded.level",
        rows,
    )


def outcomes_refresh(*, household_ids: Iterable[int | None]) -> None:
    """Bring the stored contributions and the cells of these households up to date with their case files.
    Call it in the transaction of the change (`household_figures_refresh` does)."""
    policy = outcome_policy()
    for batch in _batches(i for i in household_ids if i is not None):
        with transaction.atomic():
            fresh = _compute(batch, policy, lock=True)
            if not fresh:
                continue
            states, rows = _stored(list(fresh))
            deltas: dict[CellKey, list[int]] = defaultdict(lambda: [0, 0, 0])
            stale_rows: list[int] = []
            new_rows: list[tuple[int, datetime.date, str, int, int, int]] = []
            new_states: list[tuple[int, int, int | None, int, str]] = []
            for hid, outcome in fresh.items():
                state, stored = states.get(hid), rows.get(hid, {})
                old = {key: sums for key, (_, sums) in stored.items()}
                if state is not None and state.state == outcome.state and old == outcome.contributions:
                    continue
                if state is not None:
                    _move(deltas, state, old, -1)
                _move(deltas, outcome, outcome.contributions, +1)
                stale_rows += [
                    row_id for key, (row_id, sums) in stored.items() if outcome.contributions.get(key) != sums
                ]
                new_rows += [
                    (hid, month, measure, *sums)
                    for (month, measure), sums in outcome.contributions.items()
                    if old.get((month, measure)) != sums
                ]
                if state is None or state.state != outcome.state:
                    new_states.append((hid, *outcome.state))
            _delete_ids(HouseholdContribution, stale_rows)
            _contributions_insert(new_rows)
            _states_write(new_states)
            cells_add(deltas)


def household_deleted(sender: type[Household], instance: Household, **kwargs: object) -> None:
    """`pre_delete` of a household: take its stored contributions out of the cells (the rows themselves go
    with the household)."""
    states, rows = _stored([instance.pk])
    state = states.get(instance.pk)
    if state is None:
        return
    deltas: dict[CellKey, list[int]] = defaultdict(lambda: [0, 0, 0])
    _move(deltas, state, {key: sums for key, (_, sums) in rows.get(instance.pk, {}).items()}, -1)
    cells_add(deltas)


def outcomes_rebuild(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Compute every household's contributions again from scratch, in batches of `BATCH`, and the cells from
    them (one INSERT … SELECT … GROUP BY per kind of unit). Returns the number of households."""
    policy = outcome_policy()
    with transaction.atomic():
        IndicatorCell.objects.all().delete()
        HouseholdContribution.objects.all().delete()
        HouseholdOutcomeState.objects.all().delete()
        ids = list(Household.objects.order_by("id").values_list("id", flat=True))
        done = 0
        for batch in _batches(ids):
            fresh = _compute(batch, policy)
            _states_write([(hid, *outcome.state) for hid, outcome in fresh.items()])
            _contributions_insert(
                [
                    (hid, month, measure, *sums)
                    for hid, outcome in fresh.items()
                    for (month, measure), sums in outcome.contributions.items()
                ]
            )
            done += len(batch)
            if progress:
                progress(done, len(ids))
        _cells_from_contributions()
    return len(ids)


def _cells_from_contributions() -> None:
    cells, contributions, states = _table(IndicatorCell), _table(HouseholdContribution), _table(HouseholdOutcomeState)
    with connection.cursor() as cursor:
        for unit_kind, column in (
            (UnitKind.TEAM, "team_id"),
            (UnitKind.WORKER, "worker_id"),
            (UnitKind.WIJK, "wijk_id"),
        ):
            cursor.execute(
                f"INSERT INTO {cells} (unit_kind, unit_id, month, measure, level, n, total, total_sq) "
                f"SELECT %s, s.{column}, c.month, c.measure, s.level, SUM(c.n), SUM(c.total), SUM(c.total_sq) "
                f"FROM {contributions} c JOIN {states} s ON s.household_id = c.household_id "
                f"WHERE s.{column} IS NOT NULL "
                f"GROUP BY s.{column}, c.month, c.measure, s.level "
                "HAVING SUM(c.n) <> 0 OR SUM(c.total) <> 0 OR SUM(c.total_sq) <> 0",
                [unit_kind.value],
            )


# The proof. ----------------------------------------------------------------------------------------------


def outcome_mismatches() -> list[str]:
    """Every household whose stored contributions or units differ from its case file now, and every cell
    that differs from the sum of the stored contributions: empty when all is exact. For the tests (after
    every test that used the database) and for `wijkkracht outcomes check`."""
    problems: list[str] = []
    ids = [hid for (hid,) in _rows(f"SELECT id FROM {_table(Household)} ORDER BY id", [])]
    fresh = household_contributions(ids)
    states, rows = _stored(ids) if ids else ({}, {})
    expected: dict[CellKey, list[int]] = defaultdict(lambda: [0, 0, 0])
    for hid in ids:
        reference = f"HH-{hid:06d}"
        outcome, state = fresh[hid], states.get(hid)
        stored = {key: sums for key, (_, sums) in rows.get(hid, {}).items()}
        if state is None:
            if outcome.contributions:
                problems.append(f"{reference}: no stored contributions (never refreshed)")
            continue
        if state.state != outcome.state:
            problems.append(f"{reference} units/level: stored {state.state}, case file says {outcome.state}")
        if stored != outcome.contributions:
            for month, measure in sorted(set(stored) | set(outcome.contributions)):
                was, now = stored.get((month, measure)), outcome.contributions.get((month, measure))
                if was != now:
                    problems.append(f"{reference} {measure} {month:%Y-%m}: stored {was}, case file says {now}")
        _move(expected, state, stored, +1)
    cells: dict[CellKey, list[int]] = {
        (kind, unit_id, _date(month), measure, level): [n, total, total_sq]
        for kind, unit_id, month, measure, level, n, total, total_sq in _rows(
            f"SELECT unit_kind, unit_id, month, measure, level, n, total, total_sq FROM {_table(IndicatorCell)}", []
        )
    }
    summed = {key: sums for key, sums in expected.items() if any(sums)}
    for cell in sorted(set(cells) | set(summed), key=str):
        if cells.get(cell) != summed.get(cell):
            kind, unit_id, cell_month, cell_measure, level = cell
            problems.append(
                f"cell {kind} {unit_id} {cell_month:%Y-%m} {cell_measure} level {level or '-'}: "
                f"stored {cells.get(cell)}, contributions sum to {summed.get(cell)}"
            )
    return problems
