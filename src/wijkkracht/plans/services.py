"""Writes to plans.

Locking is at the level of what is edited (`common/locking.py`): the plan's own facts (agreement, work-goal
reasons, evaluation) name the plan's `lock_version`, a change to a goal names that goal's, a change to an
action (its status, its checklist) that action's. A change based on an older version is refused with what
changed meanwhile and by whom (`PlanChange`), so no update is lost, while colleagues who edit different
goals or actions of one plan never refuse each other. Adding a goal or an action, and deciding on a
suggestion, need no version: they change nothing anyone else is editing (a suggestion is decided once).

Every write of a goal or action takes the plan's row lock first, so an evaluation (which closes the version
and carries its goals and actions on) and an edit of the same plan never interleave."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.locking import stale_error, version_advance
from wijkkracht.common.validation import (
    ErrorCollector,
    invisible_characters,
    validate_name,
    validate_not_before,
    validate_not_future,
    validate_within_years_ahead,
)
from wijkkracht.diagnosis.models import Measurement, MeasurementStatus
from wijkkracht.diagnosis.rules import intake_gaps
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import Household, HouseholdStatus
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.plans.models import (
    TEXT_MAX,
    Action,
    ActionStatus,
    Goal,
    GoalOutcome,
    OwnerType,
    Plan,
    PlanChange,
    PlanStatus,
    Suggestion,
    SuggestionStatus,
    WorkGoalReason,
)
from wijkkracht.plans.rules import domain_severities, matching_rules
from wijkkracht.privacy.access import AccessContext, require_case_worker, write_refusal
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record

#: Actions that are still running carry on, with their checklist, when their goal goes to the next version.
RUNNING_ACTIONS = (ActionStatus.PLANNED, ActionStatus.ACTIVE)


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def _closed_error() -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: [_("This plan version is closed and can no longer be changed.")]})


# --- locking ----------------------------------------------------------------------------------------------


def _log_change(
    access: AccessContext,
    plan: Plan,
    summary: str,
    *,
    lock_version: int,
    goal: Goal | None = None,
    action: Action | None = None,
) -> None:
    PlanChange.objects.create(
        plan=plan, goal=goal, action=action, lock_version=lock_version, summary=summary[:300], changed_by=access.user
    )
    access_log_record(
        access=access, household_id=plan.household_id, action=AccessAction.UPDATE, what=f"plan: {summary}"[:200]
    )


def _what_changed(changes: QuerySet[PlanChange]) -> str:
    return "; ".join(f"{change.changed_by}: {change.summary}" for change in changes.select_related("changed_by"))


def _lock_active_plan(plan: Plan) -> None:
    """Inside the caller's transaction: hold the plan's row until commit, or refuse when it is closed."""
    if not Plan.objects.select_for_update().filter(id=plan.id, status=PlanStatus.ACTIVE).exists():
        raise _closed_error()


def _move_plan_version(access: AccessContext, plan: Plan, expected_version: int, summary: str) -> None:
    """Inside the caller's transaction: a change of the plan's own facts moves the plan's version."""
    if not version_advance(
        Plan.objects.filter(id=plan.id, status=PlanStatus.ACTIVE), expected_version=expected_version
    ):
        if not Plan.objects.filter(id=plan.id, status=PlanStatus.ACTIVE).exists():
            raise _closed_error()
        since = PlanChange.objects.filter(
            plan=plan, goal__isnull=True, action__isnull=True, lock_version__gt=expected_version
        )
        raise stale_error(
            _("Someone else changed this plan while you were editing it (%(changes)s). Reload the plan and try again.")
            % {"changes": _what_changed(since) or _("unknown change")}
        )
    plan.lock_version = expected_version + 1
    _log_change(access, plan, summary, lock_version=plan.lock_version)


def _move_goal_version(access: AccessContext, goal: Goal, expected_version: int, summary: str) -> None:
    _lock_active_plan(goal.plan)
    if not version_advance(Goal.objects.filter(id=goal.id), expected_version=expected_version):
        since = PlanChange.objects.filter(goal=goal, lock_version__gt=expected_version)
        raise stale_error(
            _("Someone else changed this goal while you were editing it (%(changes)s). Reload the plan and try again.")
            % {"changes": _what_changed(since) or _("unknown change")}
        )
    goal.lock_version = expected_version + 1
    _log_change(access, goal.plan, summary, lock_version=goal.lock_version, goal=goal)


