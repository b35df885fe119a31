"""The picture of a team's budget as server-side SVG, in the house style of `outcomes.charts`: printable, no
JavaScript, no `style` (the CSP forbids it; colours are presentation attributes), a title and a description;
the page puts a table beside it that says the same. Colour is never the only carrier: spent money is a filled
bar, committed money an outlined bar on top of it, the planned budget a line with dots, the year's budget a
dashed line with its amount written beside it."""

import math
from decimal import Decimal

from django.utils.dates import MONTHS_3
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from wijkkracht.diagnosis.charts import _svg
from wijkkracht.mandate.budget import TeamBudget

# The colours of `outcomes.charts` (a higher layer, so repeated here), each 4.5:1 or more on white.
INK = "#1b1b1f"
GRID = "#d9dbe2"
BLUE = "#0b4f8a"
RED = "#b3261e"
GREEN = "#2e6b30"
NBSP = "\u00a0"


def euro_ticks(high: float, count: int = 5) -> list[float]:
    """Round amounts from 0 (1, 2, 2.5 or 5 × a power of ten apart) that reach at least `high` (> 0)."""
    raw = high / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(factor * power for factor in (1, 2, 2.5, 5, 10) if factor * power >= raw)
    return [step * index for index in range(math.ceil(high / step - 1e-9) + 1)]


def euro(value: Decimal | float | int, decimals: int = 2) -> str:
    """An amount as people read it: "€ 1.234,56" (Dutch grouping and decimal comma in Dutch)."""
    return f"€{NBSP}{number_format(value, decimals, force_grouping=True)}"


def month_label(year: int, month: int) -> str:
    """The short name of a month in the user's language ("jan", "feb" … in Dutch)."""
    return str(MONTHS_3[month])


#: The least width (or height) in the picture's units of a non-zero amount, so € 180 on a € 200.000 scale shows.
MIN_MARK = 4.0
#: Text classes: `chart-text` grows on a phone (wijkkracht.css), `tick--minor` is hidden there so fewer, larger
#: labels fit (the CSP allows no inline style; the sizes below are the presentation attributes for wide screens).
TEXT = "chart-text"
MINOR = "chart-text tick--minor"


def _mark(amount: Decimal, scale: float) -> float:
    """The length of a non-negative amount at `scale` units per euro: at least MIN_MARK when it is not zero."""
    if amount <= 0:
        return 0.0
    return max(MIN_MARK, float(amount) * scale)


def used_svg(budget: TeamBudget, *, chart_id: str = "budget-used-chart") -> SafeString:
    """One bar for the year's budget: the money spent (filled) and committed (outlined) as a share of it, each
    at least MIN_MARK wide when it is not zero; beyond the budget the bar runs to the end and the budget's place
    is a red dashed line."""
    width, height = 760, 56
    left, right, top, bottom = 2, width - 2, 8, 48
    used = budget.committed + budget.spent
    scale_to = max(float(budget.total), float(used), 1.0)
    scale = (right - left) / scale_to
    body = [
        f'<rect class="bar bar--track" x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
        f'fill="#ffffff" stroke="{INK}" stroke-width="1"/>'
    ]
    spent = _mark(budget.spent, scale)
    committed = _mark(budget.committed, scale)
    if spent + committed > right - left:  # two minimal marks on a tiny budget: fit them in the bar
        spent, committed = (spent, right - left - spent) if committed else (right - left, 0.0)
    if spent:
        body.append(
            f'<rect class="bar bar--spent" x="{left}" y="{top}" width="{spent:.1f}" height="{bottom - top}" '
            f'fill="{BLUE}"/>'
        )
    if committed:
        body.append(
            f'<rect class="bar bar--committed" x="{left + spent + 1:.1f}" y="{top + 1}" '
            f'width="{max(committed - 2, 2):.1f}" height="{bottom - top - 2}" fill="#ffffff" stroke="{BLUE}" '
            f'stroke-width="2"/>'
        )
    if used > budget.total > 0:
        at = left + float(budget.total) * scale
        body.append(
            f'<line class="budget-line" x1="{at:.1f}" x2="{at:.1f}" y1="2" y2="{height - 2}" stroke="{RED}" '
            f'stroke-width="3" stroke-dasharray="6 4"/>'
        )
    title = _("Used of the budget of {team} in {year}").format(team=budget.team.name, year=budget.year)
    description = _("Budget {total}; committed {committed}; spent {spent}.").format(
        total=euro(budget.total), committed=euro(budget.committed), spent=euro(budget.spent)
    )
    return _svg(width, height, chart_id, title, description, body, "chart--used")


