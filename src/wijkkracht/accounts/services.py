"""Writes on staff accounts. Every one checks who may do it, writes in one transaction together with its
row in the append-only staff-audit log, and never sets another person's password.

The rules (issue 7):
- only a functional administrator manages accounts; oversight roles (functional administrator, privacy
  officer) and superuser rights are never granted or taken away through these services (the command line
  does that);
- an administrator cannot change their own role, teams, rights or active flag, nor anything of another
  account with administrator, privacy-officer or superuser rights;
- nobody sets another person's password: a new account gets an unusable password and a one-time link by
  e-mail; the e-mail address of someone who already chose a password cannot be changed by someone else
  (it would let them receive that person's next link);
- an account with case history is deactivated, never deleted.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from wijkkracht.accounts.deletion import has_case_data
from wijkkracht.accounts.models import (
    CASE_ROLES,
    OVERSIGHT_ROLES,
    Expertise,
    Role,
    StaffAuditAction,
    StaffAuditEntry,
    User,
)
from wijkkracht.common.validation import ErrorCollector, validate_name

logger = logging.getLogger(__name__)

#: The code of the ValidationError raised when the e-mail with a password link could not be sent.
MAIL_FAILED = "mail_failed"

#: The roles an administrator may give through `/beheer/`; the oversight roles are given on the command line.
ASSIGNABLE_ROLES = frozenset(CASE_ROLES | {Role.POLICY_OFFICER, Role.PARTNER, Role.MANAGER})

#: Fields that are rights: nobody changes their own, and nobody changes them on another administrator.
RIGHTS_FIELDS = ("role", "is_active", "is_staff", "is_superuser", "groups", "user_permissions", "teams")


def may_manage_staff(user: Any) -> bool:
    """The functional administrator manages staff accounts (a superuser without that role does not)."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.FUNCTIONAL_ADMIN)


def is_protected(account: User) -> bool:
    """Accounts with administrator, privacy-officer or superuser rights: no administrator changes them."""
    return bool(account.is_superuser or account.is_staff or account.role in OVERSIGHT_ROLES)


def staff_snapshot(account: User) -> dict[str, Any]:
    """What the staff-audit log records of an account (never its password)."""
    if account.pk is None:
        return {}
    return {
        "username": account.username,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "role": account.role,
        "is_active": account.is_active,
        "is_staff": account.is_staff,
        "is_superuser": account.is_superuser,
        "groups": sorted(account.groups.values_list("name", flat=True)),
        "user_permissions": sorted(
            f"{app}.{codename}"
            for app, codename in account.user_permissions.values_list("content_type__app_label", "codename")
        ),
        "expertises": sorted(account.expertises.values_list("code", flat=True)),
        "teams": sorted(account.memberships.values_list("team__name", flat=True)),
    }


def _audit(
    *,
    actor: User | None,
    subject: User,
    action: StaffAuditAction,
    before: dict[str, Any],
    after: dict[str, Any],
    only_changes: bool = True,
    operator: str = "",
) -> StaffAuditEntry | None:
    if only_changes:
        keys = [key for key in after.keys() | before.keys() if before.get(key) != after.get(key)]
        if not keys:
            return None
        before = {key: before[key] for key in sorted(keys) if key in before}
        after = {key: after[key] for key in sorted(keys) if key in after}
    return StaffAuditEntry.objects.create(
        at=timezone.now(),
        actor_id=actor.pk if actor else None,
        actor_username=actor.username if actor else f"(command line: {operator or 'unknown'})",
        actor_role=actor.role if actor else "",
        subject_id=subject.pk,
        subject_username=subject.username,
        action=action,
        before=before,
        after=after,
    )


def _username_taken_message() -> str:
    return _("A staff member with this username already exists (upper and lower case do not count).")


def _email_taken_message() -> str:
    return _("A staff member with this e-mail address already exists.")


def _require_manager(actor: User) -> None:
    if not may_manage_staff(actor):
        raise PermissionDenied(_("Only a functional administrator manages staff accounts."))


def _username_taken(username: str, *, exclude_pk: int | None = None) -> bool:
    """Usernames are unique regardless of case (`Sanne` next to `sanne` would be a look-alike account)."""
    return User.objects.filter(username__iexact=username).exclude(pk=exclude_pk or 0).exists()