def _move_action_version(access: AccessContext, action: Action, expected_version: int, summary: str) -> None:
    _lock_active_plan(action.goal.plan)
    if not version_advance(Action.objects.filter(id=action.id), expected_version=expected_version):
        since = PlanChange.objects.filter(action=action, lock_version__gt=expected_version)
        raise stale_error(
            _(
                "Someone else changed this action while you were editing it (%(changes)s). "
                "Reload the plan and try again."
            )
            % {"changes": _what_changed(since) or _("unknown change")}
        )
    action.lock_version = expected_version + 1
    _log_change(access, action.goal.plan, summary, lock_version=action.lock_version, action=action)


def _validate_title(errors: ErrorCollector, field: str, value: str) -> None:
    """A one-line title or name: invisible control or format characters are refused, not removed."""
    if invisible_characters(value):
        with errors.field(field):
            validate_name(value)


def _require_active(errors: ErrorCollector, plan: Plan, user: User) -> None:
    """A write to a plan: the version must be active, and the user one who may write to the household's
    case file (`privacy.access.write_refusal`: the team of an open household, the case director of a
    handed-over one)."""
    if not plan.is_active:
        errors.add(NON_FIELD_ERRORS, _("This plan version is closed and can no longer be changed."))
        return
    refusal = write_refusal(user, plan.household)
    if refusal is not None:
        errors.add(NON_FIELD_ERRORS, refusal)


# --- starting a plan --------------------------------------------------------------------------------------


def default_baseline(household: Household, on: datetime.date) -> Measurement | None:
    """The starting point when none is chosen: the latest complete measurement up to `on`, preferring
    the household-level one (such as the integrale nulmeting, which covers every domain of the household)
    over a member's; a member's latest only when the household has no household-level measurement."""
    complete = Measurement.objects.filter(household=household, status=MeasurementStatus.COMPLETE, date__lte=on)
    latest = ("-date", "-moment", "-id")
    return complete.filter(person__isnull=True).order_by(*latest).first() or complete.order_by(*latest).first()


def _validate_intake_complete(errors: ErrorCollector, household: Household, on: datetime.date) -> None:
    """The same rule as the status change to plan: intake started, measured, work scored for each adult."""
    if household.status == HouseholdStatus.REGISTERED:
        errors.add(
            "household",
            _(
                "The intake of this household has not started yet (status “Registered”). Hold the intake and "
                "complete the diagnosis before you start the plan."
            ),
        )
        return
    if not Measurement.objects.filter(household=household, status=MeasurementStatus.COMPLETE).exists():
        errors.add(
            "household",
            _("This household has no completed measurement yet. Complete the 0-meting before you start the plan."),
        )
        return
    gaps = intake_gaps(household, on)
    if gaps:
        errors.add(
            "household",
            _(
                "The intake is not complete: score work and the participation ladder for every adult, "
                "or record why not. %(gaps)s."
            )
            % {"gaps": "; ".join(gaps)},
        )


