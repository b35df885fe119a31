"""Small-number suppression with complementary suppression: what a page or the API may show (issue 11).

Pure Python, no database: the dashboard and the API pass the numbers they are about to show and the sums
that tie them together, and get back the set of cells to hide.

The rules
---------
- **Primary**: a count with ``0 < value < threshold`` (the policy file's ``small_cell_threshold``, 5) is hidden.
  A 0 is shown: it says nothing about a person, and every hidden cell is then known to be at least 1 — the
  attacker below knows that too.
- **Complementary**: a table comes with its *equations* (``total = sum(parts)``: a row total, a team total that is
  the sum of its workers and the unattributed households, the city total that is the sum of the teams…). More
  cells are hidden until no hidden cell's value can be worked out exactly from the shown cells and the
  equations (`determined` is empty).
- **Sums follow their count**: minutes, days and other sums (and the means made of them) are shown only when
  their count is shown: ``apply(minutes, hidden)`` with the same keys as the counts.
- **Periods** (`safe_boundaries`, `period_shown`): the dashboard lets a user pick any period of whole months, so
  two period totals can be subtracted. A period's total is shown only when both of its ends are *safe
  boundaries* of the unit's monthly series; between two consecutive safe boundaries lie 0 or at least
  ``threshold`` events, so every difference of shown totals is 0 or at least ``threshold`` as well.
- **Periods and levels together** (`common_safe_boundaries`): per-unit boundaries protect one series; a table of
  several units over several periods needs boundaries that are safe for all of its cells at once (then no
  cell of any shown period is small and the argument covers every combination). With per-unit boundaries
  and a `suppress` per period, a complement hidden in one period can follow from other periods (see the
  test ``test_own_boundaries_per_unit_are_not_enough_across_levels_and_periods``).

The attacker (`determined`)
---------------------------
Knows every shown value, every equation, and that each hidden cell is at least its *floor* (1: zeros are
shown; 0 for a cell that was hidden although it may be 0, see ``forced``). A hidden cell is *determined* when
it takes the same value in every solution of the equations that respects the floors. Two ways to get there:

1. **Linear**: the cell's unit vector lies in the row space of the equations over the hidden unknowns
   (exact Gaussian elimination over `fractions.Fraction`): e.g. a row total minus the shown parts.
2. **At its floor**: a hidden 1 that can only move if another hidden 1 went below 1 — e.g. four hidden 1s in
   a rectangle of a table with row and column totals (each row's hidden pair must sum to 2). With ``x*`` the
   true values, every other solution is ``x* + d`` with ``d`` in the null space of the equations and
   ``d_j >= 0`` for the cells at their floor (T); the cone C of such ``d`` is convex, so one linear
   programme (``max Σ t_j`` with ``0 <= t_j <= d_j``, ``t_j <= 1``, solved exactly by the simplex method) finds
   the cells of T that can move, all at once. Those that cannot are *pinned*; they act as extra known cells,
   and the linear test is run again: C spans ``null ∩ {d_pinned = 0}`` (it contains a ``d`` strictly positive on
   the unpinned cells of T, plus a small ball of that subspace), so a cell is determined exactly when it is
   fixed on that subspace.

Not covered (see docs/security.md, "Outcomes: small numbers"): the attacker's *interval* for a hidden cell can
be narrow (two hidden cells that together are 3 are each 1 or 2); integer-only reasoning beyond the linear
relaxation (the tests compare with a search of every integer solution on small two-way tables and find no
difference); an attacker who knows which hidden cells are primary (at most threshold-1) rather than complements; tables
shown on different pages but not passed to one `suppress` call; tables of different periods whose
boundaries are safe per unit but not common to the table (`common_safe_boundaries`); stocks (households in
care at a month end), whose differences are flows.
"""

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

#: Exact numbers: ints while they stay whole (sum tables mostly do, and ints are much faster), else Fractions.
_Num = int | Fraction
_Row = dict[int, _Num]


