"""Writes to plans. Every change names the plan version it was based on (`expected_version`); a change
based on an older version is refused with what changed meanwhile, so no update is lost."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.validation import (
    ErrorCollector,
    invisible_characters,
    validate_name,
    validate_not_future,
    validate_within_years_ahead,
)
from wijkkracht.diagnosis.models import Measurement, MeasurementStatus
from wijkkracht.households.models import Household
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
from wijkkracht.plans.rules import matching_rules
from wijkkracht.privacy.access import AccessContext, require_case_worker
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record


def _record_change(access: AccessContext, plan: Plan, expected_version: int, summary: str) -> None:
    """Inside the caller's transaction: move the plan to the next version, or refuse a stale edit."""
    updated = Plan.objects.filter(id=plan.id, status=PlanStatus.ACTIVE, lock_version=expected_version).update(
        lock_version=F("lock_version") + 1
    )
    if not updated:
        if not Plan.objects.filter(id=plan.id, status=PlanStatus.ACTIVE).exists():
            raise ValidationError({"version": _("This plan version is closed and can no longer be changed.")})
        since = PlanChange.objects.filter(plan=plan, lock_version__gt=expected_version).select_related("changed_by")
        changes = "; ".join(f"{change.changed_by}: {change.summary}" for change in since)
        raise ValidationError(
            {
                "version": _(
                    "Someone else changed this plan while you were editing it (%(changes)s). "
                    "Reload the plan and try again."
                )
                % {"changes": changes or _("unknown change")}
            },
            code="stale",
        )
    plan.lock_version = expected_version + 1
    PlanChange.objects.create(plan=plan, lock_version=plan.lock_version, summary=summary[:300], changed_by=access.user)
    access_log_record(
        access=access, household_id=plan.household_id, action=AccessAction.UPDATE, what=f"plan: {summary}"[:200]
    )


def _validate_title(errors: ErrorCollector, field: str, value: str) -> None:
    """A one-line title or name: invisible control or format characters are refused, not removed."""
    if invisible_characters(value):
        with errors.field(field):
            validate_name(value)


def _require_active(errors: ErrorCollector, plan: Plan) -> None:
    if not plan.is_active:
        errors.add("version", _("This plan version is closed and can no longer be changed."))


def plan_start(
    *,
    access: AccessContext,
    household: Household,
    plan_date: datetime.date,
    evaluation_date: datetime.date,
    baseline_id: int | None = None,
) -> Plan:
    """Start the household's plan; the working elements that apply are offered as suggestions."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    if not household.is_open:
        errors.add("household", _("This household is closed or handed over; it gets no new plan."))
    if Plan.objects.filter(household=household, status=PlanStatus.ACTIVE).exists():
        errors.add("household", _("This household already has an active plan; evaluate it to start the next version."))
    with errors.field("plan_date"):
        validate_not_future(plan_date)
    if evaluation_date < plan_date:
        errors.add("evaluation_date", _("The evaluation date cannot lie before the plan date."))
    with errors.field("evaluation_date"):
        validate_within_years_ahead(evaluation_date)
    baseline = None
    if baseline_id is not None:
        baseline = Measurement.objects.filter(
            id=baseline_id, household=household, status=MeasurementStatus.COMPLETE
        ).first()
        if baseline is None:
            errors.add("baseline", _("Choose a complete measurement of this household."))
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


def _add_suggestions(plan: Plan, household: Household) -> int:
    known = set(plan.suggestions.values_list("rule_code", flat=True))
    new = [
        Suggestion(plan=plan, rule_code=rule.code, domain_code=rule.domain, text=rule.goal)
        for rule in matching_rules(household, plan_catalogue(), timezone.localdate())
        if rule.code not in known
    ]
    Suggestion.objects.bulk_create(new)
    return len(new)


def plan_suggestions_refresh(*, access: AccessContext, plan: Plan, expected_version: int) -> int:
    """Look again after new measurements or contacts; only working elements not offered before are added."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, plan)
    errors.raise_if_any()
    with transaction.atomic():
        added = _add_suggestions(plan, plan.household)
        _record_change(access, plan, expected_version, _("suggestions refreshed (%(count)d new)") % {"count": added})
    return added


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
    if plan_catalogue().domain(data.domain_code) is None:
        errors.add("domain_code", _("Choose the life domain of this goal."))
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
            _("The deadline cannot lie before the plan date (%(date)s).")
            % {"date": plan.plan_date.strftime("%d-%m-%Y")},
        )
    else:
        with errors.field("deadline"):
            validate_within_years_ahead(data.deadline)
    if data.instrument_code or data.instrument_domain or data.target_score is not None:
        version = instrument_catalogue().get(data.instrument_code)
        if version is None or data.instrument_domain not in version.parsed.domain_codes:
            errors.add("instrument_domain", _("Choose an existing instrument and domain for the indicator."))
        elif data.target_score is None or data.target_score not in version.parsed.values:
            errors.add("target_score", _("The target score must be a value of the instrument's scale."))