def plan_start(
    *,
    access: AccessContext,
    household: Household,
    plan_date: datetime.date,
    evaluation_date: datetime.date,
    baseline_id: int | None = None,
) -> Plan:
    """Start the household's plan once its intake is complete; the working elements that apply are
    offered as suggestions. Without a chosen starting point the baseline is `default_baseline`."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    if household.status == HouseholdStatus.CLOSED:
        errors.add("household", _("This household is closed or handed over; it gets no new plan."))
    elif (refusal := write_refusal(access.user, household)) is not None:
        errors.add("household", refusal)
    else:
        _validate_intake_complete(errors, household, plan_date)
    if Plan.objects.filter(household=household, status=PlanStatus.ACTIVE).exists():
        errors.add("household", _("This household already has an active plan; evaluate it to start the next version."))
    with errors.field("plan_date"):
        validate_not_future(plan_date)
    if evaluation_date < plan_date:
        errors.add("evaluation_date", _("The evaluation date cannot lie before the plan date."))
    with errors.field("evaluation_date"):
        validate_within_years_ahead(evaluation_date)
    if baseline_id is not None:
        baseline = Measurement.objects.filter(
            id=baseline_id, household=household, status=MeasurementStatus.COMPLETE
        ).first()
        if baseline is None:
            errors.add("baseline", _("Choose a complete measurement of this household."))
        elif baseline.date > plan_date:
            errors.add(
                "baseline",
                _("The starting point cannot be measured after the plan date (%(date)s).") % {"date": _day(plan_date)},
            )
    else:
        baseline = default_baseline(household, plan_date)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            number = (
                Plan.objects.filter(household=household).order_by("-number").values_list("number", flat=True).first()
                or 0
            ) + 1
            plan = Plan.objects.create(
                household=household,
                number=number,
                plan_date=plan_date,
                evaluation_date=evaluation_date,
                baseline=baseline,
                created_by=access.user,
            )
            _add_suggestions(plan, household)
            PlanChange.objects.create(plan=plan, lock_version=1, summary=_("plan started"), changed_by=access.user)
            household_figures_refresh(household_ids=[household.id])
            access_log_record(
                access=access, household_id=household.id, action=AccessAction.CREATE, what=f"plan {number}"
            )
    except IntegrityError:
        # Two starts at the same moment: the database keeps one active plan (and one of each number).
        if Plan.objects.filter(household=household, status=PlanStatus.ACTIVE).exists():
            raise ValidationError(
                {
                    "household": _(
                        "Someone else has just started the plan of this household. Open that plan instead of "
                        "starting another one."
                    )
                },
                code="started_meanwhile",
            ) from None
        raise
    return plan


def plan_close(*, access: AccessContext, plan: Plan, on: datetime.date, reason: str) -> Plan:
    """Close the active plan with its household (closed, or handed over to the second line): the version
    stays as it is, read-only, with when and why it closed; a next plan starts only after a new intake.
    Called by the household's lifecycle (`casefile.services`) inside its own transaction."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, plan, access.user)
    with errors.field("date"):
        validate_not_future(on)
    if on < plan.plan_date:
        errors.add(
            "date",
            _("The plan cannot close before its plan date (%(date)s).") % {"date": _day(plan.plan_date)},
        )
    if not reason.strip():
        errors.add("reason", _("Give the reason for closing the plan."))
    elif len(reason) > 500:
        errors.add("reason", _("At most %(max)d characters.") % {"max": 500})
    errors.raise_if_any()
    with transaction.atomic():
        _lock_active_plan(plan)
        Plan.objects.filter(id=plan.id).update(status=PlanStatus.CLOSED, closed_on=on, closed_reason=reason.strip())
        PlanChange.objects.create(
            plan=plan, lock_version=plan.lock_version, summary=_("plan closed"), changed_by=access.user
        )
        household_figures_refresh(household_ids=[plan.household_id])
        access_log_record(
            access=access, household_id=plan.household_id, action=AccessAction.UPDATE, what=f"plan {plan.number} closed"
        )
    plan.status, plan.closed_on, plan.closed_reason = PlanStatus.CLOSED, on, reason.strip()
    return plan


# --- suggestions ------------------------------------------------------------------------------------------


def _severity_now(household: Household, domain_code: str) -> int | None:
    severity = domain_severities(household, plan_catalogue()).get(domain_code)
    return severity.rank if severity else None


def _add_suggestions(plan: Plan, household: Household) -> int:
    known = set(plan.suggestions.values_list("rule_code", flat=True))
    new = [
        Suggestion(plan=plan, rule_code=rule.code, domain_code=rule.domain, text=rule.goal)
        for rule in matching_rules(household, plan_catalogue(), timezone.localdate())
        if rule.code not in known
    ]
    Suggestion.objects.bulk_create(new)
    return len(new)


def plan_suggestions_refresh(*, access: AccessContext, plan: Plan) -> int:
    """Look again after new measurements or contacts; only working elements not offered in this version
    are added (a decision taken stays). Needs no version: it changes nothing anyone is editing."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, plan, access.user)
    errors.raise_if_any()
    with transaction.atomic():
        _lock_active_plan(plan)
        added = _add_suggestions(plan, plan.household)
        summary = ngettext(
            "suggestions refreshed (%(count)d new suggestion)",
            "suggestions refreshed (%(count)d new suggestions)",
            added,
        ) % {"count": added}
        PlanChange.objects.create(plan=plan, lock_version=plan.lock_version, summary=summary, changed_by=access.user)
        access_log_record(
            access=access, household_id=plan.household_id, action=AccessAction.UPDATE, what=f"plan: {summary}"[:200]
        )
    return added


def _decide(suggestion: Suggestion, **values: Any) -> None:
    """Inside the caller's transaction: a suggestion is decided once; of two decisions the second is refused."""
    if not Suggestion.objects.filter(id=suggestion.id, status=SuggestionStatus.OPEN).update(**values):
        raise ValidationError({"suggestion": [_("This suggestion has already been decided.")]})


