"""The household's lifecycle: the rules that look at more than one part of the case file (the intake in
the diagnosis, the open tasks, the plan) before a household moves on, closes or reopens. They live here,
in one module, so the page and the API apply the same rules.

- **Forward**: registered → intake → plan ⇄ in progress; to plan only when the intake is complete.
- **Closed**, from any open status (and by the case director from "handed over"): every open task of the
  household is decided in the same step (done or cancelled, one decision per task, none left open) and
  the active plan closes with it (`plans.services.plan_close`). After closing, the household is
  read-only: the services of households, diagnosis and plans refuse writes.
- **Handed over to the second line** only through a warm handover (`casefile.handover_services`): a
  summary, the case director within the caseload norm (or with the coordinator's approval), the joint
  conversation. The plan and the open tasks go with the household: the case director works the case
  (contacts, tasks, plan, measurements, status) and the team reads it. Who may write is one rule,
  `privacy.access.write_refusal`. The way back (afschalen) is the case director's, through the same module.
- **Reopen**: only a coordinator of the household's team, with a reason, back to intake (a new plan is
  started after a new intake). Reopening a handed-over household (for instance when its case director has
  left) ends the case director's access to it (least access: the team works with it again)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkkracht.accounts.models import Role, User
from wijkkracht.casefile.models import ACTIVE_HANDOVER_STATUSES
from wijkkracht.common.validation import ErrorCollector, validate_not_future
from wijkkracht.diagnosis.rules import intake_gaps
from wijkkracht.households import services as household_services
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import (
    ALLOWED_TRANSITIONS,
    ContactPersonChange,
    Household,
    HouseholdStatus,
    StatusChange,
    Task,
    TaskStatus,
)
from wijkkracht.plans.models import Plan, PlanStatus
from wijkkracht.plans.services import plan_close
from wijkkracht.privacy.access import AccessContext, coordinated_teams_of, require_case_worker, write_refusal
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record

#: Closing: open tasks are decided and the active plan closes in the same step. (A handover to the second
#: line is not a status change of its own: see `casefile.handover_services`.)
LEAVING_STATUSES = frozenset({HouseholdStatus.CLOSED})
#: What a coordinator of the household's team can reopen.
REOPENABLE_STATUSES = frozenset({HouseholdStatus.CLOSED, HouseholdStatus.HANDED_OVER})
#: What may happen to an open task when its household leaves.
TASK_OUTCOMES = (TaskStatus.DONE, TaskStatus.CANCELLED)
REASON_MAX = 500


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


@dataclass(frozen=True)
class TaskOutcome:
    """The decision on one open task when its household closes: done or cancelled."""

    task_id: int
    outcome: str


def open_tasks_of(household: Household) -> list[Task]:
    """The household's open tasks, in the order the closing form lists them."""
    return list(
        Task.objects.filter(household=household, status=TaskStatus.OPEN)
        .select_related("assigned_to")
        .order_by("due_date", "id")
    )


def _validate_reason(errors: ErrorCollector, reason: str, message: str) -> None:
    if not reason.strip():
        errors.add("reason", message)
    elif len(reason) > REASON_MAX:
        errors.add("reason", _("The reason has at most 500 characters."))


def _validate_task_outcomes(
    errors: ErrorCollector, open_tasks: list[Task], outcomes: Sequence[TaskOutcome]
) -> dict[int, str]:
    """One decision per open task; errors are keyed like the API's body (`tasks.<index>.outcome`)."""
    by_id = {task.id: task for task in open_tasks}
    decided: dict[int, str] = {}
    for index, item in enumerate(outcomes):
        if item.task_id not in by_id:
            errors.add(f"tasks.{index}.task", _("This is not an open task of this household."))
            continue
        if item.task_id in decided:
            errors.add(f"tasks.{index}.task", _("This task has been decided already."))
            continue
        if item.outcome not in TASK_OUTCOMES:
            errors.add(
                f"tasks.{index}.outcome",
                _("Mark “%(task)s” as done or cancelled.") % {"task": by_id[item.task_id].title},
            )
            continue
        decided[item.task_id] = item.outcome
    given = {item.task_id for item in outcomes}
    missing = [task.title for task in open_tasks if task.id not in given]
    if missing:
        errors.add(
            "tasks",
            ngettext(
                "Decide whether the open task %(tasks)s is done or cancelled.",
                "Decide for every open task whether it is done or cancelled: %(tasks)s.",
                len(missing),
            )
            % {"tasks": ", ".join(f"“{title}”" for title in missing)},
        )
    return decided


