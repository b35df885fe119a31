"""Writes of escalations (issue 12, guide §6.3): a worker puts a stuck case before the team coordinator, who
answers within the coordinator's response time or forwards it to a manager with the power to push through
(doorzettingsmacht); once the coordinator's time has passed, the worker who raised it may forward it
themselves. The level that holds it records the outcome.

Response times are working days from the policy file (`mandate_policy().escalation_days`). Every change is one
conditional UPDATE on the status, level and `lock_version` it was based on, in one transaction with its
access-log row; one open escalation per household is a database constraint.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.dates import add_working_days
from wijkkracht.common.locking import stale_error
from wijkkracht.common.validation import ErrorCollector, invisible_characters
from wijkkracht.escalations.models import NOTE_MAX, Escalation, EscalationLevel, EscalationStatus
from wijkkracht.escalations.selectors import access_for, escalation_for_change
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import Household
from wijkkracht.households.selectors import household_get_for_update
from wijkkracht.households.services import system_task_create, system_tasks_close
from wijkkracht.mandate.policy import mandate_policy
from wijkkracht.privacy.access import AccessContext, coordinated_team_ids_of, require_case_worker, write_refusal
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record
from wijkkracht.teams.models import Team

BLOCKED_MAX = NOTE_MAX
BLOCKED_BY_MAX = 300
NEEDED_MAX = NOTE_MAX
REASON_MAX = NOTE_MAX
OUTCOME_MAX = NOTE_MAX


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def _clean_text(errors: ErrorCollector, field: str, value: object, *, blank: str, max_length: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        errors.add(field, blank)
    elif len(text) > max_length:
        errors.add(field, _("At most %(max)d characters (now %(count)d).") % {"max": max_length, "count": len(text)})
    elif invisible_characters(text):
        errors.add(field, _("Remove the invisible characters from this text."))
    return text


def managers_of(team: Team | int) -> list[User]:
    """The active managers (with the power to push through) who are members of the team."""
    team_id = team if isinstance(team, int) else team.id
    return list(User.objects.filter(memberships__team_id=team_id, role=Role.MANAGER, is_active=True).order_by("id"))


def is_coordinator_of(user: User, escalation: Escalation) -> bool:
    return escalation.team_id in coordinated_team_ids_of(user)


def is_manager_of(user: User, escalation: Escalation) -> bool:
    return user.role == Role.MANAGER and user.is_active and user.memberships.filter(team_id=escalation.team_id).exists()


def raise_refusal(user: User, household: Household, open_escalation: Escalation | None) -> str | None:
    """Why `user` may not escalate this household now (None: they may). The page hides its button on it."""
    if not household.is_open:
        return _("A closed household cannot be escalated (status: %(status)s).") % {
            "status": household.get_status_display()
        }
    refusal = write_refusal(user, household)
    if refusal is not None:
        return refusal
    if open_escalation is not None:
        return _("This household already has an open escalation, raised on %(date)s; add to that one instead.") % {
            "date": _day(timezone.localtime(open_escalation.raised_at).date())
        }
    return None


def forward_refusal(user: User, escalation: Escalation, today: datetime.date) -> str | None:
    """Why `user` may not forward the escalation to a manager now (None: they may)."""
    if not escalation.is_open:
        return _("This escalation has been resolved; it can no longer be forwarded.")
    if escalation.level != EscalationLevel.COORDINATOR:
        return _("This escalation already lies with a manager.")
    if is_coordinator_of(user, escalation):
        return None
    if escalation.raised_by_id == user.id:
        deadline = escalation.coordinator_respond_by or escalation.respond_by
        if today > deadline:
            return None
        return _(
            "You can forward your escalation to a manager yourself once the coordinator's response time has "
            "passed, from %(date)s."
        ) % {"date": _day(add_working_days(deadline, 1))}
    return _("Only a coordinator of the team, or the worker who raised it, can forward this escalation.")


def resolve_refusal(user: User, escalation: Escalation) -> str | None:
    """Why `user` may not record the outcome (None: they may): the level that holds the escalation answers."""
    if not escalation.is_open:
        return _("This escalation has already been resolved.")
    if escalation.level == EscalationLevel.COORDINATOR:
        if is_coordinator_of(user, escalation):
            return None
        return _("A coordinator of the team resolves this escalation while it lies with the coordinator.")
    if is_manager_of(user, escalation):
        return None
    return _("A manager of the team resolves this escalation now that it lies with the managers.")


def _task_key(escalation: Escalation) -> str:
    return f"escalation:{escalation.id}"


def coordinators_of(team_id: int) -> list[User]:
    return list(
        User.objects.filter(memberships__team_id=team_id, role=Role.TEAM_COORDINATOR, is_active=True).order_by("id")
    )


def _coordinator_tasks_create(escalation: Escalation, household: Household) -> None:
    """Each coordinator of the team (but the one who raised it) gets a task due on the coordinator's deadline;
    closed when the escalation is forwarded or resolved. In the caller's transaction."""
    made = False
    for coordinator in coordinators_of(escalation.team_id):
        if coordinator.id == escalation.raised_by_id:
            continue
        title = _("Respond to the escalation of household %(name)s") % {"name": household.name}
        task = system_task_create(
            household=household,
            assigned_to=coordinator,
            title=title,
            due_date=escalation.respond_by,
            key=_task_key(escalation),
        )
        made = made or task is not None
    if made:
        household_figures_refresh(household_ids=[household.id])