def budget_svg(budget: TeamBudget, *, chart_id: str = "budget-chart") -> SafeString:
    """Per month: the cumulative planned budget (line with dots), committed and spent money at the month's end
    (a stacked bar: spent filled, committed outlined; only for months that have begun; a non-zero amount at
    least MIN_MARK high) and the year's budget (dashed line). Every other label is minor: hidden on a phone,
    where the rest grows (wijkkracht.css)."""
    width, height = 760, 470
    x0, x1, y0, y1 = 150, width - 24, 40, 300
    begun = [month for month in budget.months if month.begun]
    highest = max(
        [float(budget.total), 100.0]
        + [float(month.planned) for month in budget.months]
        + [float(month.committed + month.spent) for month in begun]
    )
    ticks = euro_ticks(highest, 4)
    y_max = ticks[-1]

    def y(value: Decimal | float) -> float:
        return y1 - float(value) / y_max * (y1 - y0)

    slot = (x1 - x0) / 12

    def x(month: int) -> float:
        return x0 + slot * (month - 0.5)

    body: list[str] = ['<g class="axis axis--y">']
    for index, tick in enumerate(ticks):
        kind = MINOR if index % 2 else TEXT
        body.append(
            f'<line x1="{x0}" x2="{x1}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}" stroke-width="1"/>'
            f'<text class="{kind}" x="{x0 - 8}" y="{y(tick):.1f}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="13" fill="{INK}">{escape(euro(tick, 0))}</text>'
        )
    body.append(f'<line x1="{x0}" x2="{x0}" y1="{y0}" y2="{y1}" stroke="{INK}" stroke-width="1"/></g>')
    body.append(
        f'<g class="axis axis--x"><line x1="{x0}" x2="{x1}" y1="{y1}" y2="{y1}" stroke="{INK}" stroke-width="1"/>'
    )
    for month in range(1, 13):
        kind = TEXT if month % 2 else MINOR  # jan, mrt, mei … stay on a phone
        body.append(
            f'<text class="{kind}" x="{x(month):.1f}" y="{y1 + 8}" text-anchor="middle" '
            f'dominant-baseline="hanging" font-size="13" fill="{INK}">{escape(month_label(budget.year, month))}</text>'
        )
    body.append("</g>")
    bar = slot * 0.56
    scale = (y1 - y0) / y_max
    body.append('<g class="bars">')
    for shown in begun:
        left = x(shown.month) - bar / 2
        spent = _mark(shown.spent, scale)
        committed = _mark(shown.committed, scale)
        if spent:
            body.append(
                f'<rect class="bar bar--spent" x="{left:.1f}" y="{y1 - spent:.1f}" width="{bar:.1f}" '
                f'height="{spent:.1f}" fill="{BLUE}"/>'
            )
        if committed:
            body.append(
                f'<rect class="bar bar--committed" x="{left + 1:.1f}" y="{y1 - spent - committed:.1f}" '
                f'width="{bar - 2:.1f}" height="{committed:.1f}" fill="#ffffff" stroke="{BLUE}" stroke-width="2"/>'
            )
    body.append("</g>")
    line_y = y(budget.total)
    line_label = _("Budget {amount}").format(amount=euro(budget.total))
    body.append(
        f'<line class="budget-line" x1="{x0}" x2="{x1}" y1="{line_y:.1f}" y2="{line_y:.1f}" stroke="{RED}" '
        f'stroke-width="2" stroke-dasharray="8 5"/>'
        f'<text class="{TEXT}" x="{x1}" y="{line_y - 6:.1f}" text-anchor="end" font-size="13" fill="{RED}">'
        f"{escape(line_label)}</text>"
    )
    points = " ".join(f"{x(month.month):.1f},{y(month.planned):.1f}" for month in budget.months)
    body.append(
        f'<polyline class="planned" points="{points}" fill="none" stroke="{GREEN}" stroke-width="2.5"/>'
        + "".join(
            f'<circle cx="{x(month.month):.1f}" cy="{y(month.planned):.1f}" r="4" fill="{GREEN}"/>'
            for month in budget.months
        )
    )
    # The legend, under the axis: one item a row, so it still fits when the text grows on a phone.
    legend_y = y1 + 66
    items = [
        (f'<line x1="0" x2="28" y1="0" y2="0" stroke="{GREEN}" stroke-width="2.5"/>'
         f'<circle cx="14" cy="0" r="4" fill="{GREEN}"/>', _("planned budget (cumulative)")),
        (f'<line x1="0" x2="28" y1="0" y2="0" stroke="{RED}" stroke-width="2" stroke-dasharray="8 5"/>',
         _("budget of the year")),
        (f'<rect x="6" y="-8" width="16" height="16" fill="{BLUE}"/>', _("spent")),
        (f'<rect x="7" y="-7" width="14" height="14" fill="#ffffff" stroke="{BLUE}" stroke-width="2"/>',
         _("committed (approved, not yet paid)")),
    ]  # fmt: skip
    body.append('<g class="legend">')
    for index, (mark, label) in enumerate(items):
        body.append(
            f'<g transform="translate(24,{legend_y + index * 30})">{mark}'
            f'<text class="{TEXT}" x="36" y="0" dominant-baseline="middle" font-size="13" fill="{INK}">'
            f"{escape(label)}</text></g>"
        )
    body.append("</g>")
    title = _("Budget of {team} in {year} per month").format(team=budget.team.name, year=budget.year)
    if budget.remaining < 0:
        description = _(
            "Planned budget to each month's end, and the money committed and spent at each month's end. "
            "Budget {total}; committed {committed}; spent {spent}; {shortfall} short."
        ).format(
            total=euro(budget.total),
            committed=euro(budget.committed),
            spent=euro(budget.spent),
            shortfall=euro(-budget.remaining),
        )
    else:
        description = _(
            "Planned budget to each month's end, and the money committed and spent at each month's end. "
            "Budget {total}; committed {committed}; spent {spent}; remaining {remaining}."
        ).format(
            total=euro(budget.total),
            committed=euro(budget.committed),
            spent=euro(budget.spent),
            remaining=euro(budget.remaining),
        )
    return _svg(width, height, chart_id, title, description, body, "chart--budget")