def household_status_change(
    *,
    access: AccessContext,
    household: Household,
    to_status: str,
    reason: str,
    date: datetime.date | None = None,
    regisseur_id: int | None = None,
    task_outcomes: Sequence[TaskOutcome] = (),
) -> Household:
    """Move a household along its lifecycle. Closing decides every open task (`task_outcomes`) and closes
    the active plan, all in one step: either everything is saved or nothing. Handing over to the second
    line is refused here: it goes through the warm handover (`casefile.handover_services`). `regisseur_id`
    is accepted for callers of the former handover and ignored."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    date = date or timezone.localdate()
    current = HouseholdStatus(household.status)
    leaving = to_status in LEAVING_STATUSES
    refusal = write_refusal(access.user, household)
    if refusal is not None and current != HouseholdStatus.CLOSED:
        errors.add("to_status", refusal)
        leaving = False
    elif to_status == HouseholdStatus.HANDED_OVER and household.is_open:
        errors.add(
            "to_status",
            _(
                "A household goes to the second line through a warm handover: start the handover from the case "
                "file (a summary, the case director, the handover conversation)."
            ),
        )
    elif to_status not in HouseholdStatus.values:
        errors.add("to_status", _("Unknown status."))
    elif to_status not in ALLOWED_TRANSITIONS[current]:
        if not ALLOWED_TRANSITIONS[current]:
            message = _("A household with status “%(current)s” cannot change status any more.")
        else:
            message = _("A household cannot go from “%(current)s” to “%(target)s”. Possible: %(allowed)s.")
        errors.add(
            "to_status",
            message
            % {
                "current": current.label,
                "target": HouseholdStatus(to_status).label,
                "allowed": ", ".join(str(HouseholdStatus(s).label) for s in sorted(ALLOWED_TRANSITIONS[current])),
            },
        )
        leaving = False
    if current == HouseholdStatus.INTAKE and to_status == HouseholdStatus.PLAN:
        gaps = intake_gaps(household, date)
        if gaps:
            errors.add(
                "to_status",
                _(
                    "The intake is not complete: score work and the participation ladder for every adult, "
                    "or record why not. %(gaps)s."
                )
                % {"gaps": "; ".join(gaps)},
            )
    _validate_reason(errors, reason, _("Give the reason for this status change."))
    with errors.field("date"):
        validate_not_future(date)
    if date < household.status_since:
        errors.add("date", _("The date cannot lie before the current status began."))
    open_tasks = open_tasks_of(household)
    decided: dict[int, str] = {}
    plan = None
    if leaving:
        decided = _validate_task_outcomes(errors, open_tasks, task_outcomes)
        plan = Plan.objects.filter(household=household, status=PlanStatus.ACTIVE).first()
        if plan is not None and date < plan.plan_date:
            errors.add(
                "date",
                _("The active plan started on %(date)s; the household cannot close before that.")
                % {"date": _day(plan.plan_date)},
            )
    elif task_outcomes:
        errors.add("tasks", _("Open tasks are decided only when the household is closed or handed over."))
    if leaving and household.handovers.filter(status__in=ACTIVE_HANDOVER_STATUSES).exists():
        errors.add(
            "to_status",
            _("A handover to the second line is in progress: complete or cancel it before closing the household."),
        )
    errors.raise_if_any()

    with transaction.atomic():
        # Lock the row: of two colleagues changing the status at the same moment, the second is refused.
        if (
            Household.objects.select_for_update().filter(id=household.id).values_list("status", flat=True).get()
            != current
        ):
            raise ValidationError(
                {"to_status": _("Someone else has just changed the status of this household. Reload and try again.")}
            )
        if leaving:
            _finish_tasks(access, household, decided, reason.strip())
            if plan is not None:
                plan_close(access=access, plan=plan, on=date, reason=reason)
        StatusChange.objects.create(
            household=household,
            from_status=current,
            to_status=to_status,
            date=date,
            reason=reason.strip(),
            changed_by=access.user,
        )
        household.status = to_status
        household.status_since = date
        household.save(update_fields=["status", "status_since", "updated_at"])
        # The end of first-line support counts in the outcomes (issue 11).
        household_figures_refresh(household_ids=[household.id])
        access_log_record(
            access=access, household_id=household.id, action=AccessAction.UPDATE, what=f"status {current}→{to_status}"
        )
    return household


def _finish_tasks(access: AccessContext, household: Household, decided: dict[int, str], reason: str) -> None:
    """Inside the status change's transaction, with the household's row locked: every open task gets its
    decision; a task added or finished by someone else meanwhile refuses the whole change."""
    still_open = set(
        Task.objects.select_for_update()
        .filter(household=household, status=TaskStatus.OPEN)
        .values_list("id", flat=True)
    )
    if still_open != set(decided):
        raise ValidationError(
            {"tasks": _("The open tasks of this household changed while you were deciding. Reload and try again.")}
        )
    now = timezone.now()
    for outcome in TASK_OUTCOMES:
        ids = [task_id for task_id, decision in decided.items() if decision == outcome]
        if ids:
            Task.objects.filter(id__in=ids, status=TaskStatus.OPEN).update(
                status=outcome, done_at=now, done_by=access.user, reason=reason[:REASON_MAX]
            )
    household_figures_refresh(household_ids=[household.id])


def can_reopen(user: User, household: Household) -> bool:
    """Only a coordinator of the household's own team reopens a closed or handed-over household."""
    return household.status in REOPENABLE_STATUSES and coordinated_teams_of(user).filter(id=household.team_id).exists()


