import re

from wijkkracht.diagnosis import charts
from wijkkracht.diagnosis.tests.helpers import refreshed, take

NULMETING_BEFORE = {
    "veiligheid": 4,
    "wonen": 3,
    "opleiding": 1,
    "werk": 4,
    "opvoeden": 2,
    "vrije-tijd": 2,
    "zorg": 3,
    "financien": 4,
}
NULMETING_AFTER = {
    "veiligheid": 2,
    "wonen": 3,
    "opleiding": 2,
    "werk": 1,
    "opvoeden": 2,
    "vrije-tijd": 1,
    "zorg": 3,
    "financien": 3,
}


def test_target_has_one_sector_per_domain_and_one_ring_per_level(world):
    before = refreshed(take(world, "integrale-nulmeting", NULMETING_BEFORE))
    after = refreshed(take(world, "integrale-nulmeting", NULMETING_AFTER))
    definition = after.instrument.parsed
    svg = str(charts.target_svg(definition, before, after, "t"))

    assert svg.count('<g class="sector"') == 8
    assert svg.count('class="ring"') == 4
    assert len(re.findall(r'<path class="cell', svg)) == 8 * 4
    assert svg.count("cell--now") == 8  # the later measurement fills one cell per domain
    assert svg.count('class="marker-before"') == 8  # the earlier one is a marker per domain
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    # the centre ring is "zelf" and the outer ring "individuele voorzieningen"
    levels = re.findall(r'class="ring" data-level="(\d)"', svg)
    assert levels == ["1", "2", "3", "4"]
    werk = re.search(r'data-domain="werk">(.*?)</g>', svg).group(1)
    assert re.search(r'class="cell cell--now" data-level="1"', werk)  # werk went to "zelf"


def test_target_of_the_first_measurement_alone_has_no_markers(world):
    only = refreshed(take(world, "integrale-nulmeting", NULMETING_BEFORE))
    svg = str(charts.target_svg(only.instrument.parsed, None, only, "t"))
    assert "marker-before" not in svg and svg.count("cell--now") == 8


def test_target_table_alternative_says_the_same(world):
    before = refreshed(take(world, "integrale-nulmeting", NULMETING_BEFORE))
    after = refreshed(take(world, "integrale-nulmeting", NULMETING_AFTER))
    rows = {row.domain: (row.before, row.after) for row in charts.target_rows(after.instrument.parsed, before, after)}
    assert rows["Werk"] == ("Individuele voorzieningen", "Zelf")
    assert len(rows) == 8


def test_heat_strip_has_a_cell_per_domain_and_moment_with_readable_text(world):
    anna = world.household.members.get()
    measurements = [refreshed(take(world, "leefgebiedenmatrix", value, person=anna)) for value in (5, 3, 1)]
    svg = str(charts.heat_strip_svg(measurements[-1].instrument.parsed, measurements, "s", "Anna"))
    assert svg.count('class="strip-cell"') == 12 * 3
    assert svg.count('class="moment"') == 3
    assert 'fill="#c62828"' in svg and 'fill="#1a7f37"' in svg


def test_ladder_has_every_rung_and_a_point_per_measurement(world):
    anna = world.household.members.get()
    measurements = [refreshed(take(world, "participatieladder", value, person=anna)) for value in (1, 3, 4)]
    svg = str(charts.ladder_svg(measurements[-1].instrument.parsed, measurements, "l", "Anna"))
    assert svg.count('class="rung"') == 6 and svg.count('class="ladder-point"') == 3
    assert "<polyline" in svg


def test_text_colour_contrasts_with_the_cell():
    assert charts.text_colour_on("#c62828") == "#ffffff"
    assert charts.text_colour_on("#f2c12e") == "#000000"


def test_progress_page_shows_pictures_with_tables(world, client):
    take(world, "integrale-nulmeting", NULMETING_BEFORE)
    take(world, "integrale-nulmeting", NULMETING_AFTER)
    client.force_login(world.worker)
    page = client.get(f"/huishoudens/{world.household.id}/voortgang/").content.decode()
    assert page.count('<g class="sector"') == 8
    assert "Toon als tabel" in page and "<details open>" in page
    assert "4 domeinen beter" in page


def test_household_page_queries_do_not_grow_with_measurements(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    anna = world.household.members.get()
    client.force_login(world.worker)
    take(world, "integrale-nulmeting", 3)
    take(world, "participatieladder", 2, person=anna)
    client.get(f"/huishoudens/{world.household.id}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/huishoudens/{world.household.id}/")
    for value in (2, 1, 1):
        take(world, "integrale-nulmeting", value)
        take(world, "participatieladder", value + 2, person=anna)
    take(world, "leefgebiedenmatrix", 3, person=anna)
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/huishoudens/{world.household.id}/")
    assert len(many) == len(few)
    # nulmeting target and strip, ladder, matrix strip; and the latest again, small, in the case file's summary
    assert page.content.decode().count('class="chart ') == 5
