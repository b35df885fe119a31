"""Small-number suppression (issue 11, item 6): no hidden cell can be worked out from what is shown.

Two attackers: `determined` (exact linear algebra plus the floors, the one `suppress` defends against) and an
independent brute force here that tries every integer assignment of the hidden cells — every subtraction and
every other combination — so a mistake in `determined` cannot hide a mistake in `suppress`.
"""

from collections.abc import Hashable, Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkkracht.privacy.disclosure import (
    apply,
    common_safe_boundaries,
    determined,
    period_shown,
    safe_boundaries,
    suppress,
)

THRESHOLD = 5
Table = tuple[dict[Hashable, int], list[tuple[Hashable, list[Hashable]]]]


def brute_force_determined(
    cells: Mapping[Hashable, int],
    equations: Sequence[tuple[Hashable, Sequence[Hashable]]],
    hidden: set[Hashable],
    *,
    floor: int = 1,
    ceiling: int | None = None,
) -> set[Hashable]:
    """Hidden cells that take one value in every integer solution ≥ floor (searched up to ``ceiling``)."""
    top = ceiling if ceiling is not None else max(cells.values()) + 1
    order = sorted(hidden, key=list(cells).index)
    known: dict[Hashable, int] = {key: value for key, value in cells.items() if key not in hidden}
    seen: dict[Hashable, set[int]] = {key: set() for key in order}

    def consistent() -> bool:
        for total, parts in equations:
            if total in known:
                assigned = sum(known[p] for p in parts if p in known)
                missing = sum(1 for p in parts if p not in known)
                if assigned + floor * missing > known[total] or (missing == 0 and assigned != known[total]):
                    return False
            elif all(p in known for p in parts) and sum(known[p] for p in parts) > top:
                return False
        return True

    def forced() -> tuple[Hashable, int] | None:
        """An unknown that is the only one in an equation: its value follows by subtraction."""
        for total, parts in equations:
            missing = [m for m in (total, *parts) if m not in known]
            if len(missing) == 1:
                rest = sum(known[p] for p in parts if p in known)
                return missing[0], (rest if missing[0] == total else known[total] - rest)
        return None

    def search() -> None:
        if len(known) == len(cells):
            for key in order:
                seen[key].add(known[key])
            return
        step = forced()
        if step is not None:
            key, value = step
            choices = [value] if floor <= value <= top else []
        else:
            key = next(k for k in order if k not in known)
            choices = list(range(floor, top + 1))
        for value in choices:
            known[key] = value
            if consistent():
                search()
            del known[key]

    search()
    return {key for key, values in seen.items() if len(values) == 1}


def cross_table(inner: Mapping[tuple[str, str], int]) -> Table:
    """Rows × columns with row totals, column totals and the grand total (as both sums)."""
    rows = sorted({r for r, _ in inner})
    cols = sorted({c for _, c in inner})
    cells: dict[Hashable, int] = dict(inner)
    for r in rows:
        cells[(r, "*")] = sum(inner[(r, c)] for c in cols)
    for c in cols:
        cells[("*", c)] = sum(inner[(r, c)] for r in rows)
    cells[("*", "*")] = sum(inner.values())
    equations: list[tuple[Hashable, list[Hashable]]] = [((r, "*"), [(r, c) for c in cols]) for r in rows]
    equations += [(("*", c), [(r, c) for r in rows]) for c in cols]
    equations += [(("*", "*"), [(r, "*") for r in rows]), (("*", "*"), [("*", c) for c in cols])]
    return cells, equations


# The old overview's case: team × intake channel, a "<5" for Team Zuid via the GP that the row total gave away.
INTAKE = {
    ("Noord", "huisarts"): 11,
    ("Noord", "school"): 6,
    ("Noord", "zelf"): 19,
    ("Oost", "huisarts"): 8,
    ("Oost", "school"): 0,
    ("Oost", "zelf"): 14,
    ("Zuid", "huisarts"): 3,
    ("Zuid", "school"): 7,
    ("Zuid", "zelf"): 12,
}


