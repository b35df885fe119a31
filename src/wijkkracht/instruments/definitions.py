"""Instrument definitions: policy-owned YAML files, validated on load.

An instrument (life-domain matrix, participation ladder, …) is data: a municipality adds or changes one
by placing a file, never by changing code. A wrong file is refused with the file, the place in it and
what is wrong, so the functional administrator can fix it; the other instruments keep working.
"""

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

CODE_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
SUBJECTS = ("person", "household")
TONES = ("green", "orange", "red")
#: Tags the product knows; a definition may carry others (they are kept but not acted upon).
KNOWN_DOMAIN_TAGS = ("work",)
KNOWN_INSTRUMENT_TAGS = ("participation-ladder", "intake")


class DefinitionError(ValueError):
    """A definition file is wrong; `problems` lists each place and what is wrong with it."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True)
class ScaleValue:
    value: int
    label: str
    colour: str
    tone: str = ""
    guidance: str = ""


@dataclass(frozen=True)
class Domain:
    code: str
    label: str
    description: str = ""
    tags: tuple[str, ...] = ()
    criteria: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InstrumentDefinition:
    code: str
    name: str
    version: int
    subject: str
    description: str
    domains: tuple[Domain, ...]
    scale: tuple[ScaleValue, ...]
    good: str  # "high" or "low": which end of the scale is the good end
    tags: tuple[str, ...] = ()
    levels_label: str = ""

    @property
    def domain_codes(self) -> tuple[str, ...]:
        return tuple(domain.code for domain in self.domains)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(item.value for item in self.scale)

    def domain(self, code: str) -> Domain:
        return next(domain for domain in self.domains if domain.code == code)

    def scale_value(self, value: int) -> ScaleValue:
        return next(item for item in self.scale if item.value == value)

    def improvement(self, before: int, after: int) -> int:
        """Change in scale steps, positive when the situation got better, whichever end is good."""
        return after - before if self.good == "high" else before - after

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for domain in data["domains"]:
            domain["criteria"] = {str(key): text for key, text in domain["criteria"].items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "InstrumentDefinition":
        return cls(
            code=data["code"],
            name=data["name"],
            version=data["version"],
            subject=data["subject"],
            description=data.get("description", ""),
            domains=tuple(
                Domain(
                    code=d["code"],
                    label=d["label"],
                    description=d.get("description", ""),
                    tags=tuple(d.get("tags", ())),
                    criteria={int(k): v for k, v in d.get("criteria", {}).items()},
                )
                for d in data["domains"]
            ),
            scale=tuple(ScaleValue(**item) for item in data["scale"]),
            good=data["good"],
            tags=tuple(data.get("tags", ())),
            levels_label=data.get("levels_label", ""),
        )

    def checksum(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()


def _text(value: Any, path: str, problems: list[str], *, required: bool = True, max_length: int = 200) -> str:
    if value is None or value == "":
        if required:
            problems.append(f"{path}: ontbreekt")
        return ""
    if not isinstance(value, str):
        problems.append(f"{path}: moet tekst zijn")
        return ""
    if len(value) > max_length:
        problems.append(f"{path}: is langer dan {max_length} tekens")
    return value.strip()


def _tags(value: Any, path: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        problems.append(f"{path}: moet een lijst met woorden zijn")
        return ()
    return tuple(value)


def parse_definition(data: Any, source: str) -> InstrumentDefinition:
    """Validate one instrument definition; every problem is reported, not only the first."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise DefinitionError(source, ["het bestand moet een instrument beschrijven (sleutels id, name, …)"])
    unknown = set(data) - {
        "id",
        "name",
        "version",
        "subject",
        "description",
        "domains",
        "scale",
        "tags",
        "levels_label",
    }
    if unknown:
        problems.append(f"onbekende sleutel(s): {', '.join(sorted(unknown))}")

    code = _text(data.get("id"), "id", problems, max_length=40)
    if code and not CODE_RE.match(code):
        problems.append("id: alleen kleine letters, cijfers, - en _; begint met een letter")
    name = _text(data.get("name"), "name", problems)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version: moet een geheel getal van 1 of hoger zijn")
        version = 0
    subject = data.get("subject")
    if subject not in SUBJECTS:
        problems.append(f"subject: moet 'person' of 'household' zijn, niet {subject!r}")

    domains: list[Domain] = []
    raw_domains = data.get("domains")
    if not isinstance(raw_domains, list) or not raw_domains:
        problems.append("domains: ten minste één domein nodig")
        raw_domains = []
    seen_codes: set[str] = set()
    for index, raw in enumerate(raw_domains):
        path = f"domains[{index}]"
        if not isinstance(raw, dict):
            problems.append(f"{path}: moet een domein zijn (code, label)")
            continue
        domain_code = _text(raw.get("code"), f"{path}.code", problems, max_length=40)
        if domain_code and not CODE_RE.match(domain_code):
            problems.append(f"{path}.code: alleen kleine letters, cijfers, - en _")
        if domain_code in seen_codes:
            problems.append(f"{path}.code: domeincode {domain_code!r} komt twee keer voor")
        seen_codes.add(domain_code)
        domains.append(
            Domain(
                code=domain_code,
                label=_text(raw.get("label"), f"{path}.label", problems, max_length=80),
                description=_text(
                    raw.get("description"), f"{path}.description", problems, required=False, max_length=500
                ),
                tags=_tags(raw.get("tags"), f"{path}.tags", problems),
            )
        )

    raw_scale = data.get("scale")
    scale: list[ScaleValue] = []
    good = ""
    if not isinstance(raw_scale, dict):
        problems.append("scale: ontbreekt (good en values)")
    else:
        good = raw_scale.get("good", "")
        if good not in ("high", "low"):
            problems.append(f"scale.good: moet 'high' of 'low' zijn (welk uiteinde goed is), niet {good!r}")
        raw_values = raw_scale.get("values")
        if not isinstance(raw_values, list) or len(raw_values) < 2:
            problems.append("scale.values: een schaal heeft ten minste twee waarden")
            raw_values = []
        seen_values: set[int] = set()
        for index, raw in enumerate(raw_values):
            path = f"scale.values[{index}]"
            if not isinstance(raw, dict):
                problems.append(f"{path}: moet een waarde zijn (value, label, colour)")
                continue
            value = raw.get("value")
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append(f"{path}.value: moet een geheel getal zijn")
                continue
            if value in seen_values:
                problems.append(f"{path}.value: waarde {value} komt twee keer voor")
            seen_values.add(value)
            colour = _text(raw.get("colour"), f"{path}.colour", problems, max_length=7)
            if colour and not COLOUR_RE.match(colour):
                problems.append(f"{path}.colour: moet een kleur als #1a7f37 zijn")
            tone = raw.get("tone", "") or ""
            if tone and tone not in TONES:
                problems.append(f"{path}.tone: moet green, orange of red zijn")
            scale.append(
                ScaleValue(
                    value=value,
                    label=_text(raw.get("label"), f"{path}.label", problems, max_length=80),
                    colour=colour,
                    tone=tone,
                    guidance=_text(raw.get("guidance"), f"{path}.guidance", problems, required=False, max_length=500),
                )
            )
        if [item.value for item in scale] != sorted(item.value for item in scale):
            problems.append("scale.values: zet de waarden op volgorde van laag naar hoog")

    description = _text(data.get("description"), "description", problems, required=False, max_length=1000)
    tags = _tags(data.get("tags"), "tags", problems)
    levels_label = _text(data.get("levels_label"), "levels_label", problems, required=False)
    if problems:
        raise DefinitionError(source, problems)
    return InstrumentDefinition(
        code=code,
        name=name,
        version=version,
        subject=str(subject),
        description=description,
        domains=tuple(domains),
        scale=tuple(scale),
        good=good,
        tags=tags,
        levels_label=levels_label,
    )


