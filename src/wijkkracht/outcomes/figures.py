"""The dashboard's numbers: read from `IndicatorCell`, summed per unit over a period, and disclosure-checked.

One read per page (`cells_read`): every measure of every indicator of one kind of unit, for every month up
to the period's end (the earlier months are needed for "households in care", a stock, and for the time rule
of the small-number suppression). Its size depends on units × months × measures × levels, not on households.
The monthly series are kept, so any period inside them — the dashboard's, and each month of the trend — is
summed from them without reading again (`Figures.sums`).

What is protected. Every count that a page or the API can show — per unit and for all units together, per
measure, for the period and per month of the trend — is a cell of one system of equations: "all units" is the
sum of the units, a household's intake channels sum to its registrations, the end of first-line support is
either a closure or a handover, a proportion's denominator is its numerator plus the rest (protected as well:
"47 of 50 moved up" tells that 3 did not), and the pyramid's levels sum to all units. `privacy.disclosure.
suppress` hides the small cells and enough others that no hidden one can be worked out; before that, the time
rule (`privacy.disclosure.period_shown`) hides a unit's count of the period where two periods differing by a
few months could be subtracted. A month of the trend is answered exactly as the dashboard for that one month,
so the same count is hidden or shown the same way wherever it appears. Sums (minutes, days, scale steps) are
shown only where their count is.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from wijkkracht.households.models import IntakeChannel
from wijkkracht.outcomes.models import IndicatorCell, PyramidLevel
from wijkkracht.outcomes.periods import Period, months_between
from wijkkracht.outcomes.policy import Indicator, OutcomePolicy
from wijkkracht.privacy import disclosure

ALL = "all"
#: The exposure of the rates: households in care per month (a stock, from `care_start` and `care_end`).
CARE = "care"
#: Households in care in the period's last month (the pyramid's "demand").
IN_CARE_AT_END = "in_care_at_end"
REGISTERED = "registered"
CHANNEL_MEASURES = tuple(f"{REGISTERED}.{channel}" for channel in IntakeChannel.values)
#: Counts that are the sum of other counts of the same unit.
PARTITIONS: dict[str, tuple[str, ...]] = {
    REGISTERED: CHANNEL_MEASURES,
    "ended": ("ended_closed", "ended_handed_over"),
}
LEVELS = tuple(PyramidLevel.values)
#: The pyramid's cells: households in care at the period's end, and contacts, per level.
PYRAMID_MEASURES = (IN_CARE_AT_END, "contacts")

UnitKey = int | str  # a unit's id, or ALL, or "level:<level>" in the pyramid
Cell = tuple[UnitKey, str]


@dataclass
class Agg:
    n: int = 0
    total: int = 0
    total_sq: int = 0


def rest_measure(numerator: str) -> str:
    return f"rest:{numerator}"


@dataclass
class Series:
    """One measure of one unit (one level, or all levels together) per month, from `first` to the read's end."""

    first: datetime.date
    n: list[int]
    total: list[int]
    total_sq: list[int]
    _safe: frozenset[int] | None = None

    def index(self, month: datetime.date) -> int:
        return months_between(self.first, month)

    def sums(self, period: Period) -> Agg:
        start, end = max(0, self.index(period.start)), min(len(self.n) - 1, self.index(period.end))
        if end < start:
            return Agg()
        return Agg(sum(self.n[start : end + 1]), sum(self.total[start : end + 1]), sum(self.total_sq[start : end + 1]))

    def at(self, month: datetime.date) -> int:
        index = self.index(month)
        return self.n[index] if 0 <= index < len(self.n) else 0

    def hidden_by_time(self, period: Period, threshold: int) -> bool:
        """Whether the period's count could be worked out by subtracting two periods (the time rule). The safe
        boundaries are chosen greedily from the first month, so those up to a month never depend on later ones:
        one computation serves every period that ends in the series."""
        if self._safe is None:
            self._safe = disclosure.safe_boundaries(self.n, threshold=threshold)
        start, end = self.index(period.start), self.index(period.end)
        if end < 0:
            return False  # the period ends before the first month with data: nothing to protect
        start = max(0, start)
        return not (start in self._safe and end + 1 in self._safe)


def _series(monthly: dict[datetime.date, list[int]], end: datetime.date) -> Series:
    first = min(monthly)
    length = months_between(first, end) + 1
    n, total, total_sq = [0] * length, [0] * length, [0] * length
    for month, (a, b, c) in monthly.items():
        index = months_between(first, month)
        n[index] += a
        total[index] += b
        total_sq[index] += c
    return Series(first, n, total, total_sq)


def _stock(changes: dict[datetime.date, list[int]], end: datetime.date) -> Series:
    """Households in care per month from the monthly starts minus ends."""
    steps = _series(changes, end)
    stock, running = [], 0
    for step in steps.n:
        running += step
        stock.append(running)
    return Series(steps.first, stock, [0] * len(stock), [0] * len(stock))