def test_the_old_overview_gave_the_hidden_three_away_by_subtraction():
    cells, equations = cross_table(INTAKE)
    only_primary = {("Zuid", "huisarts")}
    # What the old page allowed: the row total minus the shown parts.
    assert cells[("Zuid", "*")] - cells[("Zuid", "school")] - cells[("Zuid", "zelf")] == 3
    assert determined(cells, equations, only_primary) == {("Zuid", "huisarts")}
    assert brute_force_determined(cells, equations, only_primary) == {("Zuid", "huisarts")}


def test_the_three_cannot_be_worked_out_any_more():
    cells, equations = cross_table(INTAKE)
    hidden = suppress(cells, equations, threshold=THRESHOLD)
    assert ("Zuid", "huisarts") in hidden
    assert determined(cells, equations, hidden) == frozenset()
    assert brute_force_determined(cells, equations, set(hidden)) == set()
    # Losing little: one small cell in a table with margins costs a rectangle of four, no totals, no zeros.
    assert len(hidden) == 4
    assert all("*" not in key and cells[key] > 0 for key in hidden)
    # Every subtraction of shown numbers along a row or a column leaves two unknowns, never one.
    for total, parts in equations:
        members = [total, *parts]
        assert sum(1 for m in members if m in hidden) != 1


def test_hidden_ones_in_a_rectangle_are_found_by_their_floor():
    """Four hidden 1s whose rows and columns show their sum 2: linear algebra alone does not fix them, but
    every hidden cell is at least 1 (zeros are shown), so each is exactly 1."""
    inner = {("a", "x"): 1, ("a", "y"): 1, ("a", "z"): 9, ("b", "x"): 1, ("b", "y"): 1, ("b", "z"): 8}
    inner |= {("c", "x"): 7, ("c", "y"): 6, ("c", "z"): 5}
    cells, equations = cross_table(inner)
    ones = {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")}
    assert determined(cells, equations, ones, floor=0) == frozenset()  # not linearly determined
    assert determined(cells, equations, ones) == ones  # …but pinned at the floor
    assert brute_force_determined(cells, equations, ones) == ones
    hidden = suppress(cells, equations, threshold=THRESHOLD)
    assert ones <= hidden and len(hidden) > 4
    assert determined(cells, equations, hidden) == frozenset()
    assert brute_force_determined(cells, equations, set(hidden), ceiling=12) == set()


def hierarchy(teams: Mapping[str, Mapping[str, int]]) -> Table:
    """City = Σ teams; team = Σ its workers + its unattributed households (worker "-")."""
    cells: dict[Hashable, int] = {}
    equations: list[tuple[Hashable, list[Hashable]]] = []
    for team, workers in teams.items():
        parts: list[Hashable] = [(team, worker) for worker in workers]
        cells.update({(team, worker): count for worker, count in workers.items()})
        cells[(team, "*")] = sum(workers.values())
        equations.append(((team, "*"), parts))
    cells[("city", "*")] = sum(cells[(team, "*")] for team in teams)
    equations.append((("city", "*"), [(team, "*") for team in teams]))
    return cells, equations


def test_a_hierarchy_of_city_teams_and_workers():
    cells, equations = hierarchy(
        {
            "Noord": {"Anna": 12, "Bram": 3, "Cor": 9, "-": 0},
            "Oost": {"Dirk": 7, "Eva": 8, "-": 2},
            "Zuid": {"Fleur": 2, "Gijs": 1, "-": 0},  # the team itself is small
            "West": {"Hans": 6, "Ilse": 5, "-": 0},
        }
    )
    primary = {key for key, value in cells.items() if 0 < value < THRESHOLD}
    assert determined(cells, equations, primary) == {("Noord", "Bram"), ("Oost", "-"), ("Zuid", "*")}
    hidden = suppress(cells, equations, threshold=THRESHOLD)
    assert primary <= hidden
    assert determined(cells, equations, hidden) == frozenset()
    assert brute_force_determined(cells, equations, set(hidden)) == set()
    assert ("Noord", "Cor") in hidden and ("Oost", "Dirk") in hidden  # the smallest other worker of the team
    assert ("Noord", "-") not in hidden and ("Zuid", "-") not in hidden  # zeros are never complements
    # Team Zuid's total (3) would follow from the city total minus the other teams. The smallest other team
    # (West, 11) would need one of its workers hidden as well; Oost (17) already has two hidden members, so
    # hiding its total costs one cell, not two.
    assert ("Oost", "*") in hidden and not any(key[0] == "West" for key in hidden)
    assert ("city", "*") not in hidden
    assert hidden == primary | {("Noord", "Cor"), ("Oost", "Dirk"), ("Oost", "*")}


def test_forced_cells_are_hidden_and_protected_like_small_ones():
    cells, equations = cross_table(INTAKE)
    hidden = suppress(cells, equations, threshold=THRESHOLD, forced={("Oost", "school")})
    assert ("Oost", "school") in hidden
    floors = {key: (0 if key == ("Oost", "school") else 1) for key in cells}
    assert determined(cells, equations, hidden, floor=floors) == frozenset()


def test_bad_tables_are_refused():
    cells, equations = cross_table(INTAKE)
    with pytest.raises(ValueError, match="does not hold"):
        suppress({**cells, ("Zuid", "*"): 21}, equations, threshold=THRESHOLD)
    with pytest.raises(ValueError, match="not in the table"):
        suppress(cells, [*equations, (("Zuid", "*"), [("Zuid", "elders")])], threshold=THRESHOLD)
    with pytest.raises(ValueError, match="non-negative"):
        suppress({**cells, ("Oost", "school"): -1}, [], threshold=THRESHOLD)
    with pytest.raises(ValueError, match="below the floor"):
        determined(cells, equations, {("Oost", "school")})


# --- properties over random tables ----------------------------------------------------------------------------

small_or_not = st.one_of(st.integers(0, 4), st.integers(5, 30))


@st.composite
def cross_tables(draw: st.DrawFn, values: st.SearchStrategy[int] = small_or_not) -> Table:
    rows = draw(st.integers(2, 4))
    cols = draw(st.integers(2, 4))
    inner = {(f"r{r}", f"c{c}"): draw(values) for r in range(rows) for c in range(cols)}
    return cross_table(inner)


@st.composite
def hierarchies(draw: st.DrawFn, values: st.SearchStrategy[int] = small_or_not) -> Table:
    teams = draw(st.integers(2, 4))
    return hierarchy({f"t{t}": {f"w{w}": draw(values) for w in range(draw(st.integers(1, 4)))} for t in range(teams)})


no_small = st.one_of(st.just(0), st.integers(5, 30))


@settings(max_examples=150, deadline=None)
@given(st.one_of(cross_tables(), hierarchies()))
def test_after_suppression_nothing_is_determined_and_every_small_cell_is_hidden(table):
    cells, equations = table
    hidden = suppress(cells, equations, threshold=THRESHOLD)
    assert {key for key, value in cells.items() if 0 < value < THRESHOLD} <= hidden
    assert all(cells[key] > 0 for key in hidden)  # zeros stay shown
    assert determined(cells, equations, hidden) == frozenset()
    assert suppress(cells, equations, threshold=THRESHOLD) == hidden  # deterministic


@settings(max_examples=100, deadline=None)
@given(st.one_of(cross_tables(no_small), hierarchies(no_small)))
def test_nothing_is_hidden_needlessly(table):
    cells, equations = table  # totals of 0s and ≥5s are 0 or ≥5 as well: no cell is small
    assert suppress(cells, equations, threshold=THRESHOLD) == frozenset()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([(2, 2), (2, 3), (3, 2), (3, 3)]), st.data())