def suppress(
    cells: Mapping[K, int],
    equations: Sequence[tuple[K, Sequence[K]]],
    *,
    threshold: int,
    forced: Collection[K] = (),
) -> frozenset[K]:
    """The cells to hide: every ``0 < value < threshold`` and ``forced``, plus complements until none is determined.

    Complements are chosen to lose little, one per determined cell and round (then the attacker is asked
    again), from the equations of that cell, ranked by: the equation's number of hidden members (fewest
    first: an equation with one hidden member is a plain subtraction); a shown *part* before the total (the
    total only when no non-zero part is left); how many of the candidate's other equations would be left with
    a single hidden member that no one further cell can pair up (see `_System.complement`: this closes a
    rectangle instead of starting a new chain); then the smallest value; then the order of ``cells``. So the
    answer is deterministic. A 0 is never chosen (hiding a 0 next to shown cells does not help: the attacker
    may assume it is 0). ``forced`` cells are hidden as well and, as they may be 0, the attacker is assumed to
    know only that they are at least 0.

    Call it once for everything that is shown together (a table, its totals, the levels above and below it:
    a cell shown in one call and hidden in another is simply shown). The cost: a city-wide worker table of
    ~900 cells and 61 equations, or a 60 × 12 table with margins (793 cells, 74 equations), takes 20-110 ms
    (A/B figures on a shared machine, one process).
    """
    system: _System[K] = _System(cells, equations)
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    unknown = [key for key in forced if key not in system.index]
    if unknown:
        raise ValueError(f"forced cells that are not in the table: {unknown!r}")
    hidden = {i for i, value in enumerate(system.values) if 0 < value < threshold}
    forced_ids = {system.index[key] for key in forced}
    hidden |= forced_ids
    floors = [0 if i in forced_ids else 1 for i in range(len(system.values))]
    while True:
        found = system.determined(hidden, floors)
        if not found:
            return frozenset(system.keys[i] for i in hidden)
        added: set[int] = set()
        touched: set[int] = set()  # equations that got a new hidden cell in this round
        for cell in sorted(found):
            if touched.intersection(system.equations_of[cell]):
                continue  # one complement per round and equation: the next round sees whether it sufficed
            complement = system.complement(cell, hidden | added)
            if complement is None:
                continue
            added.add(complement)
            touched.update(system.equations_of[complement])
        if not added:
            if all(system.values[i] == 0 for i in found):
                # Only forced zeros are left, tied to nothing but zeros and hidden cells: a 0 tells nothing
                # about a person (zeros are shown everywhere else), so it may follow.
                return frozenset(system.keys[i] for i in hidden)
            # A determined count with nothing left to hide around it cannot happen for sums of non-negative
            # counts; refuse rather than show a recoverable cell.
            raise RuntimeError("no complement found for determined cells: " + repr([system.keys[i] for i in found]))
        hidden |= added


def determined(
    cells: Mapping[K, int],
    equations: Sequence[tuple[K, Sequence[K]]],
    hidden: Collection[K],
    *,
    floor: int | Mapping[K, int] = 1,
) -> frozenset[K]:
    """The hidden cells whose value can be worked out exactly from the shown cells and the equations.

    ``floor``: what the attacker knows each hidden cell to be at least (1 when zeros are always shown; a
    mapping per cell; 0 if nothing is known beyond counts being non-negative).
    """
    system: _System[K] = _System(cells, equations)
    unknown = [key for key in hidden if key not in system.index]
    if unknown:
        raise ValueError(f"hidden cells that are not in the table: {unknown!r}")
    floors = [floor.get(key, 0) for key in system.keys] if isinstance(floor, Mapping) else [floor] * len(system.keys)
    ids = {system.index[key] for key in hidden}
    below = [system.keys[i] for i in ids if system.values[i] < floors[i]]
    if below:
        raise ValueError(f"hidden cells below the floor the attacker assumes: {below!r}")
    return frozenset(system.keys[i] for i in system.determined(ids, floors))