def _email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    """Two accounts never share an address (regardless of case): a password link is for one person."""
    return bool(email) and User.objects.filter(email__iexact=email).exclude(pk=exclude_pk or 0).exists()


def _validate_details(
    errors: ErrorCollector,
    *,
    username: str | None,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    email_required: bool = True,
) -> None:
    if username is not None:
        with errors.field("username"):
            User.username_validator(username)
            validate_name(username)
    for name, value in (("first_name", first_name), ("last_name", last_name)):
        if value:
            with errors.field(name):
                validate_name(value)
    if email is not None:
        if not email:
            if email_required:
                errors.add("email", _("An e-mail address is required: the password link is sent there."))
        else:
            with errors.field("email"):
                validate_email(email)


def _validate_role(errors: ErrorCollector, role: str) -> None:
    if role not in ASSIGNABLE_ROLES:
        errors.add(
            "role",
            _(
                "The roles functional administrator and privacy officer are not given in management: "
                "ask the system administrator (command line)."
            ),
        )


@dataclass
class StaffChanges:
    """What an administrator asks to change; None means "leave as it is"."""

    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    role: str | None = None
    is_active: bool | None = None
    expertises: Sequence[Expertise] | None = None
    is_staff: bool | None = None
    is_superuser: bool | None = None
    groups: Sequence[Group] | None = None
    user_permissions: Sequence[Permission] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def validate_staff_account_update(*, actor: User, account: User, changes: StaffChanges) -> None:
    """Every reason the change is refused, as one ValidationError with field messages (nothing is written)."""
    _require_manager(actor)
    current = User.objects.get(pk=account.pk)  # as stored, not as a form may have filled in the instance
    if current.pk != actor.pk and is_protected(current):
        raise PermissionDenied(
            _("Accounts with administrator, privacy-officer or superuser rights cannot be changed in management.")
        )
    errors = ErrorCollector()
    own = account.pk == actor.pk
    if changes.username is not None and _username_taken(changes.username, exclude_pk=account.pk):
        errors.add("username", _username_taken_message())
    email_changed = changes.email is not None and changes.email != current.email
    _validate_details(
        errors,
        username=changes.username,
        first_name=changes.first_name,
        last_name=changes.last_name,
        # An account made before addresses were asked may have none; it is only required on creation.
        email=changes.email if email_changed else None,
        email_required=False,
    )
    if email_changed and _email_taken(changes.email or "", exclude_pk=account.pk):
        errors.add("email", _email_taken_message())
    if changes.is_superuser is not None and changes.is_superuser != current.is_superuser:
        errors.add("is_superuser", _("Superuser rights are not given or taken away in management."))
    if changes.is_staff is not None and changes.is_staff != current.is_staff:
        errors.add("is_staff", _("Access to management follows from the role; it is not set separately."))
    if changes.groups is not None and {g.pk for g in changes.groups} != set(
        current.groups.values_list("pk", flat=True)
    ):
        errors.add("groups", _("Rights follow from the role; groups are not used."))
    if changes.user_permissions is not None and {p.pk for p in changes.user_permissions} != set(
        current.user_permissions.values_list("pk", flat=True)
    ):
        errors.add("user_permissions", _("Rights follow from the role; permissions are not given separately."))
    if changes.role is not None and changes.role != current.role:
        if own:
            errors.add("role", _("You cannot change your own role."))
        else:
            _validate_role(errors, changes.role)
    if changes.is_active is not None and changes.is_active != current.is_active and own:
        errors.add("is_active", _("You cannot deactivate or activate your own account."))
    if changes.email is not None and changes.email != current.email and not own and current.has_usable_password():
        errors.add(
            "email",
            _(
                "This staff member has already chosen a password. Their e-mail address receives their password "
                "links, so only they or the system administrator can change it."
            ),
        )
    errors.raise_if_any()


@transaction.atomic
def staff_account_update(*, actor: User, account: User, changes: StaffChanges) -> User:
    """Change a staff account within the rules above; one audit row with the values before and after."""
    validate_staff_account_update(actor=actor, account=account, changes=changes)
    account = User.objects.select_for_update().get(pk=account.pk)
    before = staff_snapshot(account)
    for name in ("username", "first_name", "last_name", "email", "role", "is_active"):
        value = getattr(changes, name)
        if value is not None:
            setattr(account, name, value)
    account.is_staff = account.role in OVERSIGHT_ROLES or account.is_superuser
    account.save()
    if changes.expertises is not None:
        account.expertises.set(changes.expertises)
    after = staff_snapshot(account)
    action = (
        StaffAuditAction.DEACTIVATED if before["is_active"] and not after["is_active"] else StaffAuditAction.CHANGED
    )
    _audit(actor=actor, subject=account, action=action, before=before, after=after)
    return account


