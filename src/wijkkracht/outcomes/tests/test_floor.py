"""The floor of the performance target (`bench/outcomes_floor.py`: one hand-written SQL query over the raw case-file
tables) computes the same numbers as the dashboard reads from the indicator cells, for the hand-made
municipality of `test_contributions` and several periods: per team, per team and level, per level and for all
teams, every measure. Otherwise the bench would compare the dashboard with a query that does less."""

import datetime
import importlib.util
from pathlib import Path

import pytest
from django.db import connection

import wijkkracht
from wijkkracht.outcomes.figures import ALL, CARE, IN_CARE_AT_END, REGISTERED, cells_read, measures_of
from wijkkracht.outcomes.periods import Period
from wijkkracht.outcomes.policy import outcome_policy
from wijkkracht.outcomes.tests.test_contributions import town  # noqa: F401  (the hand-made municipality)

FLOOR = Path(wijkkracht.__file__).resolve().parents[2] / "bench" / "outcomes_floor.py"


def _floor_module():
    if not FLOOR.is_file():
        pytest.skip(f"{FLOOR} is not there (an installed package has no bench/)")
    spec = importlib.util.spec_from_file_location("outcomes_floor", FLOOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if connection.vendor not in module.DIALECT:
        pytest.skip(f"the floor query has no variant for {connection.vendor}")
    return module


def _dashboard_numbers(period: Period) -> dict:
    """What the dashboard reads, in the floor's keys: {(key, measure): (n, total, total_sq)}, zeros left out."""
    policy = outcome_policy()
    units = cells_read(kind="team", end=period.end, measures=measures_of(policy))
    numbers = {}
    for unit, figures in units.items():
        key = "all" if unit == ALL else unit
        for measure in [*figures.series, IN_CARE_AT_END]:
            agg = figures.sums(measure, period)
            numbers[(key, measure)] = (agg.n, agg.total, agg.total_sq)
        levels = {level for (_, level) in figures.by_level}
        for measure, level in [*figures.by_level, *((IN_CARE_AT_END, level) for level in levels)]:
            agg = figures.sums(measure, period, level)
            numbers[(("level", key, level), measure)] = (agg.n, agg.total, agg.total_sq)
    return {key: value for key, value in numbers.items() if any(value)}


PERIODS = [
    Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 1)),
    Period(datetime.date(2025, 3, 1), datetime.date(2025, 5, 1)),
    Period(datetime.date(2025, 4, 1), datetime.date(2025, 4, 1)),
    Period(datetime.date(2025, 7, 1), datetime.date(2025, 10, 1)),
    Period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 1)),  # before everything: nothing
]


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_the_floor_query_computes_the_dashboards_numbers(town, period):  # noqa: F811
    module = _floor_module()
    floor = {
        (key, measure): value
        for (key, measure), value in module.floor_numbers(period).items()
        # the dashboard derives "registered" per unit only (the sum of the channels), not per level
        if any(value) and not (isinstance(key, tuple) and measure == REGISTERED)
    }
    assert floor == _dashboard_numbers(period)


def test_the_floor_counts_every_measure_of_the_year(town):  # noqa: F811
    """The comparison above is not an empty one: over 2025 every measure the municipality has is counted."""
    module = _floor_module()
    floor = module.floor_numbers(PERIODS[0])
    counted = {measure for (key, measure), (n, _, _) in floor.items() if key == "all" and n}
    expected = set(measures_of(outcome_policy())) - {"care_start", "care_end", "self_reliance"}
    expected |= {CARE, IN_CARE_AT_END, REGISTERED, "self_reliance"}
    expected -= {m for m in expected if m.startswith("registered.") and m.split(".")[1] not in {
        "desk", "partner_signal", "outreach"}}  # fmt: skip
    assert expected <= counted
    # and the pyramid: H3 "multiple" (two domains at 2), H1 "crisis" (Anna's financien at 1)
    levels = {key[2] for (key, measure) in floor if isinstance(key, tuple) and key[1] == "all" and measure == CARE}
    assert {"crisis", "multiple"} <= levels
