"""Writes to case files. Each service validates everything first, then writes in one transaction
together with its access-log row."""

import datetime
import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.dates import add_working_days
from wijkkracht.common.locking import stale_error, version_advance
from wijkkracht.common.validation import (
    ErrorCollector,
    invisible_characters,
    normalise_postcode,
    validate_birth_date,
    validate_bsn,
    validate_name,
    validate_not_before,
    validate_not_future,
)
from wijkkracht.households.figures import household_figures_refresh, household_search_text_refresh
from wijkkracht.households.models import (
    ADULT_AGE,
    DEDUPE_KEY_MAX_LENGTH,
    HOUSE_NUMBER_MAX,
    MEMBERS_MAX,
    NOTE_MAX_LENGTH,
    OPEN_STATUSES,
    SYSTEM_TASK_KEY_PREFIX,
    Benefit,
    BenefitEndReason,
    Contact,
    ContactKind,
    ContactPersonChange,
    DetailChange,
    Household,
    HouseholdStatus,
    IncomeWorkRecord,
    IntakeChannel,
    Person,
    PersonRole,
    SharedCustodyLink,
    StatusChange,
    Task,
    TaskStatus,
    WorkSituation,
    is_adult,
)
from wijkkracht.privacy.access import (
    AccessContext,
    coordinated_teams_of,
    require_case_worker,
    teams_of,
    write_refusal,
)
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record
from wijkkracht.teams.models import Municipality, Team, TeamMembership, Wijk, WijkPostcode

MAX_DURATION_MINUTES = 720
#: How far ahead an appointment (a contact dated in the future) or a task's due date may lie.
MAX_DAYS_AHEAD = 366
TITLE_MAX_LENGTH = 200
REASON_MAX_LENGTH = 500
#: Working days the coordinators get to agree who continues with a person known to two households.
COORDINATION_WORKING_DAYS = 3

T = TypeVar("T")


@dataclass(frozen=True)
class MemberData:
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    role: str
    bsn: str = ""
    #: The worker states that this child of separated parents also lives in another household
    #: (co-ouderschap): the one case in which a BSN may be in two open households.
    shared_custody: bool = False


def closed_household_message() -> str:
    return _("This household is closed or handed over, so its case file can only be read; a coordinator can reopen it.")


def refuse_if_closed(errors: ErrorCollector, household: Household, user: User | None = None) -> None:
    """Every write to a case file asks who may write (`privacy.access.write_refusal`: an open household's
    team, a handed-over household's case director, nobody for a closed one). Other apps (diagnosis, plans,
    casefile) call this too, so the rule and its message are the same everywhere. Without a `user` only an
    open household passes (the team's rule, for callers that have no user)."""
    if user is None:
        if not household.is_open:
            errors.add("household", closed_household_message())
        return
    refusal = write_refusal(user, household)
    if refusal is not None:
        errors.add("household", refusal)


def require_open_household(household: Household, user: User | None = None) -> None:
    """`refuse_if_closed` for a service that has nothing else to check first."""
    errors = ErrorCollector()
    refuse_if_closed(errors, household, user)
    errors.raise_if_any()


def task_assignee_candidates(household: Household) -> "models.QuerySet[User]":
    """Who can be given a task on this household: the social workers and coordinators of its team; while a
    handover is sent also its case director; once handed over only the case director (the team reads)."""
    team_workers = Q(memberships__team_id=household.team_id, role__in=(Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR))
    regisseur = Q(id=household.second_line_regisseur_id) if household.second_line_regisseur_id else Q(pk__in=[])
    wanted = regisseur if household.status == HouseholdStatus.HANDED_OVER else team_workers | regisseur
    return User.objects.filter(wanted, is_active=True).distinct().order_by("first_name", "last_name", "username")


def _validate_name(errors: ErrorCollector, field: str, value: str, blank_message: str = "") -> None:
    """A name without invisible characters (refused, not removed); `blank_message` when it must not be blank."""
    if invisible_characters(value):
        with errors.field(field):
            validate_name(value)
    elif blank_message and not value.strip():
        errors.add(field, blank_message)


def _validate_member(errors: ErrorCollector, prefix: str, member: MemberData) -> None:
    _validate_name(errors, f"{prefix}first_name", member.first_name, _("Enter a first name."))
    _validate_name(errors, f"{prefix}last_name", member.last_name, _("Enter a last name."))
    with errors.field(f"{prefix}date_of_birth"):
        validate_birth_date(member.date_of_birth)
    with errors.field(f"{prefix}bsn"):
        validate_bsn(member.bsn)
    if member.role not in PersonRole.values:
        errors.add(f"{prefix}role", _("Choose a role in the household."))
    if member.shared_custody and member.role != PersonRole.CHILD:
        errors.add(
            f"{prefix}shared_custody",
            _("Only a child can live in two households (shared custody): choose the role child or clear this."),
        )


# --- one person, one open household ------------------------------------------------------------------


@dataclass
class _KnownElsewhere:
    """A member being registered whose BSN is in another open household (or several)."""

    path: str  # where the refusal goes: "members.1.bsn", or "bsn"
    index: int  # the member's position among those being written
    member: MemberData
    existing: list[Person] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        """Shared custody of a child is the one exception, stated by the worker: two households, never three."""
        return (
            self.member.shared_custody
            and self.member.role == PersonRole.CHILD
            and len({person.household_id for person in self.existing}) == 1
        )

    def message(self, team: Team | None) -> str:
        """Names only the other team(s); within the worker's own team the household's reference (which the
        worker may see anyway)."""
        other_teams = sorted({p.household.team.name for p in self.existing if team is None or p.household.team != team})
        if self.member.shared_custody and len({person.household_id for person in self.existing}) > 1:
            return _("This child is already in two open households; shared custody allows two, not three.")
        if not other_teams:
            references = ", ".join(sorted({person.household.reference for person in self.existing}))
            return _("This person is already in another open household of your team (%(references)s).") % {
                "references": references
            }
        return ngettext(
            "This person is already known to %(teams)s; the coordinators of both teams get a task to agree who "
            "continues.",
            "This person is already known to %(teams)s; the coordinators of these teams get a task to agree who "
            "continues.",
            len(other_teams),
        ) % {"teams": ", ".join(other_teams)}


