"""Open Referral HSDS 3.0 JSON: reading a file into records (checked, with every problem named by its place)
and writing the social map as HSDS.

What a file may hold (the shapes of the specification's examples and of our own export):

- a list of organisations, each with its services nested under ``services`` (what the export writes);
- one organisation (``example_organization_full.json``);
- one service with its organisation nested under ``organization`` (``example_service_full.json``);
- a page of services, ``{"contents": [service, …], …}`` (``example_service_list.json``);
- a list that mixes organisations and services.

Our own tags travel as HSDS ``attributes``: a taxonomy term of the taxonomy ``wijkkracht-steunpiramide`` for
the pyramid level and of ``wijkkracht-leefgebieden`` for each life domain. The districts (wijken) a service
serves are ``service_areas`` whose ``uri`` is ``urn:wijkkracht:wijk:<CBS code>``. Everything of HSDS that we do
not model is kept in ``hsds_extra`` and written back, so import → export → import changes nothing.

The compiled schemas of the specification are not shipped with the product (they are for the tests, which
validate the export against them). The import checks a file against ``FILE_ITEM_SCHEMA`` below: the part of
HSDS 3.0 the social map reads, with the specification's types, required fields and formats, and the bounds of
our columns.
"""

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from jsonschema import Draft202012Validator, FormatChecker

try:  # the Rust implementation answers "valid?" some fifty times faster; the messages come from jsonschema
    import jsonschema_rs
except ImportError:  # pragma: no cover - optional
    jsonschema_rs = None  # type: ignore[assignment]
from jsonschema.exceptions import ValidationError as SchemaError

from wijkkracht.common.parsers import nesting_depth_exceeds

#: The largest import file (bytes); ``SOCIALMAP_IMPORT_MAX_BYTES`` overrides it. 5,000 services with
#: everything HSDS allows are about 15 MB.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: HSDS nests at most about ten levels (service → service_at_locations → location → phones → languages).
MAX_DEPTH = 25
#: The most problems one refusal lists; a file of junk need not produce a million lines.
MAX_PROBLEMS = 200

LEVEL_TAXONOMY = "wijkkracht-steunpiramide"
DOMAIN_TAXONOMY = "wijkkracht-leefgebieden"
WIJK_URI_PREFIX = "urn:wijkkracht:wijk:"
#: Ids of the attributes and service areas we write are derived from the service's id, so an export of the
#: same data is the same file.
ID_NAMESPACE = uuid.UUID("5b0c5a2e-7d1f-4c8e-9a35-2f6f3b1c9d40")

#: Fields of an organisation and a service that are columns of our models; the rest goes to ``hsds_extra``.
ORGANIZATION_FIELDS = ("id", "name", "alternate_name", "description", "email", "website", "phones")
SERVICE_FIELDS = (
    "id",
    "name",
    "alternate_name",
    "description",
    "status",
    "url",
    "email",
    "phones",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "application_process",
    "fees_description",
)
#: Not kept: derived on export (``last_modified`` from our own change time; the organisation from the model).
SERVICE_DERIVED = ("organization", "organization_id", "last_modified", "attributes", "service_areas")

