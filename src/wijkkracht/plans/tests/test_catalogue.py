import pytest
from django.core.checks import run_checks

from wijkkracht.instruments.definitions import DefinitionError
from wijkkracht.plans import catalogue
from wijkkracht.plans.catalogue import parse_domains, parse_methods, parse_rules, plan_catalogue


def test_shipped_catalogue_has_the_methods_of_the_guide():
    methods = {m.code: m for m in plan_catalogue().methods}
    first = {
        "eigen-kracht-conferentie",
        "groepsempowerment",
        "activeringscentrum",
        "sociale-activering",
        "integrale-trajectbegeleiding",
        "individuele-vraaggerichte-benadering",
    }
    second = {"vig", "achter-de-voordeur", "zorgconferentie", "wrap-around-care", "snelkookpansessie"}
    assert {c for c, m in methods.items() if m.level == "eerste"} == first
    assert {c for c, m in methods.items() if m.level == "tweede"} == second
    assert len(methods["sociale-activering"].steps) == 8
    assert len(methods["wrap-around-care"].principles) == 10
    assert len(methods["achter-de-voordeur"].principles) == 6


def test_every_instrument_domain_link_points_at_a_real_instrument_domain():
    from wijkkracht.instruments.definitions import parse_definition, read_yaml
    from wijkkracht.instruments.registry import SHIPPED_DIR

    known = set()
    for path in SHIPPED_DIR.glob("*.yaml"):
        definition = parse_definition(read_yaml(path.read_text(), path.name), path.name)
        known |= {(definition.code, code) for code in definition.domain_codes}
    assert set(plan_catalogue().by_instrument_domain) <= known


@pytest.mark.parametrize(
    ("parse", "data", "fragment"),
    [
        (parse_domains, {"domains": [{"code": "a", "label": "A"}, {"code": "a", "label": "B"}]}, "komt twee keer voor"),
        (
            parse_domains,
            {"domains": [{"code": "a", "label": "A", "instrument_domains": ["zonder-dubbelepunt"]}]},
            "instrument:domein",
        ),
        (parse_domains, {"domains": []}, "ten minste één"),
        (
            lambda d: parse_methods(d, {"werk"}),
            {"methods": [{"code": "m", "name": "M", "level": "derde", "description": "x"}]},
            "level",
        ),
        (
            lambda d: parse_methods(d, {"werk"}),
            {"methods": [{"code": "m", "name": "M", "level": "eerste", "description": "x", "domains": ["maan"]}]},
            "onbekend domein",
        ),
        (
            lambda d: parse_rules(d, {"werk"}),
            {
                "rules": [
                    {
                        "code": "r",
                        "when": {"problem_in": "maan"},
                        "suggest": {"domain": "werk", "goal": "g", "indicator": "i"},
                    }
                ]
            },
            "onbekend domein",
        ),
        (
            lambda d: parse_rules(d, {"werk"}),
            {
                "rules": [
                    {
                        "code": "r",
                        "when": {"weer": "mooi"},
                        "suggest": {"domain": "werk", "goal": "g", "indicator": "i"},
                    }
                ]
            },
            "onbekende voorwaarde",
        ),
        (
            lambda d: parse_rules(d, {"werk"}),
            {
                "rules": [
                    {
                        "code": "r",
                        "when": {"no_show_within_days": -1},
                        "suggest": {"domain": "werk", "goal": "g", "indicator": "i"},
                    }
                ]
            },
            "positief",
        ),
    ],
)
def test_wrong_policy_files_are_refused_with_the_place(parse, data, fragment):
    with pytest.raises(DefinitionError) as caught:
        parse(data)
    assert any(fragment in problem for problem in caught.value.problems), caught.value.problems


def test_a_broken_policy_file_is_reported_by_the_system_check(tmp_path, monkeypatch):
    (tmp_path / "methods.yaml").write_text("methods:\n  - {code: x, name: X, level: derde, description: y}\n")
    monkeypatch.setenv("WIJKKRACHT_PLAN_DATA_DIR", str(tmp_path))
    catalogue.plan_catalogue.cache_clear()
    try:
        errors = [e for e in run_checks() if e.id == "wijkkracht.E001"]
        assert errors and "methods.yaml" in errors[0].msg and "level" in errors[0].msg
    finally:
        catalogue.plan_catalogue.cache_clear()
