"""Writes of the warm handover to the second line and back (afschalen); the steps are described in
`casefile.models`. Like every service: validate everything first, then write in one transaction together
with the access-log row; every change names the handover's `lock_version`.

Who does what:
- a worker of the household's team (anyone who may write to it, `privacy.access.write_refusal`) starts,
  edits, sends and cancels a handover, and asks the coordinator's approval to go over the caseload norm;
- a coordinator of the team approves going over the norm (and sends it with that); a coordinator who
  sends it themselves approves it by doing so;
- the team and the case director (during the shared ownership) record the joint conversation and
  complete the handover, which sets the status "handed over to the second line";
- the case director hands the household back to a first-line team (`handover_back`) or closes it
  (`casefile.services.household_status_change`)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkkracht.accounts.models import Role, User
from wijkkracht.casefile.models import (
    ACTIVE_HANDOVER_STATUSES,
    SUMMARY_TEXT_MAX,
    Handover,
    HandoverDirection,
    HandoverStatus,
)
from wijkkracht.casefile.services import contact_person_candidates
from wijkkracht.casefile.summary import build_summary
from wijkkracht.common.dates import add_working_days
from wijkkracht.common.locking import stale_error, version_advance
from wijkkracht.common.validation import ErrorCollector, invisible_characters, validate_not_future
from wijkkracht.diagnosis.models import MeasurementStatus
from wijkkracht.diagnosis.rules import intake_gaps
from wijkkracht.households import services as household_services
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import (
    ContactPersonChange,
    Household,
    HouseholdStatus,
    StatusChange,
    Task,
    TaskStatus,
)
from wijkkracht.plans.models import Plan, PlanStatus
from wijkkracht.privacy.access import (
    AccessContext,
    coordinated_teams_of,
    require_case_worker,
    teams_of,
    write_refusal,
)
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record
from wijkkracht.teams.models import Municipality, Team

#: The summary's texts a worker edits.
SUMMARY_FIELDS = (
    "measurements_text",
    "plan_text",
    "contacts_text",
    "risks_text",
    "consents_text",
    "question_text",
)
REASON_MAX = 500
ATTENDEES_MAX = 500
#: Working days the coordinator gets to decide on an approval or to name a contact person.
COORDINATOR_WORKING_DAYS = 2
TITLE_MAX = 200


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


# --- the case directors and their caseload -----------------------------------------------------------


def regisseur_caseload(regisseur: User) -> int:
    """The households a case director has now: handed over to them, or sent to them and not yet
    completed (shared ownership); closed ones do not count."""
    return Household.objects.filter(second_line_regisseur=regisseur).exclude(status=HouseholdStatus.CLOSED).count()


@dataclass(frozen=True)
class RegisseurLoad:
    regisseur: User
    caseload: int
    norm: int

    @property
    def has_room(self) -> bool:
        return self.caseload < self.norm

    @property
    def room(self) -> int:
        return max(self.norm - self.caseload, 0)


def regisseur_loads() -> list[RegisseurLoad]:
    """Every active case director with their caseload against the municipality's norm, those with the
    most room first. Names and counts only: nothing of another case director's households."""
    norm = Municipality.current().regisseur_caseload_norm
    loads = [
        RegisseurLoad(regisseur=user, caseload=regisseur_caseload(user), norm=norm)
        for user in User.objects.filter(role=Role.SECOND_LINE_REGISSEUR, is_active=True).order_by(
            "first_name", "last_name", "username"
        )
    ]
    return sorted(loads, key=lambda load: (-load.room, load.caseload))


def _over_norm_message(regisseur: User, caseload: int, norm: int) -> str:
    return ngettext(
        "%(name)s already has %(count)d household, and the norm is %(norm)d. Going over the norm needs the "
        "team coordinator's approval: ask for it, or choose a case director with room.",
        "%(name)s already has %(count)d households, and the norm is %(norm)d. Going over the norm needs the "
        "team coordinator's approval: ask for it, or choose a case director with room.",
        caseload,
    ) % {"name": regisseur, "count": caseload, "norm": norm}


