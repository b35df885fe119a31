"""Writes to the social map: importing an HSDS 3.0 file (all or nothing) and exporting it, both logged.

Single organisations and services are maintained by the functional administrator in the management site
(`admin.py`), whose forms use the checks of this module (`validate_service_values`)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.socialmap import hsds
from wijkkracht.socialmap.hsds import ImportRefused, Problem
from wijkkracht.socialmap.models import (
    LogAction,
    Organization,
    PartnerAccount,
    PyramidLevel,
    Service,
    ServiceStatus,
    SocialMapLogEntry,
)
from wijkkracht.teams.models import Wijk

#: How often (in services) an import reports progress.
PROGRESS_EVERY = 100
#: Rows per INSERT when an import creates records in bulk.
BATCH = 500
#: The most problems a refused import keeps in its log row.
LOGGED_PROBLEMS = 20

Progress = Callable[[int, int], None]


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "skipped": self.skipped}


@dataclass
class ImportResult:
    organizations: ImportCounts = field(default_factory=ImportCounts)
    services: ImportCounts = field(default_factory=ImportCounts)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"organizations": self.organizations.as_dict(), "services": self.services.as_dict()}


def may_maintain_socialmap(user: Any) -> bool:
    """The functional administrator maintains the social map (management site, import, export)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.role == Role.FUNCTIONAL_ADMIN)


def _require_maintainer(actor: User | None) -> None:
    """A user must be a functional administrator; ``None`` is the system administrator on the command line."""
    if actor is not None and not may_maintain_socialmap(actor):
        raise ValidationError(_("Only a functional administrator maintains the social map."))


def _log(
    *,
    actor: User | None,
    operator: str,
    action: LogAction,
    channel: str,
    file_name: str = "",
    size: int | None = None,
    counts: dict[str, Any] | None = None,
    problems: list[Problem] | None = None,
) -> SocialMapLogEntry:
    return SocialMapLogEntry.objects.create(
        at=timezone.now(),
        user=actor,
        username=actor.username if actor else f"(command line: {operator or 'unknown'})",
        action=action,
        channel=channel,
        file_name=file_name[:250],
        size=size,
        counts=counts or {},
        problems=[str(problem) for problem in (problems or [])[:LOGGED_PROBLEMS]],
    )


# --- import ------------------------------------------------------------------------------------------------


