"""Which instruments can be used now: the shipped files, the municipality's folder and uploads.

Every valid definition is registered as an `InstrumentVersion`; the newest version of each instrument is
offered for new measurements. A broken file disables only its own instrument and is reported with
the reason, so the functional administrator can fix it while the rest keeps working.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max

from wijkkracht.instruments.definitions import (
    DefinitionError,
    InstrumentDefinition,
    apply_criteria,
    parse_definition,
    read_file,
    read_yaml,
)
from wijkkracht.instruments.models import InstrumentFile, InstrumentVersion

SHIPPED_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Problem:
    source: str
    messages: tuple[str, ...]
    instrument: str = ""


@dataclass
class Catalogue:
    versions: dict[str, InstrumentVersion] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, code: str) -> InstrumentVersion | None:
        return self.versions.get(code)

    def enabled(self) -> list[InstrumentVersion]:
        return sorted(self.versions.values(), key=lambda version: version.name)


def _folders() -> list[Path]:
    extra = getattr(settings, "INSTRUMENTS_DIR", None)
    return [SHIPPED_DIR, Path(extra)] if extra else [SHIPPED_DIR]


def _sources() -> list[tuple[str, Any]]:
    """(source name, parsed YAML) for every file, in a stable order; unreadable files raise later."""
    found: list[tuple[str, Any]] = []
    for folder in _folders():
        if folder.is_dir():
            for path in sorted(folder.glob("*.y*ml")):
                found.append((path.name, path))
    for upload in InstrumentFile.objects.filter(is_active=True).order_by("name"):
        found.append((f"upload: {upload.name}", upload.content))
    return found


def _load(source: str, raw: Any) -> Any:
    return read_file(raw) if isinstance(raw, Path) else read_yaml(raw, source)


_cache: dict[str, Any] = {"fingerprint": None, "catalogue": None}


def _fingerprint() -> tuple[object, ...]:
    """Changes whenever a file, an upload or the registered versions change (two small queries)."""
    files: list[tuple[str, int, int]] = []
    for folder in _folders():
        if folder.is_dir():
            files.extend(
                (str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in sorted(folder.glob("*.y*ml"))
            )
    uploads = InstrumentFile.objects.aggregate(count=Count("id"), changed=Max("uploaded_at"))
    versions = InstrumentVersion.objects.aggregate(count=Count("id"), last=Max("id"))
    return (tuple(files), uploads["count"], uploads["changed"], versions["count"], versions["last"])


def instrument_catalogue() -> Catalogue:
    """The current catalogue; rebuilt only when a definition source or the registered versions changed."""
    fingerprint = _fingerprint()
    if _cache["fingerprint"] != fingerprint:
        _cache["catalogue"] = _build_catalogue()
        _cache["fingerprint"] = _fingerprint()
    catalogue: Catalogue = _cache["catalogue"]
    return catalogue


def _build_catalogue() -> Catalogue:
    catalogue = Catalogue()
    definitions: dict[str, list[tuple[str, InstrumentDefinition]]] = {}
    criteria_files: list[tuple[str, Any]] = []
    broken_codes: set[str] = set()
    for source, raw in _sources():
        data: Any = None
        try:
            data = _load(source, raw)
            if isinstance(data, dict) and "criteria_for" in data:
                criteria_files.append((source, data))
                continue
            definition = parse_definition(data, source)
        except DefinitionError as error:
            code = data.get("id") if isinstance(data, dict) else None
            code = code if isinstance(code, str) else ""
            if code:
                broken_codes.add(code)
            catalogue.problems.append(Problem(source, tuple(error.problems), code))
            continue
        definitions.setdefault(definition.code, []).append((source, definition))

    for source, data in criteria_files:
        code = str(data.get("criteria_for"))
        if code not in definitions:
            catalogue.problems.append(Problem(source, (f"criteria_for: onbekend instrument {code!r}",), code))
            continue
        try:
            definitions[code] = [(src, apply_criteria(d, data, source)) for src, d in definitions[code]]
        except DefinitionError as error:
            catalogue.problems.append(Problem(source, tuple(error.problems), code))

    for code, candidates in definitions.items():
        if code in broken_codes:
            catalogue.problems.append(
                Problem(candidates[0][0], ("uitgeschakeld: een ander bestand van dit instrument is ongeldig",), code)
            )
            continue
        version = _register_newest(code, candidates, catalogue)
        if version is not None:
            catalogue.versions[code] = version
    return catalogue


def _register_newest(
    code: str, candidates: list[tuple[str, InstrumentDefinition]], catalogue: Catalogue
) -> InstrumentVersion | None:
    newest: InstrumentVersion | None = None
    for source, definition in sorted(candidates, key=lambda item: item[1].version):
        checksum = definition.checksum()
        existing = InstrumentVersion.objects.filter(code=code, version=definition.version).first()
        if existing is None:
            try:
                with transaction.atomic():
                    existing = InstrumentVersion.objects.create(
                        code=code,
                        version=definition.version,
                        name=definition.name,
                        subject=definition.subject,
                        definition=definition.to_json(),
                        checksum=checksum,
                        source=source,
                    )
            except IntegrityError:  # another app server registered it at the same moment
                existing = InstrumentVersion.objects.get(code=code, version=definition.version)
        if existing.checksum != checksum:
            catalogue.problems.append(
                Problem(
                    source,
                    (
                        f"versie {definition.version} van {code} is al in gebruik met een andere inhoud: "
                        "verhoog het versienummer; tot dan blijft de geregistreerde versie gelden",
                    ),
                    code,
                )
            )
        newest = existing
    return newest
