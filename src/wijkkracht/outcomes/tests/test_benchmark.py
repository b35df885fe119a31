"""The benchmark's statistics, checked against numbers worked out by hand (no database)."""

import math
import statistics
from fractions import Fraction

import pytest
from django.utils import translation

from wijkkracht.outcomes.benchmark import (
    FLAG_HIGH,
    FLAG_LOW,
    FLAG_NONE,
    FLAG_WARNING,
    BenchmarkError,
    Figures,
    UnitFigures,
    exact_binomial_limits,
    funnel,
    z_of,
)

WARNING, ALARM = 0.95, 0.998


def unit(key, n, total, total_sq=0, label=None):
    return UnitFigures.single(key, label or f"Team {key}", Figures(n, total, total_sq))


def by_key(result):
    return {item.key: item for item in result.units}


def test_z_values_of_the_policy_coverages():
    assert z_of(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_of(0.998) == pytest.approx(3.090232, abs=1e-6)


def test_normal_limits_of_a_proportion_for_a_known_case():
    # p0 = (20 + 80) / (100 + 400) = 0.2. At n = 100: sd = √(0.2 · 0.8 / 100) = 0.04,
    # 95 %: 0.2 ± 1.96 · 0.04 = 0.2 ± 0.0784; 99.8 %: 0.2 ± 3.0902 · 0.04 = 0.2 ± 0.1236.
    result = funnel(
        "proportion", [unit("a", 100, 20), unit("b", 400, 80)], warning=WARNING, alarm=ALARM, method="normal"
    )
    assert result.centre == pytest.approx(0.2)
    small = by_key(result)["a"]
    assert small.lower_warning == pytest.approx(0.2 - 0.0784, abs=1e-4)
    assert small.upper_warning == pytest.approx(0.2 + 0.0784, abs=1e-4)
    assert small.lower_alarm == pytest.approx(0.2 - 0.1236, abs=1e-4)
    assert small.upper_alarm == pytest.approx(0.2 + 0.1236, abs=1e-4)
    # at n = 400 the limits are half as wide
    big = by_key(result)["b"]
    assert big.upper_warning - 0.2 == pytest.approx(0.0392, abs=1e-4)
    assert small.flag == big.flag == FLAG_NONE


def test_exact_binomial_limits_with_interpolation_worked_out_by_hand():
    # Binomial(10, ½): P(R ≤ r) = (1, 11, 56, 176, 386, 638, 848, 968, 1013, 1023, 1024)[r] / 1024.
    # Lower 95 % limit, p = 0.025 = 25.6/1024: r_p = 2 (11 < 25.6 ≤ 56), α = (56 − 25.6) / 45 = 0.67556,
    # limit = (2 − 0.67556) / 10 = 0.132444. Upper, p = 0.975 = 998.4/1024: r_p = 8 (968 < 998.4 ≤ 1013),
    # α = (1013 − 998.4) / 45 = 0.32444, limit = (8 − 0.32444) / 10 = 0.767556.
    result = funnel("proportion", [unit("a", 10, 4), unit("b", 10, 6)], warning=WARNING, alarm=ALARM)
    assert result.method == "exact" and result.centre == 0.5
    a = by_key(result)["a"]
    assert a.lower_warning == pytest.approx((2 - 30.4 / 45) / 10, abs=1e-12)
    assert a.upper_warning == pytest.approx((8 - 14.6 / 45) / 10, abs=1e-12)
    # 99.8 %: p = 0.001 = 1.024/1024: r_p = 1 (1 < 1.024 ≤ 11), α = (11 − 1.024) / 10, limit = (1 − α) / 10;
    # p = 0.999 = 1022.976/1024: r_p = 9 (1013 < 1022.976 ≤ 1023), α = (1023 − 1022.976) / 10.
    assert a.lower_alarm == pytest.approx((1 - 9.976 / 10) / 10, abs=1e-12)
    assert a.upper_alarm == pytest.approx((9 - 0.024 / 10) / 10, abs=1e-12)


def _brute_force_limit(n, p0, probability):
    """The same definition, by summing every exact binomial probability (Fractions, no window)."""
    p0 = Fraction(str(p0))  # 0.62 as 62/100, not as the binary fraction nearest to it (much faster)
    probability = Fraction(probability)
    cumulative = Fraction(0)
    for r in range(n + 1):
        mass = math.comb(n, r) * p0**r * (1 - p0) ** (n - r)
        cumulative += mass
        if cumulative >= probability:
            if r == n and probability > Fraction(1, 2):
                return 1.0  # all of n is not in the upper tail: nothing lies above it
            return float((r - (cumulative - probability) / mass) / n)
    raise AssertionError("unreachable")


@pytest.mark.parametrize(("n", "p0"), [(57, 0.3), (400, 0.05), (1000, 0.62), (3, 0.9)])
def test_exact_limits_agree_with_summing_every_probability(n, p0):
    (lower_warning, upper_warning), (lower_alarm, upper_alarm) = exact_binomial_limits(n, p0, (WARNING, ALARM))
    assert lower_warning == pytest.approx(max(0, _brute_force_limit(n, p0, Fraction(1, 40))), abs=1e-9)
    assert upper_warning == pytest.approx(min(1, _brute_force_limit(n, p0, Fraction(39, 40))), abs=1e-9)
    assert lower_alarm == pytest.approx(max(0, _brute_force_limit(n, p0, Fraction(1, 1000))), abs=1e-9)
    assert upper_alarm == pytest.approx(min(1, _brute_force_limit(n, p0, Fraction(999, 1000))), abs=1e-9)


def test_a_small_team_is_not_flagged_by_chance_where_a_naive_rule_would():
    # Eight big teams close to 20 %, one small team with 4 of 10 (40 %).
    big = [unit(f"big{i}", 200, total) for i, total in enumerate([38, 40, 42, 39, 41, 40, 37, 43])]
    small = unit("small", 10, 4)
    result = funnel("proportion", [*big, small], warning=WARNING, alarm=ALARM)
    # the naive rule: the mean of the teams' shares ± 2 standard deviations of those shares
    shares = [item.value for item in result.units]
    mean, sd = statistics.mean(shares), statistics.stdev(shares)
    assert not mean - 2 * sd <= 0.4 <= mean + 2 * sd  # the naive rule puts the small team on the list…
    assert by_key(result)["small"].flag == FLAG_NONE  # …the funnel does not: 4 of 10 happens at p0 ≈ 0.2
    # centre = (320 + 4) / 1610; P(R ≥ 4 | n = 10, p0) is about 0.12, well inside the 95 % limits
    assert result.centre == pytest.approx(324 / 1610)
    assert result.flagged == ()


def test_a_big_unit_is_flagged_and_a_warning_is_only_a_warning():
    units = [unit("a", 400, 80), unit("b", 400, 80), unit("c", 2000, 500), unit("d", 100, 30)]
    result = funnel("proportion", units, warning=WARNING, alarm=ALARM, method="normal")
    # centre = (80 + 80 + 500 + 30) / 2900 = 0.23793; c: 0.25 at n = 2000, sd = √(0.2379 · 0.7621 / 2000)
    # = 0.009523, z = (0.25 − 0.23793) / 0.009523 = 1.27: within. a and b: 0.2 at n = 400, sd = 0.02130,
    # z = −1.78: within. d: 0.3 at n = 100, sd = 0.04259, z = 1.46: within.
    assert result.centre == pytest.approx(690 / 2900)
    assert result.flagged == ()
    units = [unit("a", 400, 80), unit("b", 400, 80), unit("c", 2000, 560), unit("d", 100, 30)]
    result = funnel("proportion", units, warning=WARNING, alarm=ALARM, method="normal")
    # centre = 750 / 2900 = 0.25862; c: 0.28 at n = 2000, sd = 0.009790, z = 2.18 → outside 95 % only;
    # a, b: 0.2, sd = 0.02189, z = −2.68 → outside 95 % only.
    flags = {item.key: item.flag for item in result.units}
    assert flags == {"a": FLAG_WARNING, "b": FLAG_WARNING, "c": FLAG_WARNING, "d": FLAG_NONE}
    assert {item.key: item.side for item in result.units if item.flag} == {"a": "low", "b": "low", "c": "high"}
    units = [unit("a", 400, 80), unit("b", 400, 80), unit("c", 2000, 640), unit("d", 100, 30)]
    result = funnel("proportion", units, warning=WARNING, alarm=ALARM, method="normal")
    # centre = 830 / 2900 = 0.28621; c: 0.32 at n = 2000, sd = 0.010105, z = 3.34 → high;
    # a, b: 0.2, sd = 0.02260, z = −3.81 → low.
    flags = {item.key: item.flag for item in result.units}
    assert flags == {"a": FLAG_LOW, "b": FLAG_LOW, "c": FLAG_HIGH, "d": FLAG_NONE}
    assert [item.key for item in result.flagged] == ["a", "b", "c"]


def test_mean_limits_use_the_pooled_within_unit_standard_deviation():
    # A: observations 1 and 3 (n 2, total 4, squares 10); B: 2, 4, 6 (n 3, total 12, squares 56).
    # Within sums of squares: A 10 − 4²/2 = 2, B 56 − 12²/3 = 8; σ² = (2 + 8) / (5 − 2) = 10/3.
    # Centre 16/5 = 3.2; at n = 2: 3.2 ± 1.96 · √(10/3) / √2 = 3.2 ± 2.530.
    result = funnel("mean", [unit("a", 2, 4, 10), unit("b", 3, 12, 56)], warning=WARNING, alarm=ALARM)
    assert result.sigma == pytest.approx(math.sqrt(10 / 3))
    a = by_key(result)["a"]
    assert a.value == 2 and result.centre == pytest.approx(3.2)
    assert a.upper_warning == pytest.approx(3.2 + z_of(0.95) * math.sqrt(10 / 3) / math.sqrt(2))
    assert a.upper_warning == pytest.approx(5.730, abs=1e-3)
    assert a.lower_alarm == pytest.approx(3.2 - z_of(0.998) * math.sqrt(10 / 3) / math.sqrt(2))


def test_a_scaled_mean_is_reported_in_the_users_unit():
    # self-reliance in thousandths of a step: 500 and 1500 → 0.5 and 1.5 steps
    result = funnel(
        "mean", [unit("a", 1, 500, 250_000), unit("b", 1, 1500, 2_250_000)], warning=WARNING, alarm=ALARM, scale=1000
    )
    # one observation per unit: the overall standard deviation of 0.5 and 1.5 (√0.5) is used
    assert result.centre == pytest.approx(1.0)
    assert result.sigma == pytest.approx(math.sqrt(0.5))
    assert by_key(result)["a"].value == pytest.approx(0.5)


def test_rate_limits_poisson_for_events_and_compound_for_amounts():
    # contacts: 50 in 100 care months and 150 in 400 → r0 = 200/500 = 0.4; at 100: 0.4 ± 1.96 · √(0.4/100)
    result = funnel("rate", [unit("a", 100, 50), unit("b", 400, 150)], warning=WARNING, alarm=ALARM)
    a = by_key(result)["a"]
    assert a.value == 0.5 and result.centre == pytest.approx(0.4)
    assert a.upper_warning == pytest.approx(0.4 + z_of(0.95) * math.sqrt(0.4 / 100))
    assert a.lower_alarm == pytest.approx(0.4 - z_of(0.998) * math.sqrt(0.4 / 100))
    # minutes: 3000 and 9000 minutes, squares 200,000 and 500,000 → r0 = 24 per month,
    # variance per month 700,000 / 500 = 1400; at 100: 24 ± 1.96 · √(1400/100)
    result = funnel(
        "rate",
        [unit("a", 100, 3000, 200_000), unit("b", 400, 9000, 500_000)],
        warning=WARNING,
        alarm=ALARM,
        amounts=True,
    )
    a = by_key(result)["a"]
    assert result.centre == pytest.approx(24)
    assert a.upper_warning == pytest.approx(24 + z_of(0.95) * math.sqrt(14))
    # a rate never has a negative limit
    result = funnel("rate", [unit("a", 1, 0), unit("b", 400, 4)], warning=WARNING, alarm=ALARM)
    assert by_key(result)["a"].lower_alarm == 0


def test_units_without_households_are_left_out_and_none_at_all_is_an_error():
    result = funnel("proportion", [unit("a", 50, 10), unit("empty", 0, 0)], warning=WARNING, alarm=ALARM)
    assert [item.key for item in result.units] == ["a"]
    with translation.override("en"), pytest.raises(BenchmarkError) as raised:
        funnel("proportion", [unit("a", 0, 0), unit("b", 0, 0)], warning=WARNING, alarm=ALARM)
    assert raised.value.message == "There are no households to compare in this period."
    with pytest.raises(BenchmarkError):
        funnel("mean", [], warning=WARNING, alarm=ALARM)


def test_a_count_is_not_funnelled():
    with pytest.raises(BenchmarkError):
        funnel("count", [unit("a", 5, 5)], warning=WARNING, alarm=ALARM)


def test_impossible_figures_are_a_programming_error():
    with pytest.raises(ValueError):
        funnel("proportion", [unit("a", 5, 6)], warning=WARNING, alarm=ALARM)
    with pytest.raises(ValueError):
        funnel("proportion", [unit("a", 5, 2)], warning=ALARM, alarm=WARNING)


def test_the_curve_runs_from_the_smallest_to_the_largest_unit_and_narrows():
    result = funnel("proportion", [unit("a", 12, 3), unit("b", 900, 200)], warning=WARNING, alarm=ALARM)
    ns = [point.n for point in result.curve]
    assert ns[0] == 12 and ns[-1] == 900 and ns == sorted(set(ns))
    assert all(isinstance(n, int) for n in ns)  # exact binomial limits need whole numbers
    normal = funnel(
        "proportion", [unit("a", 12, 3), unit("b", 900, 200)], warning=WARNING, alarm=ALARM, method="normal"
    )
    widths = [point.upper_alarm - point.lower_alarm for point in normal.curve]
    assert widths == sorted(widths, reverse=True)
    for point in result.curve:
        assert point.lower_alarm <= point.lower_warning <= result.centre <= point.upper_warning <= point.upper_alarm


def heavy_and_light_teams():
    """Share handed over to the second line. In every team crisis households are handed over half the time,
    households with general support one time in ten, households not yet measured one time in five; the heavy
    team simply has more crisis households."""
    return [
        UnitFigures(
            "heavy",
            "Heavy",
            {"crisis": Figures(60, 30), "general": Figures(40, 4), "": Figures(10, 2)},
        ),
        UnitFigures(
            "light-1",
            "Light 1",
            {"crisis": Figures(20, 10), "general": Figures(180, 18), "": Figures(10, 2)},
        ),
        UnitFigures(
            "light-2",
            "Light 2",
            {"crisis": Figures(20, 10), "general": Figures(180, 18), "": Figures(10, 2)},
        ),
    ]


def test_case_mix_adjustment_clears_a_team_that_only_has_heavier_households():
    # Centre: (36 + 30 + 30) / (110 + 210 + 210) = 96 / 530 = 0.18113.
    # Heavy unadjusted: 36 / 110 = 0.32727; at n = 110 the exact 99.8 % upper limit is about 0.30 → high.
    unadjusted = funnel("proportion", heavy_and_light_teams(), warning=WARNING, alarm=ALARM)
    assert unadjusted.centre == pytest.approx(96 / 530)
    assert by_key(unadjusted)["heavy"].value == pytest.approx(36 / 110)
    assert by_key(unadjusted)["heavy"].flag == FLAG_HIGH
    assert by_key(unadjusted)["heavy"].adjusted is None
    # City values per level: crisis 50/100 = 0.5, general 40/400 = 0.1, unknown 6/30 = 0.2.
    # Heavy expected: 60 · 0.5 + 40 · 0.1 + 10 · 0.2 = 36 = observed → adjusted = centre + 0/110 = 0.18113.
    # Light expected: 20 · 0.5 + 180 · 0.1 + 10 · 0.2 = 30 = observed → adjusted = centre.
    adjusted = funnel(
        "proportion", heavy_and_light_teams(), warning=WARNING, alarm=ALARM, case_mix=True, minimum_households=30
    )
    assert adjusted.case_mix
    for item in adjusted.units:
        assert item.adjusted == pytest.approx(96 / 530)
        assert item.flag == FLAG_NONE
    # the limits are those without adjustment
    assert by_key(adjusted)["heavy"].upper_alarm == by_key(unadjusted)["heavy"].upper_alarm


def test_case_mix_keeps_a_real_difference_within_a_level():
    teams = heavy_and_light_teams()
    # Light 1 hands over 40 of its 180 general-support households instead of 18: expected stays 30,
    # observed 52 → adjusted = centre + 22/210, with centre = 118/530.
    teams[1] = UnitFigures(
        "light-1", "Light 1", {"crisis": Figures(20, 10), "general": Figures(180, 40), "": Figures(10, 2)}
    )
    adjusted = funnel("proportion", teams, warning=WARNING, alarm=ALARM, case_mix=True, minimum_households=30)
    light = by_key(adjusted)["light-1"]
    # city values now: crisis 0.5, general 62/400 = 0.155, unknown 0.2 →
    # expected = 10 + 180 · 0.155 + 2 = 39.9, observed 52, adjusted = 118/530 + 12.1/210
    assert light.adjusted == pytest.approx(118 / 530 + 12.1 / 210)
    assert light.adjusted > light.upper_warning


def test_case_mix_on_too_few_households_with_a_known_level_is_refused():
    teams = [
        UnitFigures("a", "A", {"crisis": Figures(5, 2), "": Figures(100, 20)}),
        UnitFigures("b", "B", {"general": Figures(20, 3), "": Figures(100, 20)}),
    ]
    with translation.override("en"), pytest.raises(BenchmarkError) as raised:
        funnel("proportion", teams, warning=WARNING, alarm=ALARM, case_mix=True, minimum_households=30)
    assert "25" in raised.value.message and "30" in raised.value.message
    assert raised.value.message.startswith("Too few households for a case-mix adjustment")
    # without the adjustment the same figures compare fine; with 25 as the minimum the adjustment works
    assert funnel("proportion", teams, warning=WARNING, alarm=ALARM).units
    assert funnel("proportion", teams, warning=WARNING, alarm=ALARM, case_mix=True, minimum_households=25).case_mix


def test_case_mix_minimum_counts_households_not_care_months_for_a_rate():
    teams = [
        UnitFigures("a", "A", {"crisis": Figures(120, 60, households=10)}),
        UnitFigures("b", "B", {"general": Figures(240, 40, households=20)}),
    ]
    with pytest.raises(BenchmarkError):
        funnel("rate", teams, warning=WARNING, alarm=ALARM, case_mix=True, minimum_households=31)
    result = funnel("rate", teams, warning=WARNING, alarm=ALARM, case_mix=True, minimum_households=30)
    # each team is the only one in its level: expected = observed, adjusted = centre = 100/360
    assert all(item.adjusted == pytest.approx(100 / 360) for item in result.units)


def test_a_unit_at_100_percent_is_not_flagged_when_all_of_n_is_not_unusual():
    """p0 = 0.995 over n = 279: P(all 279) = 0.995**279 ≈ 0.247, far from the 0.1 % tail. The interpolated upper
    limit would lie just below 1 and flag the unit (seen on the 10,000-household demo); it must be 1."""
    result = funnel("proportion", [unit("full", 279, 279), unit("rest", 1000, 993)], warning=WARNING, alarm=ALARM)
    full = by_key(result)["full"]
    assert full.upper_alarm == 1.0 and full.upper_warning == 1.0
    assert full.flag == ""