def suggestion_dismiss(*, access: AccessContext, suggestion: Suggestion, reason: str) -> Suggestion:
    """Dismiss a suggestion with the reason. How severe its domain is now is kept with the decision: the
    suggestion comes back in a later version only when the domain got worse since."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, suggestion.plan, access.user)
    if suggestion.status != SuggestionStatus.OPEN:
        errors.add("suggestion", _("This suggestion has already been decided."))
    if not reason.strip():
        errors.add("reason", _("Say why this suggestion does not fit."))
    elif len(reason) > 500:
        errors.add("reason", _("At most %(max)d characters.") % {"max": 500})
    errors.raise_if_any()
    plan = suggestion.plan
    values = {
        "status": SuggestionStatus.DISMISSED,
        "reason": reason.strip(),
        "decided_by": access.user,
        "decided_at": timezone.now(),
        "decided_severity": _severity_now(plan.household, suggestion.domain_code),
    }
    with transaction.atomic():
        _lock_active_plan(plan)
        _decide(suggestion, **values)
        PlanChange.objects.create(
            plan=plan,
            lock_version=plan.lock_version,
            summary=(_("suggestion dismissed: %(text)s") % {"text": suggestion.text})[:300],
            changed_by=access.user,
        )
        access_log_record(
            access=access, household_id=plan.household_id, action=AccessAction.UPDATE, what="plan: suggestion dismissed"
        )
    for field, value in values.items():
        setattr(suggestion, field, value)
    return suggestion


# --- goals ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalData:
    """What a goal says: the same fields, checks and cleaning for adding a goal and for changing one."""

    domain_code: str
    client_words: str
    what: str
    indicator: str
    owner: str
    deadline: datetime.date | None
    person_id: int | None = None
    instrument_code: str = ""
    instrument_domain: str = ""
    target_score: int | None = None

    def model_values(self) -> dict[str, Any]:
        values = asdict(self)
        for field in ("client_words", "what", "indicator", "owner"):
            values[field] = values[field].strip()
        return values


def _validate_goal(errors: ErrorCollector, plan: Plan, data: GoalData) -> None:
    """Error keys are those of the API's body: `domain`, `person`, `instrument`, `instrument_domain`…"""
    if plan_catalogue().domain(data.domain_code) is None:
        errors.add("domain", _("Choose the life domain of this goal."))
    if data.person_id is not None and not plan.household.members.filter(id=data.person_id).exists():
        errors.add("person", _("Choose a member of this household, or the whole household."))
    for field, value, limit in (
        ("client_words", data.client_words, TEXT_MAX),
        ("what", data.what, 300),
        ("indicator", data.indicator, 300),
        ("owner", data.owner, 200),
    ):
        if not value.strip():
            errors.add(field, _("This field is required."))
        elif len(value) > limit:
            errors.add(field, _("At most %(max)d characters.") % {"max": limit})
        elif field != "client_words":
            _validate_title(errors, field, value)
    if data.deadline is None:
        errors.add("deadline", _("Give a deadline."))
    elif data.deadline < plan.plan_date:
        errors.add(
            "deadline",
            _("The deadline cannot lie before the plan date (%(date)s).") % {"date": _day(plan.plan_date)},
        )
    else:
        with errors.field("deadline"):
            validate_within_years_ahead(data.deadline)
    if data.instrument_code or data.instrument_domain or data.target_score is not None:
        version = instrument_catalogue().get(data.instrument_code)
        if version is None:
            errors.add("instrument", _("Choose an existing instrument for the indicator."))
        elif data.instrument_domain not in version.parsed.domain_codes:
            errors.add("instrument_domain", _("Choose a domain of that instrument for the indicator."))
        elif data.target_score is None or data.target_score not in version.parsed.values:
            errors.add("target_score", _("The target score must be a value of the instrument's scale."))