def _coordinator_tasks_close(escalation: Escalation, user: User) -> None:
    if system_tasks_close(household_id=escalation.household_id, key=_task_key(escalation), by=user):
        household_figures_refresh(household_ids=[escalation.household_id])


def escalation_raise(
    *, access: AccessContext, household_id: int, blocked: str, blocked_by: str, needed: str
) -> Escalation:
    """Put a stuck case before the team coordinator: what is blocked, by whom, and what is needed. A household
    the user may not see is a 404; anything else wrong is a Dutch message per field and nothing is saved."""
    require_case_worker(access.user)
    household = household_get_for_update(access=access, household_id=household_id, what="escalation")
    errors = ErrorCollector()
    open_escalation = Escalation.objects.filter(household=household, status=EscalationStatus.OPEN).first()
    refusal = raise_refusal(access.user, household, open_escalation)
    if refusal is not None:
        errors.add("household", refusal)
    blocked = _clean_text(errors, "blocked", blocked, blank=_("Say what is blocked."), max_length=BLOCKED_MAX)
    blocked_by = _clean_text(
        errors, "blocked_by", blocked_by, blank=_("Say who or what blocks it."), max_length=BLOCKED_BY_MAX
    )
    needed = _clean_text(errors, "needed", needed, blank=_("Say what is needed to move on."), max_length=NEEDED_MAX)
    errors.raise_if_any()
    today = timezone.localdate()
    respond_by = add_working_days(today, mandate_policy().escalation_days[EscalationLevel.COORDINATOR])
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                household=household,
                team_id=household.team_id,
                raised_by=access.user,
                raised_at=timezone.now(),
                blocked=blocked,
                blocked_by=blocked_by,
                needed=needed,
                level=EscalationLevel.COORDINATOR,
                respond_by=respond_by,
                coordinator_respond_by=respond_by,
            )
            _coordinator_tasks_create(escalation, household)
            access_log_record(
                access=access,
                household_id=household.id,
                action=AccessAction.CREATE,
                what=f"escalation {escalation.id} raised to the coordinator",
            )
    except IntegrityError:  # raised at the same moment by a colleague: the constraint keeps one open
        raise ValidationError(
            {"household": _("This household already has an open escalation; add to that one instead.")}
        ) from None
    return escalation


