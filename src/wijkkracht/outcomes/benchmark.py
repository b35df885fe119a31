"""The benchmark of teams and workers: funnel plots with control limits that depend on the number of households
(Spiegelhalter, "Funnel plots for comparing institutional performance", Statistics in Medicine 24 (2005)
1185–1202), optionally adjusted for case mix. Pure statistics: the caller reads the aggregates (from
`IndicatorCell`) and passes them in; nothing here touches the database.

Every unit (a team, a worker, a wijk) brings its figures per stratum (the pyramid level of its households'
0-meting, "" = not yet measured) as `Figures(n, total, total_sq)`:

- `proportion`: n = the denominator (households whose support ended, adults with a ladder measurement…),
  total = how many of them count (closed, moved up…). Value = total / n.
- `mean`: n = observations, total = their sum, total_sq = the sum of their squares. Value = total / n / scale.
- `rate`: n = the exposure (care months), total = the events (contacts) or, with `amounts=True`, the amount
  (minutes), total_sq = the sum of the squared amounts (only with `amounts=True`). Value = total / n.
- `count` is not compared in a funnel plot.

The centre is the value of all units together. The control limits at a unit's n, for a two-sided coverage c
(the policy file's `funnel.warning` 0.95 and `funnel.alarm` 0.998), with z = the (1 + c) / 2 quantile of the
standard normal distribution:

- `proportion`, method "exact" (the default): the exact binomial limits with Spiegelhalter's interpolation
  (appendix A.1.1): r_p is the p-quantile of Binomial(n, p0) (the smallest r with P(R ≤ r) ≥ p),
  α = (P(R ≤ r_p) − p) / P(R = r_p), limit = (r_p − α) / n, for p = (1 − c) / 2 and (1 + c) / 2.
  The interpolation makes the drawn funnel smooth. With it, a unit that differs only by chance
  lies above the upper limit a little more often than the nominal tail probability and below the lower limit a
  little less often; the difference shrinks as n grows. Method "normal": p0 ± z·√(p0(1 − p0)/n). Both are
  clipped to [0, 1].
- `mean`: centre ± z·σ/√n, with σ the pooled within-unit standard deviation
  σ² = Σ_u (total_sq_u − total_u²/n_u) / (N − U) (N observations in U units; when every unit has a single
  observation the overall standard deviation is used).
- `rate`: the normal approximation r0 ± z·√(v/n). For events (contacts) v = r0: the Poisson variance. For
  amounts (minutes: a Poisson number of contacts of varying length) v = Σ total_sq / Σ n, the variance of a
  compound Poisson sum per unit of exposure, which is r0 again when every amount is 1. Clipped at 0.

A unit outside the alarm limits is flagged `high` or `low`; outside only the warning limits, `warning`.
Units with n = 0 are left out.

Case mix (indirect standardisation by stratum): the city's value in stratum s is v_s = Σ_u total_{u,s} /
Σ_u n_{u,s}; a unit's expected total is E_u = Σ_s n_{u,s}·v_s; its adjusted value is centre + (O_u − E_u)/n_u
(O_u its observed total), on the scale of the value (a share, a mean, a rate). The limits stay those without
adjustment. Households whose level is not yet known ("") form a stratum of their own: the adjusted and the
unadjusted comparison then hold the same households, with the same centre and the same n per unit, so the two
can be read side by side; leaving them out would silently shrink the comparison and shift its centre. The
adjustment needs at least `case_mix.minimum_households` households with a known level (`Figures.households`
where given, otherwise n) or it raises `BenchmarkError`.
"""

import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate
from statistics import NormalDist

from django.utils.translation import gettext as _

KINDS = ("proportion", "mean", "rate")
METHODS = ("exact", "normal")

FLAG_NONE = ""
FLAG_WARNING = "warning"
FLAG_HIGH = "high"
FLAG_LOW = "low"

UNKNOWN_LEVEL = ""


