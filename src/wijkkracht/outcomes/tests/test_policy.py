"""The outcomes policy file: the shipped one is valid; a wrong one is refused with the file and the place."""

import copy

import pytest
import yaml
from django.core.checks import run_checks

from wijkkracht.instruments.definitions import DefinitionError
from wijkkracht.outcomes.policy import SHIPPED_FILE, load_policy, outcome_policy, parse_policy


def shipped() -> dict:
    return yaml.safe_load(SHIPPED_FILE.read_text(encoding="utf-8"))


def test_the_shipped_policy_loads_with_every_indicator_of_the_issue():
    policy = outcome_policy()
    assert policy.small_cell_threshold == 5
    assert policy.self_reliance_instrument == "zelfredzaamheidsmatrix"
    assert policy.participation_instrument == "participatieladder"
    assert policy.pyramid.instrument == "zelfredzaamheidsmatrix"
    assert [rule.level for rule in policy.pyramid.levels] == ["crisis", "multiple", "single", "general"]
    assert policy.export_roles == ("policy_officer",)
    assert policy.funnel_warning == 0.95 and policy.funnel_alarm == 0.998
    self_reliance = policy.indicator("self_reliance_change")
    assert self_reliance is not None and self_reliance.scale == 1000 and self_reliance.better == "high"
    share = policy.indicator("share_closed")
    assert share is not None and (share.kind, share.measure, share.denominator) == (
        "proportion",
        "ended_closed",
        "ended",
    )
    minutes = policy.indicator("minutes_per_household")
    assert minutes is not None and minutes.use == "total"
    assert policy.indicator("no_such_indicator") is None


@pytest.mark.parametrize(
    ("scores_per_member", "level"),
    [
        ([], ""),  # no 0-meting yet
        ([{"a": 4, "b": 5}], "general"),
        ([{"a": 2, "b": 3}], "single"),  # one domain scored 1 or 2
        ([{"a": 2, "b": 2, "c": 5}], "multiple"),  # two domains scored 1 or 2
        ([{"a": 1, "b": 5}], "crisis"),  # one domain scored 1
        ([{"a": 4}, {"a": 2, "b": 2}, {"a": 3}], "multiple"),  # the heaviest member decides
    ],
)
def test_the_pyramid_rule_takes_the_heaviest_member(scores_per_member, level):
    assert outcome_policy().pyramid_level(scores_per_member) == level


def _set(data: dict, path: tuple, value: object) -> dict:
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "place", "fragment"),
    [
        (("colour",), "blauw", "colour", "onbekende sleutel"),
        (("small_cell_threshold",), 0, "small_cell_threshold", "ten minste 1"),
        (("roles", "export"), ["policy_officer", "partner"], "roles.export[1]", "onbekende rol 'partner'"),
        (("roles", "dashboard"), [], "roles.dashboard", "ten minste één rol"),
        (("funnel", "alarm"), 0.9, "funnel.alarm", "groter zijn dan funnel.warning"),
        (("funnel", "warning"), 1.5, "funnel.warning", "tussen 0 en 1"),
        (("instruments", "self_reliance"), "geluksmeter", "instruments.self_reliance", "onbekend instrument"),
        (("instruments", "participation"), "zelfredzaamheidsmatrix", "instruments.participation", "één domein"),
        (("pyramid", "instrument"), "geluksmeter", "pyramid.instrument", "onbekend instrument"),
        (("pyramid", "levels", 0, "level"), "ramp", "pyramid.levels[0].level", "onbekende waarde 'ramp'"),
        (("pyramid", "levels", 1, "scores"), [1, 7], "pyramid.levels[1].scores[1]", "7 is geen score"),
        (("pyramid", "levels", 2, "domains_at_least"), 14, "pyramid.levels[2].domains_at_least", "13 domeinen"),
        (("pyramid", "levels", 0, "domains"), 2, "pyramid.levels[0].domains", "onbekende sleutel"),
        (("indicators", 0, "kind"), "median", "indicators[0].kind", "onbekende waarde 'median'"),
        (("indicators", 1, "measure"), "first_kiss", "indicators[1].measure", "onbekende waarde 'first_kiss'"),
        (("indicators", 6, "denominator"), "households", "indicators[6].denominator", "onbekende waarde"),
        (("indicators", 1, "denominator"), "ended", "indicators[1].denominator", "alleen een indicator"),
        (("indicators", 2, "better"), "up", "indicators[2].better", "onbekende waarde 'up'"),
        (("indicators", 2, "use"), "sum", "indicators[2].use", "onbekende waarde 'sum'"),
        (("indicators", 9, "scale"), 0, "indicators[9].scale", "ten minste 1"),
        (("indicators", 3, "code"), "new_households", "indicators[3].code", "twee keer"),
        (("indicators", 0, "breakdown"), "religion", "indicators[0].breakdown", "onbekende waarde 'religion'"),
        (("indicators", 4, "label"), _DELETE, "indicators[4].label", "ontbreekt"),
        (("indicators", 4, "owner"), "x", "indicators[4].owner", "onbekende sleutel"),
    ],
)
def test_a_wrong_policy_is_refused_naming_the_file_and_the_place(path, value, place, fragment):
    with pytest.raises(DefinitionError) as caught:
        parse_policy(_set(shipped(), path, value), "outcomes.yaml")
    assert caught.value.source == "outcomes.yaml"
    assert any(problem.startswith(f"{place}: ") and fragment in problem for problem in caught.value.problems), (
        caught.value.problems
    )


def test_every_problem_is_listed_at_once():
    data = _set(_set(shipped(), ("small_cell_threshold",), "vijf"), ("indicators", 0, "kind"), "median")
    with pytest.raises(DefinitionError) as caught:
        parse_policy(data, "outcomes.yaml")
    assert [p.split(":")[0] for p in caught.value.problems] == ["small_cell_threshold", "indicators[0].kind"]


def test_a_file_that_is_no_policy_or_no_yaml_is_refused(tmp_path):
    with pytest.raises(DefinitionError, match="het beleid"):
        parse_policy(["indicators"], "outcomes.yaml")
    broken = tmp_path / "beleid.yaml"
    broken.write_text("indicators: [\n  - code: x\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_policy(broken)
    assert caught.value.source == "beleid.yaml" and "geen geldige YAML" in caught.value.problems[0]


def test_a_broken_policy_file_stops_the_system_check_with_file_and_place(tmp_path, settings):
    data = _set(shipped(), ("pyramid", "levels", 1, "scores"), [1, 9])
    (tmp_path / "uitkomsten.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    settings.OUTCOMES_POLICY_FILE = str(tmp_path / "uitkomsten.yaml")
    errors = [error for error in run_checks() if error.id == "wijkkracht.E002"]
    assert [error.msg for error in errors] == [
        "uitkomsten.yaml: pyramid.levels[1].scores[1]: 9 is geen score van zelfredzaamheidsmatrix (wel: 1, 2, 3, 4, 5)"
    ]
    settings.OUTCOMES_POLICY_FILE = str(SHIPPED_FILE)
    assert not [error for error in run_checks() if error.id == "wijkkracht.E002"]