def staff_account_deactivate(*, actor: User, account: User) -> User:
    return staff_account_update(actor=actor, account=account, changes=StaffChanges(is_active=False))


def validate_staff_account_create(
    *, actor: User, username: str, first_name: str, last_name: str, email: str, role: str
) -> None:
    _require_manager(actor)
    errors = ErrorCollector()
    if _username_taken(username):
        errors.add("username", _username_taken_message())
    _validate_details(errors, username=username, first_name=first_name, last_name=last_name, email=email)
    if _email_taken(email):
        errors.add("email", _email_taken_message())
    for name, value in (("first_name", first_name), ("last_name", last_name)):
        if not value.strip():
            errors.add(name, _("This field is required."))
    _validate_role(errors, role)
    errors.raise_if_any()


@transaction.atomic
def staff_account_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    expertises: Iterable[Expertise] = (),
    link_base: str,
) -> User:
    """A new account without a usable password; its holder gets a one-time link to choose one."""
    validate_staff_account_create(
        actor=actor, username=username, first_name=first_name, last_name=last_name, email=email, role=role
    )
    account = User(username=username, first_name=first_name, last_name=last_name, email=email, role=role)
    account.set_unusable_password()
    account.is_staff = False
    account.save()
    account.expertises.set(list(expertises))
    _audit(actor=actor, subject=account, action=StaffAuditAction.CREATED, before={}, after=staff_snapshot(account))
    _send_password_link(actor=actor, account=account, link_base=link_base, new_account=True)
    return account


