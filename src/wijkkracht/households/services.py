"""Writes to case files. Each service validates everything first, then writes in one transaction
together with its access-log row."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

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
from wijkkracht.households.models import (
    HOUSE_NUMBER_MAX,
    MEMBERS_MAX,
    NOTE_MAX_LENGTH,
    Contact,
    ContactKind,
    DetailChange,
    Household,
    HouseholdStatus,
    IntakeChannel,
    Person,
    PersonRole,
    StatusChange,
    Task,
    TaskStatus,
)
from wijkkracht.privacy.access import AccessContext, coordinated_teams_of, require_case_worker, teams_of
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record
from wijkkracht.teams.models import Municipality, Team, TeamMembership, Wijk, WijkPostcode

MAX_DURATION_MINUTES = 720


@dataclass(frozen=True)
class MemberData:
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    role: str
    bsn: str = ""


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
    errors.raise_if_any()
    assert team is not None and wijk is not None

    with transaction.atomic():
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
        Person.objects.bulk_create(
            [
                Person(
                    household=household,
                    first_name=member.first_name.strip(),
                    last_name=member.last_name.strip(),
                    date_of_birth=member.date_of_birth,
                    bsn=member.bsn,
                    role=member.role,
                )
                for member in members
            ]
        )
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
    return household


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
    errors = ErrorCollector()
    _validate_member(errors, "", member)
    if member.bsn and person.household.members.filter(bsn=member.bsn).exclude(id=person.id).exists():
        errors.add("bsn", _("This BSN is already registered in this household."))
    errors.raise_if_any()
    values: dict[str, object] = {
        "first_name": member.first_name.strip(),
        "last_name": member.last_name.strip(),
        "date_of_birth": member.date_of_birth,
        "bsn": member.bsn,
        "role": member.role,
    }
    with transaction.atomic():
        changed = _changed_fields(person, values)
        _move_version(access, person, expected_version=expected_version, changed=changed)
        for field, value in values.items():
            setattr(person, field, value)
        person.save(update_fields=list(values))
        access_log_record(access=access, household_id=person.household_id, action=AccessAction.UPDATE, what="member")
    return person


def household_member_add(*, access: AccessContext, household: Household, member: MemberData) -> Person:
    require_case_worker(access.user)
    errors = ErrorCollector()
    _validate_member(errors, "", member)
    if member.bsn and household.members.filter(bsn=member.bsn).exists():
        errors.add("bsn", _("This BSN is already registered in this household."))
    errors.raise_if_any()
    with transaction.atomic():
        person = Person.objects.create(
            household=household,
            first_name=member.first_name.strip(),
            last_name=member.last_name.strip(),
            date_of_birth=member.date_of_birth,
            bsn=member.bsn,
            role=member.role,
        )
        access_log_record(access=access, household_id=household.id, action=AccessAction.CREATE, what="member")
    return person


def household_contact_person_assign(
    *, access: AccessContext, household: Household, contact_person_id: int
) -> Household:
    """The coordinator names the one contact person; the whole team stays responsible."""
    errors = ErrorCollector()
    if household.team not in coordinated_teams_of(access.user):
        errors.add("contact_person", _("Only the coordinator of the household's team can reassign the contact person."))
    elif not household.is_open:
        errors.add("contact_person", _("A closed or handed-over household has no contact person to reassign."))
    else:
        candidate = User.objects.filter(id=contact_person_id).first()
        if candidate is None or not _is_eligible_contact_person(candidate, household.team):
            errors.add(
                "contact_person",
                _("The contact person must be a social worker or coordinator of the household's team."),
            )
    errors.raise_if_any()
    with transaction.atomic():
        previous = household.contact_person_id
        household.contact_person_id = contact_person_id
        household.save(update_fields=["contact_person", "updated_at"])
        Task.objects.filter(household=household, status=TaskStatus.OPEN, assigned_to_id=previous).update(
            assigned_to_id=contact_person_id
        )
        access_log_record(
            access=access, household_id=household.id, action=AccessAction.UPDATE, what="contact person reassigned"
        )
    return household


def contact_log(
    *,
    access: AccessContext,
    household: Household,
    kind: str,
    date: datetime.date,
    duration_minutes: int,
    member_ids: Sequence[int] = (),
    note: str = "",
) -> Contact:
    """Log a contact. A no-show creates a follow-up for the contact person within the municipality's
    norm of working days, so the team stays close ("dicht erop zitten")."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    if not household.is_open:
        errors.add("household", _("This household is closed or handed over; no new contacts can be logged."))
    if kind not in ContactKind.values:
        errors.add("kind", _("Choose the kind of contact."))
    with errors.field("date"):
        validate_not_future(date)
        validate_not_before(date, household.registered_on, what=_("the household's registration"))
    if not 0 <= duration_minutes <= MAX_DURATION_MINUTES:
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
            duration_minutes=None if kind == ContactKind.NO_SHOW else duration_minutes,
            worker=access.user,
            note=note.strip(),
        )
        if unique_member_ids:
            contact.members.set(unique_member_ids)
        if kind == ContactKind.NO_SHOW and household.contact_person_id is not None:
            municipality = Municipality.current()
            Task.objects.create(
                household=household,
                team_id=household.team_id,
                assigned_to_id=household.contact_person_id,
                title=_("Follow up the no-show of %(date)s: visit or call the household")
                % {"date": date_format(date, "j F Y")},
                due_date=add_working_days(date, municipality.no_show_follow_up_working_days),
                source_contact=contact,
            )
        access_log_record(
            access=access, household_id=household.id, action=AccessAction.CREATE, what=f"contact ({kind})"
        )
    return contact


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
    if task.status == TaskStatus.DONE:
        raise _already_completed(task.id)
    with transaction.atomic():
        done_at = timezone.now()
        if not Task.objects.filter(id=task.id, status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, done_at=done_at, done_by=access.user
        ):
            raise _already_completed(task.id)
        task.status, task.done_at, task.done_by = TaskStatus.DONE, done_at, access.user
        access_log_record(access=access, household_id=task.household_id, action=AccessAction.UPDATE, what="task done")
    return task