def _would_go_over(regisseur: User) -> tuple[bool, int, int]:
    caseload = regisseur_caseload(regisseur)
    norm = Municipality.current().regisseur_caseload_norm
    return caseload + 1 > norm, caseload, norm


# --- shared checks -----------------------------------------------------------------------------------


def _coordinator_of(team: Team) -> User | None:
    return (
        User.objects.filter(memberships__team=team, role=Role.TEAM_COORDINATOR, is_active=True).order_by("id").first()
    )


def _is_coordinator(user: User, team_id: int) -> bool:
    return coordinated_teams_of(user).filter(id=team_id).exists()


def _validate_texts(errors: ErrorCollector, texts: dict[str, str]) -> None:
    for name, value in texts.items():
        if name not in SUMMARY_FIELDS:
            errors.add(name, _("Unknown part of the summary."))
        elif len(value) > SUMMARY_TEXT_MAX:
            errors.add(
                name,
                _("At most %(max)d characters (now %(length)d).") % {"max": SUMMARY_TEXT_MAX, "length": len(value)},
            )
        elif invisible_characters(_without_line_breaks(value)):
            errors.add(name, _("The text contains invisible characters; type it again."))


def _without_line_breaks(value: str) -> str:
    """Line breaks and tabs are allowed in the summary's texts; other control characters are not."""
    return value.replace("\r", "").replace("\n", "").replace("\t", "")


def _clean(value: str) -> str:
    return value.replace("\r\n", "\n").strip()


def _validate_reason(errors: ErrorCollector, reason: str, message: str) -> None:
    if not reason.strip():
        errors.add("reason", message)
    elif len(reason) > REASON_MAX:
        errors.add("reason", _("The reason has at most 500 characters."))


def _regisseur(errors: ErrorCollector, regisseur_id: int | None) -> User | None:
    if regisseur_id is None:
        return None
    regisseur = User.objects.filter(id=regisseur_id, role=Role.SECOND_LINE_REGISSEUR, is_active=True).first()
    if regisseur is None:
        errors.add("regisseur", _("Choose one of the second-line case directors."))
    return regisseur


def _require_team_side(errors: ErrorCollector, user: User, handover: Handover) -> None:
    """Preparing, sending and cancelling a handover to the second line is the team's: someone who may
    write to the household and is not its case director."""
    household = handover.household
    refusal = write_refusal(user, household)
    if refusal is not None:
        errors.add("non_field_errors", refusal)
    elif not teams_of(user).filter(id=household.team_id).exists():
        errors.add("non_field_errors", _("Only the household's team prepares, sends or cancels its handover."))


def _require_status(errors: ErrorCollector, handover: Handover, *allowed: str) -> None:
    if handover.direction != HandoverDirection.TO_SECOND_LINE or handover.status not in allowed:
        errors.add(
            "non_field_errors",
            _("This cannot be done with a handover that is “%(status)s”.") % {"status": handover.get_status_display()},
        )


def _move_version(handover: Handover, expected_version: int) -> None:
    """Inside the caller's transaction: refuse a change based on an older version of the handover."""
    if not version_advance(Handover.objects.filter(id=handover.id), expected_version=expected_version):
        raise stale_error(_("Someone else changed this handover since you read it. Reload it and try again."))
    handover.lock_version = expected_version + 1


def _log(access: AccessContext, handover: Handover, action: AccessAction, what: str) -> None:
    """Every handover write ends here, in its transaction: the log row, and the household's figures (tasks
    made, finished or moved)."""
    household_figures_refresh(household_ids=[handover.household_id])
    access_log_record(access=access, household_id=handover.household_id, action=action, what=f"handover {what}")


# --- to the second line --------------------------------------------------------------------------------


