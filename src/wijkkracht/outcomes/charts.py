"""Pictures of the benchmark as server-side SVG, in the house style of `diagnosis.charts`: printable, no
JavaScript, no `style` (the CSP forbids it; colours are presentation attributes), each with a title and a
description; the page puts a table beside each that says the same. Colour is never the only carrier: flagged
units have their own shape and a label, limit lines their own dash pattern, hidden values a word."""

import math
from collections.abc import Callable, Sequence
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkkracht.diagnosis.charts import _svg
from wijkkracht.outcomes.benchmark import FLAG_HIGH, FLAG_LOW, FLAG_WARNING, FunnelResult, UnitResult

INK = "#1b1b1f"
GRID = "#d9dbe2"
MUTED = "#5c5c66"  # 6.6:1 on white
BLUE = "#0b4f8a"
RED = "#b3261e"
AMBER = "#8a5300"  # 6.0:1 on white
GREEN = "#2e6b30"
SUPPRESSED_FILL = "#eceef2"

ValueFormat = Callable[[float], str]


def _default_format(value: float) -> str:
    return number_format(value, 2)


def _count(value: float) -> str:
    return number_format(round(value), force_grouping=True)


def _percentage(coverage: float) -> str:
    value = round(coverage * 100, 1)
    return number_format(value, 0 if value == int(value) else 1)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 × a power of ten apart) that cover low…high."""
    if not math.isfinite(low) or not math.isfinite(high):
        raise ValueError("ticks need finite bounds")
    if high <= low:
        high = low + (abs(low) or 1)
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(factor * power for factor in (1, 2, 2.5, 5, 10) if factor * power >= raw)
    first = math.floor(low / step + 1e-9)
    last = max(first + 1, math.ceil(high / step - 1e-9))
    ticks = [round(index * step, 12) for index in range(first, last + 1)]
    return ticks


class _Axes:
    """A linear plot area: x from `x0` to `x1` pixels, y from `y1` (bottom) to `y0` (top)."""

    def __init__(self, x0: float, x1: float, y0: float, y1: float, x_ticks: list[float], y_ticks: list[float]):
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1
        self.x_ticks, self.y_ticks = x_ticks, y_ticks
        self.x_min, self.x_max = x_ticks[0], x_ticks[-1]
        self.y_min, self.y_max = y_ticks[0], y_ticks[-1]

    def x(self, value: float) -> float:
        return self.x0 + (value - self.x_min) / (self.x_max - self.x_min) * (self.x1 - self.x0)

    def y(self, value: float) -> float:
        return self.y1 - (value - self.y_min) / (self.y_max - self.y_min) * (self.y1 - self.y0)

    def grid_and_y_axis(self, value_format: ValueFormat) -> list[str]:
        parts = ['<g class="axis axis--y">']
        for tick in self.y_ticks:
            y = self.y(tick)
            parts.append(
                f'<line x1="{self.x0}" x2="{self.x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
                f'<text x="{self.x0 - 8}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle" font-size="13" '
                f'fill="{INK}">{escape(value_format(tick))}</text>'
            )
        parts.append(
            f'<line x1="{self.x0}" x2="{self.x0}" y1="{self.y0}" y2="{self.y1}" stroke="{INK}" stroke-width="1"/></g>'
        )
        return parts

    def x_axis(self, label: str) -> list[str]:
        parts = [
            '<g class="axis axis--x">'
            f'<line x1="{self.x0}" x2="{self.x1}" y1="{self.y1}" y2="{self.y1}" stroke="{INK}" stroke-width="1"/>'
        ]
        for tick in self.x_ticks:
            x = self.x(tick)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{self.y1}" y2="{self.y1 + 5}" stroke="{INK}" stroke-width="1"/>'
                f'<text x="{x:.1f}" y="{self.y1 + 20}" text-anchor="middle" font-size="13" fill="{INK}">'
                f"{escape(_count(tick))}</text>"
            )
        parts.append(
            f'<text class="axis-label" x="{(self.x0 + self.x1) / 2:.1f}" y="{self.y1 + 42}" text-anchor="middle" '
            f'font-size="14" fill="{INK}">{escape(label)}</text></g>'
        )
        return parts


def _polyline(points: Sequence[tuple[float, float]], css: str, stroke: str, width: float, dash: str = "") -> str:
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline class="{css}" points="{path}" fill="none" stroke="{stroke}" stroke-width="{width}"{dashes}/>'


def _marker(flag: str, x: float, y: float) -> str:
    """The shape of a unit: a circle within the limits, a diamond outside the warning limits, a triangle
    pointing up (above) or down (below) outside the alarm limits."""
    if flag in (FLAG_HIGH, FLAG_LOW):
        tip, base = (y - 8, y + 6) if flag == FLAG_HIGH else (y + 8, y - 6)
        path = f"M{x:.1f},{tip:.1f} L{x + 8:.1f},{base:.1f} L{x - 8:.1f},{base:.1f} Z"
        return f'<path d="{path}" fill="{RED}" stroke="{INK}"/>'
    if flag == FLAG_WARNING:
        path = f"M{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y:.1f} L{x:.1f},{y + 7:.1f} L{x - 7:.1f},{y:.1f} Z"
        return f'<path d="{path}" fill="{AMBER}" stroke="{INK}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{BLUE}" stroke="#ffffff" stroke-width="1.5"/>'


def _flag_text(unit: UnitResult) -> str:
    if unit.flag == FLAG_HIGH:
        return _("above the alarm limit")
    if unit.flag == FLAG_LOW:
        return _("below the alarm limit")
    if unit.flag == FLAG_WARNING:
        return _("outside the warning limits")
    return _("within the limits")


def funnel_svg(
    result: FunnelResult,
    *,
    title: str,
    description: str,
    value_format: ValueFormat | None = None,
    n_label: str | None = None,
    chart_id: str = "funnel",
) -> SafeString:
    """The funnel plot: every unit's value (adjusted where the result is) against its n, the centre line and
    the warning and alarm limits as curves. Units outside the alarm limits are triangles with their name beside
    them; outside only the warning limits, diamonds."""
    fmt = value_format or _default_format
    width, height = 760, 500
    x0, x1, y0, y1 = 84, width - 24, 20, height - 150
    values = [unit.compared for unit in result.units]
    limits = [limit for point in result.curve for limit in (point.lower_alarm, point.upper_alarm)]
    low = min([*values, *limits, result.centre])
    high = max([*values, *limits, result.centre])
    pad = (high - low) * 0.05 or abs(high) * 0.1 or 1
    low, high = low - pad, high + pad
    if result.kind == "proportion":
        low, high = max(0.0, low), min(1.0, high)
    elif result.kind == "rate":
        low = max(0.0, low)
    largest_n = max([unit.n for unit in result.units] + [point.n for point in result.curve], default=1)
    axes = _Axes(x0, x1, y0, y1, nice_ticks(0, largest_n * 1.05, 6), nice_ticks(low, high, 6))
    body: list[str] = [*axes.grid_and_y_axis(fmt), *axes.x_axis(n_label or _("Households (n)"))]

    lines = ['<g class="limits">']
    for css, dash, colour, width_, getter in (
        ("limit limit--alarm", "2 4", RED, 2, lambda p: (p.lower_alarm, p.upper_alarm)),
        ("limit limit--warning", "8 5", MUTED, 1.5, lambda p: (p.lower_warning, p.upper_warning)),
    ):
        lower = [(axes.x(point.n), axes.y(getter(point)[0])) for point in result.curve]
        upper = [(axes.x(point.n), axes.y(getter(point)[1])) for point in result.curve]
        if len(result.curve) > 1:
            lines.append(_polyline(lower, f"{css} limit--lower", colour, width_, dash))
            lines.append(_polyline(upper, f"{css} limit--upper", colour, width_, dash))
    centre_y = axes.y(result.centre)
    lines.append(
        f'<line class="centre" x1="{x0}" x2="{x1}" y1="{centre_y:.1f}" y2="{centre_y:.1f}" stroke="{INK}" '
        'stroke-width="2"/></g>'
    )
    body.extend(lines)

    points = ['<g class="units">']
    labels = ['<g class="unit-labels">']
    # flagged units last, so their shapes are drawn on top
    for unit in sorted(result.units, key=lambda item: (item.flag in (FLAG_HIGH, FLAG_LOW), item.flag != "")):
        x, y = axes.x(unit.n), axes.y(unit.compared)
        tooltip = _("%(unit)s: %(value)s, n = %(n)s, %(flag)s") % {
            "unit": unit.label,
            "value": fmt(unit.compared),
            "n": _count(unit.n),
            "flag": _flag_text(unit),
        }
        points.append(
            f'<g class="unit{f" unit--{unit.flag}" if unit.flag else ""}" data-key="{escape(str(unit.key))}" '
            f'data-flag="{unit.flag}"><title>{escape(tooltip)}</title>{_marker(unit.flag, x, y)}</g>'
        )
        if unit.flagged:
            right = x > (x0 + x1) / 2
            labels.append(
                f'<text class="unit-label" x="{x + (-12 if right else 12):.1f}" y="{y + 4:.1f}" '
                f'text-anchor="{"end" if right else "start"}" font-size="13" font-weight="bold" fill="{INK}" '
                'stroke="#ffffff" stroke-width="4" paint-order="stroke">'
                f"{escape(unit.label)}</text>"
            )
    body.extend([*points, "</g>", *labels, "</g>"])

    legend_y = y1 + 70
    warning, alarm = _percentage(result.warning), _percentage(result.alarm)
    legend = [
        '<g class="legend">',
        f'<line x1="{x0}" x2="{x0 + 30}" y1="{legend_y}" y2="{legend_y}" stroke="{INK}" stroke-width="2"/>'
        f'<text x="{x0 + 38}" y="{legend_y + 4}" font-size="13" fill="{INK}">{escape(_("average of all"))}</text>',
        f'<line x1="{x0 + 200}" x2="{x0 + 230}" y1="{legend_y}" y2="{legend_y}" stroke="{MUTED}" stroke-width="1.5" '
        f'stroke-dasharray="8 5"/><text x="{x0 + 238}" y="{legend_y + 4}" font-size="13" fill="{INK}">'
        f"{escape(_('warning limits (%(coverage)s %%)') % {'coverage': warning})}</text>",
        f'<line x1="{x0 + 430}" x2="{x0 + 460}" y1="{legend_y}" y2="{legend_y}" stroke="{RED}" stroke-width="2" '
        f'stroke-dasharray="2 4"/><text x="{x0 + 468}" y="{legend_y + 4}" font-size="13" fill="{INK}">'
        f"{escape(_('alarm limits (%(coverage)s %%)') % {'coverage': alarm})}</text>",
    ]
    row = legend_y + 28
    for index, (flag, text) in enumerate(
        (
            ("", _("within the limits")),
            (FLAG_WARNING, _("outside the warning limits")),
            (FLAG_HIGH, _("above the alarm limit")),
            (FLAG_LOW, _("below the alarm limit")),
        )
    ):
        x = x0 + 8 + (index % 2) * 320
        y = row + (index // 2) * 24
        legend.append(
            f'{_marker(flag, x, y)}<text x="{x + 16}" y="{y + 4}" font-size="13" fill="{INK}">{escape(text)}</text>'
        )
    legend.append("</g>")
    body.extend(legend)
    return _svg(width, height, chart_id, title, description, body, "chart--funnel")


def trend_svg(
    series: Sequence[tuple[date, float | None]],
    *,
    title: str,
    description: str,
    value_format: ValueFormat | None = None,
    chart_id: str = "trend",
) -> SafeString:
    """A monthly trend line. A month without a value (hidden because too few households, or unknown) is a gap
    in the line, marked with a grey band and a cross, never drawn as zero."""
    fmt = value_format or _default_format
    width, height = 760, 340
    x0, x1, y0, y1 = 84, width - 24, 20, height - 110
    known = [value for _month, value in series if value is not None]
    low = min([0.0, *known])
    high = max([0.0, *known]) or 1.0
    count = len(series)
    y_ticks = nice_ticks(low, high, 5)
    axes = _Axes(x0, x1, y0, y1, [0, max(1, count)], y_ticks)
    step = (x1 - x0) / max(1, count)

    def x_of(index: int) -> float:
        return x0 + step * (index + 0.5)

    body: list[str] = [*axes.grid_and_y_axis(fmt)]
    body.append(f'<line x1="{x0}" x2="{x1}" y1="{y1}" y2="{y1}" stroke="{INK}" stroke-width="1"/>')
    every = max(1, math.ceil(count / 6))
    months = ['<g class="axis axis--x">']
    for index, (month, _value) in enumerate(series):
        if index % every == 0:
            months.append(
                f'<text class="month" x="{x_of(index):.1f}" y="{y1 + 20}" text-anchor="middle" font-size="13" '
                f'fill="{INK}">{escape(date_format(month, "F Y"))}</text>'
            )
    months.append("</g>")
    body.extend(months)

    gaps = ['<g class="suppressed-months">']
    for index, (month, value) in enumerate(series):
        if value is None:
            x = x_of(index)
            gaps.append(
                f'<g class="suppressed" data-month="{month.isoformat()}">'
                f"<title>{escape(_('%(month)s: unknown or hidden') % {'month': date_format(month, 'F Y')})}</title>"
                f'<rect x="{x - step / 2 + 1:.1f}" y="{y0}" width="{max(1.0, step - 2):.1f}" height="{y1 - y0}" '
                f'fill="{SUPPRESSED_FILL}"/>'
                f'<path d="M{x - 5:.1f},{y1 - 13:.1f} L{x + 5:.1f},{y1 - 3:.1f} M{x + 5:.1f},{y1 - 13:.1f} '
                f'L{x - 5:.1f},{y1 - 3:.1f}" stroke="{MUTED}" stroke-width="2" fill="none"/></g>'
            )
    gaps.append("</g>")
    body.extend(gaps)

    segments: list[list[tuple[float, float]]] = [[]]
    for index, (_month, value) in enumerate(series):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append((x_of(index), axes.y(value)))
    line = ['<g class="trend">']
    for segment in segments:
        if len(segment) > 1:
            line.append(_polyline(segment, "trend-line", BLUE, 2.5))
    for segment in segments:
        for x, y in segment:
            line.append(f'<circle class="trend-point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BLUE}"/>')
    line.append("</g>")
    body.extend(line)

    legend_y = y1 + 56
    body.append(
        f'<g class="legend"><circle cx="{x0 + 8}" cy="{legend_y}" r="4" fill="{BLUE}"/>'
        f'<text x="{x0 + 20}" y="{legend_y + 4}" font-size="13" fill="{INK}">{escape(_("value per month"))}</text>'
        f'<rect x="{x0 + 220}" y="{legend_y - 9}" width="18" height="18" fill="{SUPPRESSED_FILL}" stroke="{MUTED}"/>'
        f'<path d="M{x0 + 224},{legend_y - 5} L{x0 + 234},{legend_y + 5} M{x0 + 234},{legend_y - 5} '
        f'L{x0 + 224},{legend_y + 5}" stroke="{MUTED}" stroke-width="2" fill="none"/>'
        f'<text x="{x0 + 246}" y="{legend_y + 4}" font-size="13" fill="{INK}">'
        f"{escape(_('unknown or hidden (too few households)'))}</text></g>"
    )
    return _svg(width, height, chart_id, title, description, body, "chart--trend")


def _hours(minutes: int) -> str:
    hours = round(minutes / 60)
    return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": _count(hours)}


def pyramid_svg(
    levels: Sequence[Sequence[object]],
    *,
    title: str,
    description: str,
    chart_id: str = "pyramid",
) -> SafeString:
    """The pyramid of demand against supply. `levels`: (label, households, minutes, …) from the bottom of the
    pyramid (general support) to the top (crisis); None where a value is hidden or unknown. Left: households
    per level as a centred bar (the pyramid); right: the time spent on them, in hours. A hidden value is a
    dashed empty box with the words "unknown or hidden", never a bar of zero."""
    width = 760
    row_height, top = 46, 44
    height = top + row_height * len(levels) + 20
    label_right, pyramid_centre, pyramid_half = 196, 330, 110
    time_left, time_width = 500, 170
    households = [row[1] for row in levels if isinstance(row[1], int | float)]
    minutes = [row[2] for row in levels if isinstance(row[2], int | float)]
    most_households = max(households, default=0) or 1
    most_minutes = max(minutes, default=0) or 1
    body: list[str] = [
        f'<text class="column-head" x="{pyramid_centre}" y="22" text-anchor="middle" font-size="14" '
        f'font-weight="bold" fill="{INK}">{escape(_("Households"))}</text>',
        f'<text class="column-head" x="{time_left}" y="22" font-size="14" font-weight="bold" fill="{INK}">'
        f"{escape(_('Time spent'))}</text>",
        f'<line x1="{time_left}" x2="{time_left}" y1="{top - 6}" y2="{height - 14}" stroke="{INK}" stroke-width="1"/>',
    ]
    hidden = _("unknown or hidden")
    for position, row in enumerate(levels):
        label, count, spent = str(row[0]), row[1], row[2]
        index = len(levels) - 1 - position  # the first level at the bottom
        y = top + index * row_height
        bar_y, bar_height = y + 6, row_height - 12
        middle = y + row_height / 2
        parts = [
            f'<g class="level" data-level="{position}">',
            f'<text x="{label_right}" y="{middle:.1f}" text-anchor="end" dominant-baseline="middle" font-size="14" '
            f'fill="{INK}">{escape(label)}</text>',
        ]
        if isinstance(count, int | float):
            half = pyramid_half * count / most_households
            parts.append(
                f'<rect class="bar bar--households" x="{pyramid_centre - half:.1f}" y="{bar_y}" '
                f'width="{2 * half:.1f}" height="{bar_height}" fill="{BLUE}"/>'
                f'<text x="{pyramid_centre + max(half, 0) + 8:.1f}" y="{middle:.1f}" dominant-baseline="middle" '
                f'font-size="13" fill="{INK}">{escape(_count(count))}</text>'
            )
        else:
            parts.append(
                f'<g class="suppressed"><rect x="{pyramid_centre - 20}" y="{bar_y}" width="40" height="{bar_height}" '
                f'fill="none" stroke="{MUTED}" stroke-dasharray="4 3"/>'
                f'<text x="{pyramid_centre + 28}" y="{middle:.1f}" dominant-baseline="middle" font-size="13" '
                f'font-style="italic" fill="{INK}">{escape(hidden)}</text></g>'
            )
        if isinstance(spent, int | float):
            length = time_width * spent / most_minutes
            parts.append(
                f'<rect class="bar bar--time" x="{time_left}" y="{bar_y}" width="{length:.1f}" height="{bar_height}" '
                f'fill="{GREEN}"/><text x="{time_left + length + 8:.1f}" y="{middle:.1f}" dominant-baseline="middle" '
                f'font-size="13" fill="{INK}">{escape(_hours(int(spent)))}</text>'
            )
        else:
            parts.append(
                f'<g class="suppressed"><rect x="{time_left + 1}" y="{bar_y}" width="40" height="{bar_height}" '
                f'fill="none" stroke="{MUTED}" stroke-dasharray="4 3"/>'
                f'<text x="{time_left + 48}" y="{middle:.1f}" dominant-baseline="middle" font-size="13" '
                f'font-style="italic" fill="{INK}">{escape(hidden)}</text></g>'
            )
        parts.append("</g>")
        body.extend(parts)
    return _svg(width, height, chart_id, title, description, body, "chart--pyramid")
