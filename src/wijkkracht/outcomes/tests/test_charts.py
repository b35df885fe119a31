"""The benchmark's pictures: well-formed, accessible SVG without inline style or script, with flagged units and
hidden values marked by more than colour."""

import dataclasses
import itertools
import math
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import gettext

from wijkkracht.outcomes import charts
from wijkkracht.outcomes.benchmark import Figures, UnitFigures, funnel

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg) -> ET.Element:
    text = str(svg)
    # no style attribute (font-style is a presentation attribute, which the CSP allows), no <style>, no script
    assert not re.search(r"\sstyle\s*=", text) and "<style" not in text and "<script" not in text.lower()
    assert not re.search(r"\son[a-z]+=", text)  # no event-handler attributes
    root = ET.fromstring(text)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    return root


def classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def teams_result():
    figures = [
        ("Noord", 400, 80),
        ("Zuid", 350, 75),
        ("Oost & <Haven>", 2000, 640),  # far above the others, and a label that needs escaping
        ("West", 12, 5),
        ("Centrum", 120, 14),  # far below
        ("Dorp", 60, 15),
    ]
    units = [
        UnitFigures.single(index, f"Team {name}", Figures(n, total)) for index, (name, n, total) in enumerate(figures)
    ]
    return funnel("proportion", units, warning=0.95, alarm=0.998)


def test_funnel_is_accessible_well_formed_and_marks_the_flagged_units():
    result = teams_result()
    flags = {unit.label: unit.flag for unit in result.units}
    assert flags["Team Oost & <Haven>"] == "high" and flags["Team Centrum"] == "low"
    assert flags["Team West"] == "" and flags["Team Dorp"] == ""
    svg = charts.funnel_svg(
        result, title="Aandeel <afgesloten>", description="Trechter & grenzen", value_format=lambda v: f"{v:.0%}"
    )
    root = parsed(svg)
    assert root.find(f"{SVG}title").text == "Aandeel <afgesloten>"
    assert root.find(f"{SVG}desc").text == "Trechter & grenzen"

    units = [element for element in root.iter(f"{SVG}g") if "unit" in classes(element)]
    assert len(units) == len(result.units)
    by_key = {int(element.get("data-key")): element for element in units}
    for unit in result.units:
        element = by_key[unit.key]
        assert element.get("data-flag") == unit.flag
        # the tooltip names the unit and its state in words
        assert element.find(f"{SVG}title").text.startswith(unit.label)
        shape = element.find(f"{SVG}circle") if not unit.flag else element.find(f"{SVG}path")
        assert shape is not None  # a circle within the limits, a triangle or diamond outside them
        if unit.flag in ("high", "low"):
            assert "unit--" + unit.flag in classes(element)
    # flagged units are labelled by name on the picture, the others are not
    labels = [text.text for text in root.iter(f"{SVG}text") if "unit-label" in classes(text)]
    assert sorted(labels) == sorted(unit.label for unit in result.units if unit.flagged)
    assert {"Team Centrum", "Team Oost & <Haven>"} <= set(labels) and "Team West" not in labels
    # centre line and four limit curves, and axis ticks for n
    assert len([e for e in root.iter(f"{SVG}line") if "centre" in classes(e)]) == 1
    curves = [e for e in root.iter(f"{SVG}polyline") if "limit" in classes(e)]
    assert len(curves) == 4 and all(len(e.get("points").split()) == len(result.curve) for e in curves)
    x_axis = next(e for e in root.iter(f"{SVG}g") if "axis--x" in classes(e))
    assert next(t.text for t in x_axis.iter(f"{SVG}text")) == "0"


def test_funnel_legend_names_the_policy_coverages_in_dutch_numbers():
    with translation.override("nl"):
        svg = str(charts.funnel_svg(teams_result(), title="t", description="d"))
    assert "(95 %)" in svg and "(99,8 %)" in svg