def handover_start(
    *, access: AccessContext, household: Household, regisseur_id: int | None = None, question_text: str = ""
) -> Handover:
    """Start a handover to the second line: the system drafts the summary from the case file, which the
    worker reviews and completes before sending."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    household_services.refuse_if_closed(errors, household, access.user)
    if not errors and not teams_of(access.user).filter(id=household.team_id).exists():
        errors.add("household", _("Only the household's team hands it over to the second line."))
    if household.handovers.filter(status__in=ACTIVE_HANDOVER_STATUSES).exists():
        errors.add("household", _("This household already has a handover in progress: open it."))
    regisseur = _regisseur(errors, regisseur_id)
    _validate_texts(errors, {"question_text": question_text})
    errors.raise_if_any()
    summary = build_summary(household, timezone.localdate())
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                household=household,
                direction=HandoverDirection.TO_SECOND_LINE,
                status=HandoverStatus.DRAFT,
                team_id=household.team_id,
                regisseur=regisseur,
                question_text=_clean(question_text),
                created_by=access.user,
                **summary.as_dict(),
            )
            _log(access, handover, AccessAction.CREATE, "started")
    except IntegrityError as error:  # started at the same moment by a colleague
        raise ValidationError(
            {"household": _("This household already has a handover in progress: open it.")}
        ) from error
    return handover


def handover_update(
    *,
    access: AccessContext,
    handover: Handover,
    expected_version: int,
    texts: dict[str, str] | None = None,
    regisseur_id: int | None = None,
    regisseur_given: bool = False,
) -> Handover:
    """Change the summary's texts and/or the chosen case director, before sending. Choosing another case
    director while the coordinator's approval is asked takes the request back (the approval was for the
    other one)."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    texts = texts or {}
    _require_status(errors, handover, HandoverStatus.DRAFT, HandoverStatus.AWAITING_APPROVAL)
    _require_team_side(errors, access.user, handover)
    _validate_texts(errors, texts)
    regisseur = _regisseur(errors, regisseur_id) if regisseur_given else None
    errors.raise_if_any()
    fields = []
    for name, value in texts.items():
        setattr(handover, name, _clean(value))
        fields.append(name)
    with transaction.atomic():
        _move_version(handover, expected_version)
        if regisseur_given and (regisseur.id if regisseur else None) != handover.regisseur_id:
            handover.regisseur = regisseur
            fields.append("regisseur")
            if handover.status == HandoverStatus.AWAITING_APPROVAL:
                _end_approval_tasks(handover, TaskStatus.CANCELLED, access.user)
                handover.status = HandoverStatus.DRAFT
                handover.approval_requested_at = None
                handover.approval_requested_by = None
                fields += ["status", "approval_requested_at", "approval_requested_by"]
        if fields:
            handover.save(update_fields=fields)
        _log(access, handover, AccessAction.UPDATE, "summary changed")
    return handover


def _approval_task_title(handover: Handover) -> str:
    return (
        _("Approve the handover of %(household)s to %(regisseur)s (over the caseload norm)")
        % {"household": handover.household.name, "regisseur": handover.regisseur}
    )[:TITLE_MAX]


def _approval_tasks(handover: Handover) -> "list[int]":
    return list(
        Task.objects.filter(
            household=handover.household, status=TaskStatus.OPEN, dedupe_key=f"handover-approval:{handover.id}"
        ).values_list("id", flat=True)
    )


def _end_approval_tasks(handover: Handover, outcome: str, user: User) -> None:
    Task.objects.filter(id__in=_approval_tasks(handover), status=TaskStatus.OPEN).update(
        status=outcome, done_at=timezone.now(), done_by=user
    )