def goal_add(
    *,
    access: AccessContext,
    plan: Plan,
    data: GoalData,
    priority: bool = False,
    suggestion: Suggestion | None = None,
) -> Goal:
    """Add a goal; with a suggestion it accepts that working element, and the rule says whether the
    goal has priority (housing first). Needs no version: a new goal changes no one else's."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, plan, access.user)
    _validate_goal(errors, plan, data)
    if suggestion is not None and (suggestion.plan_id != plan.id or suggestion.status != SuggestionStatus.OPEN):
        errors.add("suggestion", _("This suggestion has already been decided."))
    errors.raise_if_any()
    if suggestion is not None:
        rule = plan_catalogue().rule(suggestion.rule_code)
        priority = priority or bool(rule and rule.priority)
    with transaction.atomic():
        _lock_active_plan(plan)
        goal = Goal.objects.create(plan=plan, priority=priority, **data.model_values())
        summary = _("goal added: %(what)s") % {"what": goal.what}
        if suggestion is not None:
            _decide(
                suggestion,
                status=SuggestionStatus.ACCEPTED,
                reason="",
                decided_by=access.user,
                decided_at=timezone.now(),
                goal=goal,
                decided_severity=_severity_now(plan.household, suggestion.domain_code),
            )
            summary = _("suggestion accepted: %(what)s") % {"what": goal.what}
        _log_change(access, plan, summary, lock_version=goal.lock_version, goal=goal)
    return goal


def goal_update(*, access: AccessContext, goal: Goal, expected_version: int, data: GoalData) -> Goal:
    """Change a goal of the active version: the same checks as adding one; locked on the goal's version."""
    require_case_worker(access.user)
    plan = goal.plan
    errors = ErrorCollector()
    _require_active(errors, plan, access.user)
    _validate_goal(errors, plan, data)
    errors.raise_if_any()
    values = data.model_values()
    with transaction.atomic():
        _move_goal_version(access, goal, expected_version, _("goal changed: %(what)s") % {"what": values["what"]})
        for field, value in values.items():
            setattr(goal, field, value)
        goal.save(update_fields=list(values))
    return goal


# --- actions ----------------------------------------------------------------------------------------------


def _validate_owner(
    errors: ErrorCollector,
    plan: Plan,
    owner_type: str,
    owner_person_id: int | None,
    owner_user_id: int | None,
    owner_name: str,
) -> None:
    if owner_type not in OwnerType.values:
        errors.add("owner_type", _("Choose who carries out the action."))
    elif owner_type == OwnerType.CLIENT:
        if owner_person_id is None or not plan.household.members.filter(id=owner_person_id).exists():
            errors.add("owner_person", _("Choose the member of the household who carries out the action."))
    elif owner_type == OwnerType.WORKER:
        if (
            owner_user_id is None
            or not User.objects.filter(
                id=owner_user_id,
                is_active=True,
                role__in=[Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR],
                memberships__team=plan.household.team,
            ).exists()
        ):
            errors.add("owner_user", _("Choose a social worker of the household's team."))
    elif not owner_name.strip():
        errors.add("owner_name", _("Name the person or organisation that carries out the action."))
    elif len(owner_name) > 200:
        errors.add("owner_name", _("At most %(max)d characters.") % {"max": 200})
    else:
        _validate_title(errors, "owner_name", owner_name)


def action_add(
    *,
    access: AccessContext,
    goal: Goal,
    description: str,
    owner_type: str,
    due_date: datetime.date | None,
    owner_person_id: int | None = None,
    owner_user_id: int | None = None,
    owner_name: str = "",
    method_code: str = "",
) -> Action:
    """An action under a goal, with who carries it out; a method with steps adds them as a checklist.
    Needs no version: a new action changes no one else's."""
    require_case_worker(access.user)
    plan = goal.plan
    errors = ErrorCollector()
    _require_active(errors, plan, access.user)
    if not description.strip():
        errors.add("description", _("Describe the action."))
    elif len(description) > 300:
        errors.add("description", _("At most %(max)d characters.") % {"max": 300})
    else:
        _validate_title(errors, "description", description)
    _validate_owner(errors, plan, owner_type, owner_person_id, owner_user_id, owner_name)
    if due_date is None:
        errors.add("due_date", _("Give a due date."))
    elif due_date < plan.plan_date:
        errors.add(
            "due_date", _("The due date cannot lie before the plan date (%(date)s).") % {"date": _day(plan.plan_date)}
        )
    else:
        with errors.field("due_date"):
            validate_within_years_ahead(due_date)
    method = plan_catalogue().method(method_code) if method_code else None
    if method_code and method is None:
        errors.add("method", _("Choose a method from the catalogue, or none."))
    errors.raise_if_any()
    assert due_date is not None
    with transaction.atomic():
        _lock_active_plan(plan)
        action = Action.objects.create(
            goal=goal,
            description=description.strip(),
            owner_type=owner_type,
            owner_person_id=owner_person_id if owner_type == OwnerType.CLIENT else None,
            owner_user_id=owner_user_id if owner_type == OwnerType.WORKER else None,
            owner_name=owner_name.strip() if owner_type not in (OwnerType.CLIENT, OwnerType.WORKER) else "",
            due_date=due_date,
            method_code=method_code,
            checklist=[{"step": step, "done": False} for step in (method.steps if method else ())],
        )
        _log_change(
            access, plan, _("action added: %(what)s") % {"what": action.description}, lock_version=1, action=action
        )
    return action