def safe_boundaries(series: Sequence[int], *, threshold: int) -> frozenset[int]:
    """The month boundaries a shown period may start or end at, for one unit's monthly counts.

    ``series[i]`` is the count of month ``i`` from the first month of history; boundary ``i`` lies before
    month ``i`` (0 is the start, ``len(series)`` the end of the last month). Boundaries are taken greedily
    from the start: boundary ``i`` is safe when the months since the previous safe boundary add up to 0 or
    to at least ``threshold``. Earlier boundaries never depend on later months, so a period shown once stays
    shown when history grows.

    Why nothing small can be worked out (the interval argument): let ``0 = b_0 < b_1 < … < b_k`` be the safe
    boundaries and ``B_r`` the months between ``b_{r-1}`` and ``b_r`` ("blocks"; each sums to 0 or ≥ threshold).
    A shown period runs from one safe boundary to another, so its total is the sum of whole blocks, and
    every shown total is a 0/1 combination of the block sums ``s_r``; the other way round, each ``s_r`` is the
    difference of two shown totals. So what all shown totals together tell — with every subtraction and
    any other linear combination — is exactly the block sums: the span of the block indicator vectors. A
    month, or a run of consecutive months, is determined only when its indicator vector is in that span,
    i.e. when it is a union of whole blocks (a vector in the span is constant on each block); its total is
    then a sum of block sums, each 0 or ≥ threshold, so it is 0 or ≥ threshold. Within a block of two or more
    months with sum ``s > 0`` every month and every partial run can be anything from 0 to ``s`` (move one
    event to a neighbouring month of the block), so neither linear algebra nor non-negativity pins it. The
    months after the last safe boundary (sum 1..threshold-1) are in no shown period at all.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    if any(count < 0 for count in series):
        raise ValueError("counts cannot be negative")
    safe = {0}
    running = 0
    for i, count in enumerate(series, start=1):
        running += count
        if running == 0 or running >= threshold:
            safe.add(i)
            running = 0
    return frozenset(safe)


def common_safe_boundaries(serieses: Iterable[Sequence[int]], *, threshold: int) -> frozenset[int]:
    """Boundaries safe for every series at once: the greedy rule of `safe_boundaries`, where boundary ``i`` is
    taken when *every* series has 0 or at least ``threshold`` since the previous common safe boundary.

    For a table whose cells are shown for any period (teams, their workers, the city, …): with periods that
    start and end only at these boundaries, every cell of every shown period is 0 or ≥ threshold, so no
    cell needs suppressing, and the interval argument of `safe_boundaries` holds for each cell's series and
    thus for any combination of cells, levels and periods (every shown number is a sum of cell-block sums,
    each 0 or ≥ threshold, and nothing finer than a block can be separated). The price: coarser periods.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    rows = [list(series) for series in serieses]
    if not rows:
        return frozenset({0})
    length = len(rows[0])
    if any(len(row) != length for row in rows):
        raise ValueError("all series must cover the same months")
    if any(count < 0 for row in rows for count in row):
        raise ValueError("counts cannot be negative")
    safe = {0}
    running = [0] * len(rows)
    for i in range(length):
        running = [total + row[i] for total, row in zip(running, rows, strict=True)]
        if all(total == 0 or total >= threshold for total in running):
            safe.add(i + 1)
            running = [0] * len(rows)
    return frozenset(safe)


def period_shown(series: Sequence[int], start: int, end: int, *, threshold: int) -> bool:
    """Whether the total of months ``start..end`` (inclusive, indexes into ``series``) may be shown."""
    if not 0 <= start <= end < len(series):
        raise ValueError("a period runs from a month to the same or a later month within the series")
    safe = safe_boundaries(series, threshold=threshold)
    return start in safe and end + 1 in safe


def apply(values: Mapping[K, int | float], hidden: Collection[K]) -> dict[K, int | float | None]:
    """The values to show, ``None`` where hidden.

    The rule for sums: minutes, days and other sums (and the means made of them) are shown only when their
    count is shown, so pass the sums keyed like the counts together with the counts' hidden set:
    ``apply(minutes, suppress(counts, …))``. A sum can reveal its count (a mean of 45 minutes over a total of
    90 minutes says "2 contacts").
    """
    hidden_set = set(hidden)
    return {key: (None if key in hidden_set else value) for key, value in values.items()}


# --- the machinery ------------------------------------------------------------------------------------------