def handover_request_approval(*, access: AccessContext, handover: Handover, expected_version: int) -> Handover:
    """The chosen case director has no room: the handover waits for the team coordinator's approval, and
    the coordinator gets a task for it."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_status(errors, handover, HandoverStatus.DRAFT)
    _require_team_side(errors, access.user, handover)
    coordinator = _coordinator_of(handover.team)
    # Everything sending needs is checked now, so the coordinator who approves never meets it.
    _validate_sendable(errors, handover)
    if handover.regisseur is not None and not _would_go_over(handover.regisseur)[0]:
        errors.add(
            "regisseur",
            _("%(name)s has room within the norm: no approval is needed, send the handover.")
            % {"name": handover.regisseur},
        )
    if coordinator is None:
        errors.add("non_field_errors", _("The team has no coordinator to approve this."))
    errors.raise_if_any()
    assert coordinator is not None
    with transaction.atomic():
        _move_version(handover, expected_version)
        handover.status = HandoverStatus.AWAITING_APPROVAL
        handover.approval_requested_by = access.user
        handover.approval_requested_at = timezone.now()
        handover.save(update_fields=["status", "approval_requested_by", "approval_requested_at"])
        Task.objects.create(
            household=handover.household,
            team=handover.team,
            assigned_to=coordinator,
            created_by=access.user,
            title=_approval_task_title(handover),
            due_date=add_working_days(timezone.localdate(), COORDINATOR_WORKING_DAYS),
            dedupe_key=f"handover-approval:{handover.id}",
        )
        _log(access, handover, AccessAction.UPDATE, "approval asked")
    return handover


def _validate_sendable(errors: ErrorCollector, handover: Handover) -> None:
    if handover.regisseur is None:
        errors.add("regisseur", _("Choose the second-line case director who takes over."))
    if not handover.risks_text.strip():
        errors.add("risks_text", _("Describe the risks (or write that you see none)."))
    if not handover.question_text.strip():
        errors.add("question_text", _("Say what you ask of the second line."))


def _send(access: AccessContext, handover: Handover, *, approved: bool) -> None:
    """Inside the caller's transaction: lock the case director's row (two handovers to one case director at
    the same moment count one after the other), count again, give the case director access."""
    regisseur = handover.regisseur
    assert regisseur is not None
    list(User.objects.select_for_update().filter(id=regisseur.id).values_list("id", flat=True))
    over, caseload, norm = _would_go_over(regisseur)
    if over and not approved:
        raise ValidationError({"regisseur": _over_norm_message(regisseur, caseload, norm)}, code="over_norm")
    household = handover.household
    if not Household.objects.filter(
        id=household.id, status=household.status, second_line_regisseur__isnull=True
    ).update(second_line_regisseur=regisseur):
        raise ValidationError(
            {"non_field_errors": _("Someone else has just changed this household. Reload and try again.")}
        )
    household.second_line_regisseur = regisseur
    handover.status = HandoverStatus.SENT
    handover.sent_by = access.user
    handover.sent_at = timezone.now()
    handover.caseload_at_send = caseload
    handover.norm_at_send = norm
    handover.save(
        update_fields=[
            "status",
            "sent_by",
            "sent_at",
            "caseload_at_send",
            "norm_at_send",
            "approved_by",
            "approved_at",
        ]
    )


def handover_send(*, access: AccessContext, handover: Handover, expected_version: int) -> Handover:
    """Send the reviewed handover: the case director gets access and the period of shared ownership starts.
    Over the caseload norm only with the coordinator's approval (a coordinator of the team who sends it
    approves it by doing so); a worker without it is refused and nothing is saved."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_status(errors, handover, HandoverStatus.DRAFT)
    _require_team_side(errors, access.user, handover)
    _validate_sendable(errors, handover)
    coordinator_sends = _is_coordinator(access.user, handover.team_id)
    approved = coordinator_sends or (handover.approved_by_id is not None)
    if not errors and handover.regisseur is not None and not approved:
        over, caseload, norm = _would_go_over(handover.regisseur)
        if over:
            errors.add("regisseur", _over_norm_message(handover.regisseur, caseload, norm))
    errors.raise_if_any()
    with transaction.atomic():
        _move_version(handover, expected_version)
        if coordinator_sends and handover.approved_by_id is None:
            over, _caseload, _norm = _would_go_over(handover.regisseur)  # type: ignore[arg-type]
            if over:
                handover.approved_by, handover.approved_at = access.user, timezone.now()
        _send(access, handover, approved=approved)
        _log(access, handover, AccessAction.UPDATE, f"sent to case director {handover.regisseur_id}")
    return handover