def _changed_meanwhile(escalation_id: int) -> ValidationError:
    current = Escalation.objects.select_related("resolved_by").get(id=escalation_id)
    if current.status == EscalationStatus.RESOLVED:
        assert current.resolved_at is not None
        return ValidationError(
            {
                "non_field_errors": _(
                    "This escalation was resolved meanwhile by %(who)s on %(date)s. Nothing was changed."
                )
                % {"who": current.resolved_by or "–", "date": _day(timezone.localtime(current.resolved_at).date())}
            }
        )
    return stale_error(_("Someone else changed this escalation since you read it. Read it again and retry."))


def _changed(access: AccessContext, escalation: Escalation, changed: int, *, what: str) -> None:
    """After a conditional update of a forward or resolve, inside its transaction: refuse when someone else came
    first, close the coordinators' tasks, and write the access-log row."""
    if not changed:
        raise _changed_meanwhile(escalation.id)
    _coordinator_tasks_close(escalation, access.user)
    access_log_record(
        access=access_for(access, escalation),
        household_id=escalation.household_id,
        action=AccessAction.UPDATE,
        what=what,
    )


def escalation_forward(*, access: AccessContext, escalation_id: int, reason: str, lock_version: int) -> Escalation:
    """Forward the escalation to the team's managers (doorzettingsmacht): by a coordinator of the team at any
    time, by the worker who raised it once the coordinator's response time has passed. The new deadline is the
    manager's response time from today."""
    escalation = escalation_for_change(access=access, escalation_id=escalation_id)
    today = timezone.localdate()
    errors = ErrorCollector()
    refusal = forward_refusal(access.user, escalation, today)
    if refusal is not None:
        errors.add("non_field_errors", refusal)
    elif not managers_of(escalation.team_id):
        errors.add(
            "non_field_errors",
            _("Team %(team)s has no manager with the power to push through; ask the functional administrator.")
            % {"team": escalation.team.name},
        )
    reason = _clean_text(errors, "reason", reason, blank=_("Say why a manager is needed."), max_length=REASON_MAX)
    errors.raise_if_any()
    if escalation.lock_version != lock_version:
        raise stale_error(_("Someone else changed this escalation since you read it. Read it again and retry."))
    respond_by = add_working_days(today, mandate_policy().escalation_days[EscalationLevel.MANAGER])
    with transaction.atomic():
        changed = Escalation.objects.filter(
            id=escalation.id,
            status=EscalationStatus.OPEN,
            level=EscalationLevel.COORDINATOR,
            lock_version=lock_version,
        ).update(
            level=EscalationLevel.MANAGER,
            forwarded_at=timezone.now(),
            forwarded_by=access.user,
            forward_reason=reason,
            respond_by=respond_by,
            lock_version=F("lock_version") + 1,
        )
        _changed(access, escalation, changed, what=f"escalation {escalation.id} forwarded to a manager")
    escalation.refresh_from_db()
    return escalation


def escalation_resolve(*, access: AccessContext, escalation_id: int, outcome: str, lock_version: int) -> Escalation:
    """Record the outcome: at the coordinator's level by a coordinator of the team, at the manager's level by a
    manager of the team. It ends a manager's access to the case file."""
    escalation = escalation_for_change(access=access, escalation_id=escalation_id)
    errors = ErrorCollector()
    refusal = resolve_refusal(access.user, escalation)
    if refusal is not None:
        errors.add("non_field_errors", refusal)
    outcome = _clean_text(errors, "outcome", outcome, blank=_("Record the outcome."), max_length=OUTCOME_MAX)
    errors.raise_if_any()
    if escalation.lock_version != lock_version:
        raise stale_error(_("Someone else changed this escalation since you read it. Read it again and retry."))
    with transaction.atomic():
        changed = Escalation.objects.filter(
            id=escalation.id, status=EscalationStatus.OPEN, level=escalation.level, lock_version=lock_version
        ).update(
            status=EscalationStatus.RESOLVED,
            resolved_at=timezone.now(),
            resolved_by=access.user,
            outcome=outcome,
            lock_version=F("lock_version") + 1,
        )
        _changed(access, escalation, changed, what=f"escalation {escalation.id} resolved at level {escalation.level}")
    escalation.refresh_from_db()
    return escalation