class BenchmarkError(ValueError):
    """The comparison cannot be made; the message is for the user (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Figures:
    """One unit's aggregates in one stratum (see the module docstring for what n, total and total_sq mean per
    kind). `households`: how many households these are, where n counts something else (care months of a
    rate); used only for the case-mix minimum."""

    n: float = 0
    total: float = 0
    total_sq: float = 0
    households: int | None = None

    def __add__(self, other: "Figures") -> "Figures":
        households = (
            None
            if self.households is None and other.households is None
            else (self.households or 0) + (other.households or 0)
        )
        return Figures(self.n + other.n, self.total + other.total, self.total_sq + other.total_sq, households)

    @property
    def household_count(self) -> float:
        return self.n if self.households is None else self.households


@dataclass(frozen=True)
class UnitFigures:
    """A unit to compare: its key (the team's, worker's or wijk's id), the label users read, and its figures
    per stratum (pyramid level; "" = not yet measured). Without case mix one stratum is enough."""

    key: int | str
    label: str
    by_level: Mapping[str, Figures] = field(default_factory=dict)

    @classmethod
    def single(cls, key: int | str, label: str, figures: Figures) -> "UnitFigures":
        return cls(key, label, {UNKNOWN_LEVEL: figures})

    @cached_property
    def figures(self) -> Figures:
        """All levels together."""
        return sum(self.by_level.values(), Figures())


@dataclass(frozen=True)
class Limits:
    """The control limits at one n."""

    n: float
    lower_alarm: float
    lower_warning: float
    upper_warning: float
    upper_alarm: float


@dataclass(frozen=True)
class UnitResult:
    key: int | str
    label: str
    n: float
    value: float
    #: The value adjusted for case mix (None without adjustment).
    adjusted: float | None
    lower_alarm: float
    lower_warning: float
    upper_warning: float
    upper_alarm: float
    #: "" (within the warning limits), "warning", "high" or "low" (outside the alarm limits).
    flag: str

    @property
    def compared(self) -> float:
        """The value held against the limits: the adjusted one where there is one."""
        return self.value if self.adjusted is None else self.adjusted

    @property
    def flagged(self) -> bool:
        return self.flag in (FLAG_HIGH, FLAG_LOW)

    @property
    def side(self) -> str:
        """High or low for a unit outside any limit (also a warning): "high", "low" or "" (within)."""
        if self.compared > self.upper_warning:
            return FLAG_HIGH
        if self.compared < self.lower_warning:
            return FLAG_LOW
        return FLAG_NONE


@dataclass(frozen=True)
class FunnelResult:
    kind: str
    method: str
    centre: float
    warning: float
    alarm: float
    case_mix: bool
    units: tuple[UnitResult, ...]
    #: The limits at a range of n from the smallest to the largest unit, for drawing the funnel.
    curve: tuple[Limits, ...]
    #: The standard deviation behind a mean's limits (None for the other kinds).
    sigma: float | None = None

    @property
    def flagged(self) -> tuple[UnitResult, ...]:
        return tuple(unit for unit in self.units if unit.flagged)

    @property
    def n_total(self) -> float:
        return sum(unit.n for unit in self.units)


def z_of(coverage: float) -> float:
    """The two-sided normal quantile: 1.96 for 0.95, 3.09 for 0.998."""
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must lie between 0 and 1, not {coverage}")
    return NormalDist().inv_cdf((1 + coverage) / 2)


# --- exact binomial limits -------------------------------------------------------------------------------


def _binomial_pmf_window(n: int, p: float) -> tuple[int, list[float]]:
    """The binomial probabilities P(R = k) for k in a window around the mean that holds all but a negligible
    part (< 1e-12) of the mass: (first k, probabilities). Computed from the mode outward by the ratio of
    neighbouring terms, so the cost is O(√n), not O(n)."""
    mean, sd = n * p, math.sqrt(n * p * (1 - p))
    lo = max(0, math.floor(mean - 8 * sd - 8))
    hi = min(n, math.ceil(mean + 8 * sd + 8))
    mode = min(hi, max(lo, math.floor((n + 1) * p)))
    log_mode = (
        math.lgamma(n + 1)
        - math.lgamma(mode + 1)
        - math.lgamma(n - mode + 1)
        + mode * math.log(p)
        + (n - mode) * math.log1p(-p)
    )
    pmf = [0.0] * (hi - lo + 1)
    pmf[mode - lo] = math.exp(log_mode)
    odds = p / (1 - p)
    for k in range(mode, hi):
        pmf[k + 1 - lo] = pmf[k - lo] * (n - k) / (k + 1) * odds
    for k in range(mode, lo, -1):
        pmf[k - 1 - lo] = pmf[k - lo] * k / (n - k + 1) / odds
    return lo, pmf


def _interpolated_quantiles(lo: int, pmf: Sequence[float], probabilities: Iterable[float]) -> list[float]:
    """Spiegelhalter's interpolated quantile r_p − α of a discrete distribution on lo, lo + 1, …"""
    cdf = list(accumulate(pmf))
    answers = []
    for probability in probabilities:
        index = min(bisect_left(cdf, probability), len(cdf) - 1)
        alpha = (cdf[index] - probability) / pmf[index] if pmf[index] > 0 else 0.0
        answers.append(lo + index - alpha)
    return answers


@lru_cache(maxsize=8192)
def exact_binomial_limits(n: int, p0: float, coverages: tuple[float, ...]) -> tuple[tuple[float, float], ...]:
    """(lower, upper) per coverage for a proportion over n at target p0, exact with interpolation. Cached: the
    same comparison shown again (or units of the same size) costs nothing."""
    if p0 <= 0 or p0 >= 1:
        return tuple((p0, p0) for _coverage in coverages)
    lo, pmf = _binomial_pmf_window(n, p0)
    tails = [((1 - coverage) / 2, (1 + coverage) / 2) for coverage in coverages]
    quantiles = _interpolated_quantiles(lo, pmf, [tail for pair in tails for tail in pair])
    # An upper quantile of n itself (every one of them) means P(R = n) is larger than the tail: all n is not
    # unusual, so nothing lies above the limit. The interpolation would put the limit just below 1 and flag a unit
    # at 100 % (seen at p0 = 0.995, n = 279, where P(R = n) = 0.25). The lower end needs nothing: a quantile of 0
    # is clipped to 0, and a unit at 0 % is not below it.
    quantiles = [float(n) if i % 2 == 1 and quantile > n - 1 else quantile for i, quantile in enumerate(quantiles)]
    limits = [min(1.0, max(0.0, quantile / n)) for quantile in quantiles]
    return tuple((limits[2 * i], limits[2 * i + 1]) for i in range(len(coverages)))


# --- the funnel ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Model:
    kind: str
    method: str
    centre: float  # on the value scale
    spread: float  # per-observation standard deviation on the value scale (mean, rate); unused for exact
    warning: float
    alarm: float

    @cached_property
    def z_warning(self) -> float:
        return z_of(self.warning)

    @cached_property
    def z_alarm(self) -> float:
        return z_of(self.alarm)

    def limits(self, n: float) -> Limits:
        if self.kind == "proportion" and self.method == "exact":
            (lower_warning, upper_warning), (lower_alarm, upper_alarm) = exact_binomial_limits(
                max(1, round(n)), self.centre, (self.warning, self.alarm)
            )
            return Limits(n, lower_alarm, lower_warning, upper_warning, upper_alarm)
        spread = math.sqrt(self.centre * (1 - self.centre)) if self.kind == "proportion" else self.spread
        half_warning = self.z_warning * spread / math.sqrt(n)
        half_alarm = self.z_alarm * spread / math.sqrt(n)
        low = 0.0 if self.kind in ("proportion", "rate") else -math.inf
        high = 1.0 if self.kind == "proportion" else math.inf
        return Limits(
            n,
            max(low, self.centre - half_alarm),
            max(low, self.centre - half_warning),
            min(high, self.centre + half_warning),
            min(high, self.centre + half_alarm),
        )


def _flag(value: float, limits: Limits) -> str:
    if value > limits.upper_alarm:
        return FLAG_HIGH
    if value < limits.lower_alarm:
        return FLAG_LOW
    if value > limits.upper_warning or value < limits.lower_warning:
        return FLAG_WARNING
    return FLAG_NONE


def _curve_ns(kind: str, method: str, smallest: float, largest: float, points: int) -> list[float]:
    """n from the smallest to the largest unit, spaced evenly on a square-root scale (the limits change fastest
    at small n); whole numbers where the limits are exact binomial ones."""
    if largest <= smallest:
        values = [smallest]
    else:
        root_lo, root_hi = math.sqrt(smallest), math.sqrt(largest)
        values = [(root_lo + (root_hi - root_lo) * i / (points - 1)) ** 2 for i in range(points)]
    if kind == "proportion" and method == "exact":
        return sorted({max(1, round(value)) for value in values})
    return values


def _check_figures(kind: str, unit: UnitFigures) -> None:
    for level, figures in unit.by_level.items():
        if figures.n < 0 or figures.total_sq < 0 or (kind != "mean" and figures.total < 0):
            raise ValueError(f"negative figures for {unit.key!r} at level {level!r}: {figures}")
        if kind == "proportion" and figures.total > figures.n:
            raise ValueError(f"more events than the denominator for {unit.key!r} at level {level!r}: {figures}")


def funnel(
    kind: str,
    units: Iterable[UnitFigures],
    *,
    warning: float,
    alarm: float,
    case_mix: bool = False,
    minimum_households: int = 0,
    scale: int = 1,
    amounts: bool = False,
    method: str = "exact",
    curve_points: int = 60,
) -> FunnelResult:
    """Compare units on one indicator. `warning`/`alarm`: the policy's two-sided coverages
    (`OutcomePolicy.funnel_warning`, `funnel_alarm`). `case_mix`: adjust for the pyramid level, which needs at
    least `minimum_households` (`OutcomePolicy.case_mix_minimum`) with a known level. `scale`: a mean's stored
    values are this many times the value users read (self-reliance: thousandths of a step). `amounts`: a rate
    of amounts (minutes) whose variance comes from total_sq, not a rate of events. `method`: "exact" or
    "normal" limits for a proportion (the others are always normal)."""
    if kind == "count":
        raise BenchmarkError(_("A count is not compared in a funnel plot; choose a share, an average or a rate."))
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}, expected one of {KINDS}")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}, expected one of {METHODS}")
    if not 0 < warning < alarm < 1:
        raise ValueError(f"expected 0 < warning < alarm < 1, not {warning} and {alarm}")
    if scale <= 0:
        raise ValueError(f"scale must be positive, not {scale}")
    given = list(units)
    for unit in given:
        _check_figures(kind, unit)
    compared = [unit for unit in given if unit.figures.n > 0]
    if not compared:
        raise BenchmarkError(_("There are no households to compare in this period."))

    all_figures = sum((unit.figures for unit in compared), Figures())
    big_n = all_figures.n
    centre = all_figures.total / big_n / scale
    sigma: float | None = None
    if kind == "mean":
        sigma = _pooled_sd(compared) / scale
        spread = sigma
    elif kind == "rate":
        spread = math.sqrt((all_figures.total_sq if amounts else all_figures.total) / big_n)
    else:
        spread = 0.0
    model = _Model(kind, method, centre, spread, warning, alarm)

    adjusted: dict[int | str, float] = {}
    if case_mix:
        adjusted = _adjusted_values(compared, centre, scale, minimum_households)

    results = []
    for unit in compared:
        figures = unit.figures
        limits = model.limits(figures.n)
        value = figures.total / figures.n / scale
        adjusted_value = adjusted.get(unit.key) if case_mix else None
        results.append(
            UnitResult(
                key=unit.key,
                label=unit.label,
                n=figures.n,
                value=value,
                adjusted=adjusted_value,
                lower_alarm=limits.lower_alarm,
                lower_warning=limits.lower_warning,
                upper_warning=limits.upper_warning,
                upper_alarm=limits.upper_alarm,
                flag=_flag(value if adjusted_value is None else adjusted_value, limits),
            )
        )
    smallest = min(unit.n for unit in results)
    largest = max(unit.n for unit in results)
    curve = tuple(model.limits(n) for n in _curve_ns(kind, method, smallest, largest, curve_points))
    return FunnelResult(kind, method, centre, warning, alarm, case_mix, tuple(results), curve, sigma)