def handover_approve(*, access: AccessContext, handover: Handover, expected_version: int) -> Handover:
    """A coordinator of the team approves going over the norm for the chosen case director; the handover
    is sent with it and the coordinator's task is done."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_status(errors, handover, HandoverStatus.AWAITING_APPROVAL, HandoverStatus.DRAFT)
    if not _is_coordinator(access.user, handover.team_id):
        errors.add("non_field_errors", _("Only a coordinator of the household's team approves going over the norm."))
    else:
        _require_team_side(errors, access.user, handover)
    _validate_sendable(errors, handover)
    errors.raise_if_any()
    with transaction.atomic():
        _move_version(handover, expected_version)
        handover.approved_by, handover.approved_at = access.user, timezone.now()
        _end_approval_tasks(handover, TaskStatus.DONE, access.user)
        _send(access, handover, approved=True)
        _log(access, handover, AccessAction.UPDATE, f"approved and sent to case director {handover.regisseur_id}")
    return handover


def handover_conversation_record(
    *,
    access: AccessContext,
    handover: Handover,
    expected_version: int,
    date: datetime.date | None,
    attendees: str,
    family_present: bool | None,
) -> Handover:
    """Record the joint handover conversation: when, who was there, whether the family was there."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_status(errors, handover, HandoverStatus.SENT)
    household_services.refuse_if_closed(errors, handover.household, access.user)
    if date is None:
        errors.add("conversation_date", _("Give the date of the handover conversation."))
    else:
        with errors.field("conversation_date"):
            validate_not_future(date)
        if handover.sent_at is not None and date < timezone.localdate(handover.sent_at):
            errors.add(
                "conversation_date",
                _("The conversation cannot lie before the handover was sent (%(date)s).")
                % {"date": _day(timezone.localdate(handover.sent_at))},
            )
    if not attendees.strip():
        errors.add("conversation_attendees", _("Say who was there."))
    elif len(attendees) > ATTENDEES_MAX:
        errors.add("conversation_attendees", _("At most %(max)d characters.") % {"max": ATTENDEES_MAX})
    elif invisible_characters(attendees):
        errors.add("conversation_attendees", _("The text contains invisible characters; type it again."))
    if family_present is None:
        errors.add("family_present", _("Say whether the family was there."))
    errors.raise_if_any()
    with transaction.atomic():
        _move_version(handover, expected_version)
        handover.conversation_date = date
        handover.conversation_attendees = attendees.strip()
        handover.family_present = family_present
        handover.save(update_fields=["conversation_date", "conversation_attendees", "family_present"])
        _log(access, handover, AccessAction.UPDATE, "conversation recorded")
    return handover


