"""The outcomes policy: indicators, the benchmark's limits, the pyramid rule and who may see and export.

A policy-owned YAML file (`outcomes/data/outcomes.yaml`, or the file named by the setting
`OUTCOMES_POLICY_FILE`), validated on load like the instrument definitions: a wrong file is refused with the
file, the place in it and what is wrong (`wijkkracht check` reports it, see `checks.py`). Instrument codes,
domains and scores are checked against the instrument definition files (the shipped folder and
`INSTRUMENTS_DIR`; uploads in admin live in the database, which a check does not open).
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from wijkkracht.accounts.models import Role
from wijkkracht.instruments.definitions import (
    CODE_RE,
    DefinitionError,
    InstrumentDefinition,
    parse_definition,
    read_file,
    read_yaml,
)

SHIPPED_FILE = Path(__file__).resolve().parent / "data" / "outcomes.yaml"

KINDS = ("count", "mean", "proportion", "rate")
USES = ("n", "total")
BETTER = ("high", "low", "none")
#: The roles a policy may name: every role of the domain map but a partner organisation's staff, who see
#: only the referrals addressed to them.
ROLES = tuple(role for role in Role.values if role != Role.PARTNER)
LEVEL_CODES = ("crisis", "multiple", "single", "general")
#: Breakdowns a `count` indicator may have: the measure is then `<measure>.<value>` per value.
BREAKDOWNS = ("intake_channel",)
#: Every measure the contributions hold (the shared contract of `outcomes.maintenance`); a breakdown adds
#: its values to the measure's name.
MEASURES = (
    "registered",
    "care_start",
    "care_end",
    "first_contact",
    "plan_agreed",
    "contacts",
    "ended",
    "ended_closed",
    "ended_handed_over",
    "returned",
    "self_reliance",
    "ladder",
    "ladder_up",
    "benefit_ended",
    "benefit_to_work",
    "goals_evaluated",
    "goals_achieved",
    "referrals",
)
TOP_KEYS = (
    "version",
    "small_cell_threshold",
    "roles",
    "funnel",
    "case_mix",
    "instruments",
    "pyramid",
    "indicators",
)
INDICATOR_KEYS = (
    "code",
    "label",
    "definition",
    "kind",
    "measure",
    "denominator",
    "breakdown",
    "use",
    "unit",
    "scale",
    "better",
)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    definition: str
    kind: str  # "count" | "mean" | "proportion" | "rate"
    measure: str
    denominator: str | None = None
    breakdown: str | None = None
    use: str = "n"  # "n" | "total"
    unit: str = ""
    scale: int = 1
    better: str = "none"  # "high" | "low" | "none"


@dataclass(frozen=True)
class PyramidRule:
    """A level of the pyramid: it holds for a member whose first scores have at least `domains_at_least`
    domains scored in `scores` (no condition: always holds)."""

    level: str
    scores: tuple[int, ...] = ()
    domains_at_least: int = 0

    def holds(self, scores: dict[str, int]) -> bool:
        if not self.scores:
            return True
        return sum(1 for value in scores.values() if value in self.scores) >= self.domains_at_least


@dataclass(frozen=True)
class Pyramid:
    instrument: str
    levels: tuple[PyramidRule, ...]


@dataclass(frozen=True)
class OutcomePolicy:
    small_cell_threshold: int
    dashboard_roles: tuple[str, ...]
    conclude_roles: tuple[str, ...]
    export_roles: tuple[str, ...]
    funnel_warning: float
    funnel_alarm: float
    case_mix_minimum: int
    self_reliance_instrument: str
    participation_instrument: str
    pyramid: Pyramid
    indicators: tuple[Indicator, ...]

    def indicator(self, code: str) -> Indicator | None:
        return next((indicator for indicator in self.indicators if indicator.code == code), None)

    def pyramid_level(self, first_scores_per_member: list[dict[str, int]]) -> str:
        """The household's level: the heaviest level of its members, each from the scores of their first
        measurement of the pyramid's instrument; "" (unknown) without any."""
        order = [rule.level for rule in self.pyramid.levels]
        heaviest: int | None = None
        for scores in first_scores_per_member:
            for position, rule in enumerate(self.pyramid.levels):
                if rule.holds(scores):
                    heaviest = position if heaviest is None else min(heaviest, position)
                    break
        return "" if heaviest is None else order[heaviest]

    @property
    def instrument_codes(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys((self.self_reliance_instrument, self.participation_instrument, self.pyramid.instrument))
        )


def file_instruments() -> dict[str, InstrumentDefinition]:
    """The valid instrument definitions in the definition folders (files only), newest version per code."""
    from wijkkracht.instruments.definitions import DefinitionError as Broken
    from wijkkracht.instruments.registry import _folders

    found: dict[str, InstrumentDefinition] = {}
    for folder in _folders():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.y*ml")):
            try:
                data = read_file(path)
                if isinstance(data, dict) and "criteria_for" in data:
                    continue
                definition = parse_definition(data, path.name)
            except Broken:
                continue  # the instruments' own check reports it
            if definition.code not in found or found[definition.code].version < definition.version:
                found[definition.code] = definition
    return found