def test_after_suppression_no_assignment_search_finds_a_hidden_cell(shape, data):
    """The same, with the independent attacker: every integer assignment of the hidden cells."""
    values = st.one_of(st.integers(0, 4), st.integers(5, 9))
    cells, equations = cross_table(
        {(f"r{r}", f"c{c}"): data.draw(values) for r in range(shape[0]) for c in range(shape[1])}
    )
    hidden = suppress(cells, equations, threshold=THRESHOLD)
    # A box just above the hidden values: a smaller box can only make the search find *more* cells determined.
    ceiling = max((cells[key] for key in hidden), default=0) + 2
    assert brute_force_determined(cells, equations, set(hidden), ceiling=ceiling) == set()


@st.composite
def small_hidden_tables(draw: st.DrawFn) -> tuple[Table, set[Hashable]]:
    rows, cols = draw(st.integers(2, 3)), draw(st.integers(2, 3))
    inner = {(f"r{r}", f"c{c}"): draw(st.sampled_from([0, 1, 1, 2, 3, 6])) for r in range(rows) for c in range(cols)}
    cells, equations = cross_table(inner)
    nonzero = sorted((key for key, value in cells.items() if value > 0), key=list(cells).index)
    if draw(st.booleans()):  # every small cell, the case suppression starts from
        hidden = {key for key in nonzero if cells[key] < THRESHOLD}
    else:
        hidden = set(draw(st.lists(st.sampled_from(nonzero), max_size=6, unique=True))) if nonzero else set()
    return (cells, equations), hidden