@dataclass
class Figures:
    """One unit's (or all units') monthly series per measure: levels together, and per level."""

    series: dict[str, Series] = field(default_factory=dict)
    by_level: dict[tuple[str, str], Series] = field(default_factory=dict)

    def sums(self, measure: str, period: Period, level: str | None = None) -> Agg:
        if measure == IN_CARE_AT_END:
            stock = self.series.get(CARE) if level is None else self.by_level.get((CARE, level))
            return Agg(stock.at(period.end) if stock else 0)
        found = self.series.get(measure) if level is None else self.by_level.get((measure, level))
        return found.sums(period) if found else Agg()

    def hidden_by_time(self, measure: str, period: Period, threshold: int) -> bool:
        if measure == IN_CARE_AT_END:
            measure, period = CARE, Period(period.end, period.end)
        found = self.series.get(measure)
        return found.hidden_by_time(period, threshold) if found else False


def measures_of(policy: OutcomePolicy) -> list[str]:
    """Every stored measure the indicators need."""
    measures: set[str] = {"care_start", "care_end"}
    for indicator in policy.indicators:
        if indicator.breakdown == "intake_channel":
            measures.update(CHANNEL_MEASURES)
        else:
            measures.add(indicator.measure)
        if indicator.denominator:
            measures.add(indicator.denominator)
    for whole, parts in PARTITIONS.items():
        if whole in measures and whole != REGISTERED:
            measures.update(parts)
    return sorted(measures)