def action_update(
    *,
    access: AccessContext,
    action: Action,
    expected_version: int,
    status: str | None = None,
    done_steps: Sequence[int] | None = None,
) -> Action:
    """The action's status and the ticked steps of its checklist; locked on the action's version only."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, action.goal.plan, access.user)
    if status is not None and status not in ActionStatus.values:
        errors.add("status", _("Unknown status."))
    if done_steps is not None and any(not 0 <= index < len(action.checklist) for index in done_steps):
        errors.add("done_steps", _("Unknown step."))
    errors.raise_if_any()
    with transaction.atomic():
        fields = []
        if status is not None:
            action.status = status
            fields.append("status")
        if done_steps is not None:
            action.checklist = [
                {"step": item["step"], "done": index in done_steps} for index, item in enumerate(action.checklist)
            ]
            fields.append("checklist")
        done = sum(1 for item in action.checklist if item["done"])
        summary = _("action “%(what)s”: %(status)s") % {
            "what": action.description,
            "status": action.get_status_display(),
        }
        if action.checklist:
            summary += ", " + ngettext(
                "%(done)d of %(total)d step done", "%(done)d of %(total)d steps done", len(action.checklist)
            ) % {"done": done, "total": len(action.checklist)}
        _move_action_version(access, action, expected_version, summary)
        if fields:
            action.save(update_fields=fields)
    return action


# --- the plan's own facts ---------------------------------------------------------------------------------


def plan_agreement_record(
    *,
    access: AccessContext,
    plan: Plan,
    expected_version: int,
    discussed_on: datetime.date,
    agreed: bool,
    present_member_ids: Sequence[int],
    client_comment: str,
) -> Plan:
    """The plan is the household's: record when it was discussed, who was there, and what they said."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, plan, access.user)
    with errors.field("discussed_on"):
        validate_not_future(discussed_on)
    if discussed_on < plan.plan_date:
        errors.add("discussed_on", _("The plan cannot be discussed before its plan date."))
    members = set(present_member_ids)
    if not members:
        errors.add("present_members", _("Who of the household was present?"))
    elif plan.household.members.filter(id__in=members).count() != len(members):
        errors.add("present_members", _("Only members of this household can be present."))
    if len(client_comment) > TEXT_MAX:
        errors.add("client_comment", _("At most %(max)d characters.") % {"max": TEXT_MAX})
    errors.raise_if_any()
    with transaction.atomic():
        _move_plan_version(
            access,
            plan,
            expected_version,
            _("agreed with the household") if agreed else _("discussed with the household"),
        )
        plan.discussed_on = discussed_on
        plan.agreed_on = discussed_on if agreed else None
        plan.client_comment = client_comment.strip()
        plan.save(update_fields=["discussed_on", "agreed_on", "client_comment"])
        plan.present_members.set(members)
        household_figures_refresh(household_ids=[plan.household_id])  # an agreed plan counts in the outcomes
    return plan


def work_goal_reason_record(
    *, access: AccessContext, plan: Plan, expected_version: int, person_id: int, reason: str
) -> WorkGoalReason:
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, plan, access.user)
    if not plan.household.members.filter(id=person_id).exists():
        errors.add("person", _("Choose a member of this household."))
    if not reason.strip():
        errors.add("reason", _("Give the reason."))
    elif len(reason) > 500:
        errors.add("reason", _("At most %(max)d characters.") % {"max": 500})
    errors.raise_if_any()
    with transaction.atomic():
        _move_plan_version(access, plan, expected_version, _("reason recorded for no work goal"))
        record, _created = WorkGoalReason.objects.update_or_create(
            plan=plan, person_id=person_id, defaults={"reason": reason.strip(), "recorded_by": access.user}
        )
    return record


# --- evaluation -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeInput:
    goal_id: int
    outcome: str
    reason: str


def _outcome_list(outcomes: Mapping[int, tuple[str, str]] | Sequence[OutcomeInput]) -> list[OutcomeInput]:
    if isinstance(outcomes, Mapping):
        return [OutcomeInput(goal_id, outcome, reason) for goal_id, (outcome, reason) in outcomes.items()]
    return list(outcomes)