_TEXT = {"type": "string"}
_ID = {"type": "string", "format": "uuid", "maxLength": 250}
_PHONES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "number"],
        "properties": {"id": _ID, "number": {"type": "string", "minLength": 1, "maxLength": 50}},
    },
}
_TAXONOMY_TERM = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": _ID, "code": _TEXT, "name": _TEXT, "taxonomy": _TEXT},
}
_ATTRIBUTES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": _ID,
            "taxonomy_term_id": _ID,
            "link_id": _ID,
            "value": _TEXT,
            "taxonomy_term": _TAXONOMY_TERM,
        },
    },
}
_SERVICE_AREAS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id"],
        "properties": {"id": _ID, "name": _TEXT, "description": _TEXT, "uri": _TEXT},
    },
}
_AGE = {"type": "number", "minimum": 0, "maximum": 150}
_ORGANIZATION_PROPERTIES: dict[str, Any] = {
    "id": _ID,
    "name": {"type": "string", "minLength": 1, "maxLength": 250},
    "alternate_name": {"type": "string", "maxLength": 250},
    "description": {"type": "string", "minLength": 1},
    "email": {"type": "string", "maxLength": 250},
    "website": {"type": "string", "maxLength": 500},
    "phones": _PHONES,
    "attributes": _ATTRIBUTES,
}
_SERVICE_PROPERTIES: dict[str, Any] = {
    "id": _ID,
    "organization_id": _ID,
    "name": {"type": "string", "minLength": 1, "maxLength": 250},
    "alternate_name": {"type": "string", "maxLength": 250},
    "description": _TEXT,
    "status": {"type": "string", "enum": ["active", "inactive", "defunct", "temporarily closed"]},
    "url": {"type": "string", "maxLength": 500},
    "email": {"type": "string", "maxLength": 250},
    "phones": _PHONES,
    "eligibility_description": _TEXT,
    "minimum_age": _AGE,
    "maximum_age": _AGE,
    "application_process": _TEXT,
    "fees_description": _TEXT,
    "last_modified": _TEXT,
    "attributes": _ATTRIBUTES,
    "service_areas": _SERVICE_AREAS,
}
_NESTED_ORGANIZATION = {
    "type": "object",
    "required": ["id", "name", "description"],
    "properties": _ORGANIZATION_PROPERTIES,
}
SERVICE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "status"],
    "properties": {**_SERVICE_PROPERTIES, "organization": _NESTED_ORGANIZATION},
}
ORGANIZATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "description"],
    "properties": {**_ORGANIZATION_PROPERTIES, "services": {"type": "array", "items": SERVICE_SCHEMA}},
}
_ORGANIZATION_VALIDATOR = Draft202012Validator(ORGANIZATION_SCHEMA, format_checker=FormatChecker(["uuid"]))
_SERVICE_VALIDATOR = Draft202012Validator(SERVICE_SCHEMA, format_checker=FormatChecker(["uuid"]))
_FAST_VALIDATORS: dict[int, Any] = (
    {
        id(_ORGANIZATION_VALIDATOR): jsonschema_rs.Draft202012Validator(ORGANIZATION_SCHEMA, validate_formats=True),
        id(_SERVICE_VALIDATOR): jsonschema_rs.Draft202012Validator(SERVICE_SCHEMA, validate_formats=True),
    }
    if jsonschema_rs is not None
    else {}
)