class _System(Generic[K]):
    """The cells numbered in the order given, and the equations as rows over those numbers."""

    def __init__(self, cells: Mapping[K, int], equations: Sequence[tuple[K, Sequence[K]]]) -> None:
        self.keys: list[K] = list(cells)
        self.index: dict[K, int] = {key: i for i, key in enumerate(self.keys)}
        self.values: list[int] = [cells[key] for key in self.keys]
        bad = [key for key, value in cells.items() if not isinstance(value, int) or value < 0]
        if bad:
            raise ValueError(f"cells must be non-negative integers: {bad!r}")
        self.rows: list[tuple[int, tuple[int, ...]]] = []
        self._members: list[tuple[int, ...]] = []
        self._members_set: list[frozenset[int]] = []
        self.equations_of: dict[int, list[int]] = defaultdict(list)
        for number, (total, parts) in enumerate(equations):
            missing = [key for key in (total, *parts) if key not in self.index]
            if missing:
                raise ValueError(f"equation {number} names cells that are not in the table: {missing!r}")
            t, ps = self.index[total], tuple(self.index[part] for part in parts)
            if len(set(ps)) != len(ps) or t in ps:
                raise ValueError(f"equation {number} names a cell twice")
            if self.values[t] != sum(self.values[p] for p in ps):
                raise ValueError(f"equation {number} does not hold: {total!r} is not the sum of its parts")
            self.rows.append((t, ps))
            self._members.append((t, *ps))
            self._members_set.append(frozenset((t, *ps)))
            for member in (t, *ps):
                self.equations_of[member].append(len(self.rows) - 1)

    # The attacker.

    def determined(self, hidden: set[int], floors: Sequence[int]) -> set[int]:
        """Hidden cells fixed by the equations and the floors (see the module docstring)."""
        rows: list[_Row] = []
        for t, ps in self.rows:
            row: _Row = {}
            if t in hidden:
                row[t] = 1
            for p in ps:
                if p in hidden:
                    row[p] = -1
            if row:
                rows.append(row)
        result: set[int] = set()
        for component_rows in _components(rows):
            columns = sorted({c for row in component_rows for c in row})
            pivots = _rref(component_rows)
            fixed = _fixed(columns, pivots)
            result |= fixed
            at_floor = [c for c in columns if c not in fixed and self.values[c] == floors[c]]
            if not at_floor:
                continue
            pinned = _pinned(at_floor, columns, pivots)
            if pinned:
                known: list[_Row] = [{c: 1} for c in sorted(pinned)]
                more = _rref([*component_rows, *known])
                result |= _fixed(columns, more)
        return result

    # The defender's choice.

    def complement(self, cell: int, hidden: set[int]) -> int | None:
        """The cell to hide next to help ``cell``; None if its equations have nothing left to hide.

        Looks one step ahead: hiding a candidate leaves its other equations that had no hidden member with a
        single one ("lonely"), each of which needs a complement of its own later. A lonely equation is cheap
        when one of its shown non-zero members lies in an equation that already has a hidden member (hiding
        that one closes the cycle, like the fourth corner of a rectangle); candidates are ranked by the lonely
        equations that cannot be closed like that, then by all lonely ones, then by value.
        """
        members_of = self._members
        hidden_count = [sum(1 for m in members if m in hidden) for members in members_of]
        # The cell's own equations first; when they have nothing left to hide (all other members hidden or 0),
        # those of the hidden cells it is tied to, one step further at a time.
        reached, frontier = {cell}, [cell]
        while frontier:
            numbers = sorted({number for c in frontier for number in self.equations_of[c]})
            found = self._best_candidate(numbers, hidden, hidden_count)
            if found is not None:
                return found
            frontier = sorted({m for number in numbers for m in members_of[number] if m in hidden and m not in reached})
            reached.update(frontier)
        return None

    def _best_candidate(self, numbers: Sequence[int], hidden: set[int], hidden_count: Sequence[int]) -> int | None:
        members_of = self._members
        best: tuple[tuple[int, int, int, int, int, int], int] | None = None
        for number in numbers:
            for candidate in members_of[number]:
                if candidate in hidden or self.values[candidate] == 0:
                    continue
                is_total = 1 if candidate == self.rows[number][0] else 0
                lonely = [
                    other for other in self.equations_of[candidate] if other != number and not hidden_count[other]
                ]
                open_ends = sum(1 for other in lonely if not self._closable(other, candidate, hidden_count))
                key = (hidden_count[number], is_total, open_ends, len(lonely), self.values[candidate], candidate)
                if best is None or key < best[0]:
                    best = (key, candidate)
        return None if best is None else best[1]

    def _closable(self, number: int, candidate: int, hidden_count: Sequence[int]) -> bool:
        """Whether equation ``number``, lonely after hiding ``candidate``, has a shown non-zero member that
        lies in another equation with a hidden member already."""
        for member in self._members[number]:
            if member == candidate or self.values[member] == 0:
                continue
            for other in self.equations_of[member]:
                if other != number and (hidden_count[other] or candidate in self._members_set[other]):
                    return True
        return False


def _components(rows: list[_Row]) -> Iterable[list[_Row]]:
    """The rows grouped by the unknowns they share (union-find), in a stable order."""
    parent: dict[int, int] = {}

    def find(c: int) -> int:
        while parent.setdefault(c, c) != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for row in rows:
        first, *rest = row
        for c in rest:
            a, b = find(first), find(c)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[_Row]] = {}
    for row in rows:
        groups.setdefault(find(next(iter(row))), []).append(row)
    return groups.values()


def _rref(rows: Iterable[_Row]) -> dict[int, _Row]:
    """Reduced row echelon form over Fractions: pivot column → its row (pivot 1, no other pivot columns)."""
    pivots: dict[int, _Row] = {}
    for original in rows:
        row = dict(original)
        for p in [c for c in row if c in pivots]:
            factor = row.get(p)
            if factor:
                _add(row, pivots[p], -factor)
        if not row:
            continue
        p = min(row)
        factor = row[p]
        if factor != 1:
            row = {c: _div(v, factor) for c, v in row.items()}
        for other in pivots.values():
            f = other.get(p)
            if f:
                _add(other, row, -f)
        pivots[p] = row
    return pivots