def cells_read(
    *,
    kind: str,
    end: datetime.date,
    measures: Sequence[str],
    unit_ids: Iterable[int] | None = None,
    rests: Sequence[tuple[str, str]] = (),
) -> dict[UnitKey, Figures]:
    """The monthly figures per unit of one kind up to the month `end`, and for all of them together (`ALL`):
    one query."""
    wanted = set(measures)
    if unit_ids is None:
        queryset = IndicatorCell.objects.filter(unit_kind=kind, measure__in=list(measures), month__lte=end)
    else:
        # A few units (the workers of one team): by unit first, the other measures are dropped below (the index
        # on kind, measure and month would read every worker's cells of the city).
        queryset = IndicatorCell.objects.filter(unit_kind=kind, unit_id__in=list(unit_ids), month__lte=end)
    # raw[unit][(measure, level)][month] = [n, total, total_sq]
    raw: dict[UnitKey, dict[tuple[str, str], dict[datetime.date, list[int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    )
    for unit_id, month, measure, level, n, total, total_sq in queryset.values_list(
        "unit_id", "month", "measure", "level", "n", "total", "total_sq"
    ).order_by():
        if measure not in wanted:
            continue
        if measure == "care_end":
            measure, n = CARE, -n
        elif measure == "care_start":
            measure = CARE
        for key in (unit_id, ALL):
            sums = raw[key][(measure, level)][month]
            sums[0] += n
            sums[1] += total
            sums[2] += total_sq
    units: dict[UnitKey, Figures] = {}
    for key, per_measure in raw.items():
        figures = Figures()
        together: dict[str, dict[datetime.date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
        for (measure, level), monthly in per_measure.items():
            figures.by_level[(measure, level)] = _stock(monthly, end) if measure == CARE else _series(monthly, end)
            targets = [measure]
            if measure in CHANNEL_MEASURES:
                targets.append(REGISTERED)
            for target in targets:
                for month, (n, total, total_sq) in monthly.items():
                    sums = together[target][month]
                    sums[0] += n
                    sums[1] += total
                    sums[2] += total_sq
        for measure, monthly in together.items():
            figures.series[measure] = _stock(monthly, end) if measure == CARE else _series(monthly, end)
        for numerator, denominator in rests:
            if denominator in together:
                rest: dict[datetime.date, list[int]] = defaultdict(lambda: [0, 0, 0])
                for month, sums in together[denominator].items():
                    rest[month][0] += sums[0]
                for month, sums in together.get(numerator, {}).items():
                    rest[month][0] -= sums[0]
                figures.series[rest_measure(numerator)] = _series(rest, end)
        units[key] = figures
    units.setdefault(ALL, Figures())
    return units


# --- which counts a page shows, and which of them are hidden ----------------------------------------------


def counted_measures(indicators: Sequence[Indicator]) -> tuple[list[str], list[tuple[str, str]]]:
    """The counts the dashboard shows for these indicators (measures and rests) and the (numerator, denominator)
    pairs whose rest is protected as a count of its own."""
    counts: set[str] = {CARE}
    rests: list[tuple[str, str]] = []
    for indicator in indicators:
        if indicator.breakdown == "intake_channel":
            counts.update(CHANNEL_MEASURES)
            counts.add(REGISTERED)
            continue
        counts.add(indicator.measure)
        if indicator.denominator:
            counts.add(indicator.denominator)
            covered = PARTITIONS.get(indicator.denominator, ())
            if indicator.measure not in covered and (indicator.measure, indicator.denominator) not in rests:
                rests.append((indicator.measure, indicator.denominator))
    for whole, parts in PARTITIONS.items():
        if whole in counts:
            counts.update(parts)
    return sorted(counts), rests


@dataclass(frozen=True)
class Disclosed:
    """The counts of a page (one period) and which of them are hidden."""

    cells: dict[Cell, int]
    hidden: frozenset[Cell]

    def shown(self, unit: UnitKey, measure: str) -> int | None:
        key = (unit, measure)
        if key in self.hidden:
            return None
        return self.cells.get(key, 0)


def disclose(
    units: dict[UnitKey, Figures],
    policy: OutcomePolicy,
    period: Period,
    *,
    unit_keys: Sequence[UnitKey],
    pyramid_scope: UnitKey = ALL,
    indicators: Sequence[Indicator] | None = None,
) -> Disclosed:
    """Hide the small counts of the page for `period` and every count from which a hidden one could be worked
    out. `unit_keys`: the units compared (their sum is `ALL`).

    `indicators` (default: all of the policy): the counts of these only. The equations tie a count to the same
    measure of the other units, to its partition, to its proportion's numerator, denominator and rest, and to the
    pyramid; `counted_measures` takes all of those along, so each indicator's counts form closed groups of
    equations, and `suppress` decides every group on its own (its complements are chosen among the cells of the
    group's equations). The counts of one indicator are therefore hidden exactly as on the full page — what the
    trend relies on to check one indicator per month at a fraction of the cost."""
    threshold = policy.small_cell_threshold
    counts, rests = counted_measures(policy.indicators if indicators is None else indicators)
    measures = counts + [rest_measure(numerator) for numerator, _ in rests]
    empty = Figures()
    cells: dict[Cell, int] = {}
    forced: set[Cell] = set()
    for key in [*unit_keys, ALL]:
        figures = units.get(key, empty)
        for measure in measures:
            cells[(key, measure)] = figures.sums(measure, period).n
            if figures.hidden_by_time(measure, period, threshold):
                forced.add((key, measure))
    equations: list[tuple[Cell, tuple[Cell, ...]]] = []
    for measure in measures:
        equations.append(((ALL, measure), tuple((key, measure) for key in unit_keys)))
    for key in [*unit_keys, ALL]:
        for whole, parts in PARTITIONS.items():
            if whole in counts:
                equations.append(((key, whole), tuple((key, part) for part in parts)))
        for numerator, denominator in rests:
            equations.append(((key, denominator), ((key, numerator), (key, rest_measure(numerator)))))
    scope = units.get(pyramid_scope, empty)
    for measure in PYRAMID_MEASURES:
        level_cells: list[Cell] = []
        for level in LEVELS:
            cell = (f"level:{level}", measure)
            cells[cell] = scope.sums(measure, period, level).n
            level_cells.append(cell)
        total = (pyramid_scope, measure)
        if total not in cells:
            cells[total] = scope.sums(measure, period).n
            if scope.hidden_by_time(measure, period, threshold):
                forced.add(total)
        equations.append((total, tuple(level_cells)))
    hidden = disclosure.suppress(cells, equations, threshold=threshold, forced=forced)
    return Disclosed(cells=cells, hidden=frozenset(hidden))


# --- an indicator's value per unit --------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One unit's value of one indicator, or None where a count it needs is hidden (or there is nothing)."""

    value: float | None
    n: int | None  # the denominator shown beside it (households, members, goals, care months)
    numerator: int | None = None


def indicator_value(
    indicator: Indicator, figures: Figures, period: Period, disclosed: Disclosed, unit: UnitKey
) -> Value:
    if indicator.breakdown == "intake_channel" or indicator.kind == "count":
        measure = REGISTERED if indicator.breakdown == "intake_channel" else indicator.measure
        n = disclosed.shown(unit, measure)
        return Value(value=None if n is None else float(n), n=n)
    if indicator.kind == "mean":
        n = disclosed.shown(unit, indicator.measure)
        if not n:
            return Value(value=None, n=n)
        agg = figures.sums(indicator.measure, period)
        return Value(value=agg.total / agg.n / indicator.scale, n=n)
    if indicator.kind == "proportion":
        assert indicator.denominator is not None
        denominator = disclosed.shown(unit, indicator.denominator)
        numerator = disclosed.shown(unit, indicator.measure)
        rest_hidden = (unit, rest_measure(indicator.measure)) in disclosed.hidden
        if not denominator or numerator is None or rest_hidden:
            return Value(value=None, n=denominator, numerator=numerator)
        return Value(value=numerator / denominator, n=denominator, numerator=numerator)
    # a rate: events (or their minutes) per month in care
    exposure = disclosed.shown(unit, CARE)
    events = disclosed.shown(unit, indicator.measure)
    if not exposure or events is None:
        return Value(value=None, n=exposure, numerator=events)
    agg = figures.sums(indicator.measure, period)
    amount = agg.total if indicator.use == "total" else agg.n
    return Value(value=amount / exposure / indicator.scale, n=exposure, numerator=amount)
