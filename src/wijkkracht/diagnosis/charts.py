"""Pictures of progress as server-side SVG: printable, no JavaScript, each with a title, a description
and (in the templates) a data table that says the same for screen-reader users."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkkracht.diagnosis.models import Measurement
from wijkkracht.diagnosis.progress import scores_of
from wijkkracht.instruments.definitions import InstrumentDefinition, ScaleValue


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour_on(background: str) -> str:
    """Black or white, whichever contrasts more with the background (WCAG contrast ratio)."""
    luminance = _luminance(background)
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


def rings_from_centre(definition: InstrumentDefinition) -> list[ScaleValue]:
    """Scale values from the good end (centre of the target) to the bad end (outer ring)."""
    return list(definition.scale) if definition.good == "low" else list(reversed(definition.scale))


def _svg(width: int, height: int, chart_id: str, title: str, description: str, body: list[str], css: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text that goes in is escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _point(cx: float, cy: float, radius: float, angle: float) -> tuple[float, float]:
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _annular_sector(cx: float, cy: float, inner: float, outer: float, start: float, end: float) -> str:
    large = 1 if end - start > math.pi else 0
    x1, y1 = _point(cx, cy, outer, start)
    x2, y2 = _point(cx, cy, outer, end)
    x3, y3 = _point(cx, cy, inner, end)
    x4, y4 = _point(cx, cy, inner, start)
    if inner <= 0:
        return f"M{cx:.1f},{cy:.1f} L{x1:.1f},{y1:.1f} A{outer:.1f},{outer:.1f} 0 {large} 1 {x2:.1f},{y2:.1f} Z"
    return (
        f"M{x1:.1f},{y1:.1f} A{outer:.1f},{outer:.1f} 0 {large} 1 {x2:.1f},{y2:.1f} "
        f"L{x3:.1f},{y3:.1f} A{inner:.1f},{inner:.1f} 0 {large} 0 {x4:.1f},{y4:.1f} Z"
    )


@dataclass(frozen=True)
class TargetRow:
    domain: str
    before: str
    after: str


def target_rows(definition: InstrumentDefinition, before: Measurement | None, after: Measurement) -> list[TargetRow]:
    before_scores = scores_of(before) if before else {}
    after_scores = scores_of(after)

    def label(scores: dict[str, int], code: str) -> str:
        return definition.scale_value(scores[code]).label if code in scores else "–"

    return [
        TargetRow(domain.label, label(before_scores, domain.code), label(after_scores, domain.code))
        for domain in definition.domains
    ]


def target_svg(
    definition: InstrumentDefinition, before: Measurement | None, after: Measurement, chart_id: str
) -> SafeString:
    """The target of the integrale nulmeting: rings from the centre outward (zelf … individuele
    voorzieningen), one sector per domain. The later measurement fills its cell with the scale colour;
    the earlier one is a dashed circle, so movement toward the centre is visible at a glance."""
    width, height, cx, cy, radius = 880, 640, 440, 270, 200
    rings = rings_from_centre(definition)
    ring_index = {item.value: index for index, item in enumerate(rings)}
    count = len(definition.domains)
    step = 2 * math.pi / count
    before_scores = scores_of(before) if before else {}
    after_scores = scores_of(after)
    body: list[str] = []
    for index, item in enumerate(rings):
        outer = radius * (index + 1) / len(rings)
        body.append(
            f'<circle class="ring" data-level="{item.value}" cx="{cx}" cy="{cy}" r="{outer:.1f}" '
            f'fill="none" stroke="#6b6b76" stroke-width="1"/>'
        )
    for d_index, domain in enumerate(definition.domains):
        start = -math.pi / 2 + d_index * step
        end = start + step
        cells: list[str] = []
        for r_index, item in enumerate(rings):
            inner, outer = radius * r_index / len(rings), radius * (r_index + 1) / len(rings)
            filled = after_scores.get(domain.code) == item.value
            fill = item.colour if filled else "#f3f4f7"
            cells.append(
                f'<path class="cell{" cell--now" if filled else ""}" data-level="{item.value}" '
                f'd="{_annular_sector(cx, cy, inner, outer, start, end)}" '
                f'fill="{fill}" stroke="#ffffff" stroke-width="2"/>'
            )
        if domain.code in before_scores:
            r_index = ring_index[before_scores[domain.code]]
            middle = radius * (r_index + 0.5) / len(rings)
            px, py = _point(cx, cy, middle, start + step / 2)
            cells.append(
                f'<circle class="marker-before" cx="{px:.1f}" cy="{py:.1f}" r="9" fill="none" '
                f'stroke="#1b1b1f" stroke-width="2.5" stroke-dasharray="4 3"/>'
            )
        lx, ly = _point(cx, cy, radius + 22, start + step / 2)
        anchor = "middle" if abs(lx - cx) < 30 else ("start" if lx > cx else "end")
        cells.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" dominant-baseline="middle" '
            f'font-size="14" fill="#1b1b1f">{escape(domain.label)}</text>'
        )
        body.append(f'<g class="sector" data-domain="{escape(domain.code)}">{"".join(cells)}</g>')
    legend_y = height - 70
    legend: list[str] = []
    for index, item in enumerate(rings):
        x = 40 + index * 210
        legend.append(
            f'<rect x="{x}" y="{legend_y}" width="18" height="18" fill="{item.colour}" stroke="#1b1b1f"/>'
            f'<text x="{x + 26}" y="{legend_y + 14}" font-size="14" fill="#1b1b1f">{escape(item.label)}</text>'
        )
    if before:
        earlier = _("dashed circle: earlier measurement (%(moment)d-meting)") % {"moment": before.moment}
        legend.append(
            f'<circle cx="49" cy="{legend_y + 44}" r="8" fill="none" stroke="#1b1b1f" stroke-width="2.5" '
            f'stroke-dasharray="4 3"/><text x="66" y="{legend_y + 49}" font-size="14" fill="#1b1b1f">'
            f"{escape(earlier)}</text>"
        )
    latest = _("coloured cell: latest measurement (%(moment)d-meting)") % {"moment": after.moment}
    legend.append(
        f'<text x="{430 if before else 40}" y="{legend_y + 49}" font-size="14" fill="#1b1b1f">{escape(latest)}</text>'
    )
    body.append(f'<g class="legend">{"".join(legend)}</g>')
    before_text = (
        _("dashed circle: %(moment)d-meting of %(date)s")
        % {"moment": before.moment, "date": date_format(before.date, "j F Y")}
        if before
        else ""
    )
    after_text = _("coloured cell: %(moment)d-meting of %(date)s") % {
        "moment": after.moment,
        "date": date_format(after.date, "j F Y"),
    }
    description = _(
        "Target with one sector per domain and rings from the centre outward: %(rings)s. %(after)s. %(before)s"
    ) % {"rings": ", ".join(item.label for item in rings), "after": after_text, "before": before_text}
    title = definition.name
    return _svg(width, height, chart_id, title, description.strip(), body, "chart--target")


@dataclass(frozen=True)
class StripCell:
    value: int | None
    label: str
    colour: str
    text_colour: str


@dataclass(frozen=True)
class StripRow:
    domain: str
    cells: tuple[StripCell, ...]


def heat_strip_rows(definition: InstrumentDefinition, measurements: Sequence[Measurement]) -> list[StripRow]:
    rows = []
    all_scores = [scores_of(measurement) for measurement in measurements]
    for domain in definition.domains:
        cells = []
        for scores in all_scores:
            value = scores.get(domain.code)
            if value is None or value not in definition.values:
                cells.append(StripCell(None, "–", "#ffffff", "#1b1b1f"))
            else:
                item = definition.scale_value(value)
                cells.append(StripCell(value, item.label, item.colour, text_colour_on(item.colour)))
        rows.append(StripRow(domain.label, tuple(cells)))
    return rows


def heat_strip_svg(
    definition: InstrumentDefinition, measurements: Sequence[Measurement], chart_id: str, subject: str
) -> SafeString:
    """Domains (rows) × measurement moments (columns), each cell coloured by the scale."""
    label_width, cell_width, cell_height, header = 230, 64, 26, 30
    rows = heat_strip_rows(definition, measurements)
    width = label_width + cell_width * max(1, len(measurements)) + 10
    height = header + cell_height * len(rows) + 10
    body: list[str] = []
    moment_word = escape(_("meting"))
    for column, measurement in enumerate(measurements):
        x = label_width + column * cell_width + cell_width / 2
        body.append(
            f'<text class="moment" x="{x:.1f}" y="18" text-anchor="middle" font-size="13" fill="#1b1b1f">'
            f"{measurement.moment}-{moment_word}</text>"
        )
    for row_index, row in enumerate(rows):
        y = header + row_index * cell_height
        body.append(
            f'<text x="{label_width - 8}" y="{y + cell_height / 2:.1f}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="13" fill="#1b1b1f">{escape(row.domain)}</text>'
        )
        for column, cell in enumerate(row.cells):
            x = label_width + column * cell_width
            body.append(
                f'<rect class="strip-cell" x="{x}" y="{y}" width="{cell_width - 2}" height="{cell_height - 2}" '
                f'fill="{cell.colour}" stroke="#c9ccd6"/>'
                f'<text x="{x + (cell_width - 2) / 2:.1f}" y="{y + cell_height / 2:.1f}" text-anchor="middle" '
                f'dominant-baseline="middle" font-size="13" fill="{cell.text_colour}">'
                f"{'' if cell.value is None else cell.value}</text>"
            )
    domains = ngettext("%(count)d domain", "%(count)d domains", len(rows)) % {"count": len(rows)}
    moments = ngettext("%(count)d measurement", "%(count)d measurements", len(measurements)) % {
        "count": len(measurements)
    }
    description = _("%(instrument)s for %(subject)s: %(domains)s over %(moments)s.") % {
        "instrument": definition.name,
        "subject": subject,
        "domains": domains,
        "moments": moments,
    }
    return _svg(width, height, chart_id, f"{definition.name} – {subject}", description, body, "chart--strip")


def ladder_svg(
    definition: InstrumentDefinition, measurements: Sequence[Measurement], chart_id: str, subject: str
) -> SafeString:
    """The participation ladder of one adult over time: rungs bottom (1) to top, one point per measurement."""
    rungs = sorted(definition.scale, key=lambda item: item.value)
    label_width, column_width, rung_height, top = 330, 120, 34, 16
    width = label_width + column_width * max(1, len(measurements)) + 20
    height = top + rung_height * len(rungs) + 34
    domain_code = definition.domains[0].code
    body: list[str] = []

    def y_of(value: int) -> float:
        index = next(i for i, item in enumerate(rungs) if item.value == value)
        return top + (len(rungs) - 1 - index) * rung_height + rung_height / 2

    for item in rungs:
        y = y_of(item.value)
        body.append(
            f'<g class="rung" data-value="{item.value}">'
            f'<line x1="{label_width}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#c9ccd6"/><text x="{label_width - 10}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="13" fill="#1b1b1f">{item.value}. {escape(item.label)}</text></g>'
        )
    points = []
    for column, measurement in enumerate(measurements):
        x = label_width + column * column_width + column_width / 2
        value = scores_of(measurement).get(domain_code)
        body.append(
            f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" font-size="12" fill="#1b1b1f">'
            f"{escape(date_format(measurement.date, 'j F Y'))}</text>"
        )
        if value is not None and value in definition.values:
            points.append((x, y_of(value), definition.scale_value(value).colour))
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _colour in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="#0b4f8a" stroke-width="3"/>')
    for x, y, colour in points:
        body.append(
            f'<circle class="ladder-point" cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{colour}" '
            'stroke="#1b1b1f" stroke-width="2"/>'
        )
    description = ngettext(
        "Participation ladder of %(subject)s over %(count)d measurement, rung 1 at the bottom.",
        "Participation ladder of %(subject)s over %(count)d measurements, rung 1 at the bottom.",
        len(measurements),
    ) % {"subject": subject, "count": len(measurements)}
    return _svg(width, height, chart_id, f"{definition.name} – {subject}", description, body, "chart--ladder")