def _div(a: _Num, b: _Num) -> _Num:
    """a / b exactly, an int when it divides."""
    if isinstance(a, int) and isinstance(b, int):
        q, r = divmod(a, b)
        return q if r == 0 else Fraction(a, b)
    return Fraction(a) / b


def _add(target: _Row, source: _Row, factor: _Num) -> None:
    """target += factor × source, dropping zeros."""
    for c, v in source.items():
        new = target.get(c, 0) + factor * v
        if new:
            target[c] = new
        else:
            target.pop(c, None)


def _fixed(columns: Sequence[int], pivots: dict[int, _Row]) -> set[int]:
    """Unknowns whose unit vector lies in the row space: a pivot whose reduced row has no free column."""
    return {c for c in columns if c in pivots and len(pivots[c]) == 1}


def _pinned(at_floor: Sequence[int], columns: Sequence[int], pivots: dict[int, _Row]) -> set[int]:
    """The cells of ``at_floor`` that no solution can raise while keeping every cell of ``at_floor`` ≥ its floor.

    Null-space directions: ``d = N y`` with ``y`` over the free columns (``d_f = y_f``; ``d_p = -Σ row_p[f] y_f``).
    LP: maximise Σ t_j subject to ``t_j - d_j <= 0``, ``t_j <= 1``, ``t, y+, y- >= 0`` (module docstring).
    """
    free = [c for c in columns if c not in pivots]
    free_index = {c: k for k, c in enumerate(free)}
    n_free = len(free)
    direction: list[_Row] = []  # d_j as a combination of y
    for j in at_floor:
        if j in pivots:
            direction.append({free_index[f]: -v for f, v in pivots[j].items() if f != j})
        else:
            direction.append({free_index[j]: 1})
    m = len(at_floor)
    # Variables: y+ (0..n_free-1), y- (n_free..2 n_free-1), t (2 n_free + r). Rows: t_r - d_r <= 0, then t_r <= 1.
    matrix: list[_Row] = []
    for r, d in enumerate(direction):
        row: _Row = {2 * n_free + r: 1}
        for k, v in d.items():
            row[k] = -v
            row[n_free + k] = v
        matrix.append(row)
    matrix.extend({2 * n_free + r: 1} for r in range(m))
    bounds: list[_Num] = [*([0] * m), *([1] * m)]
    objective: _Row = {2 * n_free + r: 1 for r in range(m)}
    solution = _simplex_max(matrix, bounds, objective, 2 * n_free + m)
    return {j for r, j in enumerate(at_floor) if solution.get(2 * n_free + r, 0) < 1}


def _simplex_max(matrix: list[_Row], bounds: list[_Num], objective: _Row, n: int) -> dict[int, _Num]:
    """Maximise objective·x subject to matrix·x <= bounds, x >= 0 (n variables), for bounds >= 0.

    Exact (Fractions) tableau simplex with Bland's rule, so it cannot cycle on the many degenerate rows; rows are
    sparse (column → coefficient) and the slack of row i is column n + i. Returns the non-zero variables.
    """
    m = len(matrix)
    tableau: list[_Row] = [{**row, n + i: 1} for i, row in enumerate(matrix)]
    rhs = list(bounds)
    basis = [n + i for i in range(m)]
    costs: _Row = {j: -c for j, c in objective.items() if c}
    while True:
        entering = min((j for j, c in costs.items() if c < 0), default=None)
        if entering is None:
            break
        leaving: int | None = None
        best: tuple[_Num, int] | None = None
        for i, row in enumerate(tableau):
            a = row.get(entering)
            if a is not None and a > 0:
                key = (_div(rhs[i], a), basis[i])
                if best is None or key < best:
                    best, leaving = key, i
        if leaving is None:  # pragma: no cover - the objective is bounded by construction (t <= 1)
            raise RuntimeError("unbounded linear programme")
        pivot_row = tableau[leaving]
        a = pivot_row[entering]
        if a != 1:
            for k in pivot_row:
                pivot_row[k] = _div(pivot_row[k], a)
            rhs[leaving] = _div(rhs[leaving], a)
        for i, row in enumerate(tableau):
            if i != leaving:
                f = row.get(entering)
                if f:
                    _add(row, pivot_row, -f)
                    rhs[i] -= f * rhs[leaving]
        f = costs.get(entering)
        if f:
            _add(costs, pivot_row, -f)
        basis[leaving] = entering
    return {b: rhs[i] for i, b in enumerate(basis) if b < n and rhs[i]}
