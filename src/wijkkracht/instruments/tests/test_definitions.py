import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wijkkracht.instruments.definitions import DefinitionError, InstrumentDefinition, parse_definition, read_yaml
from wijkkracht.instruments.registry import SHIPPED_DIR

VALID = {
    "id": "testmatrix",
    "name": "Testmatrix",
    "version": 1,
    "subject": "person",
    "domains": [{"code": "werk", "label": "Werk", "tags": ["work"]}, {"code": "wonen", "label": "Wonen"}],
    "scale": {
        "good": "high",
        "values": [
            {"value": 1, "label": "Slecht", "colour": "#c62828", "tone": "red"},
            {"value": 2, "label": "Goed", "colour": "#1a7f37", "tone": "green"},
        ],
    },
}


def broken(**changes):
    data = copy.deepcopy(VALID)
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1]] = value
    return data


@pytest.mark.parametrize("path", sorted(SHIPPED_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_instruments_are_valid(path):
    definition = parse_definition(read_yaml(path.read_text(), path.name), path.name)
    assert definition.code == path.stem


def test_shipped_instruments_match_the_guide():
    by_code = {
        d.code: d
        for d in (parse_definition(read_yaml(p.read_text(), p.name), p.name) for p in SHIPPED_DIR.glob("*.yaml"))
    }
    assert len(by_code["leefgebiedenmatrix"].domains) == 12 and by_code["leefgebiedenmatrix"].good == "low"
    assert by_code["leefgebiedenmatrix"].values == (1, 2, 3, 4, 5)
    nulmeting = by_code["integrale-nulmeting"]
    assert len(nulmeting.domains) == 8 and nulmeting.subject == "household"
    assert [item.label for item in nulmeting.scale] == [
        "Zelf",
        "Sociaal netwerk",
        "Collectieve voorzieningen",
        "Individuele voorzieningen",
    ]
    assert [item.tone for item in nulmeting.scale] == ["green", "green", "orange", "red"]
    ladder = by_code["participatieladder"]
    assert ladder.values == (1, 2, 3, 4, 5, 6) and ladder.good == "high" and "participation-ladder" in ladder.tags
    zrm = by_code["zelfredzaamheidsmatrix"]
    assert len(zrm.domains) == 13 and zrm.good == "high"
    assert all(not domain.criteria for domain in zrm.domains)  # licensed texts are not shipped


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (broken(domains__1__code="werk"), "domains[1].code: domeincode 'werk' komt twee keer voor"),
        (broken(scale__values=[]), "scale.values: een schaal heeft ten minste twee waarden"),
        (broken(scale__good="sideways"), "scale.good"),
        (broken(subject="cat"), "subject"),
        (broken(version=0), "version"),
        (broken(domains=[]), "domains: ten minste één domein"),
        (broken(scale__values__0__colour="red"), "scale.values[0].colour"),
        (broken(scale__values__1__value=1), "waarde 1 komt twee keer voor"),
        (broken(scale__values__0__value="one"), "scale.values[0].value"),
        (broken(domains__0__label=""), "domains[0].label: ontbreekt"),
        (broken(id="Bad Code"), "id:"),
        (broken(extra="x"), "onbekende sleutel(s): extra"),
        ([1, 2], "het bestand moet een instrument beschrijven"),
    ],
)
def test_wrong_definitions_name_the_file_and_the_field(data, fragment):
    with pytest.raises(DefinitionError) as caught:
        parse_definition(data, "gemeente.yaml")
    assert caught.value.source == "gemeente.yaml"
    assert any(fragment in problem for problem in caught.value.problems), caught.value.problems


def test_all_problems_are_reported_at_once():
    with pytest.raises(DefinitionError) as caught:
        parse_definition(broken(subject="cat", version=-1, domains__1__code="werk"), "x.yaml")
    assert len(caught.value.problems) == 3


def test_unordered_scale_is_refused():
    data = broken()
    data["scale"]["values"].reverse()
    with pytest.raises(DefinitionError, match="volgorde"):
        parse_definition(data, "x.yaml")


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(DefinitionError, match="regel 2"):
        read_yaml("id: x\n  name: [unclosed\n", "kapot.yaml")


labels = (
    st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "Zs"]), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
codes = st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True)


@given(
    st.lists(codes, min_size=1, max_size=8, unique=True),
    st.lists(st.integers(-5, 20), min_size=2, max_size=7, unique=True),
    labels,
    st.sampled_from(["high", "low"]),
)
def test_any_valid_definition_round_trips_through_storage(domain_codes, values, name, good):
    data = {
        "id": "prop",
        "name": name,
        "version": 3,
        "subject": "household",
        "domains": [{"code": code, "label": code.upper()} for code in domain_codes],
        "scale": {
            "good": good,
            "values": [{"value": v, "label": f"v{v}", "colour": "#123456"} for v in sorted(values)],
        },
    }
    definition = parse_definition(data, "prop.yaml")
    assert InstrumentDefinition.from_json(definition.to_json()) == definition
    assert definition.domain_codes == tuple(domain_codes)