class _RefusedKnownElsewhere(Exception):
    def __init__(self, items: list[_KnownElsewhere]) -> None:
        super().__init__("known elsewhere")
        self.items = items


def _known_elsewhere(entries: Sequence[tuple[str, MemberData]], *, household_id: int | None) -> list[_KnownElsewhere]:
    """The members whose BSN is in an open household other than `household_id`: all households of the
    municipality, not only those the user may see (nothing of them is shown but the team's name)."""
    bsns = {member.bsn for _path, member in entries if member.bsn}
    if not bsns:
        return []
    existing = (
        Person.objects.filter(bsn__in=bsns, household__status__in=OPEN_STATUSES)
        .select_related("household__team", "household__contact_person")
        .order_by("household_id", "id")
    )
    if household_id is not None:
        existing = existing.exclude(household_id=household_id)
    by_bsn: dict[str, list[Person]] = {}
    for person in existing:
        by_bsn.setdefault(person.bsn, []).append(person)
    return [
        _KnownElsewhere(path=path, index=index, member=member, existing=by_bsn[member.bsn])
        for index, (path, member) in enumerate(entries)
        if member.bsn in by_bsn
    ]


def _refuse_known_elsewhere(
    errors: ErrorCollector, entries: Sequence[tuple[str, MemberData]], *, household_id: int | None, team: Team
) -> list[_KnownElsewhere]:
    """Add the refusal to every member known in another open household (unless shared custody is stated);
    returns the refused ones, for whom the coordinators are told."""
    refused = [item for item in _known_elsewhere(entries, household_id=household_id) if not item.allowed]
    for item in refused:
        errors.add(item.path, item.message(team))
    return refused