def handover_complete(
    *, access: AccessContext, handover: Handover, expected_version: int, date: datetime.date | None = None
) -> Handover:
    """End the shared ownership: the household's status becomes "handed over to the second line" (the
    status history shows it), its open tasks go to the case director, the plan stays active for the case
    director to work with; the team keeps reading the case file."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    date = date or timezone.localdate()
    _require_status(errors, handover, HandoverStatus.SENT)
    household = handover.household
    household_services.refuse_if_closed(errors, household, access.user)
    if handover.conversation_date is None:
        errors.add("non_field_errors", _("Record the joint handover conversation first."))
    with errors.field("date"):
        validate_not_future(date)
    if date < household.status_since:
        errors.add("date", _("The date cannot lie before the current status began."))
    elif handover.conversation_date is not None and date < handover.conversation_date:
        errors.add("date", _("The handover cannot be completed before the handover conversation."))
    errors.raise_if_any()
    regisseur = handover.regisseur
    assert regisseur is not None
    with transaction.atomic():
        _move_version(handover, expected_version)
        current = household.status
        if not Household.objects.filter(id=household.id, status=current, second_line_regisseur=regisseur).update(
            status=HouseholdStatus.HANDED_OVER, status_since=date, updated_at=timezone.now()
        ):
            raise ValidationError(
                {"non_field_errors": _("Someone else has just changed this household. Reload and try again.")}
            )
        StatusChange.objects.create(
            household=household,
            from_status=current,
            to_status=HouseholdStatus.HANDED_OVER,
            date=date,
            reason=(_("Warm handover to %(regisseur)s") % {"regisseur": regisseur})[:REASON_MAX],
            changed_by=access.user,
        )
        Task.objects.filter(household=household, status=TaskStatus.OPEN).update(assigned_to=regisseur)
        household.status, household.status_since = HouseholdStatus.HANDED_OVER, date
        handover.status = HandoverStatus.COMPLETED
        handover.completed_by = access.user
        handover.completed_on = date
        handover.save(update_fields=["status", "completed_by", "completed_on"])
        _log(access, handover, AccessAction.UPDATE, f"completed: status {current}→handed_over")
    return handover


def handover_cancel(*, access: AccessContext, handover: Handover, expected_version: int, reason: str) -> Handover:
    """Cancel a handover that is not completed, with the reason; a sent one takes the case director's
    access back (the household was never handed over)."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_status(errors, handover, *ACTIVE_HANDOVER_STATUSES)
    _require_team_side(errors, access.user, handover)
    _validate_reason(errors, reason, _("Give the reason for cancelling the handover."))
    errors.raise_if_any()
    with transaction.atomic():
        _move_version(handover, expected_version)
        if handover.status == HandoverStatus.SENT:
            Household.objects.filter(id=handover.household_id, second_line_regisseur=handover.regisseur_id).update(
                second_line_regisseur=None
            )
            # Tasks given to the case director during the shared ownership go back to the contact person.
            contact_person_id = handover.household.contact_person_id
            if contact_person_id is not None:
                Task.objects.filter(
                    household_id=handover.household_id, status=TaskStatus.OPEN, assigned_to_id=handover.regisseur_id
                ).update(assigned_to_id=contact_person_id)
        _end_approval_tasks(handover, TaskStatus.CANCELLED, access.user)
        handover.status = HandoverStatus.CANCELLED
        handover.cancelled_by = access.user
        handover.cancelled_at = timezone.now()
        handover.cancel_reason = reason.strip()
        handover.save(update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason"])
        _log(access, handover, AccessAction.UPDATE, "cancelled")
    return handover


# --- back to the first line (afschalen) -----------------------------------------------------------------


def back_status(household: Household, on: datetime.date) -> str:
    """Where a household returns to: in progress with an active plan; otherwise plan when its intake is
    complete (a new plan is made), else intake."""
    if Plan.objects.filter(household=household, status=PlanStatus.ACTIVE).exists():
        return HouseholdStatus.IN_PROGRESS
    complete = household.measurements.filter(status=MeasurementStatus.COMPLETE).exists()
    if complete and not intake_gaps(household, on):
        return HouseholdStatus.PLAN
    return HouseholdStatus.INTAKE


def handover_back(
    *,
    access: AccessContext,
    household: Household,
    reason: str,
    team_id: int | None = None,
    contact_person_id: int | None = None,
    texts: dict[str, str] | None = None,
    date: datetime.date | None = None,
) -> Handover:
    """The case director returns a handed-over household to a first-line team (its own team by default),
    with a summary (drafted like the handover's, reviewed by the case director). The contact person is the
    one chosen in that team; without one, the team's coordinator is contact person for now and gets a task
    to name one. The status returns to an open one (`back_status`); the case director's access ends (the
    handover keeps who it was). The status history shows the step."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    date = date or timezone.localdate()
    if household.status != HouseholdStatus.HANDED_OVER or household.second_line_regisseur_id != access.user.id:
        errors.add(
            "non_field_errors",
            _("Only the case director of a household handed over to the second line hands it back."),
        )
        errors.raise_if_any()
    team = household.team if team_id is None else Team.objects.filter(id=team_id).first()
    if team is None:
        errors.add("team", _("Choose a neighbourhood team."))
    contact_person = None
    coordinator = None
    if team is not None:
        candidates = {user.id: user for user in contact_person_candidates(team.id)}
        if contact_person_id is not None:
            contact_person = candidates.get(contact_person_id)
            if contact_person is None:
                errors.add("contact_person", _("Choose a social worker or coordinator of that team."))
        else:
            coordinator = _coordinator_of(team)
            if coordinator is None:
                errors.add("contact_person", _("The team has no coordinator to name one: choose the contact person."))
            contact_person = coordinator
    texts = dict(texts or {})
    _validate_texts(errors, texts)
    _validate_reason(errors, reason, _("Give the reason for handing the household back."))
    with errors.field("date"):
        validate_not_future(date)
    if date < household.status_since:
        errors.add("date", _("The date cannot lie before the current status began."))
    errors.raise_if_any()
    assert team is not None and contact_person is not None
    summary = build_summary(household, date).as_dict() | {name: _clean(value) for name, value in texts.items()}
    to_status = back_status(household, date)
    regisseur = access.user
    with transaction.atomic():
        # One person, one open household: a member may have been registered elsewhere meanwhile.
        household_services.lock_bsn_register()
        conflicts = household_services.reopen_conflicts(household=household)
        if conflicts:
            raise ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "The household cannot go back while a member is in another open household; agree "
                            "with that team who continues first."
                        ),
                        *conflicts,
                    ]
                }
            )
        if not Household.objects.filter(
            id=household.id, status=HouseholdStatus.HANDED_OVER, second_line_regisseur=regisseur
        ).update(
            status=to_status,
            status_since=date,
            team=team,
            contact_person=contact_person,
            second_line_regisseur=None,
            updated_at=timezone.now(),
        ):
            raise ValidationError(
                {"non_field_errors": _("Someone else has just changed this household. Reload and try again.")}
            )
        StatusChange.objects.create(
            household=household,
            from_status=HouseholdStatus.HANDED_OVER,
            to_status=to_status,
            date=date,
            reason=reason.strip(),
            changed_by=regisseur,
        )
        if contact_person.id != household.contact_person_id:
            ContactPersonChange.objects.create(
                household=household,
                from_user_id=household.contact_person_id,
                to_user=contact_person,
                reason=reason.strip(),
                changed_by=regisseur,
            )
        Task.objects.filter(household=household, status=TaskStatus.OPEN).update(assigned_to=contact_person, team=team)
        handover = Handover.objects.create(
            household=household,
            direction=HandoverDirection.BACK_TO_TEAM,
            status=HandoverStatus.COMPLETED,
            team=team,
            regisseur=regisseur,
            contact_person=contact_person if coordinator is None else None,
            created_by=regisseur,
            sent_by=regisseur,
            sent_at=timezone.now(),
            completed_by=regisseur,
            completed_on=date,
            **summary,
        )
        if coordinator is not None:
            Task.objects.create(
                household=household,
                team=team,
                assigned_to=coordinator,
                created_by=regisseur,
                title=(
                    _("%(household)s is back from the second line: name its contact person")
                    % {"household": household.name}
                )[:TITLE_MAX],
                due_date=add_working_days(date if date > timezone.localdate() else timezone.localdate(), 2),
            )
        _log(access, handover, AccessAction.UPDATE, f"back to team {team.id}: status handed_over→{to_status}")
    household.refresh_from_db()
    return handover