def password_link(account: User, link_base: str) -> str:
    """The one-time link: valid PASSWORD_RESET_TIMEOUT seconds and only until a password is chosen."""
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    token = default_token_generator.make_token(account)
    return link_base.rstrip("/") + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def _send_password_link(*, actor: User | None, account: User, link_base: str, new_account: bool) -> None:
    context = {
        "user": account,
        "link": password_link(account, link_base),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        "new_account": new_account,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/password_link_subject.txt", context).strip()
        body = render_to_string("accounts/password_link_email.txt", context)
    try:
        send_mail(subject, body, None, [account.email])
    except OSError as error:
        # The details are for the system administrator (the log), not for the page.
        logger.exception("Sending the password link to staff member %s failed", account.pk)
        raise ValidationError(
            _(
                "The e-mail with the link could not be sent; nothing was saved. Please try again later or ask "
                "the system administrator to check the e-mail settings."
            ),
            code=MAIL_FAILED,
        ) from error
    _audit(
        actor=actor,
        subject=account,
        action=StaffAuditAction.PASSWORD_LINK_SENT,
        before={},
        after={"email": account.email, "valid_hours": context["hours"]},
        only_changes=False,
    )


@transaction.atomic
def staff_password_link_send(*, actor: User, account: User, link_base: str) -> None:
    """Send the holder of an account a link to choose a (new) password; the current one keeps working
    until they do. Nobody but the holder sees the link."""
    _require_manager(actor)
    errors = ErrorCollector()
    if not account.is_active:
        errors.add("is_active", _("%(user)s is deactivated: activate the account first.") % {"user": account})
    if not account.email:
        errors.add("email", _("%(user)s has no e-mail address.") % {"user": account})
    errors.raise_if_any()
    _send_password_link(actor=actor, account=account, link_base=link_base, new_account=False)


@transaction.atomic
def staff_password_set(*, account: User, password: str) -> User:
    """The holder chose a password through a link (validated by the form); audited, never the password."""
    account = User.objects.select_for_update().get(pk=account.pk)
    had_password = account.has_usable_password()
    account.set_password(password)
    account.save(update_fields=["password"])
    _audit(
        actor=account,
        subject=account,
        action=StaffAuditAction.PASSWORD_CHOSEN,
        before={"had_password": had_password},
        after={"had_password": True},
        only_changes=False,
    )
    return account


def validate_staff_account_delete(*, actor: User, account: User) -> None:
    _require_manager(actor)
    account = User.objects.get(pk=account.pk)
    if account.pk == actor.pk or is_protected(account):
        raise PermissionDenied(_("This account cannot be deleted in management."))
    if has_case_data([account]):
        raise ValidationError(
            _("%(user)s has worked on case files and cannot be deleted: deactivate the account instead.")
            % {"user": account},
            code="has_case_history",
        )


@transaction.atomic
def staff_account_delete(*, actor: User, account: User) -> None:
    """Only an account without any case history (and without rights) can be deleted."""
    validate_staff_account_delete(actor=actor, account=account)
    _audit(
        actor=actor,
        subject=account,
        action=StaffAuditAction.DELETED,
        before=staff_snapshot(account),
        after={},
        only_changes=False,
    )
    account.delete()


#: Sent once per staff member about to leave a team (keyword arguments ``team`` and ``user``). A receiver in an
#: app above this one (households: open households they are the contact person of) refuses the change by raising
#: ``ValidationError`` with the reason; the team's admin page shows it, the service writes nothing.
team_membership_ending = Signal()


def validate_membership_endings(*, team: Any, users: Iterable[User]) -> None:
    """Ask the apps above whether these staff members may leave the team: a refusal raises ValidationError."""
    for user in users:
        team_membership_ending.send(sender=type(team), team=team, user=user)


def validate_memberships_change(*, actor: User, users: Iterable[User]) -> None:
    """Nobody changes their own team memberships, nor those of an administrator or the privacy officer."""
    _require_manager(actor)
    for user in users:
        if user.pk == actor.pk:
            raise ValidationError(_("You cannot change your own team memberships."), code="own_memberships")
        if is_protected(user):
            raise ValidationError(
                _("%(user)s has administrator, privacy-officer or superuser rights and cannot be put in a team.")
                % {"user": user},
                code="protected_memberships",
            )


@transaction.atomic
def team_memberships_update(*, actor: User, team: Any, add: Iterable[User] = (), remove: Iterable[User] = ()) -> None:
    """Add and remove members of a team; one audit row per staff member with their teams before and after."""
    add, remove = list(add), list(remove)
    validate_memberships_change(actor=actor, users=[*add, *remove])
    validate_membership_endings(team=team, users=remove)
    users = {user.pk: user for user in [*add, *remove]}
    before = {pk: staff_snapshot(user) for pk, user in users.items()}
    team.memberships.filter(user__in=[user.pk for user in remove]).delete()
    for user in add:
        team.memberships.get_or_create(user=user)
    for pk, user in users.items():
        _audit(
            actor=actor,
            subject=user,
            action=StaffAuditAction.MEMBERSHIPS,
            before={"teams": before[pk]["teams"]},
            after={"teams": staff_snapshot(user)["teams"]},
        )


@transaction.atomic
def team_delete(*, actor: User, team: Any) -> None:
    """Delete a team without case data; its members' memberships end, audited per staff member."""
    _require_manager(actor)
    if has_case_data([team]):
        raise ValidationError(_("Case data is linked to %(team)s: it cannot be deleted.") % {"team": team})
    members = list(User.objects.filter(memberships__team=team))
    before = {user.pk: staff_snapshot(user)["teams"] for user in members}
    team.delete()
    for user in members:
        _audit(
            actor=actor,
            subject=user,
            action=StaffAuditAction.MEMBERSHIPS,
            before={"teams": before[user.pk]},
            after={"teams": staff_snapshot(user)["teams"]},
        )


@transaction.atomic
def staff_role_set_on_command_line(*, username: str, role: str, operator: str) -> User:
    """The system administrator gives any role, also the oversight roles that management cannot give.
    Audited with the operating-system user as the one who did it."""
    errors = ErrorCollector()
    account = User.objects.select_for_update().filter(username=username).first()
    if account is None:
        errors.add("username", _("There is no staff member with username %(username)s.") % {"username": username})
    if role not in Role.values:
        errors.add("role", _("Unknown role."))
    elif account is not None and account.is_superuser and role in CASE_ROLES:
        errors.add("role", _("A superuser cannot have a case role."))
    errors.raise_if_any()
    assert account is not None
    before = staff_snapshot(account)
    account.role = role
    account.is_staff = role in OVERSIGHT_ROLES or account.is_superuser
    account.save(update_fields=["role", "is_staff"])
    _audit(
        actor=None,
        operator=operator,
        subject=account,
        action=StaffAuditAction.CHANGED,
        before=before,
        after=staff_snapshot(account),
    )
    return account