def _pooled_sd(units: Sequence[UnitFigures]) -> float:
    """The pooled within-unit standard deviation (stored scale); the overall one when every unit has a single
    observation (no within-unit spread to pool); 0 for a single observation."""
    within = 0.0
    big_n = 0.0
    for unit in units:
        figures = unit.figures
        within += max(0.0, figures.total_sq - figures.total**2 / figures.n)
        big_n += figures.n
    degrees = big_n - len(units)
    if degrees >= 1:
        return math.sqrt(within / degrees)
    if big_n < 2:
        return 0.0
    total = sum(unit.figures.total for unit in units)
    total_sq = sum(unit.figures.total_sq for unit in units)
    return math.sqrt(max(0.0, total_sq - total**2 / big_n) / (big_n - 1))


def _adjusted_values(
    units: Sequence[UnitFigures], centre: float, scale: int, minimum_households: int
) -> dict[int | str, float]:
    known = sum(
        figures.household_count for unit in units for level, figures in unit.by_level.items() if level != UNKNOWN_LEVEL
    )
    if known < minimum_households:
        raise BenchmarkError(
            _(
                "Too few households for a case-mix adjustment: %(known)s with a known level (a 0-meting), "
                "at least %(minimum)s are needed."
            )
            % {"known": math.floor(known), "minimum": minimum_households}
        )
    per_level: dict[str, Figures] = {}
    for unit in units:
        for level, figures in unit.by_level.items():
            per_level[level] = per_level.get(level, Figures()) + figures
    level_value = {level: figures.total / figures.n for level, figures in per_level.items() if figures.n > 0}
    adjusted = {}
    for unit in units:
        observed = unit.figures.total
        expected = sum(figures.n * level_value[level] for level, figures in unit.by_level.items() if figures.n > 0)
        adjusted[unit.key] = centre + (observed - expected) / unit.figures.n / scale
    return adjusted