def test_a_suppressed_month_is_a_marked_gap_not_a_zero():
    months = [date(2025, month, 1) for month in range(1, 13)]
    values = [3.2, 3.5, None, 2.9, 3.1, 3.3, None, None, 4.0, 3.8, None, 3.1]
    with translation.override("nl"):
        svg = charts.trend_svg(list(zip(months, values, strict=True)), title="Contacten", description="Per maand")
    root = parsed(svg)
    gaps = [e for e in root.iter(f"{SVG}g") if "suppressed" in classes(e)]
    assert [gap.get("data-month") for gap in gaps] == ["2025-03-01", "2025-07-01", "2025-08-01", "2025-11-01"]
    # three runs of known months with more than one point become lines; the lone December is a point only
    lines = [e for e in root.iter(f"{SVG}polyline") if "trend-line" in classes(e)]
    assert [len(line.get("points").split()) for line in lines] == [2, 3, 2]
    points = [e for e in root.iter(f"{SVG}circle") if "trend-point" in classes(e)]
    assert len(points) == 8
    # no point is drawn at zero for a hidden month: every point is at a known value's height
    heights = {round(float(point.get("cy")), 1) for point in points}
    assert len(heights) == len({v for v in values if v is not None})
    month_labels = [e.text for e in root.iter(f"{SVG}text") if "month" in classes(e)]
    assert "januari 2025" in month_labels  # Dutch month names, never "Jan"


def test_a_trend_without_any_value_still_draws():
    root = parsed(charts.trend_svg([(date(2025, 1, 1), None)], title="t", description="d"))
    assert len([e for e in root.iter(f"{SVG}g") if "suppressed" in classes(e)]) == 1


def test_pyramid_has_general_support_at_the_bottom_and_hidden_values_in_words():
    levels = [
        ("Algemene ondersteuning", 1200, 54_000),
        ("Enkelvoudig", 800, 0),
        ("Meervoudig", 300, None),
        ("Crisis", None, 30_000),
    ]
    root = parsed(charts.pyramid_svg(levels, title="Piramide", description="Vraag en aanbod"))
    groups = {int(e.get("data-level")): e for e in root.iter(f"{SVG}g") if "level" in classes(e)}
    assert len(groups) == 4

    def y_of(group):
        return float(next(group.iter(f"{SVG}text")).get("y"))

    assert y_of(groups[0]) > y_of(groups[1]) > y_of(groups[2]) > y_of(groups[3])  # crisis on top
    assert next(groups[3].iter(f"{SVG}text")).text == "Crisis"
    hidden = gettext("unknown or hidden")
    for index, (_label, households, minutes) in enumerate(levels):
        group = groups[index]
        bars = {
            kind: [e for e in group.iter(f"{SVG}rect") if f"bar--{kind}" in classes(e)]
            for kind in ("households", "time")
        }
        assert len(bars["households"]) == (households is not None)
        assert len(bars["time"]) == (minutes is not None)
        texts = [e.text for e in group.iter(f"{SVG}text")]
        assert texts.count(hidden) == (households is None) + (minutes is None)
    # zero minutes is a bar of no length with its number, not the word for hidden
    zero = next(e for e in groups[1].iter(f"{SVG}rect") if "bar--time" in classes(e))
    assert float(zero.get("width")) == 0
    # the widest households bar belongs to the biggest level
    widths = {i: float(next(e for e in g.iter(f"{SVG}rect")).get("width")) for i, g in groups.items() if i < 3}
    assert widths[0] > widths[1] > widths[2]


@pytest.mark.parametrize(("low", "high"), [(0, 1), (0.1184, 0.3417), (-2.5, 7.1), (0, 2100), (5, 5), (0.0, 0.0)])
def test_ticks_are_round_and_cover_the_range(low, high):
    ticks = charts.nice_ticks(low, high, 6)
    assert ticks[0] <= low and ticks[-1] >= high and len(ticks) >= 2
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 2.5, 5, 10)


def test_funnel_of_a_selection_without_curve_or_units_still_draws():
    result = teams_result()
    one = dataclasses.replace(result, units=result.units[:1], curve=())
    root = parsed(charts.funnel_svg(one, title="t", description="d"))
    assert len([e for e in root.iter(f"{SVG}g") if "unit" in classes(e)]) == 1
    assert not [e for e in root.iter(f"{SVG}polyline") if "limit" in classes(e)]
    parsed(charts.funnel_svg(dataclasses.replace(result, units=(), curve=()), title="t", description="d"))