@settings(max_examples=150, deadline=None)
@given(small_hidden_tables())
def test_the_attacker_agrees_with_trying_every_assignment(case):
    """`determined` (linear algebra + the floor) finds exactly what a brute-force search of all integer
    solutions finds: it misses nothing that subtraction or any other combination would reveal."""
    (cells, equations), hidden = case
    assert determined(cells, equations, hidden) == brute_force_determined(cells, equations, hidden)


# --- periods ------------------------------------------------------------------------------------------------------


def time_attack(series: Sequence[int], shown: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Every run of consecutive months (i..j inclusive) the shown period totals determine, with its sum."""
    cells: dict[Hashable, int] = {("month", i): count for i, count in enumerate(series)}
    equations: list[tuple[Hashable, list[Hashable]]] = []
    runs = [(i, j) for i in range(len(series)) for j in range(i, len(series))]
    for kind, pairs in (("shown", sorted(shown)), ("run", runs)):
        for i, j in pairs:
            cells[(kind, i, j)] = sum(series[i : j + 1])
            equations.append(((kind, i, j), [("month", m) for m in range(i, j + 1)]))
    hidden = {key for key in cells if key[0] != "shown"}
    found = determined(cells, equations, hidden, floor=0)  # a month may be 0: only ≥ 0 is known
    return {(key[1], key[2]): cells[key] for key in found if key[0] == "run"} | {
        (key[1], key[1]): cells[key] for key in found if key[0] == "month"
    }


def shown_periods(series: Sequence[int]) -> set[tuple[int, int]]:
    n = len(series)
    return {(i, j) for i in range(n) for j in range(i, n) if period_shown(series, i, j, threshold=THRESHOLD)}


def test_every_period_shown_gives_a_small_month_away():
    series = [6, 2, 5, 0, 7]
    everything = {(i, j) for i in range(5) for j in range(i, 5)}
    assert time_attack(series, {(0, 1), (0, 0)})[(1, 1)] == 2  # January–February minus January
    assert time_attack(series, everything)[(1, 1)] == 2


def test_periods_end_only_at_safe_boundaries():
    series = [6, 2, 5, 0, 7, 1, 1]
    assert safe_boundaries(series, threshold=THRESHOLD) == {0, 1, 3, 4, 5}
    assert period_shown(series, 0, 0, threshold=THRESHOLD)  # 6
    assert not period_shown(series, 1, 1, threshold=THRESHOLD)  # 2
    assert period_shown(series, 1, 2, threshold=THRESHOLD)  # 7
    assert period_shown(series, 3, 3, threshold=THRESHOLD)  # 0
    assert not period_shown(series, 4, 6, threshold=THRESHOLD)  # 9, but the last two months (2) would follow
    assert not time_attack(series, shown_periods(series)).keys() & {(1, 1), (5, 5), (6, 6), (5, 6)}
    with pytest.raises(ValueError):
        period_shown(series, 3, 2, threshold=THRESHOLD)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 4), st.integers(0, 9)), min_size=1, max_size=8))
def test_no_small_month_or_run_of_months_follows_from_the_shown_periods(series):
    found = time_attack(series, shown_periods(series))
    assert {run: total for run, total in found.items() if 0 < total < THRESHOLD} == {}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=12), st.integers(1, 12))
def test_a_shown_period_stays_shown_when_history_grows(series, extra):
    longer = [*series, *([1] * extra)]
    assert safe_boundaries(series, threshold=THRESHOLD) <= safe_boundaries(longer, threshold=THRESHOLD)


# --- periods and levels together -----------------------------------------------------------------------------------

TEAM = [("t", ["w1", "w2"])]  # team t = worker w1 + worker w2


def tables_over_periods(series: Mapping[str, Sequence[int]], *, common: bool) -> dict[tuple[str, int, int], int]:
    """What a dashboard shows: for every period, the table t = w1 + w2 after suppression.

    ``common``: periods only between boundaries safe for all three series. Otherwise each unit's own
    boundaries decide, and a unit whose period is not shown is forced hidden in that period's table.
    """
    n = len(series["t"])
    both = common_safe_boundaries(series.values(), threshold=THRESHOLD)
    own = {unit: safe_boundaries(values, threshold=THRESHOLD) for unit, values in series.items()}
    shown: dict[tuple[str, int, int], int] = {}
    for a in range(n):
        for b in range(a, n):
            table = {unit: sum(values[a : b + 1]) for unit, values in series.items()}
            if common:
                if a not in both or b + 1 not in both:
                    continue
                hidden = suppress(table, TEAM, threshold=THRESHOLD)
            else:
                forced = {unit for unit in series if a not in own[unit] or b + 1 not in own[unit]}
                hidden = suppress(table, TEAM, threshold=THRESHOLD, forced=forced)
            shown |= {(unit, a, b): value for unit, value in table.items() if unit not in hidden}
    return shown


def attack_over_periods(
    series: Mapping[str, Sequence[int]], shown: Mapping[tuple[str, int, int], int]
) -> dict[tuple[str, int, int], int]:
    """Every run of months of a unit that all shown numbers together determine and that is 1..threshold-1."""
    n = len(series["t"])
    cells: dict[Hashable, int] = {("month", unit, m): values[m] for unit, values in series.items() for m in range(n)}
    equations: list[tuple[Hashable, list[Hashable]]] = [
        (("month", "t", m), [("month", "w1", m), ("month", "w2", m)]) for m in range(n)
    ]
    runs = {(unit, a, b) for unit in series for a in range(n) for b in range(a, n)}
    for kind, keys in (("shown", sorted(shown)), ("run", sorted(runs))):
        for unit, a, b in keys:
            cells[(kind, unit, a, b)] = sum(series[unit][a : b + 1])
            equations.append(((kind, unit, a, b), [("month", unit, m) for m in range(a, b + 1)]))
    hidden = {key for key in cells if key[0] != "shown"}
    found = determined(cells, equations, hidden, floor=0)
    return {key[1:]: cells[key] for key in found if key[0] == "run" and 0 < cells[key] < THRESHOLD}


def test_own_boundaries_per_unit_are_not_enough_across_levels_and_periods():
    """The residual limit docs/privacy.md names: w1's first month (2) is hidden in every table, but the 0 of
    w2 in month 2 (shown), the team's months and the two-month table give it away."""
    series = {"w1": [2, 5], "w2": [5, 0], "t": [7, 5]}
    shown = tables_over_periods(series, common=False)
    assert ("w1", 0, 0) not in shown and ("w2", 1, 1) in shown
    assert attack_over_periods(series, shown) == {("w1", 0, 0): 2}
    assert attack_over_periods(series, tables_over_periods(series, common=True)) == {}


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(*[st.lists(st.integers(0, 7), min_size=n, max_size=n)] * 2)))
def test_common_boundaries_give_nothing_small_away_across_levels_and_periods(workers):
    w1, w2 = workers
    series = {"w1": w1, "w2": w2, "t": [a + b for a, b in zip(w1, w2, strict=True)]}
    shown = tables_over_periods(series, common=True)
    assert attack_over_periods(series, shown) == {}
    # Between common boundaries no cell is small, so the tables need no suppression at all.
    assert all(value == 0 or value >= THRESHOLD for value in shown.values())
    assert len(shown) == 3 * sum(
        1
        for a in range(len(w1))
        for b in range(a, len(w1))
        if {a, b + 1} <= common_safe_boundaries(series.values(), threshold=THRESHOLD)
    )


# --- sums follow their count ----------------------------------------------------------------------------------------


def test_minutes_follow_the_suppression_of_their_count():
    cells, equations = cross_table(INTAKE)
    hidden = suppress(cells, equations, threshold=THRESHOLD)
    minutes = {key: 45 * count for key, count in cells.items()}
    shown = apply(minutes, hidden)
    assert {key for key, value in shown.items() if value is None} == hidden
    assert shown[("Noord", "zelf")] == 45 * 19
    assert all(shown[key] == minutes[key] for key in cells if key not in hidden)