def contact_person_candidates(team_id: int) -> "list[User]":
    """Who can be a household's contact person in a team (reopening, the way back from the second line):
    its active workers and coordinators."""
    return list(
        User.objects.filter(
            memberships__team_id=team_id,
            role__in=(Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def household_reopen(
    *,
    access: AccessContext,
    household: Household,
    reason: str,
    contact_person_id: int | None = None,
    date: datetime.date | None = None,
) -> Household:
    """Reopen a closed or handed-over household: back to intake, with a reason, by a coordinator of its
    team. The contact person stays when still in the team, or is the one named (the change is recorded
    with the same reason). A new plan is started after a new intake."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    date = date or timezone.localdate()
    current = HouseholdStatus(household.status)
    if current not in REOPENABLE_STATUSES:
        errors.add(
            "non_field_errors",
            _("Only a closed or handed-over household can be reopened; this one has status “%(status)s”.")
            % {"status": current.label},
        )
    if not coordinated_teams_of(access.user).filter(id=household.team_id).exists():
        raise ValidationError(
            _("Only a coordinator of the household's team can reopen it."), code="not_team_coordinator"
        )
    _validate_reason(errors, reason, _("Give the reason for reopening the household."))
    with errors.field("date"):
        validate_not_future(date)
    if date < household.status_since:
        errors.add("date", _("The date cannot lie before the current status began."))
    candidates = {user.id: user for user in contact_person_candidates(household.team_id)}
    wanted = contact_person_id if contact_person_id is not None else household.contact_person_id
    contact_person = candidates.get(wanted) if wanted is not None else None
    if contact_person is None:
        if contact_person_id is not None:
            errors.add("contact_person", _("Choose a social worker or coordinator of the household's team."))
        else:
            errors.add(
                "contact_person",
                _("The former contact person no longer works in this team: choose the new contact person."),
            )
    errors.raise_if_any()
    assert contact_person is not None
    with transaction.atomic():
        # One person, one open household: a member may have been registered by another team meanwhile.
        household_services.lock_bsn_register()
        conflicts = household_services.reopen_conflicts(household=household)
        if conflicts:
            raise ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "The household cannot be reopened while a member is in another open household; "
                            "agree with that team who continues first."
                        ),
                        *conflicts,
                    ]
                }
            )
        if (
            Household.objects.select_for_update().filter(id=household.id).values_list("status", flat=True).get()
            != current
        ):
            raise ValidationError(
                {
                    "non_field_errors": _(
                        "Someone else has just changed the status of this household. Reload and try again."
                    )
                }
            )
        StatusChange.objects.create(
            household=household,
            from_status=current,
            to_status=HouseholdStatus.INTAKE,
            date=date,
            reason=reason.strip(),
            changed_by=access.user,
        )
        if contact_person.id != household.contact_person_id:
            ContactPersonChange.objects.create(
                household=household,
                from_user_id=household.contact_person_id,
                to_user=contact_person,
                reason=reason.strip(),
                changed_by=access.user,
            )
        household.status = HouseholdStatus.INTAKE
        household.status_since = date
        household.contact_person = contact_person
        household.second_line_regisseur = None
        household.save(
            update_fields=["status", "status_since", "contact_person", "second_line_regisseur", "updated_at"]
        )
        household_figures_refresh(household_ids=[household.id])  # the contact person counts in the outcomes
        access_log_record(
            access=access, household_id=household.id, action=AccessAction.UPDATE, what=f"reopened {current}→intake"
        )
    return household
