"""The budget arithmetic for a hand-made team (see `budget_helpers` for the team, its contacts and measures).

Worked out by hand:
- residents = 4,000 (A) + 3,000 / 2 (B, shared with West) = 5,500
- base = 10.00 × 5,500 = 55,000.00; direct help = 2.50 × 5,500 = 13,750.00
- contacts = 4 (no-show, 1 July, 2025, 2027 and West's not counted); payments = 50.00 × 4 = 200.00
- budget = 55,000.00 + 13,750.00 + 200.00 = 68,950.00
- committed = 300.00 + 450.00 = 750.00; spent = 1,200.00; remaining = 68,950.00 − 750.00 − 1,200.00 = 67,000.00
- planned per month = 68,750.00 × m / 12 + 50.00 × contacts so far:
  Jan 5,729.1666… + 50 = 5,779.17; Feb 11,458.33 + 50 = 11,508.33; Mar 17,187.50 + 150 = 17,337.50;
  Jun 34,375.00 + 200 = 34,575.00; Dec 68,750.00 + 200 = 68,950.00
- committed/spent at the month's end: Jan 300/0; Feb 750/0; Mar 1,950/0; Apr–Dec 750/1,200.
"""

import datetime
from decimal import Decimal

import pytest

from wijkkracht.mandate.budget import team_budget, team_residents
from wijkkracht.mandate.charts import budget_svg
from wijkkracht.mandate.models import Measure
from wijkkracht.mandate.policy import parse_policy
from wijkkracht.mandate.tests.budget_helpers import AS_OF, YEAR, hand_policy, make_budget_world, policy_raw
from wijkkracht.mandate.tests.factories import MeasureFactory
from wijkkracht.teams.tests.factories import TeamFactory, WijkFactory, WijkPostcodeFactory

pytestmark = pytest.mark.django_db

E = Decimal


