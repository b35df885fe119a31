"""What the outcomes dashboard and its API show: aggregates only, small numbers hidden (issue 11).

`dashboard(...)` reads the indicator cells of one kind of unit once (`outcomes.figures.cells_read`), decides
which counts are hidden (`outcomes.figures.disclose`), and builds per indicator the values per unit, the
funnel plot (`outcomes.benchmark`), the monthly trend, the intake-channel table, the pyramid of demand
against the time spent, and the list *te bespreken* of units outside the outer control limits.

Who may look: the roles in the policy file's `roles.dashboard` (policy officers and team coordinators). No
household's data is read, so nothing is written to the access log; a refusal is (the middleware logs 403s).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import User
from wijkkracht.households.models import IntakeChannel
from wijkkracht.outcomes import benchmark
from wijkkracht.outcomes.figures import (
    ALL,
    CARE,
    CHANNEL_MEASURES,
    IN_CARE_AT_END,
    LEVELS,
    REGISTERED,
    Disclosed,
    Figures,
    UnitKey,
    Value,
    cells_read,
    counted_measures,
    disclose,
    indicator_value,
    measures_of,
)
from wijkkracht.outcomes.models import OutlierConclusion, PyramidLevel, UnitKind
from wijkkracht.outcomes.periods import Period
from wijkkracht.outcomes.policy import Indicator, OutcomePolicy, outcome_policy
from wijkkracht.teams.models import Team, Wijk

FUNNEL_KINDS = ("mean", "proportion", "rate")


def may_see_dashboard(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in set(
        outcome_policy().dashboard_roles
    )


def may_conclude(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in set(
        outcome_policy().conclude_roles
    )


def require_dashboard(user: Any) -> None:
    if not may_see_dashboard(user):
        raise PermissionDenied(_("The outcomes and the benchmark are for policy officers and team coordinators."))


@dataclass(frozen=True)
class Unit:
    key: UnitKey
    label: str


@dataclass(frozen=True)
class Scope:
    """What is compared: teams, districts, or the workers of one team."""

    kind: str
    team: Team | None = None

    @property
    def label(self) -> str:
        if self.kind == UnitKind.WORKER and self.team is not None:
            return _("workers of %(team)s") % {"team": self.team.name}
        labels = {
            UnitKind.TEAM.value: _("teams"),
            UnitKind.WIJK.value: _("districts"),
            UnitKind.WORKER.value: _("workers"),
        }
        return labels[self.kind]


def scope_parse(*, compare: str | None, team_id: int | None) -> Scope:
    """Teams (the default), districts, or the workers of one team (a team must be named, so a worker is
    compared with the colleagues the team meeting discusses)."""
    compare = compare or UnitKind.TEAM
    if compare not in UnitKind.values:
        raise ValidationError({"compare": [_("Compare teams, districts or workers.")]})
    if compare != UnitKind.WORKER:
        if team_id is not None:
            raise ValidationError({"team": [_("A team is chosen only to compare its workers.")]})
        return Scope(kind=compare)
    if team_id is None:
        raise ValidationError({"team": [_("Choose the team whose workers you want to compare.")]})
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationError({"team": [_("There is no such team.")]})
    return Scope(kind=compare, team=team)


def units_of(scope: Scope) -> list[Unit]:
    if scope.kind == UnitKind.TEAM:
        return [Unit(pk, name) for pk, name in Team.objects.order_by("name").values_list("pk", "name")]
    if scope.kind == UnitKind.WIJK:
        return [Unit(pk, name) for pk, name in Wijk.objects.order_by("name").values_list("pk", "name")]
    assert scope.team is not None
    workers = (
        User.objects.filter(Q(memberships__team=scope.team)).distinct().order_by("first_name", "last_name", "username")
    )
    return [Unit(user.pk, user.get_full_name() or user.username) for user in workers]


@dataclass(frozen=True)
class IndicatorRow:
    unit: Unit
    value: Value
    point: Any | None  # the benchmark's result for the unit (limits, flag), where it is in the funnel


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    all_units: Value
    rows: list[IndicatorRow]
    funnel: Any | None  # outcomes.benchmark's funnel, for the picture
    error: str = ""  # why there is no funnel (no households, too few for the case mix)


@dataclass(frozen=True)
class ChannelRow:
    unit: UnitKey
    label: str
    cells: list[int | None]  # per channel, then the total


@dataclass(frozen=True)
class PyramidRow:
    level: str
    label: str
    households: int | None
    contacts: int | None
    minutes: int | None


@dataclass(frozen=True)
class TrendPoint:
    month: datetime.date
    value: float | None


@dataclass(frozen=True)
class Outlier:
    indicator: Indicator
    unit: Unit
    value: float
    centre: float
    n: int
    direction: str  # "high" or "low"
    conclusion: OutlierConclusion | None


@dataclass
class Dashboard:
    period: Period
    scope: Scope
    case_mix: bool
    units: list[Unit]
    indicators: list[IndicatorResult]
    selected: IndicatorResult | None
    channels: list[tuple[str, str]]
    channel_rows: list[ChannelRow]
    pyramid: list[PyramidRow]
    trend: list[TrendPoint]
    outliers: list[Outlier]
    threshold: int
    trend_unit: UnitKey = ALL


def _funnel(
    indicator: Indicator,
    units: list[Unit],
    figures: dict[UnitKey, Figures],
    period: Period,
    disclosed: Disclosed,
    policy: OutcomePolicy,
    case_mix: bool,
) -> IndicatorResult:
    empty = Figures()
    all_value = indicator_value(indicator, figures[ALL], period, disclosed, ALL)
    values = {
        unit.key: indicator_value(indicator, figures.get(unit.key, empty), period, disclosed, unit.key)
        for unit in units
    }
    if indicator.kind not in FUNNEL_KINDS:
        rows = [IndicatorRow(unit, values[unit.key], None) for unit in units]
        return IndicatorResult(indicator, all_value, rows, None)
    try:
        result = benchmark.funnel(
            indicator.kind,
            [_benchmark_unit(indicator, unit, figures.get(unit.key, empty), period) for unit in units],
            warning=policy.funnel_warning,
            alarm=policy.funnel_alarm,
            case_mix=case_mix,
            minimum_households=policy.case_mix_minimum,
            scale=indicator.scale,
            amounts=indicator.kind == "rate" and indicator.use == "total",
        )
    except benchmark.BenchmarkError as error:
        rows = [IndicatorRow(unit, values[unit.key], None) for unit in units]
        return IndicatorResult(indicator, all_value, rows, None, error=error.message)
    # A unit whose value is hidden is counted in the centre (it is part of "all") but not shown.
    points = {point.key: point for point in result.units if values[point.key].value is not None}
    rows = [IndicatorRow(unit, values[unit.key], points.get(unit.key)) for unit in units]
    return IndicatorResult(indicator, all_value, rows, result)


def _benchmark_unit(indicator: Indicator, unit: Unit, figures: Figures, period: Period) -> benchmark.UnitFigures:
    """A unit's figures per level in the benchmark's terms (see `outcomes.benchmark`)."""
    by_level: dict[str, benchmark.Figures] = {}
    for level in LEVELS:
        if indicator.kind == "proportion":
            assert indicator.denominator is not None
            denominator = figures.sums(indicator.denominator, period, level)
            numerator = figures.sums(indicator.measure, period, level)
            value = benchmark.Figures(denominator.n, numerator.n)
        elif indicator.kind == "mean":
            agg = figures.sums(indicator.measure, period, level)
            value = benchmark.Figures(agg.n, agg.total, agg.total_sq)
        else:  # a rate per month in care
            exposure = figures.sums(CARE, period, level).n
            events = figures.sums(indicator.measure, period, level)
            if indicator.use == "total":
                value = benchmark.Figures(exposure, events.total, events.total_sq)
            else:
                value = benchmark.Figures(exposure, events.n)
        if value.n:
            by_level[level] = value
    return benchmark.UnitFigures(unit.key, unit.label, by_level)


def _channel_table(units: list[Unit], disclosed: Disclosed) -> list[ChannelRow]:
    rows = []
    for unit in [*units, Unit(ALL, _("All"))]:
        cells = [disclosed.shown(unit.key, measure) for measure in CHANNEL_MEASURES]
        cells.append(disclosed.shown(unit.key, REGISTERED))
        rows.append(ChannelRow(unit.key, unit.label, cells))
    return rows


def _pyramid(figures: Figures, period: Period, disclosed: Disclosed) -> list[PyramidRow]:
    labels = dict(PyramidLevel.choices)
    rows = []
    for level in reversed(LEVELS):  # crisis at the top, not yet measured last
        key = f"level:{level}"
        contacts = disclosed.shown(key, "contacts")
        minutes = figures.sums("contacts", period, level).total if contacts is not None else None
        rows.append(PyramidRow(level, str(labels[level]), disclosed.shown(key, IN_CARE_AT_END), contacts, minutes))
    return rows


def _trend(
    indicator: Indicator,
    figures: dict[UnitKey, Figures],
    policy: OutcomePolicy,
    period: Period,
    unit_keys: list[UnitKey],
    scope_key: UnitKey,
) -> list[TrendPoint]:
    """The indicator per month for all units together (or one unit): each month is answered exactly as the
    dashboard for that one month, so a count is hidden or shown the same way wherever it appears."""
    points = []
    for month in period.months:
        month_period = Period(month, month)
        disclosed = disclose(figures, policy, month_period, unit_keys=unit_keys, indicators=[indicator])
        value = indicator_value(indicator, figures.get(scope_key, Figures()), month_period, disclosed, scope_key)
        points.append(TrendPoint(month, value.value))
    return points


def _outliers(results: list[IndicatorResult], scope: Scope, period: Period, case_mix: bool) -> list[Outlier]:
    flagged: list[Outlier] = []
    for result in results:
        if result.funnel is None:
            continue
        for row in result.rows:
            point = row.point
            if point is None or not point.flagged:
                continue
            flagged.append(
                Outlier(
                    indicator=result.indicator,
                    unit=row.unit,
                    value=point.compared,
                    centre=result.funnel.centre,
                    n=int(point.n),
                    direction=point.flag,
                    conclusion=None,
                )
            )
    if not flagged:
        return []
    latest: dict[tuple[str, int], OutlierConclusion] = {}
    for conclusion in OutlierConclusion.objects.filter(
        unit_kind=scope.kind, period_start=period.start, period_end=period.end, case_mix=case_mix
    ).order_by("recorded_at", "id"):
        latest[(conclusion.indicator, conclusion.unit_id)] = conclusion
    return [
        Outlier(**{**outlier.__dict__, "conclusion": latest.get((outlier.indicator.code, int(outlier.unit.key)))})
        for outlier in flagged
    ]


def dashboard(
    *,
    user: Any,
    period: Period,
    scope: Scope,
    indicator_code: str | None = None,
    case_mix: bool = False,
    trend_unit: int | None = None,
) -> Dashboard:
    """Everything the dashboard shows for one period and one kind of unit."""
    require_dashboard(user)
    policy = outcome_policy()
    if indicator_code is not None and indicator_code not in {indicator.code for indicator in policy.indicators}:
        raise ValidationError({"indicator": [_("There is no such indicator.")]})
    units = units_of(scope)
    unit_keys: list[UnitKey] = [unit.key for unit in units]
    unit_ids = [int(unit.key) for unit in units] if scope.kind == UnitKind.WORKER else None
    _counts, rests = counted_measures(policy.indicators)
    figures = cells_read(kind=scope.kind, end=period.end, measures=measures_of(policy), unit_ids=unit_ids, rests=rests)
    disclosed = disclose(figures, policy, period, unit_keys=unit_keys)
    results = [
        _funnel(indicator, units, figures, period, disclosed, policy, case_mix) for indicator in policy.indicators
    ]
    selected = next((result for result in results if result.indicator.code == indicator_code), None)
    if selected is not None and selected.error and selected.indicator.kind in FUNNEL_KINDS:
        # The comparison asked for cannot be made: say why, on the field that asked for it.
        raise ValidationError({"case_mix" if case_mix else "indicator": [selected.error]})
    if selected is None:
        selected = next((result for result in results if result.indicator.kind in FUNNEL_KINDS), None)
    trend_key: UnitKey = ALL
    if trend_unit is not None:
        if trend_unit not in {unit.key for unit in units}:
            raise ValidationError({"unit": [_("There is no such unit in this comparison.")]})
        trend_key = trend_unit
    trend = _trend(selected.indicator, figures, policy, period, unit_keys, trend_key) if selected else []
    return Dashboard(
        period=period,
        scope=scope,
        case_mix=case_mix,
        units=units,
        indicators=results,
        selected=selected,
        channels=[(value, str(label)) for value, label in IntakeChannel.choices],
        channel_rows=_channel_table(units, disclosed),
        pyramid=_pyramid(figures[ALL], period, disclosed),
        trend=trend,
        outliers=_outliers(results, scope, period, case_mix),
        threshold=policy.small_cell_threshold,
        trend_unit=trend_key,
    )


__all__ = ["CARE", "Dashboard", "dashboard", "scope_parse", "units_of"]