def _dedupe_key(*parts: object) -> str:
    """A keyed hash of a situation (never the BSN itself), so a repeated refusal finds the open tasks."""
    message = ":".join(str(part) for part in parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _coordinator_of(team: Team) -> User | None:
    return (
        User.objects.filter(memberships__team=team, role=Role.TEAM_COORDINATOR, is_active=True).order_by("id").first()
    )


def _task_once(*, dedupe_key: str, team: Team, **fields: object) -> Task | None:
    """Create a system task unless an open one with the same key exists for that team."""
    if Task.objects.filter(team=team, dedupe_key=dedupe_key, status=TaskStatus.OPEN).exists():
        return None
    try:
        with transaction.atomic():
            task = Task.objects.create(team=team, dedupe_key=dedupe_key, **fields)
            household_figures_refresh(household_ids=[task.household_id])
            return task
    except IntegrityError:  # made at the same moment by a parallel refusal
        return None


def _notify_known_elsewhere(access: AccessContext, team: Team, refused: list[_KnownElsewhere]) -> None:
    """In a transaction of its own, committed although the registration is refused: both teams'
    coordinators get a task to agree who continues (once per person and pair of teams while open), and the
    existing household's access log records what was disclosed to whom. The requesting team's task names
    only what its worker typed, never the other household."""
    today = timezone.localdate()
    due = add_working_days(today, COORDINATION_WORKING_DAYS)
    with transaction.atomic():
        for item in refused:
            typed_name = f"{item.member.first_name.strip()} {item.member.last_name.strip()}".strip()
            for existing in item.existing:
                other_team = existing.household.team
                if other_team == team:
                    continue  # within one team the worker sees both households: nothing to agree between teams
                key = _dedupe_key("known-elsewhere", item.member.bsn, team.id, other_team.id)
                _task_once(
                    dedupe_key=f"{key[:60]}:ask",
                    team=team,
                    household=None,
                    assigned_to=_coordinator_of(team) or access.user,
                    created_by=access.user,
                    title=(
                        _("%(name)s is already known to %(team)s: agree with that team who continues")
                        % {"name": typed_name, "team": other_team.name}
                    )[:TITLE_MAX_LENGTH],
                    due_date=due,
                )
                _task_once(
                    dedupe_key=f"{key[:60]}:has",
                    team=other_team,
                    household=existing.household,
                    assigned_to=_coordinator_of(other_team) or existing.household.contact_person or access.user,
                    created_by=access.user,
                    title=(
                        _("%(team)s also wants to register %(name)s: agree with that team who continues")
                        % {"team": team.name, "name": existing.full_name}
                    )[:TITLE_MAX_LENGTH],
                    due_date=due,
                )
                access_log_record(
                    access=access,
                    household_id=existing.household_id,
                    person_id=existing.id,
                    action=AccessAction.EXPORT,
                    what=f"disclosed to team {team.name}: member known to team {other_team.name} (same BSN)",
                )


def _tell_shared_custody(
    access: AccessContext, household: Household, person: Person, other: Household, due: datetime.date
) -> None:
    """A task for the household's contact person: the child also lives in `other` (shared custody)."""
    if household.contact_person_id is None:
        return
    Task.objects.create(
        household=household,
        team_id=household.team_id,
        assigned_to_id=household.contact_person_id,
        created_by=access.user,
        title=(
            _(
                "%(name)s also lives in a household of %(team)s (shared custody): agree with its contact person "
                "%(contact)s how you work together"
            )
            % {"name": person.full_name, "team": other.team.name, "contact": other.contact_person}
        )[:TITLE_MAX_LENGTH],
        due_date=due,
    )
    household_figures_refresh(household_ids=[household.id])


def _link_shared_custody(access: AccessContext, person: Person, item: _KnownElsewhere) -> None:
    """Inside the caller's transaction: link the child to its record in the other household(s) and tell
    both contact persons."""
    household = person.household
    due = add_working_days(timezone.localdate(), COORDINATION_WORKING_DAYS)
    for existing in item.existing:
        other = existing.household
        SharedCustodyLink.objects.get_or_create(
            person=person, other_person=existing, defaults={"stated_by": access.user}
        )
        _tell_shared_custody(access, household, person, other, due)
        _tell_shared_custody(access, other, existing, household, due)
        access_log_record(
            access=access,
            household_id=other.id,
            person_id=existing.id,
            action=AccessAction.EXPORT,
            what=f"shared custody link stated by team {household.team.name}",
        )


def lock_bsn_register() -> None:
    """Serialise the check "is this BSN in another open household?" with the write that follows, against a
    parallel registration of the same person: every such write locks the municipality's row first."""
    municipality_id = Municipality.current().id
    list(Municipality.objects.select_for_update().filter(id=municipality_id).values_list("id", flat=True))


def _write_checking_bsns(
    access: AccessContext,
    *,
    team: Team,
    entries: Sequence[tuple[str, MemberData]],
    household_id: int | None,
    write: Callable[[list[_KnownElsewhere]], T],
) -> T:
    """Run `write` in one transaction that holds the lock and checks the BSNs again (a parallel
    registration may have committed since validation); a refusal found here is told like the others."""
    try:
        with transaction.atomic():
            if any(member.bsn for _path, member in entries):
                lock_bsn_register()
            found = _known_elsewhere(entries, household_id=household_id)
            refused = [item for item in found if not item.allowed]
            if refused:
                raise _RefusedKnownElsewhere(refused)
            return write(found)
    except _RefusedKnownElsewhere as refusal:
        _notify_known_elsewhere(access, team, refusal.items)
        errors = ErrorCollector()
        for item in refusal.items:
            errors.add(item.path, item.message(team))
        errors.raise_if_any()
        raise


def reopen_conflicts(*, household: Household) -> list[str]:
    """Before a closed household is reopened: its members whose BSN is meanwhile in another open household
    (the one-household rule; a stated shared custody of a child still counts as allowed), as messages that
    name only the other team. The caller holds `lock_bsn_register()` in its transaction."""
    entries = [
        (
            "non_field_errors",
            MemberData(
                person.first_name,
                person.last_name,
                person.date_of_birth,
                person.role,
                person.bsn,
                shared_custody=SharedCustodyLink.objects.filter(Q(person=person) | Q(other_person=person)).exists(),
            ),
        )
        for person in household.members.exclude(bsn="")
    ]
    conflicts = []
    for item in _known_elsewhere(entries, household_id=household.id):
        if item.allowed:
            continue
        teams = sorted({person.household.team.name for person in item.existing})
        conflicts.append(
            _("%(name)s is now in an open household of %(teams)s.")
            % {"name": f"{item.member.first_name} {item.member.last_name}", "teams": ", ".join(teams)}
        )
    return conflicts


def _is_eligible_contact_person(user: User, team: Team) -> bool:
    return (
        user.is_active
        and user.role in (Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR)
        and TeamMembership.objects.filter(team=team, user=user).exists()
    )


def household_register(
    *,
    access: AccessContext,
    team_id: int,
    name: str,
    postcode: str,
    house_number: int,
    intake_channel: str,
    members: Sequence[MemberData],
    house_number_addition: str = "",
    street: str = "",
    city: str = "",
    wijk_id: int | None = None,
    contact_person_id: int | None = None,
    registered_on: datetime.date | None = None,
) -> Household:
    """Register a household with its members; the registering worker is the contact person unless the
    coordinator names another member of the team."""
    user = access.user
    require_case_worker(user)
    errors = ErrorCollector()
    registered_on = registered_on or timezone.localdate()

    team = teams_of(user).filter(id=team_id).first()
    if team is None:
        errors.add("team", _("Unknown team: choose one of your own teams."))
    normalised_postcode, wijk = _validate_address(
        errors,
        name=name,
        postcode=postcode,
        house_number=house_number,
        house_number_addition=house_number_addition,
        wijk_id=wijk_id,
        street=street,
        city=city,
    )
    if intake_channel not in IntakeChannel.values:
        errors.add("intake_channel", _("Choose how the household came in."))
    with errors.field("registered_on"):
        validate_not_future(registered_on)

    contact_person = user
    if contact_person_id is not None and contact_person_id != user.id:
        if team is not None and team not in coordinated_teams_of(user):
            errors.add("contact_person", _("Only the team coordinator can name another contact person."))
        candidate = User.objects.filter(id=contact_person_id).first()
        if candidate is None:
            errors.add("contact_person", _("Unknown staff member."))
        else:
            contact_person = candidate
    if team is not None and not _is_eligible_contact_person(contact_person, team):
        errors.add(
            "contact_person", _("The contact person must be a social worker or coordinator of the household's team.")
        )

    if not members:
        errors.add("members", _("Register at least one household member."))
    elif len(members) > MEMBERS_MAX:
        errors.add("members", _("Register at most %(max)d members at once.") % {"max": MEMBERS_MAX})
    seen_bsns: set[str] = set()
    for index, member in enumerate(members):
        _validate_member(errors, f"members.{index}.", member)
        if member.bsn and member.bsn in seen_bsns:
            errors.add(f"members.{index}.bsn", _("This BSN has already been given for another member."))
        seen_bsns.add(member.bsn)
    entries = [(f"members.{index}.bsn", member) for index, member in enumerate(members)]
    if team is not None:
        refused = _refuse_known_elsewhere(errors, entries, household_id=None, team=team)
        if refused:
            _notify_known_elsewhere(access, team, refused)
    errors.raise_if_any()
    assert team is not None and wijk is not None

    def write(found: list[_KnownElsewhere]) -> Household:
        household = Household.objects.create(
            name=name.strip(),
            postcode=normalised_postcode,
            house_number=house_number,
            house_number_addition=house_number_addition.strip().upper(),
            street=street.strip(),
            city=city.strip(),
            wijk=wijk,
            team=team,
            contact_person=contact_person,
            intake_channel=intake_channel,
            status=HouseholdStatus.REGISTERED,
            status_since=registered_on,
            registered_on=registered_on,
        )
        persons = [
            Person.objects.create(
                household=household,
                first_name=member.first_name.strip(),
                last_name=member.last_name.strip(),
                date_of_birth=member.date_of_birth,
                bsn=member.bsn,
                role=member.role,
            )
            for member in members
        ]
        StatusChange.objects.create(
            household=household,
            from_status="",
            to_status=HouseholdStatus.REGISTERED,
            date=registered_on,
            reason=str(IntakeChannel(intake_channel).label),
            changed_by=user,
        )
        access_log_record(
            access=access,
            household_id=household.id,
            action=AccessAction.CREATE,
            what=f"household with {len(members)} members",
        )
        for item in found:
            _link_shared_custody(access, persons[item.index], item)
        household_figures_refresh(household_ids=[household.id])
        household_search_text_refresh(household_ids=[household.id])
        household.refresh_from_db()
        return household

    return _write_checking_bsns(access, team=team, entries=entries, household_id=None, write=write)


def _changed_fields(record: models.Model, values: dict[str, object]) -> list[str]:
    """The fields whose stored value differs from the new one, read inside the caller's transaction."""
    current = type(record)._default_manager.filter(pk=record.pk).values(*values).get()
    return [record._meta.get_field(field).name for field, value in values.items() if current[field] != value]


def _move_version(
    access: AccessContext,
    record: Household | Person,
    *,
    expected_version: int,
    changed: list[str],
) -> None:
    """Inside the caller's transaction: refuse a change based on an older version, naming what changed
    meanwhile and by whom; otherwise move the version on (only when something changes) and record which
    fields changed."""
    queryset = type(record)._default_manager.filter(pk=record.pk)
    moved = (
        version_advance(queryset, expected_version=expected_version)
        if changed
        else queryset.filter(lock_version=expected_version).exists()
    )
    if not moved:
        raise stale_error(_stale_message(record, expected_version))
    if changed:
        person = record if isinstance(record, Person) else None
        DetailChange.objects.create(
            household_id=record.household_id if isinstance(record, Person) else record.pk,
            person=person,
            lock_version=expected_version + 1,
            fields=changed,
            changed_by=access.user,
        )
        record.lock_version = expected_version + 1


def _field_label(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, models.Field) else name


def _stale_message(record: Household | Person, expected_version: int) -> str:
    if isinstance(record, Person):
        since = DetailChange.objects.filter(person=record, lock_version__gt=expected_version)
    else:
        since = DetailChange.objects.filter(household=record, person__isnull=True, lock_version__gt=expected_version)
    changes = "; ".join(
        _("%(who)s on %(when)s: %(fields)s")
        % {
            "who": change.changed_by,
            "when": date_format(timezone.localtime(change.changed_at), "j F Y H:i"),
            "fields": ", ".join(_field_label(type(record), field) for field in change.fields),
        }
        for change in since.select_related("changed_by")
    )
    return _(
        "Someone else changed these details while you were editing them (%(changes)s). Your change has not "
        "been saved: reload, check their change and make yours again."
    ) % {"changes": changes or _("a change made meanwhile")}


def household_address_update(
    *,
    access: AccessContext,
    household: Household,
    expected_version: int,
    name: str,
    postcode: str,
    house_number: int,
    house_number_addition: str = "",
    street: str = "",
    city: str = "",
    wijk_id: int | None = None,
) -> Household:
    """Correct the name or address; the district follows the new postcode unless one is chosen. The change
    names the version it was based on: a stale one is refused with what changed meanwhile."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    refuse_if_closed(errors, household, access.user)
    normalised_postcode, wijk = _validate_address(
        errors,
        name=name,
        postcode=postcode,
        house_number=house_number,
        house_number_addition=house_number_addition,
        wijk_id=wijk_id,
        street=street,
        city=city,
    )
    errors.raise_if_any()
    assert wijk is not None
    values: dict[str, object] = {
        "name": name.strip(),
        "postcode": normalised_postcode,
        "house_number": house_number,
        "house_number_addition": house_number_addition.strip().upper(),
        "street": street.strip(),
        "city": city.strip(),
        "wijk_id": wijk.id,
    }
    with transaction.atomic():
        changed = _changed_fields(household, values)
        _move_version(access, household, expected_version=expected_version, changed=changed)
        for field, value in values.items():
            setattr(household, field, value)
        household.save(update_fields=[*values, "updated_at"])
        household_search_text_refresh(household_ids=[household.id])
        household_figures_refresh(household_ids=[household.id])  # the district counts in the outcomes
        access_log_record(access=access, household_id=household.id, action=AccessAction.UPDATE, what="address")
    return household


def _validate_address(
    errors: ErrorCollector,
    *,
    name: str,
    postcode: str,
    house_number: int,
    house_number_addition: str,
    wijk_id: int | None,
    street: str = "",
    city: str = "",
) -> tuple[str, Wijk | None]:
    """The checks on name and address shared by registering and correcting a household: the normalised
    postcode and the district it lies in (or the one chosen)."""
    _validate_name(errors, "name", name, _("Enter a name for the household."))
    _validate_name(errors, "street", street)
    _validate_name(errors, "city", city)
    normalised_postcode = ""
    with errors.field("postcode"):
        normalised_postcode = normalise_postcode(postcode)
    if house_number < 1:
        errors.add("house_number", _("The house number must be at least 1."))
    elif house_number > HOUSE_NUMBER_MAX:
        errors.add("house_number", _("The house number is at most %(max)d.") % {"max": HOUSE_NUMBER_MAX})
    if len(house_number_addition) > 6:
        errors.add("house_number_addition", _("An addition has at most six characters."))
    return normalised_postcode, _wijk_for(errors, wijk_id, normalised_postcode)


def _wijk_for(errors: ErrorCollector, wijk_id: int | None, postcode: str) -> Wijk | None:
    """The chosen district, or the one the postcode lies in."""
    if wijk_id is not None:
        wijk = Wijk.objects.filter(id=wijk_id).first()
        if wijk is None:
            errors.add("wijk", _("Unknown district."))
        return wijk
    if not postcode:
        return None
    area = WijkPostcode.objects.select_related("wijk").filter(digits=postcode[:4]).first()
    if area is None:
        errors.add("wijk", _("This postcode does not lie in a known district: choose the district."))
        return None
    return area.wijk


def person_update(*, access: AccessContext, person: Person, expected_version: int, member: MemberData) -> Person:
    """Correct a member's details, with the same checks as registering them and the same lock as the
    household's address."""
    require_case_worker(access.user)
    household = person.household
    errors = ErrorCollector()
    refuse_if_closed(errors, household, access.user)
    _validate_member(errors, "", member)
    if member.bsn and household.members.filter(bsn=member.bsn).exclude(id=person.id).exists():
        errors.add("bsn", _("This BSN is already registered in this household."))
    # Only a BSN that changes is checked against other households: one already linked stays as it is.
    entries = [("bsn", member)] if member.bsn and member.bsn != person.bsn else []
    refused = _refuse_known_elsewhere(errors, entries, household_id=household.id, team=household.team)
    if refused:
        _notify_known_elsewhere(access, household.team, refused)
    errors.raise_if_any()
    values: dict[str, object] = {
        "first_name": member.first_name.strip(),
        "last_name": member.last_name.strip(),
        "date_of_birth": member.date_of_birth,
        "bsn": member.bsn,
        "role": member.role,
    }

    def write(found: list[_KnownElsewhere]) -> Person:
        changed = _changed_fields(person, values)
        _move_version(access, person, expected_version=expected_version, changed=changed)
        for name, value in values.items():
            setattr(person, name, value)
        person.save(update_fields=list(values))
        access_log_record(access=access, household_id=person.household_id, action=AccessAction.UPDATE, what="member")
        for item in found:
            _link_shared_custody(access, person, item)
        household_search_text_refresh(household_ids=[person.household_id])
        household_figures_refresh(household_ids=[person.household_id])  # the age counts in the outcomes
        return person

    return _write_checking_bsns(access, team=household.team, entries=entries, household_id=household.id, write=write)


def household_member_add(*, access: AccessContext, household: Household, member: MemberData) -> Person:
    """Add a member; a BSN already in another open household is refused (unless shared custody of a child
    is stated), and the coordinators of both teams are told."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    refuse_if_closed(errors, household, access.user)
    _validate_member(errors, "", member)
    if member.bsn and household.members.filter(bsn=member.bsn).exists():
        errors.add("bsn", _("This BSN is already registered in this household."))
    entries = [("bsn", member)]
    refused = _refuse_known_elsewhere(errors, entries, household_id=household.id, team=household.team)
    if refused:
        _notify_known_elsewhere(access, household.team, refused)
    errors.raise_if_any()

    def write(found: list[_KnownElsewhere]) -> Person:
        person = Person.objects.create(
            household=household,
            first_name=member.first_name.strip(),
            last_name=member.last_name.strip(),
            date_of_birth=member.date_of_birth,
            bsn=member.bsn,
            role=member.role,
        )
        access_log_record(access=access, household_id=household.id, action=AccessAction.CREATE, what="member")
        for item in found:
            _link_shared_custody(access, person, item)
        household_figures_refresh(household_ids=[household.id])
        household_search_text_refresh(household_ids=[household.id])
        return person

    return _write_checking_bsns(access, team=household.team, entries=entries, household_id=household.id, write=write)


def household_contact_person_assign(
    *, access: AccessContext, household: Household, contact_person_id: int, reason: str = ""
) -> Household:
    """The coordinator names the one contact person, with the reason; the change is recorded (who, when,
    from whom to whom, why) and the previous contact person's open tasks move along. The whole team stays
    responsible. The reason is required: without one the change is refused."""
    errors = ErrorCollector()
    if household.team not in coordinated_teams_of(access.user):
        errors.add("contact_person", _("Only the coordinator of the household's team can reassign the contact person."))
    elif not household.is_open:
        errors.add("household", closed_household_message())
    else:
        candidate = User.objects.filter(id=contact_person_id).first()
        if candidate is None or not _is_eligible_contact_person(candidate, household.team):
            errors.add(
                "contact_person",
                _("The contact person must be a social worker or coordinator of the household's team."),
            )
        elif candidate.id == household.contact_person_id:
            errors.add("contact_person", _("%(name)s is already the contact person.") % {"name": candidate})
    _validate_reason(errors, "reason", reason, _("Give the reason for the change of contact person."))
    errors.raise_if_any()
    with transaction.atomic():
        previous = household.contact_person_id
        household.contact_person_id = contact_person_id
        household.save(update_fields=["contact_person", "updated_at"])
        Task.objects.filter(household=household, status=TaskStatus.OPEN, assigned_to_id=previous).update(
            assigned_to_id=contact_person_id
        )
        ContactPersonChange.objects.create(
            household=household,
            from_user_id=previous,
            to_user_id=contact_person_id,
            reason=reason.strip(),
            changed_by=access.user,
        )
        household_figures_refresh(household_ids=[household.id])  # the contact person counts in the outcomes
        access_log_record(
            access=access, household_id=household.id, action=AccessAction.UPDATE, what="contact person reassigned"
        )
    return household


def _validate_reason(errors: ErrorCollector, name: str, reason: str, blank_message: str) -> None:
    if not reason.strip():
        errors.add(name, blank_message)
    elif len(reason) > REASON_MAX_LENGTH:
        errors.add(
            name,
            _("The reason has at most %(max)d characters (now %(length)d).")
            % {"max": REASON_MAX_LENGTH, "length": len(reason)},
        )


def contact_log(
    *,
    access: AccessContext,
    household: Household,
    kind: str,
    date: datetime.date,
    duration_minutes: int | None = None,
    member_ids: Sequence[int] = (),
    note: str = "",
) -> Contact:
    """Log a contact, or plan an appointment (a contact dated in the future, at most a year ahead; it
    counts as contact only once its day has come). A contact that took place has a duration; a no-show has
    none (nobody was there), cannot lie in the future, and creates a follow-up for the contact person within
    the municipality's norm of working days, so the team stays close ("dicht erop zitten")."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    refuse_if_closed(errors, household, access.user)
    today = timezone.localdate()
    if kind not in ContactKind.values:
        errors.add("kind", _("Choose the kind of contact."))
    with errors.field("date"):
        validate_not_before(date, household.registered_on, what=_("the household's registration"))
    latest = today + datetime.timedelta(days=MAX_DAYS_AHEAD)
    if date > latest:
        errors.add(
            "date",
            _("An appointment can be planned at most a year ahead, until %(date)s.")
            % {"date": date_format(latest, "j F Y")},
        )
    planned = date > today
    if kind == ContactKind.NO_SHOW:
        if planned:
            errors.add("date", _("A no-show cannot lie in the future: log it on or after the day of the appointment."))
        if duration_minutes is not None:
            errors.add(
                "duration_minutes",
                _("A no-show has no duration: nobody was there to talk to. Leave the duration empty."),
            )
    elif duration_minutes is None and not planned:
        errors.add("duration_minutes", _("Give the duration of the contact in minutes (0 to 720)."))
    if duration_minutes is not None and not 0 <= duration_minutes <= MAX_DURATION_MINUTES:
        errors.add("duration_minutes", _("The duration is between 0 and 720 minutes."))
    if len(note) > NOTE_MAX_LENGTH:
        errors.add(
            "note",
            _("The note has at most %(max)d characters (now %(length)d).")
            % {"max": NOTE_MAX_LENGTH, "length": len(note)},
        )
    unique_member_ids = set(member_ids)
    if unique_member_ids and household.members.filter(id__in=unique_member_ids).count() != len(unique_member_ids):
        errors.add("members", _("Only members of this household can be involved in the contact."))
    errors.raise_if_any()

    with transaction.atomic():
        contact = Contact.objects.create(
            household=household,
            kind=kind,
            date=date,
            duration_minutes=duration_minutes,
            worker=access.user,
            note=note.strip(),
        )
        if unique_member_ids:
            contact.members.set(unique_member_ids)
        # The follow-up is for whoever works the case: the contact person, or the case director of a
        # household handed over to the second line.
        follow_up_by = (
            household.second_line_regisseur_id
            if household.status == HouseholdStatus.HANDED_OVER
            else household.contact_person_id
        )
        if kind == ContactKind.NO_SHOW and follow_up_by is not None:
            municipality = Municipality.current()
            Task.objects.create(
                household=household,
                team_id=household.team_id,
                assigned_to_id=follow_up_by,
                title=_("Follow up the no-show of %(date)s: visit or call the household")
                % {"date": date_format(date, "j F Y")},
                due_date=add_working_days(date, municipality.no_show_follow_up_working_days),
                source_contact=contact,
                created_by=access.user,
            )
        household_figures_refresh(household_ids=[household.id])
        access_log_record(
            access=access,
            household_id=household.id,
            action=AccessAction.CREATE,
            what=f"appointment ({kind})" if planned else f"contact ({kind})",
        )
    return contact


def task_create(
    *,
    access: AccessContext,
    household: Household,
    title: str,
    due_date: datetime.date,
    assigned_to_id: int,
) -> Task:
    """A task made by hand on a household: what, by when (today or later, at most a year ahead), and for
    whom (a social worker or coordinator of the household's team)."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    refuse_if_closed(errors, household, access.user)
    _validate_name(errors, "title", title, _("Describe the task."))
    if len(title.strip()) > TITLE_MAX_LENGTH:
        errors.add("title", _("A task has at most %(max)d characters.") % {"max": TITLE_MAX_LENGTH})
    today = timezone.localdate()
    if due_date < today:
        errors.add("due_date", _("The due date cannot lie in the past."))
    elif due_date > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
        errors.add(
            "due_date",
            _("The due date lies at most a year ahead, until %(date)s.")
            % {"date": date_format(today + datetime.timedelta(days=MAX_DAYS_AHEAD), "j F Y")},
        )
    if not task_assignee_candidates(household).filter(id=assigned_to_id).exists():
        if household.status == HouseholdStatus.HANDED_OVER:
            errors.add("assigned_to", _("A task on a handed-over household is for its case director."))
        else:
            errors.add("assigned_to", _("A task is for a social worker or coordinator of the household's team."))
    errors.raise_if_any()
    with transaction.atomic():
        task = Task.objects.create(
            household=household,
            team_id=household.team_id,
            assigned_to_id=assigned_to_id,
            title=title.strip(),
            due_date=due_date,
            created_by=access.user,
        )
        household_figures_refresh(household_ids=[household.id])
        access_log_record(access=access, household_id=household.id, action=AccessAction.CREATE, what="task")
    return task


def _already_completed(task_id: int) -> ValidationError:
    done = Task.objects.filter(id=task_id).select_related("done_by").first()
    if done is None or done.done_at is None:
        return ValidationError({"status": _("This task has already been completed.")})
    return ValidationError(
        {
            "status": _("This task has already been completed by %(who)s on %(when)s.")
            % {"who": done.done_by, "when": date_format(timezone.localtime(done.done_at), "j F Y H:i")}
        },
        code="already_done",
    )


def task_complete(*, access: AccessContext, task: Task) -> Task:
    """Complete an open task. Of two colleagues completing it at the same moment, one succeeds and the
    other is told who was first: the update only moves a task that is still open."""
    require_case_worker(access.user)
    _require_task_writable(access, task)
    if task.status != TaskStatus.OPEN:
        raise _not_open(task.id)
    _refuse_system_task(task)
    with transaction.atomic():
        done_at = timezone.now()
        if not Task.objects.filter(id=task.id, status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, done_at=done_at, done_by=access.user
        ):
            raise _not_open(task.id)
        task.status, task.done_at, task.done_by = TaskStatus.DONE, done_at, access.user
        household_figures_refresh(household_ids=[task.household_id])
        if task.household_id is not None:  # a team task names no household: there is no case data to log
            access_log_record(
                access=access, household_id=task.household_id, action=AccessAction.UPDATE, what="task done"
            )
    return task


def _require_task_writable(access: AccessContext, task: Task) -> None:
    """A task on a household is finished only by someone who may write to that household's case file."""
    if task.household_id is None:
        return
    household = Household.objects.get(id=task.household_id)
    refusal = write_refusal(access.user, household)
    if refusal is not None:
        raise ValidationError({"status": refusal}, code="read_only")


def system_task_refusal() -> str:
    """Why a system task (`Task.closes_by_itself`) is not completed or cancelled by hand."""
    return _("This task closes by itself once the approval or escalation has been dealt with.")


def _refuse_system_task(task: Task) -> None:
    """A system task closes only through `system_tasks_close`, when its matter is decided: completing or
    cancelling it by hand would hide an approval or escalation that still waits."""
    if task.closes_by_itself:
        raise ValidationError({"status": system_task_refusal()}, code="closes_by_itself")


def _not_open(task_id: int) -> ValidationError:
    current = Task.objects.filter(id=task_id).first()
    if current is not None and current.status == TaskStatus.CANCELLED:
        return ValidationError({"status": _("This task has already been cancelled.")}, code="already_cancelled")
    return _already_completed(task_id)


def task_cancel(*, access: AccessContext, task: Task, reason: str) -> Task:
    """Cancel an open task, with the reason (for instance: no longer needed). Of two colleagues finishing
    it at the same moment, one succeeds and the other is told."""
    require_case_worker(access.user)
    _require_task_writable(access, task)
    errors = ErrorCollector()
    _validate_reason(errors, "reason", reason, _("Give the reason for cancelling the task."))
    if task.status != TaskStatus.OPEN:
        raise _not_open(task.id)
    _refuse_system_task(task)
    errors.raise_if_any()
    with transaction.atomic():
        done_at = timezone.now()
        if not Task.objects.filter(id=task.id, status=TaskStatus.OPEN).update(
            status=TaskStatus.CANCELLED, done_at=done_at, done_by=access.user, reason=reason.strip()
        ):
            raise _not_open(task.id)
        task.status, task.done_at, task.done_by, task.reason = (
            TaskStatus.CANCELLED,
            done_at,
            access.user,
            reason.strip(),
        )
        household_figures_refresh(household_ids=[task.household_id])
        if task.household_id is not None:
            access_log_record(
                access=access, household_id=task.household_id, action=AccessAction.UPDATE, what="task cancelled"
            )
    return task


# --- system tasks of other apps (issue 12: approval requests of measures) ------------------------------


def _system_task_key(key: str, assigned_to_id: int) -> str:
    """The task's `dedupe_key`: the prefix that marks a system task (`Task.closes_by_itself`) and a keyed hash of
    the matter and the worker, within the column's 64 characters."""
    room = DEDUPE_KEY_MAX_LENGTH - len(SYSTEM_TASK_KEY_PREFIX)
    return SYSTEM_TASK_KEY_PREFIX + _dedupe_key("system-task", key, assigned_to_id)[:room]


def system_task_create(
    *, household: Household, assigned_to: User, title: str, due_date: datetime.date, key: str
) -> Task | None:
    """A task the system makes for a worker of the household's team (for instance: approve a measure), once
    per `key` and worker while open. The caller runs it in its transaction, logs the change and refreshes the
    household's figures. None when an open task with the same key exists for that worker. It closes only
    through `system_tasks_close` (`Task.closes_by_itself`): `task_complete` and `task_cancel` refuse it."""
    dedupe_key = _system_task_key(key, assigned_to.id)
    if Task.objects.filter(team_id=household.team_id, dedupe_key=dedupe_key, status=TaskStatus.OPEN).exists():
        return None
    return Task.objects.create(
        household=household,
        team_id=household.team_id,
        assigned_to=assigned_to,
        title=title[:TITLE_MAX_LENGTH],
        due_date=due_date,
        dedupe_key=dedupe_key,
    )


def system_tasks_close(*, household_id: int, key: str, by: User, cancelled: bool = False, reason: str = "") -> int:
    """Close the open tasks `system_task_create` made with `key` on a household (done, or cancelled when the
    matter went away), in the caller's transaction; the number closed."""
    open_tasks = Task.objects.filter(
        household_id=household_id, status=TaskStatus.OPEN, dedupe_key__startswith=SYSTEM_TASK_KEY_PREFIX
    )
    ids = [
        task_id
        for task_id, assigned_to_id, dedupe_key in open_tasks.values_list("id", "assigned_to_id", "dedupe_key")
        if dedupe_key == _system_task_key(key, assigned_to_id)
    ]
    if not ids:
        return 0
    return Task.objects.filter(id__in=ids, status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED if cancelled else TaskStatus.DONE,
        done_at=timezone.now(),
        done_by=by,
        reason=reason[:REASON_MAX_LENGTH],
    )


# --- income and work situation (issue 11) -------------------------------------------------------------


def _validate_benefit_dates(
    errors: ErrorCollector,
    *,
    benefit: str,
    benefit_since: datetime.date | None,
    benefit_ended_on: datetime.date | None,
    benefit_end_reason: str,
    recorded_on: datetime.date | None,
) -> None:
    """No dates without a benefit; an end date goes with its reason and the other way round; a benefit
    does not end before it started; no date in the future or after the day of the record."""
    if benefit == Benefit.NONE:
        if benefit_since is not None:
            errors.add("benefit_since", _("Without a benefit there is no start date: leave it empty."))
        if benefit_ended_on is not None:
            errors.add("benefit_ended_on", _("Without a benefit there is no end date: leave it empty."))
        if benefit_end_reason:
            errors.add("benefit_end_reason", _("Without a benefit there is no reason it ended: leave it empty."))
        return
    if benefit_end_reason and benefit_end_reason not in BenefitEndReason.values:
        errors.add("benefit_end_reason", _("Choose why the benefit ended."))
    elif benefit_ended_on is not None and not benefit_end_reason:
        errors.add("benefit_end_reason", _("Give the reason the benefit ended."))
    elif benefit_ended_on is None and benefit_end_reason:
        errors.add("benefit_ended_on", _("Give the date the benefit ended, or leave the reason empty."))
    for name, value in (("benefit_since", benefit_since), ("benefit_ended_on", benefit_ended_on)):
        if value is None:
            continue
        try:
            validate_not_future(value)
        except ValidationError as error:
            errors.add(name, error)
            continue
        if recorded_on is not None and value > recorded_on:
            errors.add(
                name,
                _("This date cannot lie after the day this situation is recorded for (%(date)s).")
                % {"date": date_format(recorded_on, "j F Y")},
            )
    if benefit_since is not None and benefit_ended_on is not None and benefit_ended_on < benefit_since:
        errors.add(
            "benefit_ended_on",
            _("The benefit cannot end before it started (%(date)s).") % {"date": date_format(benefit_since, "j F Y")},
        )


def income_work_record(
    *,
    access: AccessContext,
    person: Person,
    benefit: str,
    benefit_since: datetime.date | None,
    benefit_ended_on: datetime.date | None,
    benefit_end_reason: str,
    work: str,
    recorded_on: datetime.date,
) -> IncomeWorkRecord:
    """Record an adult's income and work situation as it is on `recorded_on` (issue 11): the benefit they
    live on (or none), since when, when and why it ended, and their current work. Kept as history: a
    record is never changed, a change or a correction is a new record, and the latest one (by
    `recorded_on`, then id) is the current situation. Only an adult (on `recorded_on`) of a household the
    user may write to; no day before the household's registration or in the future. The household's
    stored figures (and with them its outcomes) are refreshed in the same transaction."""
    require_case_worker(access.user)
    household = person.household
    errors = ErrorCollector()
    refuse_if_closed(errors, household, access.user)
    if benefit not in Benefit.values:
        errors.add("benefit", _("Choose the benefit, or no benefit."))
    if work not in WorkSituation.values:
        errors.add("work", _("Choose the current work situation."))
    day_ok = True
    with errors.field("recorded_on"):
        try:
            validate_not_future(recorded_on)
            validate_not_before(recorded_on, household.registered_on, what=_("the household's registration"))
        except ValidationError:
            day_ok = False
            raise
    if not is_adult(person, recorded_on if day_ok else timezone.localdate()):
        errors.add(
            "person",
            _("The income and work situation is recorded for adults only (%(age)d years or older).")
            % {"age": ADULT_AGE},
        )
    _validate_benefit_dates(
        errors,
        benefit=benefit,
        benefit_since=benefit_since,
        benefit_ended_on=benefit_ended_on,
        benefit_end_reason=benefit_end_reason,
        recorded_on=recorded_on if day_ok else None,
    )
    errors.raise_if_any()
    with transaction.atomic():
        record = IncomeWorkRecord.objects.create(
            household=household,
            person=person,
            benefit=benefit,
            benefit_since=benefit_since,
            benefit_ended_on=benefit_ended_on,
            benefit_end_reason=benefit_end_reason,
            work=work,
            recorded_on=recorded_on,
            recorded_by=access.user,
        )
        access_log_record(
            access=access,
            household_id=household.id,
            person_id=person.id,
            action=AccessAction.CREATE,
            what="income and work situation",
        )
        household_figures_refresh(household_ids=[household.id])
    return record