def _organization_state(values: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    return {**values, "hsds_extra": extra}


def _existing_organization_state(organization: Organization) -> dict[str, Any]:
    return _organization_state(
        {
            "name": organization.name,
            "alternate_name": organization.alternate_name,
            "description": organization.description,
            "email": organization.email,
            "website": organization.website,
            "phone": organization.phone,
        },
        organization.hsds_extra,
    )


def _service_state(service: Service, wijk_codes: Iterable[str]) -> dict[str, Any]:
    return {
        "organization": service.organization.hsds_id,
        "name": service.name,
        "alternate_name": service.alternate_name,
        "description": service.description,
        "status": service.status,
        "url": service.url,
        "email": service.email,
        "phone": service.phone,
        "eligibility_description": service.eligibility_description,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "application_process": service.application_process,
        "fees_description": service.fees_description,
        "level": service.level,
        "domains": list(service.domains),
        "wijken": sorted(wijk_codes),
        "hsds_extra": service.hsds_extra,
    }


def _in_chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _validate_against_database(parsed: hsds.ParsedFile) -> None:
    """What only the database can tell: a service of an organisation that is neither in the file nor known."""
    named = {record.organization_id for record in parsed.services.values()} - set(parsed.organizations)
    known: set[str] = set()
    for chunk in _in_chunks(sorted(named)):
        known.update(Organization.objects.filter(hsds_id__in=chunk).values_list("hsds_id", flat=True))
    problems = [
        Problem(
            record.place,
            _("The organisation %(id)s is neither in the file nor in the social map.") % {"id": record.organization_id},
        )
        for record in parsed.services.values()
        if record.organization_id not in parsed.organizations and record.organization_id not in known
    ]
    if problems:
        raise ImportRefused(problems)


def parse_file(stream: IO[bytes], *, size: int | None = None) -> hsds.ParsedFile:
    """An HSDS file read and checked completely, or ImportRefused with every problem (nothing is saved)."""
    data = hsds.read_json(stream, size=size)
    parsed = hsds.parse(
        data,
        domain_codes={domain.code for domain in plan_catalogue().domains},
        wijken=Wijk.objects.values_list("code", "name"),
    )
    _validate_against_database(parsed)
    return parsed


def socialmap_import(
    *,
    actor: User | None,
    stream: IO[bytes],
    size: int | None = None,
    file_name: str = "",
    channel: str = "page",
    operator: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Import an HSDS 3.0 file: every organisation and service in it is created or updated (matched on its
    HSDS id); nothing else changes. The whole file is checked first: one problem and nothing is saved
    (``ImportRefused`` with the list), and the refusal is logged. A defunct service that the social map
    does not have yet is skipped. A service without our level tag keeps the level, domains and districts it
    has (a new one starts as first line, no domains, the whole municipality)."""
    _require_maintainer(actor)
    try:
        parsed = parse_file(stream, size=size)
    except ImportRefused as refusal:
        _log(
            actor=actor,
            operator=operator,
            action=LogAction.IMPORT_REFUSED,
            channel=channel,
            file_name=file_name,
            size=size,
            problems=refusal.problems,
        )
        raise
    with transaction.atomic():
        result = _write(parsed, progress=progress)
        _log(
            actor=actor,
            operator=operator,
            action=LogAction.IMPORT,
            channel=channel,
            file_name=file_name,
            size=size,
            counts=result.as_dict(),
        )
    return result


def _write(parsed: hsds.ParsedFile, *, progress: Progress | None) -> ImportResult:
    """Create what is new in bulk, update what changed row by row, leave the rest alone."""
    result = ImportResult()
    organizations: dict[str, Organization] = {}
    for chunk in _in_chunks(sorted(parsed.organizations)):
        organizations.update(Organization.objects.select_for_update().in_bulk(chunk, field_name="hsds_id"))
    new_organizations = []
    for hsds_id, record in parsed.organizations.items():
        existing = organizations.get(hsds_id)
        if existing is None:
            organization = Organization(hsds_id=hsds_id, hsds_extra=record.extra, **record.values)
            organization.refresh_search_columns()
            new_organizations.append(organization)
        elif _existing_organization_state(existing) == _organization_state(record.values, record.extra):
            result.organizations.unchanged += 1
        else:
            for name, value in record.values.items():
                setattr(existing, name, value)
            existing.hsds_extra = record.extra
            existing.save()
            result.organizations.updated += 1
    for organization in Organization.objects.bulk_create(new_organizations, batch_size=BATCH):
        organizations[organization.hsds_id] = organization
    result.organizations.created = len(new_organizations)
    missing = sorted({record.organization_id for record in parsed.services.values()} - set(organizations))
    for chunk in _in_chunks(missing):
        organizations.update(Organization.objects.in_bulk(chunk, field_name="hsds_id"))

    wijken = {wijk.code: wijk for wijk in Wijk.objects.all()}
    services: dict[str, Service] = {}
    for chunk in _in_chunks(sorted(parsed.services)):
        found = (
            Service.objects.select_for_update(of=("self",))
            .select_related("organization")
            .prefetch_related("wijken")
            .filter(hsds_id__in=chunk)
        )
        services.update({service.hsds_id: service for service in found})
    total = len(parsed.services)
    new_services: list[tuple[Service, list[str]]] = []
    for done, (hsds_id, service_record) in enumerate(parsed.services.items(), start=1):
        created = _write_service(service_record, services.get(hsds_id), organizations, wijken, result.services)
        if created is not None:
            new_services.append((created, service_record.wijk_codes))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    Service.objects.bulk_create([service for service, _codes in new_services], batch_size=BATCH)
    Service.wijken.through.objects.bulk_create(
        [
            Service.wijken.through(service_id=service.pk, wijk_id=wijken[code].pk)
            for service, codes in new_services
            for code in codes
        ],
        batch_size=BATCH,
    )
    return result


def _write_service(
    record: hsds.ServiceRecord,
    existing: Service | None,
    organizations: dict[str, Organization],
    wijken: dict[str, Wijk],
    counts: ImportCounts,
) -> Service | None:
    """Update an existing service if it changed; a new one is returned unsaved (created in bulk)."""
    tagged = record.level is not None
    if existing is None and record.values["status"] == ServiceStatus.DEFUNCT:
        counts.skipped += 1
        return None
    if existing is None:
        service = Service(
            hsds_id=record.hsds_id,
            organization=organizations[record.organization_id],
            level=record.level or PyramidLevel.FIRST_LINE,
            domains=record.domains,
            hsds_extra=record.extra,
            **record.values,
        )
        service.refresh_search_columns()
        counts.created += 1
        return service
    current_codes = [wijk.code for wijk in existing.wijken.all()]
    before = _service_state(existing, current_codes)
    for name, value in record.values.items():
        setattr(existing, name, value)
    existing.organization = organizations[record.organization_id]
    existing.hsds_extra = record.extra
    codes = current_codes
    if tagged:
        existing.level = record.level  # type: ignore[assignment]
        existing.domains = record.domains
        codes = record.wijk_codes
    if _service_state(existing, codes) == before:
        counts.unchanged += 1
        return None
    existing.save()
    if sorted(codes) != sorted(current_codes):
        existing.wijken.set([wijken[code] for code in codes])
    counts.updated += 1
    return None


# --- export ------------------------------------------------------------------------------------------------


def socialmap_as_hsds() -> list[dict[str, Any]]:
    """The whole social map as HSDS 3.0: a list of organisations, each with its services nested."""
    domain_labels = {domain.code: domain.label for domain in plan_catalogue().domains}
    services_by_organization: dict[int, list[dict[str, Any]]] = {}
    services = (
        Service.objects.select_related("organization")
        .prefetch_related("wijken")
        .order_by("organization_id", "name", "id")
    )
    for service in services:
        services_by_organization.setdefault(service.organization_id, []).append(
            hsds.service_to_hsds(service, domain_labels=domain_labels, wijken=list(service.wijken.all()))
        )
    return [
        hsds.organization_to_hsds(organization, services_by_organization.get(organization.pk, []))
        for organization in Organization.objects.order_by("name", "id")
    ]


def socialmap_export(
    *, actor: User | None, channel: str = "page", operator: str = "", file_name: str = ""
) -> list[dict[str, Any]]:
    """The social map as HSDS 3.0 for the functional administrator (or the command line), logged."""
    _require_maintainer(actor)
    data = socialmap_as_hsds()
    _log(
        actor=actor,
        operator=operator,
        action=LogAction.EXPORT,
        channel=channel,
        file_name=file_name,
        counts={"organizations": len(data), "services": sum(len(item.get("services", [])) for item in data)},
    )
    return data


# --- single records ----------------------------------------------------------------------------------------


def validate_service_values(*, domains: Any, minimum_age: int | None, maximum_age: int | None) -> None:
    """The checks a form of a service needs beyond its columns: known life domains, an ordered age range."""
    errors: dict[str, list[str]] = {}
    known = {domain.code for domain in plan_catalogue().domains}
    if not isinstance(domains, list) or any(not isinstance(code, str) for code in domains):
        errors["domains"] = [_("Choose life domains from the list.")]
    else:
        unknown = [code for code in domains if code not in known]
        if unknown:
            errors["domains"] = [_("Unknown life domain: %(codes)s.") % {"codes": ", ".join(unknown)}]
        elif len(set(domains)) != len(domains):
            errors["domains"] = [_("Each life domain once.")]
    if minimum_age is not None and maximum_age is not None and minimum_age > maximum_age:
        errors["maximum_age"] = [_("The maximum age is below the minimum age.")]
    for name, age in (("minimum_age", minimum_age), ("maximum_age", maximum_age)):
        if age is not None and not 0 <= age <= 150:
            errors.setdefault(name, []).append(_("Give an age from 0 to 150."))
    if errors:
        raise ValidationError(errors)


def validate_partner_account(*, user: User) -> None:
    """Only a staff account of the partner role can be linked to an organisation."""
    if user.role != Role.PARTNER:
        raise ValidationError(
            {
                "user": [
                    _(
                        "Only an account with the role %(role)s can be linked to an organisation; "
                        "this one is %(current)s."
                    )
                    % {"role": Role.PARTNER.label, "current": user.get_role_display()}
                ]
            }
        )


def partner_account_link(*, user: User, organization: Organization) -> PartnerAccount:
    """Link a partner-role account to an organisation (replacing an earlier link). For the demo and the
    management site: the account then sees the referrals addressed to that organisation."""
    validate_partner_account(user=user)
    account, _created = PartnerAccount.objects.update_or_create(user=user, defaults={"organization": organization})
    return account


def socialmap_import_file(*, path: Any, operator: str, channel: str = "demo") -> ImportResult:
    """Import an HSDS file from disk as the system (the demo builder, scripts); ImportRefused if it is bad."""
    file = Path(path)
    with file.open("rb") as stream:
        return socialmap_import(
            actor=None, stream=stream, size=file.stat().st_size, file_name=file.name, channel=channel, operator=operator
        )


def organization_by_name(name: str) -> Organization | None:
    """An organisation of the social map by its exact name (for the demo's partner accounts)."""
    return Organization.objects.filter(name=name).first()