def goal_add(
    *,
    access: AccessContext,
    plan: Plan,
    expected_version: int,
    data: GoalData,
    priority: bool = False,
    suggestion: Suggestion | None = None,
) -> Goal:
    """Add a goal; with a suggestion it accepts that working element, and the rule says whether the
    goal has priority (housing first)."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, plan)
    _validate_goal(errors, plan, data)
    if suggestion is not None and (suggestion.plan_id != plan.id or suggestion.status != SuggestionStatus.OPEN):
        errors.add("suggestion", _("This suggestion has already been decided."))
    errors.raise_if_any()
    if suggestion is not None:
        rule = plan_catalogue().rule(suggestion.rule_code)
        priority = priority or bool(rule and rule.priority)
    with transaction.atomic():
        goal = Goal.objects.create(plan=plan, priority=priority, **data.model_values())
        summary = _("goal added: %(what)s") % {"what": goal.what}
        if suggestion is not None:
            Suggestion.objects.filter(id=suggestion.id).update(
                status=SuggestionStatus.ACCEPTED, decided_by=access.user, decided_at=timezone.now(), goal=goal
            )
            summary = _("suggestion accepted: %(what)s") % {"what": goal.what}
        _record_change(access, plan, expected_version, summary)
    return goal


def goal_update(*, access: AccessContext, goal: Goal, expected_version: int, data: GoalData) -> Goal:
    """Change a goal of the active version; the same checks as adding one, and the same lock."""
    require_case_worker(access.user)
    plan = goal.plan
    errors = ErrorCollector()
    _require_active(errors, plan)
    _validate_goal(errors, plan, data)
    errors.raise_if_any()
    values = data.model_values()
    with transaction.atomic():
        for field, value in values.items():
            setattr(goal, field, value)
        goal.save(update_fields=list(values))
        _record_change(access, plan, expected_version, _("goal changed: %(what)s") % {"what": goal.what})
    return goal


def suggestion_dismiss(
    *, access: AccessContext, suggestion: Suggestion, expected_version: int, reason: str
) -> Suggestion:
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, suggestion.plan)
    if suggestion.status != SuggestionStatus.OPEN:
        errors.add("suggestion", _("This suggestion has already been decided."))
    if not reason.strip():
        errors.add("reason", _("Say why this suggestion does not fit."))
    errors.raise_if_any()
    with transaction.atomic():
        suggestion.status = SuggestionStatus.DISMISSED
        suggestion.reason = reason.strip()[:500]
        suggestion.decided_by = access.user
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        _record_change(
            access, suggestion.plan, expected_version, _("suggestion dismissed: %(text)s") % {"text": suggestion.text}
        )
    return suggestion


def action_add(
    *,
    access: AccessContext,
    goal: Goal,
    expected_version: int,
    description: str,
    owner_type: str,
    due_date: datetime.date | None,
    owner_person_id: int | None = None,
    owner_user_id: int | None = None,
    owner_name: str = "",
    method_code: str = "",
) -> Action:
    """An action under a goal, with who carries it out; a method with steps adds them as a checklist."""
    require_case_worker(access.user)
    plan = goal.plan
    errors = ErrorCollector()
    _require_active(errors, plan)
    if not description.strip():
        errors.add("description", _("Describe the action."))
    elif len(description) > 300:
        errors.add("description", _("At most %(max)d characters.") % {"max": 300})
    else:
        _validate_title(errors, "description", description)
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
    else:
        _validate_title(errors, "owner_name", owner_name)
    if due_date is None:
        errors.add("due_date", _("Give a due date."))
    elif due_date < plan.plan_date:
        errors.add("due_date", _("The due date cannot lie before the plan date."))
    else:
        with errors.field("due_date"):
            validate_within_years_ahead(due_date)
    method = plan_catalogue().method(method_code) if method_code else None
    if method_code and method is None:
        errors.add("method_code", _("Unknown method."))
    errors.raise_if_any()
    assert due_date is not None
    with transaction.atomic():
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
        _record_change(access, plan, expected_version, _("action added: %(what)s") % {"what": action.description})
    return action


def action_update(
    *,
    access: AccessContext,
    action: Action,
    expected_version: int,
    status: str | None = None,
    done_steps: Sequence[int] | None = None,
) -> Action:
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, action.goal.plan)
    if status is not None and status not in ActionStatus.values:
        errors.add("status", _("Unknown status."))
    if done_steps is not None and any(not 0 <= index < len(action.checklist) for index in done_steps):
        errors.add("checklist", _("Unknown step."))
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
        action.save(update_fields=fields)
        _record_change(
            access,
            action.goal.plan,
            expected_version,
            _("action “%(what)s”: %(status)s") % {"what": action.description, "status": action.get_status_display()},
        )
    return action


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
    _require_active(errors, plan)
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
        plan.discussed_on = discussed_on
        plan.agreed_on = discussed_on if agreed else None
        plan.client_comment = client_comment.strip()
        plan.save(update_fields=["discussed_on", "agreed_on", "client_comment"])
        plan.present_members.set(members)
        _record_change(
            access,
            plan,
            expected_version,
            _("agreed with the household") if agreed else _("discussed with the household"),
        )
    return plan


def work_goal_reason_record(
    *, access: AccessContext, plan: Plan, expected_version: int, person_id: int, reason: str
) -> WorkGoalReason:
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, plan)
    if not plan.household.members.filter(id=person_id).exists():
        errors.add("person", _("Choose a member of this household."))
    if not reason.strip():
        errors.add("reason", _("Give the reason."))
    errors.raise_if_any()
    with transaction.atomic():
        record, _created = WorkGoalReason.objects.update_or_create(
            plan=plan, person_id=person_id, defaults={"reason": reason.strip()[:500], "recorded_by": access.user}
        )
        _record_change(access, plan, expected_version, _("reason recorded for no work goal"))
    return record


def plan_evaluate(
    *,
    access: AccessContext,
    plan: Plan,
    expected_version: int,
    measurement_id: int | None,
    outcomes: Mapping[int, tuple[str, str]],
    next_evaluation_date: datetime.date,
    evaluated_on: datetime.date | None = None,
) -> Plan:
    """Close this version with an outcome per goal and a new measurement, and start the next version
    with the goals that were not (fully) achieved."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    _require_active(errors, plan)
    evaluated_on = evaluated_on or timezone.localdate()
    with errors.field("evaluated_on"):
        validate_not_future(evaluated_on)
    measurement = None
    if measurement_id is None:
        errors.add("measurement", _("Link the measurement this evaluation is based on."))
    else:
        measurement = Measurement.objects.filter(
            id=measurement_id, household=plan.household, status=MeasurementStatus.COMPLETE
        ).first()
        if measurement is None:
            errors.add("measurement", _("Choose a complete measurement of this household."))
        elif measurement.date < plan.plan_date:
            errors.add("measurement", _("Choose a measurement taken since the plan started."))
    goals = list(plan.goals.all())
    for goal in goals:
        outcome, reason = outcomes.get(goal.id, ("", ""))
        if outcome not in GoalOutcome.values:
            errors.add(
                f"goal_{goal.id}", _("Mark “%(goal)s” as achieved, partly or not achieved.") % {"goal": goal.what}
            )
        elif not reason.strip():
            errors.add(f"goal_{goal.id}", _("Give the reason for the outcome of “%(goal)s”.") % {"goal": goal.what})
    if set(outcomes) - {goal.id for goal in goals}:
        errors.add("outcomes", _("An outcome refers to a goal of another plan."))
    if next_evaluation_date < evaluated_on:
        errors.add("next_evaluation_date", _("The next evaluation date cannot lie before today."))
    with errors.field("next_evaluation_date"):
        validate_within_years_ahead(next_evaluation_date)
    errors.raise_if_any()
    with transaction.atomic():
        for goal in goals:
            goal.outcome, goal.outcome_reason = outcomes[goal.id][0], outcomes[goal.id][1].strip()[:500]
        Goal.objects.bulk_update(goals, ["outcome", "outcome_reason"])
        _record_change(access, plan, expected_version, _("plan evaluated"))
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
        carried = [goal for goal in goals if goal.outcome != GoalOutcome.ACHIEVED]
        copies = Goal.objects.bulk_create(
            [
                Goal(
                    plan=next_plan,
                    domain_code=goal.domain_code,
                    person_id=goal.person_id,
                    client_words=goal.client_words,
                    what=goal.what,
                    indicator=goal.indicator,
                    instrument_code=goal.instrument_code,
                    instrument_domain=goal.instrument_domain,
                    target_score=goal.target_score,
                    owner=goal.owner,
                    deadline=max(goal.deadline, next_evaluation_date),
                    priority=goal.priority,
                )
                for goal in carried
            ]
        )
        # A working element accepted earlier goes on with its goal, so it is not suggested again.
        accepted = {s.goal_id: s for s in plan.suggestions.filter(status=SuggestionStatus.ACCEPTED, goal__in=carried)}
        Suggestion.objects.bulk_create(
            [
                Suggestion(
                    plan=next_plan,
                    rule_code=accepted[old.id].rule_code,
                    domain_code=accepted[old.id].domain_code,
                    text=accepted[old.id].text,
                    status=SuggestionStatus.ACCEPTED,
                    decided_by=accepted[old.id].decided_by,
                    decided_at=accepted[old.id].decided_at,
                    goal=new,
                )
                for old, new in zip(carried, copies, strict=True)
                if old.id in accepted
            ]
        )
        _add_suggestions(next_plan, plan.household)
        PlanChange.objects.create(plan=next_plan, lock_version=1, summary=_("plan started"), changed_by=access.user)
        access_log_record(
            access=access, household_id=plan.household_id, action=AccessAction.CREATE, what=f"plan {next_plan.number}"
        )
    plan.status = PlanStatus.EVALUATED
    return next_plan