def max_import_bytes() -> int:
    return int(getattr(settings, "SOCIALMAP_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: ``[3].services[0].name`` (empty for the file as a whole)."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


class ImportRefused(Exception):
    """The file cannot be imported; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems[:5]))
        self.problems = problems


@dataclass
class OrganizationRecord:
    hsds_id: str
    place: str
    values: dict[str, Any]
    extra: dict[str, Any]


@dataclass
class ServiceRecord:
    hsds_id: str
    place: str
    organization_id: str
    values: dict[str, Any]
    extra: dict[str, Any]
    level: str | None
    domains: list[str]
    wijk_codes: list[str]


@dataclass
class ParsedFile:
    organizations: dict[str, OrganizationRecord] = field(default_factory=dict)
    services: dict[str, ServiceRecord] = field(default_factory=dict)


# --- reading ------------------------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def too_large_problem(size: int | None, limit: int) -> Problem:
    if size is None:
        return Problem("", _("The file is larger than %(max)s MB.") % {"max": _megabytes(limit)})
    return Problem(
        "",
        _("The file is %(size)s MB; at most %(max)s MB can be imported.")
        % {"size": _megabytes(size), "max": _megabytes(limit)},
    )


def read_json(stream: IO[bytes], *, size: int | None = None, max_bytes: int | None = None) -> Any:
    """The file's JSON, or ImportRefused. A file whose known size is over the limit is refused before a
    byte is read; otherwise at most the limit plus one byte is read."""
    limit = max_bytes if max_bytes is not None else max_import_bytes()
    if size is not None and size > limit:
        raise ImportRefused([too_large_problem(size, limit)])
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise ImportRefused([too_large_problem(None, limit)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            [Problem("", _("The file is not UTF-8 text (byte %(position)d).") % {"position": error.start + 1})]
        ) from None
    if not text.strip():
        raise ImportRefused([Problem("", _("The file is empty."))])
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise ImportRefused([Problem("", _("The file is nested too deeply to be HSDS."))]) from None
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                Problem(
                    "",
                    _("The file is not JSON: %(reason)s at line %(line)d, column %(column)d.")
                    % {"reason": error.msg, "line": error.lineno, "column": error.colno},
                )
            ]
        ) from None
    except ValueError:
        raise ImportRefused([Problem("", _("The file holds NaN or Infinity, which JSON does not allow."))]) from None
    if nesting_depth_exceeds(data, MAX_DEPTH):
        raise ImportRefused([Problem("", _("The file is nested too deeply to be HSDS."))])
    return data


def _refuse_constant(value: str) -> Any:
    raise ValueError(value)


def _place(prefix: str, path: Iterable[Any]) -> str:
    place = prefix
    for part in path:
        if isinstance(part, int):
            place += f"[{part}]"
        else:
            place += f".{part}" if place else str(part)
    return place


def _type_name(name: str) -> str:
    names = {
        "string": _("text"),
        "number": _("a number"),
        "integer": _("a whole number"),
        "array": _("a list"),
        "object": _("an object"),
        "boolean": _("true or false"),
        "null": _("null"),
    }
    return names.get(name, name)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _schema_problem(prefix: str, error: SchemaError) -> Problem:
    path = list(error.absolute_path)
    validator = error.validator
    if validator == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else ""
        return Problem(_place(prefix, [*path, missing] if missing else path), _("This field is required."))
    if validator == "type":
        expected = error.validator_value
        expected_names = [expected] if isinstance(expected, str) else list(expected)
        return Problem(
            _place(prefix, path),
            _("Expected %(expected)s, found %(found)s.")
            % {
                "expected": _(" or ").join(_type_name(name) for name in expected_names),
                "found": _type_name(_json_type(error.instance)),
            },
        )
    if validator == "enum":
        return Problem(
            _place(prefix, path),
            _("Unknown value %(value)s; allowed are: %(allowed)s.")
            % {"value": json.dumps(error.instance)[:60], "allowed": ", ".join(str(v) for v in error.validator_value)},
        )
    if validator == "format":
        return Problem(_place(prefix, path), _("This is not a UUID (such as ac148810-d857-441c-9679-408f346de14b)."))
    if validator == "minLength":
        return Problem(_place(prefix, path), _("This field cannot be empty."))
    if validator == "maxLength":
        return Problem(
            _place(prefix, path),
            _("At most %(max)d characters (this has %(length)d).")
            % {"max": error.validator_value, "length": len(error.instance)},
        )
    if validator in ("minimum", "maximum"):
        return Problem(_place(prefix, path), _("Give a number from 0 to 150."))
    return Problem(_place(prefix, path), _("This value is not valid."))


def _schema_problems(validator: Draft202012Validator, item: Any, prefix: str) -> list[Problem]:
    fast = _FAST_VALIDATORS.get(id(validator))
    if fast is not None and fast.is_valid(item):
        return []
    return [
        _schema_problem(prefix, error)
        for error in sorted(validator.iter_errors(item), key=lambda e: list(map(str, e.absolute_path)))
    ]


def _is_service(item: dict[str, Any]) -> bool:
    return "services" not in item and any(key in item for key in ("status", "organization", "organization_id"))


def items_of(data: Any) -> list[tuple[str, Any]]:
    """(place prefix, item) for every top-level record of a file, whatever its shape."""
    if isinstance(data, list):
        return [(f"[{index}]", item) for index, item in enumerate(data)]
    if isinstance(data, dict) and isinstance(data.get("contents"), list) and "id" not in data:
        return [(f"contents[{index}]", item) for index, item in enumerate(data["contents"])]
    if isinstance(data, dict):
        return [("", data)]
    raise ImportRefused([Problem("", _("Expected a list of organisations or services (HSDS 3.0 JSON)."))])


class _Reader:
    def __init__(self, *, domain_codes: set[str], wijk_codes: dict[str, str], wijk_names: dict[str, str]) -> None:
        self.domain_codes = domain_codes
        self.wijk_codes = wijk_codes  # code → code (known codes)
        self.wijk_names = wijk_names  # lower-cased name → code
        self.problems: list[Problem] = []
        self.parsed = ParsedFile()
        #: Where each top-level organisation and each service was first seen, for duplicate messages.
        self.top_level_orgs: dict[str, str] = {}

    def problem(self, place: str, message: str) -> None:
        self.problems.append(Problem(place, message))

    def read(self, data: Any) -> ParsedFile:
        for prefix, item in items_of(data):
            if not isinstance(item, dict):
                self.problem(
                    prefix,
                    _("Expected an object (an organisation or a service), found %(found)s.")
                    % {"found": _type_name(_json_type(item))},
                )
                continue
            if _is_service(item):
                problems = _schema_problems(_SERVICE_VALIDATOR, item, prefix)
                if problems:
                    self.problems.extend(problems)
                    continue
                self.read_service(item, prefix, organization_id=None)
            else:
                problems = _schema_problems(_ORGANIZATION_VALIDATOR, item, prefix)
                if problems:
                    self.problems.extend(problems)
                    continue
                self.read_organization(item, prefix, top_level=True)
            if len(self.problems) > MAX_PROBLEMS:
                break
        return self.parsed

    def read_organization(self, item: dict[str, Any], prefix: str, *, top_level: bool) -> None:
        hsds_id = item["id"]
        if top_level:
            if hsds_id in self.top_level_orgs:
                self.problem(
                    _place(prefix, ["id"]),
                    _("The organisation id %(id)s occurs twice (also at %(place)s).")
                    % {"id": hsds_id, "place": self.top_level_orgs[hsds_id] or _("the start")},
                )
                return
            self.top_level_orgs[hsds_id] = prefix
        phones = item.get("phones") or []
        values = {
            "name": item["name"],
            "alternate_name": item.get("alternate_name", ""),
            "description": item["description"],
            "email": item.get("email", ""),
            "website": item.get("website", ""),
            "phone": phones[0]["number"] if phones else "",
        }
        extra = {key: value for key, value in item.items() if key not in ORGANIZATION_FIELDS and key != "services"}
        if phones and phones != _phones(phones[0]["number"], [], hsds_id):
            extra["phones"] = phones
        record = OrganizationRecord(hsds_id=hsds_id, place=prefix, values=values, extra=extra)
        earlier = self.parsed.organizations.get(hsds_id)
        if earlier is not None and (earlier.values, earlier.extra) != (values, extra):
            self.problem(
                _place(prefix, ["id"]),
                _("The organisation %(id)s is described differently at %(place)s.")
                % {"id": hsds_id, "place": earlier.place or _("the start")},
            )
            return
        if earlier is None:
            self.parsed.organizations[hsds_id] = record
        for index, service in enumerate(item.get("services") or []):
            self.read_service(service, _place(prefix, ["services", index]), organization_id=hsds_id)

    def read_service(self, item: dict[str, Any], prefix: str, *, organization_id: str | None) -> None:
        hsds_id = item["id"]
        nested = item.get("organization")
        if nested is not None:
            self.read_organization(nested, _place(prefix, ["organization"]), top_level=False)
            if organization_id is not None and nested["id"] != organization_id:
                self.problem(
                    _place(prefix, ["organization", "id"]),
                    _("This service names another organisation than the one it is listed under."),
                )
            organization_id = organization_id or nested["id"]
        named = item.get("organization_id")
        if named is not None and organization_id is not None and named != organization_id:
            self.problem(
                _place(prefix, ["organization_id"]),
                _("This service names another organisation than the one it is listed under."),
            )
        organization_id = organization_id or named
        if organization_id is None:
            self.problem(prefix, _("The service names no organisation (organization or organization_id)."))
            return
        if hsds_id in self.parsed.services:
            self.problem(
                _place(prefix, ["id"]),
                _("The service id %(id)s occurs twice (also at %(place)s).")
                % {"id": hsds_id, "place": self.parsed.services[hsds_id].place or _("the start")},
            )
            return
        minimum, maximum = item.get("minimum_age"), item.get("maximum_age")
        for name in ("minimum_age", "maximum_age"):
            if item.get(name) is not None and item[name] != int(item[name]):
                self.problem(_place(prefix, [name]), _("Give an age in whole years."))
        if minimum is not None and maximum is not None and minimum > maximum:
            self.problem(_place(prefix, ["maximum_age"]), _("The maximum age is below the minimum age."))
        level, domains, attributes = self.read_attributes(item.get("attributes") or [], prefix)
        wijk_codes, areas = self.read_service_areas(item.get("service_areas") or [], prefix)
        phones = item.get("phones") or []
        values = {
            "name": item["name"],
            "alternate_name": item.get("alternate_name", ""),
            "description": item.get("description", ""),
            "status": item["status"],
            "url": item.get("url", ""),
            "email": item.get("email", ""),
            "phone": phones[0]["number"] if phones else "",
            "eligibility_description": item.get("eligibility_description", ""),
            "minimum_age": int(minimum) if minimum is not None else None,
            "maximum_age": int(maximum) if maximum is not None else None,
            "application_process": item.get("application_process", ""),
            "fees_description": item.get("fees_description", ""),
        }
        extra = {key: value for key, value in item.items() if key not in SERVICE_FIELDS and key not in SERVICE_DERIVED}
        if phones and phones != _phones(phones[0]["number"], [], hsds_id):
            extra["phones"] = phones
        if attributes:
            extra["attributes"] = attributes
        if areas:
            extra["service_areas"] = areas
        self.parsed.services[hsds_id] = ServiceRecord(
            hsds_id=hsds_id,
            place=prefix,
            organization_id=organization_id,
            values=values,
            extra=extra,
            level=level,
            domains=domains,
            wijk_codes=wijk_codes,
        )

    def read_attributes(self, attributes: list[dict[str, Any]], prefix: str) -> tuple[str | None, list[str], list[Any]]:
        from wijkkracht.socialmap.models import PyramidLevel

        level: str | None = None
        domains: list[str] = []
        others: list[Any] = []
        for index, attribute in enumerate(attributes):
            term = attribute.get("taxonomy_term") or {}
            taxonomy, code = term.get("taxonomy"), term.get("code")
            place = _place(prefix, ["attributes", index, "taxonomy_term", "code"])
            if taxonomy == LEVEL_TAXONOMY:
                if code not in PyramidLevel.values:
                    self.problem(
                        place,
                        _("Unknown level %(code)s; allowed are: %(allowed)s.")
                        % {"code": code, "allowed": ", ".join(PyramidLevel.values)},
                    )
                elif level is not None and level != code:
                    self.problem(place, _("A service has one level."))
                level = code
            elif taxonomy == DOMAIN_TAXONOMY:
                if code not in self.domain_codes:
                    self.problem(
                        place,
                        _("Unknown life domain %(code)s; allowed are: %(allowed)s.")
                        % {"code": code, "allowed": ", ".join(sorted(self.domain_codes))},
                    )
                elif code not in domains:
                    domains.append(code)
            else:
                others.append(attribute)
        return level, domains, others

    def read_service_areas(self, areas: list[dict[str, Any]], prefix: str) -> tuple[list[str], list[Any]]:
        codes: list[str] = []
        others: list[Any] = []
        for index, area in enumerate(areas):
            uri = area.get("uri") or ""
            if uri.startswith(WIJK_URI_PREFIX):
                code = uri[len(WIJK_URI_PREFIX) :]
                if code not in self.wijk_codes:
                    self.problem(
                        _place(prefix, ["service_areas", index, "uri"]),
                        _("Unknown district code %(code)s.") % {"code": code[:20]},
                    )
                elif code not in codes:
                    codes.append(code)
            elif isinstance(area.get("name"), str) and area["name"].strip().lower() in self.wijk_names:
                code = self.wijk_names[area["name"].strip().lower()]
                if code not in codes:
                    codes.append(code)
            else:
                others.append(area)
        return codes, others


def parse(data: Any, *, domain_codes: set[str], wijken: Iterable[tuple[str, str]]) -> ParsedFile:
    """The records of an HSDS file's JSON, or ImportRefused with every problem found. ``wijken`` are the
    (code, name) of the municipality's districts."""
    wijken = list(wijken)
    reader = _Reader(
        domain_codes=domain_codes,
        wijk_codes={code: code for code, _name in wijken},
        wijk_names={name.lower(): code for code, name in wijken},
    )
    parsed = reader.read(data)
    if reader.problems:
        problems = reader.problems
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = [
                *problems[:MAX_PROBLEMS],
                Problem(
                    "", ngettext("And %(count)d more problem.", "And %(count)d more problems.", more) % {"count": more}
                ),
            ]
        raise ImportRefused(problems)
    if not parsed.organizations and not parsed.services:
        raise ImportRefused([Problem("", _("The file holds no organisations or services."))])
    return parsed


# --- writing -----------------------------------------------------------------------------------------------


def derived_id(*parts: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, ":".join(parts)))


def _phones(phone: str, extra_phones: list[dict[str, Any]], owner_id: str) -> list[dict[str, Any]]:
    """Our one telephone number first (keeping the rest of the first HSDS phone), then the others."""
    rest = list(extra_phones[1:])
    if not phone:
        return rest
    first = dict(extra_phones[0]) if extra_phones else {"id": derived_id(owner_id, "phone")}
    first["number"] = phone
    return [first, *rest]


TAXONOMY_DESCRIPTIONS = {
    LEVEL_TAXONOMY: "Niveau in de steunpiramide: nulde lijn (collectief), eerste lijn of tweede lijn.",
    DOMAIN_TAXONOMY: "Leefgebied van het plan waarbij de dienst helpt.",
}


def _term(taxonomy: str, code: str, name: str) -> dict[str, Any]:
    return {
        "id": derived_id(taxonomy, code),
        "code": code,
        "name": name,
        "description": TAXONOMY_DESCRIPTIONS[taxonomy],
        "taxonomy": taxonomy,
        "language": "nl",
    }


def _attribute(service_id: str, taxonomy: str, code: str, name: str) -> dict[str, Any]:
    term = _term(taxonomy, code, name)
    return {
        "id": derived_id(service_id, taxonomy, code),
        "link_id": service_id,
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    if value not in ("", None, []):
        target[key] = value


def organization_to_hsds(organization: Any, services: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    extra = dict(organization.hsds_extra or {})
    result: dict[str, Any] = {"id": organization.hsds_id, "name": organization.name}
    _set(result, "alternate_name", organization.alternate_name)
    result["description"] = organization.description
    _set(result, "email", organization.email)
    _set(result, "website", organization.website)
    _set(result, "phones", _phones(organization.phone, extra.pop("phones", []), organization.hsds_id))
    for key, value in extra.items():
        if key not in result and key != "services":
            result[key] = value
    if services is not None:
        result["services"] = services
    return result


def service_to_hsds(service: Any, *, domain_labels: dict[str, str], wijken: list[Any]) -> dict[str, Any]:
    """One service in HSDS 3.0 (without its organisation nested; ``organization_id`` names it)."""
    from wijkkracht.socialmap.models import PyramidLevel

    extra = dict(service.hsds_extra or {})
    result: dict[str, Any] = {
        "id": service.hsds_id,
        "organization_id": service.organization.hsds_id,
        "name": service.name,
    }
    _set(result, "alternate_name", service.alternate_name)
    _set(result, "description", service.description)
    _set(result, "url", service.url)
    _set(result, "email", service.email)
    result["status"] = service.status
    _set(result, "eligibility_description", service.eligibility_description)
    _set(result, "minimum_age", service.minimum_age)
    _set(result, "maximum_age", service.maximum_age)
    _set(result, "application_process", service.application_process)
    _set(result, "fees_description", service.fees_description)
    result["last_modified"] = service.updated_at.isoformat()
    _set(result, "phones", _phones(service.phone, extra.pop("phones", []), service.hsds_id))
    with translation.override("nl"):
        level_name = str(PyramidLevel(service.level).label)
    attributes = [*extra.pop("attributes", []), _attribute(service.hsds_id, LEVEL_TAXONOMY, service.level, level_name)]
    attributes += [
        _attribute(service.hsds_id, DOMAIN_TAXONOMY, code, domain_labels.get(code, code)) for code in service.domains
    ]
    result["attributes"] = attributes
    areas = list(extra.pop("service_areas", []))
    areas += [
        {
            "id": derived_id(service.hsds_id, "wijk", wijk.code),
            "name": wijk.name,
            "uri": f"{WIJK_URI_PREFIX}{wijk.code}",
        }
        for wijk in sorted(wijken, key=lambda wijk: wijk.code)
    ]
    _set(result, "service_areas", areas)
    for key, value in extra.items():
        if key not in result:
            result[key] = value
    return result
