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


def budget_svg(budget: TeamBudget, *, chart_id: str = "budget-chart") -> SafeString:
    """Per month: the cumulative planned budget (line with dots), committed and spent money at the month's end
    (a stacked bar: spent filled, committed outlined; only for months that have begun) and the year's budget
    (dashed line)."""
    width, height = 760, 430
    x0, x1, y0, y1 = 96, width - 24, 24, height - 120
    begun = [month for month in budget.months if month.begun]
    highest = max(
        [float(budget.total), 100.0]
        + [float(month.planned) for month in budget.months]
        + [float(month.committed + month.spent) for month in begun]
    )
    ticks = euro_ticks(highest)
    y_max = ticks[-1]

    def y(value: Decimal | float) -> float:
        return y1 - float(value) / y_max * (y1 - y0)

    slot = (x1 - x0) / 12

    def x(month: int) -> float:
        return x0 + slot * (month - 0.5)

    body: list[str] = ['<g class="axis axis--y">']
    for tick in ticks:
        body.append(
            f'<line x1="{x0}" x2="{x1}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{x0 - 8}" y="{y(tick):.1f}" text-anchor="end" dominant-baseline="middle" font-size="13" '
            f'fill="{INK}">{escape(euro(tick, 0))}</text>'
        )
    body.append(f'<line x1="{x0}" x2="{x0}" y1="{y0}" y2="{y1}" stroke="{INK}" stroke-width="1"/></g>')
    body.append(
        f'<g class="axis axis--x"><line x1="{x0}" x2="{x1}" y1="{y1}" y2="{y1}" stroke="{INK}" stroke-width="1"/>'
    )
    for month in range(1, 13):
        body.append(
            f'<text x="{x(month):.1f}" y="{y1 + 20}" text-anchor="middle" font-size="13" fill="{INK}">'
            f"{escape(month_label(budget.year, month))}</text>"
        )
    body.append("</g>")
    bar = slot * 0.56
    body.append('<g class="bars">')
    for shown in begun:
        left = x(shown.month) - bar / 2
        if shown.spent > 0:
            body.append(
                f'<rect class="bar bar--spent" x="{left:.1f}" y="{y(shown.spent):.1f}" width="{bar:.1f}" '
                f'height="{y1 - y(shown.spent):.1f}" fill="{BLUE}"/>'
            )
        if shown.committed > 0:
            top = y(shown.spent + shown.committed)
            body.append(
                f'<rect class="bar bar--committed" x="{left + 1:.1f}" y="{top:.1f}" width="{bar - 2:.1f}" '
                f'height="{y(shown.spent) - top:.1f}" fill="#ffffff" stroke="{BLUE}" stroke-width="2"/>'
            )
    body.append("</g>")
    line_y = y(budget.total)
    line_label = _("Budget {amount}").format(amount=euro(budget.total))
    body.append(
        f'<line class="budget-line" x1="{x0}" x2="{x1}" y1="{line_y:.1f}" y2="{line_y:.1f}" stroke="{RED}" '
        f'stroke-width="2" stroke-dasharray="8 5"/>'
        f'<text x="{x1}" y="{line_y - 6:.1f}" text-anchor="end" font-size="13" fill="{RED}">'
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
    # The legend, under the axis: two rows so it fits the picture's width.
    legend_y = y1 + 52
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
        column, row = index % 2, index // 2
        left = x0 + column * 320
        top = legend_y + row * 26
        body.append(
            f'<g transform="translate({left},{top})">{mark}'
            f'<text x="36" y="0" dominant-baseline="middle" font-size="13" fill="{INK}">{escape(label)}</text></g>'
        )
    body.append("</g>")
    title = _("Budget of {team} in {year} per month").format(team=budget.team.name, year=budget.year)
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