def apply_criteria(definition: InstrumentDefinition, data: Any, source: str) -> InstrumentDefinition:
    """Merge a licensed criteria file (per domain, per value a description) into its instrument."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), dict):
        raise DefinitionError(source, ["criteria: ontbreekt (per domeincode per waarde een tekst)"])
    criteria = data["criteria"]
    domains = []
    for domain in definition.domains:
        texts = criteria.get(domain.code, {}) or {}
        if not isinstance(texts, dict):
            problems.append(f"criteria.{domain.code}: moet per waarde een tekst geven")
            texts = {}
        for key in texts:
            if not isinstance(key, int) or key not in definition.values:
                problems.append(f"criteria.{domain.code}.{key}: geen waarde van de schaal")
        domains.append(
            Domain(
                code=domain.code,
                label=domain.label,
                description=domain.description,
                tags=domain.tags,
                criteria={int(k): str(v) for k, v in texts.items() if isinstance(k, int)},
            )
        )
    for code in set(criteria) - set(definition.domain_codes):
        problems.append(f"criteria.{code}: onbekend domein van {definition.code}")
    if problems:
        raise DefinitionError(source, problems)
    return InstrumentDefinition(**{**definition.__dict__, "domains": tuple(domains)})


def read_yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (regel {mark.line + 1})" if mark else ""
        raise DefinitionError(source, [f"geen geldige YAML{where}"]) from None


def read_file(path: Path) -> Any:
    return read_yaml(path.read_text(encoding="utf-8"), path.name)