def evaluation_measurements(plan: Plan) -> QuerySet[Measurement]:
    """The measurements an evaluation can be based on: complete, and later than the plan's starting point
    (after the baseline's date, never the baseline itself; without a baseline after the plan date)."""
    queryset = Measurement.objects.filter(household_id=plan.household_id, status=MeasurementStatus.COMPLETE)
    if plan.baseline_id is not None and plan.baseline is not None:
        return queryset.filter(date__gt=plan.baseline.date).exclude(id=plan.baseline_id)
    return queryset.filter(date__gt=plan.plan_date)


def plan_evaluate(
    *,
    access: AccessContext,
    plan: Plan,
    expected_version: int,
    measurement_id: int | None,
    outcomes: Mapping[int, tuple[str, str]] | Sequence[OutcomeInput],
    next_evaluation_date: datetime.date,
    evaluated_on: datetime.date | None = None,
) -> Plan:
    """Close this version with an outcome per goal and a later measurement, and start the next version.

    What carries on: the goals not (fully) achieved, each with its running actions (planned or under way)
    and their checklist progress; the old version stays intact as history. Decisions on suggestions are
    remembered: an accepted one stays accepted (its goal running or achieved, so it is not offered
    again); a dismissed one stays dismissed with its reason, unless its domain got worse since the
    dismissal and its rule still applies: then it is offered again. Outcome errors are keyed like the
    API's body: `outcomes.<index>.outcome` / `.reason` (the index in `outcomes`)."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, plan, access.user)
    evaluated_on = evaluated_on or timezone.localdate()
    with errors.field("evaluated_on"):
        validate_not_future(evaluated_on)
    with errors.field("evaluated_on"):
        validate_not_before(evaluated_on, plan.plan_date, what=_("the plan date"))
    measurement = None
    if measurement_id is None:
        errors.add("measurement", _("Link the measurement this evaluation is based on."))
    else:
        candidate = Measurement.objects.filter(
            id=measurement_id, household=plan.household, status=MeasurementStatus.COMPLETE
        ).first()
        if candidate is None:
            errors.add("measurement", _("Choose a complete measurement of this household."))
        elif not evaluation_measurements(plan).filter(id=candidate.id).exists():
            if plan.baseline is not None:
                message = _(
                    "Choose a measurement taken after the plan's starting point (the measurement of %(date)s); "
                    "an evaluation compares with a later measurement."
                ) % {"date": _day(plan.baseline.date)}
            else:
                message = _("Choose a measurement taken after the plan date (%(date)s).") % {
                    "date": _day(plan.plan_date)
                }
            errors.add("measurement", message)
        else:
            measurement = candidate
            if evaluated_on < measurement.date:
                errors.add(
                    "evaluated_on",
                    _("The evaluation cannot lie before the measurement it is based on (%(date)s).")
                    % {"date": _day(measurement.date)},
                )
    goals = list(plan.goals.order_by("id"))
    by_id = {goal.id: goal for goal in goals}
    given = _outcome_list(outcomes)
    decided: dict[int, OutcomeInput] = {}
    for index, item in enumerate(given):
        goal = by_id.get(item.goal_id)
        if goal is None:
            errors.add(f"outcomes.{index}.goal", _("This goal is not part of this plan."))
            continue
        if item.goal_id in decided:
            errors.add(f"outcomes.{index}.goal", _("This goal has an outcome already."))
            continue
        decided[item.goal_id] = item
        if item.outcome not in GoalOutcome.values:
            errors.add(
                f"outcomes.{index}.outcome",
                _("Mark “%(goal)s” as achieved, partly or not achieved.") % {"goal": goal.what},
            )
        if not item.reason.strip():
            errors.add(
                f"outcomes.{index}.reason", _("Give the reason for the outcome of “%(goal)s”.") % {"goal": goal.what}
            )
        elif len(item.reason) > 500:
            errors.add(f"outcomes.{index}.reason", _("At most %(max)d characters.") % {"max": 500})
    missing = [goal.what for goal in goals if goal.id not in decided]
    if missing:
        errors.add(
            "outcomes",
            ngettext(
                "Give an outcome for the goal %(goals)s.", "Give an outcome for every goal: %(goals)s.", len(missing)
            )
            % {"goals": ", ".join(f"“{what}”" for what in missing)},
        )
    if next_evaluation_date < evaluated_on:
        errors.add("next_evaluation_date", _("The next evaluation date cannot lie before the evaluation."))
    with errors.field("next_evaluation_date"):
        validate_within_years_ahead(next_evaluation_date)
    errors.raise_if_any()
    with transaction.atomic():
        _move_plan_version(access, plan, expected_version, _("plan evaluated"))
        # The plan's row is ours now: a goal added meanwhile would go without an outcome.
        if set(plan.goals.values_list("id", flat=True)) != set(by_id):
            raise stale_error(_("Someone else added a goal while you were evaluating. Reload the plan and try again."))
        for goal in goals:
            goal.outcome, goal.outcome_reason = decided[goal.id].outcome, decided[goal.id].reason.strip()
        Goal.objects.bulk_update(goals, ["outcome", "outcome_reason"])
        Plan.objects.filter(id=plan.id).update(
            status=PlanStatus.EVALUATED, evaluated_on=evaluated_on, evaluation_measurement=measurement
        )
        next_plan = Plan.objects.create(
            household=plan.household,
            number=plan.number + 1,
            plan_date=evaluated_on,
            evaluation_date=next_evaluation_date,
            baseline=measurement,
            created_by=access.user,
        )
        copies = _carry_goals(next_plan, [goal for goal in goals if goal.outcome != GoalOutcome.ACHIEVED])
        _carry_suggestions(plan, next_plan, copies)
        _add_suggestions(next_plan, plan.household)
        PlanChange.objects.create(plan=next_plan, lock_version=1, summary=_("plan started"), changed_by=access.user)
        household_figures_refresh(household_ids=[plan.household_id])
        access_log_record(
            access=access, household_id=plan.household_id, action=AccessAction.CREATE, what=f"plan {next_plan.number}"
        )
    plan.status = PlanStatus.EVALUATED
    return next_plan


def _carry_goals(next_plan: Plan, carried: list[Goal]) -> dict[int, Goal]:
    """Copies of the goals that go on, with their running actions and checklist progress; old id → copy."""
    copies = {
        goal.id: Goal.objects.create(
            plan=next_plan,
            carried_from=goal,
            domain_code=goal.domain_code,
            person_id=goal.person_id,
            client_words=goal.client_words,
            what=goal.what,
            indicator=goal.indicator,
            instrument_code=goal.instrument_code,
            instrument_domain=goal.instrument_domain,
            target_score=goal.target_score,
            owner=goal.owner,
            deadline=max(goal.deadline, next_plan.evaluation_date),
            priority=goal.priority,
        )
        for goal in carried
    }
    running = Action.objects.filter(goal__in=carried, status__in=RUNNING_ACTIONS).order_by("id")
    Action.objects.bulk_create(
        [
            Action(
                goal=copies[action.goal_id],
                description=action.description,
                owner_type=action.owner_type,
                owner_person_id=action.owner_person_id,
                owner_user_id=action.owner_user_id,
                owner_name=action.owner_name,
                status=action.status,
                due_date=action.due_date,
                method_code=action.method_code,
                checklist=[dict(item) for item in action.checklist],
            )
            for action in running
        ]
    )
    return copies


def _carry_suggestions(plan: Plan, next_plan: Plan, copies: dict[int, Goal]) -> None:
    """Decisions on suggestions go on into the next version (open ones are looked at afresh)."""
    severities = domain_severities(plan.household, plan_catalogue())
    applies = {rule.code for rule in matching_rules(plan.household, plan_catalogue(), timezone.localdate())}
    carried = []
    for old in plan.suggestions.filter(~Q(status=SuggestionStatus.OPEN)).order_by("id"):
        new = Suggestion(
            plan=next_plan,
            rule_code=old.rule_code,
            domain_code=old.domain_code,
            text=old.text,
            status=old.status,
            decided_by_id=old.decided_by_id,
            decided_at=old.decided_at,
            decided_severity=old.decided_severity,
            reason=old.reason,
        )
        if old.status == SuggestionStatus.ACCEPTED:
            # Its goal runs on (linked to the copy) or was achieved: either way not offered again.
            new.goal = copies.get(old.goal_id) if old.goal_id else None
        else:
            now = severities.get(old.domain_code)
            if now is not None and now.rank > (old.decided_severity or 0) and old.rule_code in applies:
                # Got worse since the dismissal: offered again, open, with the earlier reason to read.
                new.status, new.decided_by_id, new.decided_at, new.decided_severity = (
                    SuggestionStatus.OPEN,
                    None,
                    None,
                    None,
                )
        carried.append(new)
    Suggestion.objects.bulk_create(carried)
