"""Policy data of plans: life domains, the methods catalogue and the working-element rules.

Each is a YAML file validated on load; a wrong file is reported with the file, the place and what is
wrong (see `checks.py`, which makes `wijkkracht check` and start-up fail loudly on a broken file).
"""

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from wijkkracht.instruments.definitions import CODE_RE, DefinitionError, read_yaml

SHIPPED_DIR = Path(__file__).resolve().parent / "data"
LEVELS = ("eerste", "tweede")
CONDITIONS = ("problem_in", "no_show_within_days", "all_of")


@dataclass(frozen=True)
class PlanDomain:
    code: str
    label: str
    work: bool
    instrument_domains: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Method:
    code: str
    name: str
    level: str
    domains: tuple[str, ...]
    description: str
    steps: tuple[str, ...] = ()
    principles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    code: str
    when: dict[str, Any]
    domain: str
    goal: str
    indicator: str
    priority: bool = False
    due_in_days: int | None = None


@dataclass(frozen=True)
class PlanCatalogue:
    domains: tuple[PlanDomain, ...]
    methods: tuple[Method, ...]
    rules: tuple[Rule, ...]
    by_instrument_domain: dict[tuple[str, str], str] = field(default_factory=dict)

    def domain(self, code: str) -> PlanDomain | None:
        return next((domain for domain in self.domains if domain.code == code), None)

    def method(self, code: str) -> Method | None:
        return next((method for method in self.methods if method.code == code), None)

    def rule(self, code: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.code == code), None)

    @property
    def domain_choices(self) -> list[tuple[str, str]]:
        return [(domain.code, domain.label) for domain in self.domains]


def _folder() -> Path:
    override = os.environ.get("WIJKKRACHT_PLAN_DATA_DIR")
    return Path(override) if override else SHIPPED_DIR


def _read(name: str) -> Any:
    path = _folder() / name
    if not path.exists():
        path = SHIPPED_DIR / name
    return read_yaml(path.read_text(encoding="utf-8"), name)


def _list(data: Any, key: str, source: str) -> list[Any]:
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise DefinitionError(source, [f"{key}: een lijst met ten minste één item is nodig"])
    return items


def _text(item: dict[str, Any], key: str, path: str, problems: list[str], required: bool = True) -> str:
    value = item.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{path}.{key}: ontbreekt of is geen tekst")
        return ""
    return value.strip()


def parse_domains(data: Any, source: str = "domains.yaml") -> tuple[PlanDomain, ...]:
    problems: list[str] = []
    domains, seen = [], set()
    for index, item in enumerate(_list(data, "domains", source)):
        path = f"domains[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{path}: moet een domein zijn")
            continue
        code = _text(item, "code", path, problems)
        if code and not CODE_RE.match(code):
            problems.append(f"{path}.code: alleen kleine letters, cijfers, - en _")
        if code in seen:
            problems.append(f"{path}.code: {code!r} komt twee keer voor")
        seen.add(code)
        links = []
        for link in item.get("instrument_domains", []) or []:
            if not isinstance(link, str) or link.count(":") != 1:
                problems.append(f"{path}.instrument_domains: {link!r} moet de vorm instrument:domein hebben")
                continue
            instrument, domain = link.split(":")
            links.append((instrument, domain))
        domains.append(
            PlanDomain(code, _text(item, "label", path, problems), bool(item.get("work", False)), tuple(links))
        )
    if problems:
        raise DefinitionError(source, problems)
    return tuple(domains)


def parse_methods(data: Any, domain_codes: set[str], source: str = "methods.yaml") -> tuple[Method, ...]:
    problems: list[str] = []
    methods, seen = [], set()
    for index, item in enumerate(_list(data, "methods", source)):
        path = f"methods[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{path}: moet een methode zijn")
            continue
        code = _text(item, "code", path, problems)
        if code in seen:
            problems.append(f"{path}.code: {code!r} komt twee keer voor")
        seen.add(code)
        level = item.get("level")
        if level not in LEVELS:
            problems.append(f"{path}.level: moet 'eerste' of 'tweede' zijn")
        domains = tuple(item.get("domains", []) or [])
        for domain in domains:
            if domain not in domain_codes:
                problems.append(f"{path}.domains: onbekend domein {domain!r}")
        steps, principles = item.get("steps", []) or [], item.get("principles", []) or []
        if not all(isinstance(step, str) for step in [*steps, *principles]):
            problems.append(f"{path}: stappen en principes zijn teksten")
        methods.append(
            Method(
                code=code,
                name=_text(item, "name", path, problems),
                level=str(level),
                domains=domains,
                description=_text(item, "description", path, problems),
                steps=tuple(steps),
                principles=tuple(principles),
            )
        )
    if problems:
        raise DefinitionError(source, problems)
    return tuple(methods)


def _check_condition(condition: Any, path: str, domain_codes: set[str], problems: list[str]) -> None:
    if not isinstance(condition, dict) or len(condition) != 1:
        problems.append(f"{path}: één voorwaarde ({', '.join(CONDITIONS)})")
        return
    ((kind, value),) = condition.items()
    if kind == "problem_in" and value not in domain_codes:
        problems.append(f"{path}.problem_in: onbekend domein {value!r}")
    elif kind == "no_show_within_days" and not (isinstance(value, int) and value > 0):
        problems.append(f"{path}.no_show_within_days: een positief aantal dagen")
    elif kind == "all_of":
        if not isinstance(value, list) or not value:
            problems.append(f"{path}.all_of: een lijst voorwaarden")
        else:
            for index, part in enumerate(value):
                _check_condition(part, f"{path}.all_of[{index}]", domain_codes, problems)
    elif kind not in CONDITIONS:
        problems.append(f"{path}: onbekende voorwaarde {kind!r}")


def parse_rules(data: Any, domain_codes: set[str], source: str = "suggestions.yaml") -> tuple[Rule, ...]:
    problems: list[str] = []
    rules, seen = [], set()
    for index, item in enumerate(_list(data, "rules", source)):
        path = f"rules[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("suggest"), dict):
            problems.append(f"{path}: een regel heeft code, when en suggest")
            continue
        code = _text(item, "code", path, problems)
        if code in seen:
            problems.append(f"{path}.code: {code!r} komt twee keer voor")
        seen.add(code)
        _check_condition(item.get("when"), f"{path}.when", domain_codes, problems)
        suggest = item["suggest"]
        domain = _text(suggest, "domain", f"{path}.suggest", problems)
        if domain and domain not in domain_codes:
            problems.append(f"{path}.suggest.domain: onbekend domein {domain!r}")
        due = suggest.get("due_in_days")
        if due is not None and not (isinstance(due, int) and due > 0):
            problems.append(f"{path}.suggest.due_in_days: een positief aantal dagen")
        rules.append(
            Rule(
                code=code,
                when=item.get("when") or {},
                domain=domain,
                goal=_text(suggest, "goal", f"{path}.suggest", problems),
                indicator=_text(suggest, "indicator", f"{path}.suggest", problems),
                priority=bool(suggest.get("priority", False)),
                due_in_days=due,
            )
        )
    if problems:
        raise DefinitionError(source, problems)
    return tuple(rules)


@cache
def plan_catalogue() -> PlanCatalogue:
    domains = parse_domains(_read("domains.yaml"))
    codes = {domain.code for domain in domains}
    return PlanCatalogue(
        domains=domains,
        methods=parse_methods(_read("methods.yaml"), codes),
        rules=parse_rules(_read("suggestions.yaml"), codes),
        by_instrument_domain={link: domain.code for domain in domains for link in domain.instrument_domains},
    )