def _place(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Reader:
    """Collects every problem of the file, each with its place, before refusing it."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, place: str, message: str) -> None:
        self.problems.append(f"{place}: {message}")

    def mapping(self, value: Any, place: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(place, "ontbreekt of is geen lijst van sleutels")
            return {}
        for key in value:
            if key not in allowed:
                self.problem(_place(place, str(key)), f"onbekende sleutel (bekend: {', '.join(allowed)})")
        return value

    def integer(self, value: Any, place: str, *, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(place, f"moet een geheel getal van ten minste {minimum} zijn")
            return minimum
        return value

    def fraction(self, value: Any, place: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
            self.problem(place, "moet een getal tussen 0 en 1 zijn")
            return 0.5
        return float(value)

    def text(self, value: Any, place: str, *, required: bool = True, max_length: int = 300) -> str:
        if value is None or value == "":
            if required:
                self.problem(place, "ontbreekt")
            return ""
        if not isinstance(value, str):
            self.problem(place, "moet tekst zijn")
            return ""
        if len(value) > max_length:
            self.problem(place, f"is langer dan {max_length} tekens")
        return value.strip()

    def choice(self, value: Any, place: str, choices: tuple[str, ...], *, default: str | None = None) -> str:
        if value is None and default is not None:
            return default
        if value not in choices:
            self.problem(place, f"onbekende waarde {value!r} (bekend: {', '.join(choices)})")
            return default or choices[0]
        return str(value)

    def roles(self, value: Any, place: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.problem(place, "moet een lijst met ten minste één rol zijn")
            return ()
        for index, role in enumerate(value):
            if role not in ROLES:
                self.problem(f"{place}[{index}]", f"onbekende rol {role!r} (bekend: {', '.join(ROLES)})")
        return tuple(str(role) for role in value)


def parse_policy(
    data: Any, source: str = "outcomes.yaml", instruments: dict[str, InstrumentDefinition] | None = None
) -> OutcomePolicy:
    """Validate the parsed YAML; every problem names its place. `instruments` (default: the definition
    files) are the instruments the file may name."""
    known = file_instruments() if instruments is None else instruments
    reader = _Reader()
    top = reader.mapping(data, "", TOP_KEYS) if isinstance(data, dict) else None
    if top is None:
        raise DefinitionError(source, ["het bestand moet het beleid beschrijven (sleutels indicators, pyramid, …)"])
    if top.get("version") != 1:
        reader.problem("version", "moet 1 zijn")
    threshold = reader.integer(top.get("small_cell_threshold"), "small_cell_threshold", minimum=1)

    roles = reader.mapping(top.get("roles"), "roles", ("dashboard", "conclude", "export"))
    dashboard = reader.roles(roles.get("dashboard"), "roles.dashboard")
    conclude = reader.roles(roles.get("conclude"), "roles.conclude")
    export = reader.roles(roles.get("export"), "roles.export")

    funnel = reader.mapping(top.get("funnel"), "funnel", ("warning", "alarm"))
    warning = reader.fraction(funnel.get("warning"), "funnel.warning")
    alarm = reader.fraction(funnel.get("alarm"), "funnel.alarm")
    if "warning" in funnel and "alarm" in funnel and alarm <= warning:
        reader.problem("funnel.alarm", "moet groter zijn dan funnel.warning")

    case_mix = reader.mapping(top.get("case_mix"), "case_mix", ("minimum_households",))
    minimum = reader.integer(case_mix.get("minimum_households"), "case_mix.minimum_households", minimum=1)

    def instrument(value: Any, place: str) -> InstrumentDefinition | None:
        code = reader.text(value, place)
        if code and code not in known:
            reader.problem(place, f"onbekend instrument {code!r} (bekend: {', '.join(sorted(known))})")
        return known.get(code)

    used = reader.mapping(top.get("instruments"), "instruments", ("self_reliance", "participation"))
    self_reliance = instrument(used.get("self_reliance"), "instruments.self_reliance")
    participation = instrument(used.get("participation"), "instruments.participation")
    if participation is not None and len(participation.domains) != 1:
        reader.problem("instruments.participation", "moet een instrument met één domein zijn (een ladder)")

    pyramid_data = reader.mapping(top.get("pyramid"), "pyramid", ("instrument", "levels"))
    pyramid_instrument = instrument(pyramid_data.get("instrument"), "pyramid.instrument")
    pyramid = Pyramid(
        instrument=pyramid_instrument.code if pyramid_instrument else "",
        levels=_pyramid_levels(reader, pyramid_data.get("levels"), pyramid_instrument),
    )

    indicators = _indicators(reader, top.get("indicators"))
    if reader.problems:
        raise DefinitionError(source, reader.problems)
    return OutcomePolicy(
        small_cell_threshold=threshold,
        dashboard_roles=dashboard,
        conclude_roles=conclude,
        export_roles=export,
        funnel_warning=warning,
        funnel_alarm=alarm,
        case_mix_minimum=minimum,
        self_reliance_instrument=self_reliance.code if self_reliance else "",
        participation_instrument=participation.code if participation else "",
        pyramid=pyramid,
        indicators=indicators,
    )


def _pyramid_levels(reader: _Reader, value: Any, definition: InstrumentDefinition | None) -> tuple[PyramidRule, ...]:
    if not isinstance(value, list) or not value:
        reader.problem("pyramid.levels", "moet een lijst met ten minste één niveau zijn")
        return ()
    rules, seen = [], set()
    for index, item in enumerate(value):
        place = f"pyramid.levels[{index}]"
        item = reader.mapping(item, place, ("level", "scores", "domains_at_least"))
        level = reader.choice(item.get("level"), f"{place}.level", LEVEL_CODES)
        if level in seen:
            reader.problem(f"{place}.level", f"{level!r} komt twee keer voor")
        seen.add(level)
        has_condition = "scores" in item or "domains_at_least" in item
        if not has_condition:
            if index != len(value) - 1:
                reader.problem(place, "een niveau zonder voorwaarde moet het laatste zijn")
            rules.append(PyramidRule(level))
            continue
        scores = item.get("scores")
        if not isinstance(scores, list) or not scores or not all(isinstance(s, int) for s in scores):
            reader.problem(f"{place}.scores", "moet een lijst met scores zijn")
            scores = []
        elif definition is not None:
            for position, score in enumerate(scores):
                if score not in definition.values:
                    reader.problem(
                        f"{place}.scores[{position}]",
                        f"{score} is geen score van {definition.code} "
                        f"(wel: {', '.join(str(v) for v in definition.values)})",
                    )
        at_least = reader.integer(item.get("domains_at_least"), f"{place}.domains_at_least", minimum=1)
        if definition is not None and at_least > len(definition.domains):
            reader.problem(
                f"{place}.domains_at_least", f"{definition.code} heeft maar {len(definition.domains)} domeinen"
            )
        rules.append(PyramidRule(level, tuple(scores), at_least))
    if rules and rules[-1].scores:
        reader.problem("pyramid.levels", "het laatste niveau heeft geen voorwaarde (het geldt voor de rest)")
    return tuple(rules)


def _indicators(reader: _Reader, value: Any) -> tuple[Indicator, ...]:
    if not isinstance(value, list) or not value:
        reader.problem("indicators", "moet een lijst met ten minste één indicator zijn")
        return ()
    indicators, seen = [], set()
    for index, item in enumerate(value):
        place = f"indicators[{index}]"
        item = reader.mapping(item, place, INDICATOR_KEYS)
        code = reader.text(item.get("code"), f"{place}.code", max_length=60)
        if code and not CODE_RE.match(code):
            reader.problem(f"{place}.code", "alleen kleine letters, cijfers, - en _")
        if code in seen:
            reader.problem(f"{place}.code", f"{code!r} komt twee keer voor")
        seen.add(code)
        kind = reader.choice(item.get("kind"), f"{place}.kind", KINDS)
        measure = reader.choice(item.get("measure"), f"{place}.measure", MEASURES)
        denominator = item.get("denominator")
        if kind == "proportion":
            denominator = reader.choice(denominator, f"{place}.denominator", MEASURES)
        elif denominator is not None:
            reader.problem(f"{place}.denominator", "alleen een indicator van soort proportion heeft een noemer")
            denominator = None
        breakdown = item.get("breakdown")
        if breakdown is not None:
            breakdown = reader.choice(breakdown, f"{place}.breakdown", BREAKDOWNS)
            if kind != "count":
                reader.problem(f"{place}.breakdown", "alleen een indicator van soort count heeft een uitsplitsing")
        scale = item.get("scale", 1)
        indicators.append(
            Indicator(
                code=code,
                label=reader.text(item.get("label"), f"{place}.label", max_length=100),
                definition=reader.text(item.get("definition"), f"{place}.definition"),
                kind=kind,
                measure=measure,
                denominator=denominator,
                breakdown=breakdown,
                use=reader.choice(item.get("use"), f"{place}.use", USES, default="n"),
                unit=reader.text(item.get("unit"), f"{place}.unit", required=False, max_length=30),
                scale=reader.integer(scale, f"{place}.scale", minimum=1),
                better=reader.choice(item.get("better"), f"{place}.better", BETTER, default="none"),
            )
        )
    return tuple(indicators)


def policy_path() -> Path:
    configured = getattr(settings, "OUTCOMES_POLICY_FILE", None)
    return Path(configured) if configured else SHIPPED_FILE


def load_policy(path: Path | None = None) -> OutcomePolicy:
    path = path or policy_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise DefinitionError(path.name, ["het bestand kan niet worden gelezen"]) from None
    return parse_policy(read_yaml(text, path.name), path.name)


@cache
def outcome_policy() -> OutcomePolicy:
    """The policy in force (read once per process; `outcome_policy.cache_clear()` after changing the file)."""
    return load_policy()