def test_the_hand_made_team_budget() -> None:
    world = make_budget_world()
    budget = team_budget(world.team, YEAR, AS_OF, hand_policy())

    assert budget.residents == E(5500)
    assert budget.contacts == 4
    assert (budget.base, budget.direct_help, budget.contact_payments) == (E("55000.00"), E("13750.00"), E("200.00"))
    assert budget.total == E("68950.00")
    assert (budget.committed, budget.spent, budget.remaining) == (E("750.00"), E("1200.00"), E("67000.00"))
    assert not budget.warning and not budget.exhausted
    assert budget.remaining_share == E("97.2")  # 67,000 / 68,950 = 97.17 %

    months = {month.month: month for month in budget.months}
    assert [months[m].planned for m in (1, 2, 3, 6, 12)] == [
        E("5779.17"),
        E("11508.33"),
        E("17337.50"),
        E("34575.00"),
        E("68950.00"),
    ]
    assert [months[m].contacts for m in range(1, 13)] == [1, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert [(months[m].committed, months[m].spent) for m in (1, 2, 3, 4, 12)] == [
        (E("300.00"), E("0.00")),
        (E("750.00"), E("0.00")),
        (E("1950.00"), E("0.00")),
        (E("750.00"), E("1200.00")),
        (E("750.00"), E("1200.00")),
    ]
    assert [months[m].remaining for m in (1, 2, 3, 4)] == [E("68650.00"), E("68200.00"), E("67000.00"), E("67000.00")]
    assert [month.begun for month in budget.months] == [True] * 6 + [False] * 6
    # Per kind of measure (the most detail the budget shows):
    assert [(k.kind_code, k.committed, k.spent) for k in budget.kinds] == [
        ("bijzondere_bijstand", E("450.00"), E("1200.00")),
        ("inzet_specialist", E("300.00"), E("0.00")),
    ]


def test_the_other_team_shares_the_district_and_counts_only_its_own() -> None:
    world = make_budget_world()
    # West: 8,000 (C) + 3,000 / 2 (B) = 9,500 residents; one contact (1 March); € 2,000.00 committed.
    budget = team_budget(world.other_team, YEAR, AS_OF, hand_policy())
    assert budget.residents == E(9500)
    assert budget.contacts == 1
    # 12.50 × 9,500 + 50.00 = 118,800.00
    assert budget.total == E("118800.00")
    assert (budget.committed, budget.spent) == (E("2000.00"), E("0.00"))


def test_a_district_shared_by_three_teams_counts_a_third() -> None:
    district = WijkPostcodeFactory(wijk=WijkFactory(residents=1000)).wijk
    teams = [TeamFactory(wijken=[district]) for _ in range(3)]
    assert team_residents(teams[0]).quantize(E("0.001")) == E("333.333")
    # 12.50 × 333.333… = 4,166.666… → 4,166.67
    assert team_budget(teams[0], YEAR, AS_OF, hand_policy()).total == E("4166.67")


def test_a_year_without_rates_has_no_budget() -> None:
    world = make_budget_world()
    budget = team_budget(world.team, 2027, datetime.date(2027, 3, 1), hand_policy())
    assert budget.rates is None
    assert budget.residents == E(5500)
    assert budget.contacts == 1  # 5 January 2027 is still a contact; it just earns nothing
    assert (budget.base, budget.direct_help, budget.contact_payments, budget.total) == (E(0), E(0), E(0), E(0))
    assert all(month.planned == 0 for month in budget.months)


def test_leaving_out_the_measure_being_decided() -> None:
    world = make_budget_world()
    measure = Measure.objects.get(team=world.team, amount=E("450.00"))
    budget = team_budget(world.team, YEAR, AS_OF, hand_policy(), exclude_measure_id=measure.id)
    assert (budget.committed, budget.remaining) == (E("300.00"), E("67450.00"))


def test_the_warning_before_the_budget_runs_out_and_when_it_is_used_up() -> None:
    # 100 residents × 12.50 = 1,250.00; warn below 15 % = 187.50.
    district = WijkPostcodeFactory(wijk=WijkFactory(residents=100)).wijk
    team = TeamFactory(wijken=[district])
    policy = hand_policy()
    measure = MeasureFactory(
        person__household__team=team, amount=E("1062.50"), start_date=datetime.date(2026, 2, 1), approved=True
    )
    budget = team_budget(team, YEAR, AS_OF, policy)
    assert budget.remaining == E("187.50") and not budget.warning  # exactly 15 % left: no warning yet
    measure.amount = E("1062.51")
    measure.save()
    budget = team_budget(team, YEAR, AS_OF, policy)
    assert budget.remaining == E("187.49") and budget.warning and not budget.exhausted
    assert budget.remaining_share == E("15.0")
    MeasureFactory(person__household__team=team, amount=E("187.49"), start_date=datetime.date(2026, 2, 1), paid=True)
    budget = team_budget(team, YEAR, AS_OF, policy)
    assert budget.remaining == E("0.00") and budget.exhausted and budget.warning


def test_the_warning_share_comes_from_the_policy() -> None:
    district = WijkPostcodeFactory(wijk=WijkFactory(residents=100)).wijk
    team = TeamFactory(wijken=[district])
    MeasureFactory(person__household__team=team, amount=E("1000.00"), start_date=datetime.date(2026, 2, 1), paid=True)
    # 250.00 of 1,250.00 left = 20 %: a warning below 25 %, none below 15 %.
    assert not team_budget(team, YEAR, AS_OF, hand_policy()).warning
    assert team_budget(team, YEAR, AS_OF, parse_policy(policy_raw(warn_below_share=0.25), "test")).warning


def test_the_picture_draws_what_is_known_by_the_day_of_reckoning() -> None:
    world = make_budget_world()
    svg = str(budget_svg(team_budget(world.team, YEAR, AS_OF, hand_policy())))
    assert svg.startswith("<svg") and 'role="img"' in svg and "style=" not in svg
    assert '<title id="budget-chart-title">' in svg and '<desc id="budget-chart-desc">' in svg
    # Up to 30 June: committed in January to June (300, 750, 1,950, then 750), spent from April (1,200).
    assert svg.count('class="bar bar--committed"') == 6
    assert svg.count('class="bar bar--spent"') == 3
    assert svg.count("<circle") == 12 + 1  # the planned budget of every month, and the legend's dot
