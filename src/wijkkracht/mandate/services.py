"""Writes of measures (issue 12): propose, approve, reject, withdraw, pay.

Every service validates everything first (`ErrorCollector`: every problem at once, nothing saved), then writes in
one transaction together with its access-log row. The rules (see `mandate.policy` and `docs/architecture.md`):

- a role takes a kind of measure only under a mandate rule (`policy.rule(role, kind)`); within the rule's bounds
  (amount, months from start to end — an open end counts as above a months bound —, percentage) the measure is
  approved at once, above any bound it waits for a second person with the rule's `above` role (step
  `mandate`); without `above` it is refused;
- a sanction needs its hearing (date not in the future, what the client said) before it can be decided;
- a kind that spends from the budget spends from the team's budget of its start year: more than what remains
  needs a second step `budget` by `policy.financing.beyond_budget` (a manager). When the last pending step is
  approved the budget is checked again (without the measure itself); if it no longer fits and there was no
  budget step, one is added and the measure stays proposed;
- an approver has the step's role, is a member of the measure's team and is never the decider (also a database
  constraint, `measureapproval_not_by_proposer`); approving decides every pending step of the approver's role;
- approval requests become tasks for the approvers who work with cases (coordinators), closed when decided;
  a manager finds theirs on the approvals page (`selectors.pending_approvals`);
- withdraw (reason) by the decider or a coordinator of the team: proposed or approved, not once paid;
- pay (`paid_on` ≤ today, not before the approval): an approved measure that spends from the budget;
- an amount is more than zero, at most two decimals and at most `MAX_AMOUNT` (a page passes it as typed,
  Dutch "1.234,50" included; the API passes a Decimal it read with `parse_api_decimal`); the start lies within
  a year of today (`START_WINDOW`), either way.

A manager's write is access-logged with purpose "goedkeuring budget": the manager has no case access and acts
on the measure only through its approval step.
"""

import dataclasses
import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import CASE_ROLES, Role, User
from wijkkracht.common.dates import add_working_days
from wijkkracht.common.locking import stale_error
from wijkkracht.common.validation import ErrorCollector, invisible_characters, validate_not_future
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import Person
from wijkkracht.households.selectors import household_get_for_update
from wijkkracht.households.services import refuse_if_closed, system_task_create, system_tasks_close
from wijkkracht.mandate.budget import team_budget
from wijkkracht.mandate.models import (
    NOTE_MAX,
    REASON_MAX,
    ApprovalDecision,
    ApprovalStep,
    Measure,
    MeasureApproval,
    MeasureStatus,
)
from wijkkracht.mandate.policy import CENT, MAX_AMOUNT, MandatePolicy, MandateRule, MeasureKind, mandate_policy
from wijkkracht.mandate.policy import months_between as policy_months_between
from wijkkracht.mandate.selectors import BUDGET_PURPOSE, measure_for_write
from wijkkracht.plans.models import Goal, PlanStatus
from wijkkracht.privacy.access import AccessContext, require_case_worker, team_ids_of
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record
from wijkkracht.teams.models import Team

LEGAL_GROUND_MAX = 300
#: Working days an approver gets for an approval request (the task's due date).
APPROVAL_WORKING_DAYS = 2
#: A start at most this far from today, either way: quick action decides now, not long ago or long ahead.
START_WINDOW = datetime.timedelta(days=366)
#: A number as Dutch people type it in a form: "450", "450,50", "1.450,50", "1450.50", ",5": digits with one
#: decimal separator, or dots between groups of three digits and a decimal comma. No exponent ("1e3"), no "_".
_TYPED_PLAIN = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)", re.ASCII)
_THOUSANDS_DOT = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?", re.ASCII)
#: A number in the API (JSON): digits with "." as the only decimal separator (no thousands separators, no
#: comma, no exponent), so "12.345" is twelve euros and 345 thousandths (refused: at most two decimals).
_API_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?", re.ASCII)


# --- parsing and messages -------------------------------------------------------------------------------


def euros(amount: Decimal) -> str:
    """An amount as people read it: "€ 450,00" (in the active language's number format)."""
    return f"€ {number_format(amount, decimal_pos=2, force_grouping=True)}"


def _finite(text: str, value: Any) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def parse_decimal(value: Any) -> Decimal | None:
    """A number as typed in a form: 450, "450", "450,50", "€ 1.450,50", "1450.50". Dots between groups of three
    digits are thousands separators ("12.345" is twelve thousand); an exponent ("1e3") is no number. None when
    empty; raises ValueError when it is not a number. Rounding is never silent: the caller checks the decimals.
    A Decimal is taken as it is: the API parses its numbers itself (`parse_api_decimal`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(value)
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return _finite(repr(value), value)
    if not isinstance(value, str):
        raise ValueError(value)
    text = value.strip().replace("€", "").replace("%", "").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if _THOUSANDS_DOT.fullmatch(text):  # Dutch "1.450,50"
        text = text.replace(".", "").replace(",", ".")
    elif _TYPED_PLAIN.fullmatch(text):
        text = text.replace(",", ".")
    else:
        raise ValueError(value)
    return _finite(text, value)


def parse_api_decimal(value: Any) -> Decimal | None:
    """A number as the API takes it: a JSON number, or a string of digits with "." as the only decimal separator
    ("450", "450.50"): no thousands separators, no comma, no exponent, no currency sign, no spaces. So `12.345`
    is 12.345 (the service refuses the third decimal), never twelve thousand. None when null or ""; raises
    ValueError when it is not such a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):  # the JSON decoder's number: its shortest exact text
        return _finite(repr(value), value)
    if not isinstance(value, str):
        raise ValueError(value)
    if not value:
        return None
    if not _API_NUMBER.fullmatch(value):
        raise ValueError(value)
    return _finite(value, value)


def api_number_message(field: str) -> str:
    """Why the API refuses a number it cannot read (`parse_api_decimal`), in the service's words."""
    if field == "percentage":
        return _("Give the percentage as a number with a point for the decimals, for example 20 or 12.5.")
    return _("Give the amount in euros as a number with a point for the cents, for example 450 or 450.50.")


def _amount_problem(amount: Decimal) -> str | None:
    if amount < 0:
        return _("The amount cannot be below zero.")
    if amount != amount.quantize(CENT):
        return _("Give the amount with at most two decimals (whole cents).")
    if amount > MAX_AMOUNT:
        return _("The amount is at most %(max)s.") % {"max": euros(MAX_AMOUNT)}
    return None


def _percentage_problem(percentage: Decimal) -> str | None:
    if percentage <= 0 or percentage > 100:
        return _("Give a percentage above 0, at most 100.")
    if percentage != percentage.quantize(CENT):
        return _("Give the percentage with at most two decimals.")
    return None


def _validate_text(
    errors: ErrorCollector, field: str, value: Any, *, blank: str, max_length: int, required: bool = True
) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            errors.add(field, blank)
        return ""
    if len(text) > max_length:
        errors.add(field, _("At most %(max)d characters.") % {"max": max_length})
    elif invisible_characters(text):
        errors.add(field, _("Remove the invisible characters from this text."))
    return text


def _role_label(role: str) -> str:
    try:
        return str(Role(role).label).lower()
    except ValueError:
        return role


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


# --- the mandate ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MandateCheck:
    """How a proposed measure stands against the proposer's mandate rule: the bounds it goes over (Dutch
    phrases, empty when within)."""

    over: tuple[str, ...]

    @property
    def within(self) -> bool:
        return not self.over


def mandate_check(
    rule: MandateRule,
    *,
    amount: Decimal | None,
    percentage: Decimal | None,
    start_date: datetime.date,
    end_date: datetime.date | None,
) -> MandateCheck:
    """Which of the rule's bounds the measure goes over; an open end goes over a bound in months."""
    over: list[str] = []
    limit = rule.up_to
    if limit.amount is not None and amount is not None and amount > limit.amount:
        over.append(_("the amount is above %(max)s") % {"max": euros(limit.amount)})
    if limit.percentage is not None and percentage is not None and percentage > limit.percentage:
        over.append(_("the percentage is above %(max)s%%") % {"max": number_format(limit.percentage, decimal_pos=None)})
    if limit.months is not None:
        if end_date is None:
            over.append(_("it has no end, and your mandate goes up to %(months)d months") % {"months": limit.months})
        elif end_date >= start_date and policy_months_between(start_date, end_date) > limit.months:
            over.append(_("it lasts longer than %(months)d months") % {"months": limit.months})
    return MandateCheck(over=tuple(over))


def _approvers(team_id: int, role: str, exclude_user_id: int) -> list[User]:
    """The active members of the team with the role who can approve (never the decider)."""
    return list(
        User.objects.filter(memberships__team_id=team_id, role=role, is_active=True)
        .exclude(id=exclude_user_id)
        .distinct()
        .order_by("id")
    )


def _task_key(approval: MeasureApproval) -> str:
    return f"measure-approval:{approval.id}"


def _request_approval(measure: Measure, step: str, role: str, now: datetime.datetime) -> MeasureApproval:
    """One approval step, and a task for every approver who works with cases (a manager has no task list)."""
    approval = MeasureApproval.objects.create(
        measure=measure, step=step, role=role, proposer_id=measure.decided_by_id, requested_at=now
    )
    if role in CASE_ROLES:
        due = add_working_days(timezone.localdate(), APPROVAL_WORKING_DAYS)
        title = (
            _("Approve measure: %(kind)s") % {"kind": measure.kind_name}
            if step == ApprovalStep.MANDATE
            else _("Approve spending beyond the budget: %(kind)s") % {"kind": measure.kind_name}
        )
        for approver in _approvers(measure.team_id, role, measure.decided_by_id):
            system_task_create(
                household=measure.household, assigned_to=approver, title=title, due_date=due, key=_task_key(approval)
            )
    return approval


def _budget_fits(measure: Measure, *, policy: MandatePolicy, today: datetime.date, exclude_self: bool) -> bool:
    if not measure.spends_budget or measure.amount is None:
        return True
    budget = team_budget(
        measure.team,
        measure.start_date.year,
        today,
        policy,
        exclude_measure_id=measure.id if exclude_self else 0,
    )
    return measure.amount <= budget.remaining


def _log(access: AccessContext, measure: Measure, action: AccessAction, what: str) -> None:
    access_log_record(
        access=access,
        household_id=measure.household_id,
        person_id=None if access.purpose == BUDGET_PURPOSE else measure.person_id,
        action=action,
        what=what,
    )


# --- propose --------------------------------------------------------------------------------------------


def _parse_number(errors: ErrorCollector, field: str, value: Any, *, invalid: str) -> tuple[Decimal | None, bool]:
    """The number typed in `field` and whether something was typed at all (a wrong value counts as typed)."""
    try:
        number = parse_decimal(value)
    except ValueError:
        errors.add(field, invalid)
        return None, True
    if number is None:
        return None, False
    problem = _amount_problem(number) if field == "amount" else _percentage_problem(number)
    if problem:
        errors.add(field, problem)
        return None, True
    return number, True


def _parse_quantity(
    errors: ErrorCollector,
    kind: MeasureKind | None,
    *,
    amount: Any,
    percentage: Any,
) -> tuple[Decimal | None, Decimal | None]:
    """The amount and percentage, each only for a kind measured in it; the other is refused when given."""
    parsed_amount, amount_given = _parse_number(
        errors, "amount", amount, invalid=_("Give the amount in euros, for example 450 or 450,50.")
    )
    parsed_percentage, percentage_given = _parse_number(
        errors, "percentage", percentage, invalid=_("Give the percentage as a number, for example 20.")
    )
    if kind is None:
        return parsed_amount, parsed_percentage
    if kind.has_amount and not amount_given:
        errors.add("amount", _("Give the amount of this measure in euros."))
    elif kind.has_amount and parsed_amount is not None and parsed_amount <= 0:
        errors.add("amount", _("The amount must be more than zero."))
        parsed_amount = None
    elif not kind.has_amount and amount_given:
        errors.errors.pop("amount", None)  # one message: this kind has none
        errors.add("amount", _("This kind of measure has no amount."))
        parsed_amount = None
    if kind.has_percentage and not percentage_given:
        errors.add("percentage", _("Give the percentage of this measure."))
    elif not kind.has_percentage and percentage_given:
        errors.errors.pop("percentage", None)
        errors.add("percentage", _("This kind of measure has no percentage."))
        parsed_percentage = None
    return parsed_amount, parsed_percentage


def measure_propose(
    *,
    access: AccessContext,
    household_id: int,
    person_id: int | None,
    kind_code: str,
    reason: str,
    start_date: datetime.date | None,
    legal_ground: str = "",
    amount: Decimal | str | None = None,
    percentage: Decimal | str | None = None,
    end_date: datetime.date | None = None,
    goal_id: int | None = None,
    hearing_date: datetime.date | None = None,
    hearing_statement: str = "",
) -> Measure:
    """Decide a measure for a member of a household (a case worker of its team). Within the decider's mandate
    and the team's budget it is approved at once; otherwise it is proposed and waits for the approvals it
    needs (tasks for the approving coordinators). A household the user may not see: 404. Every problem: one
    ValidationError naming the fields (`kind`, `person`, `reason`, `legal_ground`, `amount`, `percentage`,
    `start_date`, `end_date`, `goal`, `hearing_date`, `hearing_statement`, `household`), nothing saved."""
    require_case_worker(access.user)
    household = household_get_for_update(access=access, household_id=household_id, what="measures")
    user = access.user
    policy = mandate_policy()
    today = timezone.localdate()
    errors = ErrorCollector()
    refuse_if_closed(errors, household, user)

    kind = policy.kind(kind_code) if isinstance(kind_code, str) else None
    rule = policy.rule(user.role, kind.code) if kind is not None else None
    if kind is None:
        errors.add("kind", _("Choose a kind of measure."))
    elif rule is None:
        errors.add(
            "kind",
            _("Your role (%(role)s) has no mandate for this kind of measure: %(kind)s.")
            % {"role": _role_label(user.role), "kind": kind.name},
        )

    person = Person.objects.filter(id=person_id, household=household).first() if person_id else None
    if person is None:
        errors.add("person", _("Choose the member of this household the measure is for."))

    reason = _validate_text(
        errors, "reason", reason, blank=_("Give the reason for this measure."), max_length=REASON_MAX
    )
    legal_ground = _validate_text(
        errors, "legal_ground", legal_ground, blank="", max_length=LEGAL_GROUND_MAX, required=False
    )
    if not legal_ground and kind is not None:
        legal_ground = kind.legal_ground
    parsed_amount, parsed_percentage = _parse_quantity(errors, kind, amount=amount, percentage=percentage)

    if not isinstance(start_date, datetime.date):
        errors.add("start_date", _("Give the date the measure starts."))
        start_date = None
    elif start_date < today - START_WINDOW:
        errors.add(
            "start_date",
            _("The start lies more than a year back; the earliest start is %(date)s.")
            % {"date": _day(today - START_WINDOW)},
        )
    elif start_date > today + START_WINDOW:
        errors.add(
            "start_date",
            _("The start lies more than a year ahead; the latest start is %(date)s.")
            % {"date": _day(today + START_WINDOW)},
        )
    if end_date is not None and not isinstance(end_date, datetime.date):
        errors.add("end_date", _("Give the end as a date."))
        end_date = None
    if start_date is not None and end_date is not None and end_date < start_date:
        errors.add(
            "end_date",
            _("The end (%(end)s) cannot lie before the start (%(start)s).")
            % {"end": _day(end_date), "start": _day(start_date)},
        )

    goal = None
    if goal_id:
        goal = Goal.objects.filter(id=goal_id, plan__household=household, plan__status=PlanStatus.ACTIVE).first()
        if goal is None:
            errors.add("goal", _("Choose a goal of this household's active plan, or none."))

    hearing_statement = _validate_text(
        errors, "hearing_statement", hearing_statement, blank="", max_length=REASON_MAX, required=False
    )
    if hearing_date is not None:
        with errors.field("hearing_date"):
            validate_not_future(hearing_date)
    if kind is not None and kind.sanction:
        if hearing_date is None:
            errors.add(
                "hearing_date",
                _("A sanction is decided only after the client was heard: give the date of the hearing."),
            )
        if not hearing_statement:
            errors.add("hearing_statement", _("A sanction needs what the client said at the hearing."))

    check = None
    if rule is not None and start_date is not None and "end_date" not in errors.errors:
        check = mandate_check(
            rule, amount=parsed_amount, percentage=parsed_percentage, start_date=start_date, end_date=end_date
        )
        if not check.within:
            if rule.above is None:
                errors.add(
                    "kind",
                    _("This measure is above your mandate (%(over)s), and no one can approve that for your role.")
                    % {"over": "; ".join(check.over)},
                )
            elif not _approvers(household.team_id, rule.above, user.id):
                errors.add(
                    "kind",
                    _(
                        "This measure is above your mandate (%(over)s) and needs the approval of a %(role)s of "
                        "the team, but the team has none."
                    )
                    % {"over": "; ".join(check.over), "role": _role_label(rule.above)},
                )
    errors.raise_if_any()
    assert kind is not None and rule is not None and person is not None and start_date is not None
    assert check is not None

    with transaction.atomic():
        team = Team.objects.select_for_update().get(id=household.team_id)  # one budget decision at a time
        now = timezone.now()
        measure = Measure(
            household=household,
            person=person,
            team=team,
            kind_code=kind.code,
            kind_name=kind.name,
            is_sanction=kind.sanction,
            spends_budget=kind.spends_budget,
            reason=reason,
            legal_ground=legal_ground,
            amount=parsed_amount if kind.has_amount else None,
            percentage=parsed_percentage if kind.has_percentage else None,
            start_date=start_date,
            end_date=end_date,
            goal=goal,
            hearing_date=hearing_date,
            hearing_statement=hearing_statement,
            status=MeasureStatus.PROPOSED,
            decided_by=user,
            decided_at=now,
            mandate_rule=rule.as_dict(),
            within_mandate=check.within,
        )
        needs_budget_step = not _budget_fits(measure, policy=policy, today=today, exclude_self=False)
        beyond = policy.financing.beyond_budget
        if needs_budget_step and not _approvers(team.id, beyond, user.id):
            raise ValidationError(
                {
                    "amount": _(
                        "This amount is more than remains of the team's budget for %(year)d, and spending beyond "
                        "the budget needs the approval of a %(role)s of the team, but the team has none."
                    )
                    % {"year": start_date.year, "role": _role_label(beyond)}
                }
            )
        if check.within and not needs_budget_step:
            measure.status = MeasureStatus.APPROVED
            measure.approved_at = now
        measure.save()
        if not check.within:
            assert rule.above is not None
            _request_approval(measure, ApprovalStep.MANDATE, rule.above, now)
        if needs_budget_step:
            _request_approval(measure, ApprovalStep.BUDGET, beyond, now)
        household_figures_refresh(household_ids=[household.id])
        _log(access, measure, AccessAction.CREATE, f"measure {measure.id} {kind.code} {measure.status}")
    return measure


# --- approve and reject ---------------------------------------------------------------------------------


def _already_decided(approval: MeasureApproval) -> ValidationError:
    approval.refresh_from_db()
    return ValidationError(
        {
            "decision": _("This approval was already decided by %(who)s on %(when)s. Nothing was changed.")
            % {
                "who": approval.decided_by or _("someone else"),
                "when": date_format(timezone.localtime(approval.decided_at), "j F Y H:i")
                if approval.decided_at
                else "",
            }
        },
        code="already",
    )


def _steps_to_decide(access: AccessContext, measure: Measure, approval_id: int | None) -> list[MeasureApproval]:
    """The pending steps of the measure this user may decide, or a ValidationError saying why none."""
    user = access.user
    if measure.status != MeasureStatus.PROPOSED:
        raise ValidationError(
            {
                "decision": _("This measure is %(status)s; it no longer waits for approval.")
                % {"status": str(measure.get_status_display()).lower()}
            },
            code="not_proposed",
        )
    pending = list(measure.approvals.filter(decision=ApprovalDecision.PENDING).order_by("id"))
    if measure.decided_by_id == user.id:
        raise ValidationError(
            {"decision": _("You decided this measure yourself: a second person must approve it (four eyes).")},
            code="own_measure",
        )
    mine = [step for step in pending if step.role == user.role]
    if not mine:
        roles = ", ".join(dict.fromkeys(_role_label(step.role) for step in pending))
        raise ValidationError(
            {
                "decision": _("This measure waits for approval by a %(roles)s; your role cannot decide it.")
                % {"roles": roles}
            }
            if roles
            else {"decision": _("This measure waits for no approval.")},
            code="not_your_step",
        )
    if approval_id is not None and approval_id not in {step.id for step in mine}:
        raise ValidationError(
            {"decision": _("This approval step is not yours to decide, or it was decided already.")},
            code="not_your_step",
        )
    if measure.team_id not in team_ids_of(user) or not user.is_active:
        raise ValidationError(
            {"decision": _("Only a member of the measure's team can approve it.")}, code="not_team_member"
        )
    return mine


def _close_tasks(measure: Measure, steps: list[MeasureApproval], by: User, *, cancelled: bool, reason: str) -> None:
    for step in steps:
        system_tasks_close(
            household_id=measure.household_id, key=_task_key(step), by=by, cancelled=cancelled, reason=reason
        )


def _decide(
    access: AccessContext, measure_id: int, decision: str, note: str, approval_id: int | None
) -> tuple[AccessContext, Measure, list[MeasureApproval]]:
    access, measure = measure_for_write(access=access, measure_id=measure_id)
    errors = ErrorCollector()
    if decision == ApprovalDecision.REJECTED:
        note = _validate_text(
            errors, "note", note, blank=_("Give the reason for rejecting this measure."), max_length=NOTE_MAX
        )
    else:
        note = _validate_text(errors, "note", note, blank="", max_length=NOTE_MAX, required=False)
    if not measure.household.is_open:
        errors.add("household", _("This household is closed, so its measures can no longer be decided."))
    try:
        steps = _steps_to_decide(access, measure, approval_id)
    except ValidationError as error:
        for field, messages in error.error_dict.items():
            for message in messages:
                errors.add(field, message)
        steps = []
    errors.raise_if_any()
    now = timezone.now()
    for step in steps:
        changed = MeasureApproval.objects.filter(id=step.id, decision=ApprovalDecision.PENDING).update(
            decision=decision, decided_by=access.user, decided_at=now, note=note
        )
        if not changed:
            raise _already_decided(step)
        step.decision, step.decided_by, step.decided_at, step.note = decision, access.user, now, note
    return access, measure, steps


def measure_approve(
    *, access: AccessContext, measure_id: int, note: str = "", approval_id: int | None = None
) -> Measure:
    """Approve the pending steps of the measure that the user's role decides (a member of the measure's team,
        never its decider). When no step is pending any more the budget is checked again: the measure is approved
        (committing its amount), or gets a budget step and stays proposed. 404 for a measure the user may not see
        through their cases or their approvals; every refusal a ValidationError (`decision`, `note`). `approval_id`
    (the API's `/approvals/{id}/approve/`): that step must be among those the user decides."""
    policy = mandate_policy()
    today = timezone.localdate()
    with transaction.atomic():
        access, measure, steps = _decide(access, measure_id, ApprovalDecision.APPROVED, note, approval_id)
        Team.objects.select_for_update().filter(id=measure.team_id).first()  # one budget decision at a time
        _close_tasks(measure, steps, access.user, cancelled=False, reason=_("Approved."))
        now = timezone.now()
        what = f"measure {measure.id} approval {'+'.join(step.step for step in steps)} approved"
        if not measure.approvals.filter(decision=ApprovalDecision.PENDING).exists():
            has_budget_step = measure.approvals.filter(step=ApprovalStep.BUDGET).exists()
            if not has_budget_step and not _budget_fits(measure, policy=policy, today=today, exclude_self=True):
                beyond = policy.financing.beyond_budget
                if not _approvers(measure.team_id, beyond, measure.decided_by_id):
                    raise ValidationError(
                        {
                            "decision": _(
                                "The team's budget no longer covers this amount, and spending beyond the budget "
                                "needs the approval of a %(role)s of the team, but the team has none."
                            )
                            % {"role": _role_label(beyond)}
                        }
                    )
                _request_approval(measure, ApprovalStep.BUDGET, beyond, now)
                what += "; budget step added"
            else:
                changed = Measure.objects.filter(id=measure.id, status=MeasureStatus.PROPOSED).update(
                    status=MeasureStatus.APPROVED, approved_at=now, lock_version=F("lock_version") + 1
                )
                if not changed:
                    raise ValidationError({"decision": _("This measure changed just now. Read it again and retry.")})
                what += "; measure approved"
        household_figures_refresh(household_ids=[measure.household_id])
        _log(access, measure, AccessAction.UPDATE, what)
    measure.refresh_from_db()
    return measure


def measure_reject(*, access: AccessContext, measure_id: int, note: str, approval_id: int | None = None) -> Measure:
    """Reject the measure (reason required) by deciding a pending step of the user's role: the measure is
    rejected; the open tasks of its other steps are cancelled."""
    with transaction.atomic():
        access, measure, steps = _decide(access, measure_id, ApprovalDecision.REJECTED, note, approval_id)
        now = timezone.now()
        changed = Measure.objects.filter(id=measure.id, status=MeasureStatus.PROPOSED).update(
            status=MeasureStatus.REJECTED,
            ended_at=now,
            ended_by=access.user,
            end_reason=steps[0].note,
            lock_version=F("lock_version") + 1,
        )
        if not changed:
            raise ValidationError({"decision": _("This measure changed just now. Read it again and retry.")})
        _close_tasks(measure, steps, access.user, cancelled=False, reason=_("Rejected."))
        others = list(measure.approvals.filter(decision=ApprovalDecision.PENDING))
        _close_tasks(measure, others, access.user, cancelled=True, reason=_("The measure was rejected."))
        household_figures_refresh(household_ids=[measure.household_id])
        _log(access, measure, AccessAction.UPDATE, f"measure {measure.id} rejected")
    measure.refresh_from_db()
    return measure


# --- withdraw and pay -----------------------------------------------------------------------------------


def _stale() -> ValidationError:
    return stale_error(_("Someone else changed this measure since you read it. Read it again and retry."))


def measure_withdraw(*, access: AccessContext, measure_id: int, reason: str, lock_version: int) -> Measure:
    """Withdraw a proposed or approved measure (reason required), by its decider or a coordinator of its team;
    an approved amount is no longer committed. Refused once paid, for a rejected or withdrawn measure, and
    for a stale `lock_version`."""
    require_case_worker(access.user)
    access, measure = measure_for_write(access=access, measure_id=measure_id)
    user = access.user
    errors = ErrorCollector()
    refuse_if_closed(errors, measure.household, user)
    reason = _validate_text(
        errors, "reason", reason, blank=_("Give the reason for withdrawing this measure."), max_length=NOTE_MAX
    )
    is_coordinator = user.role == Role.TEAM_COORDINATOR and measure.team_id in team_ids_of(user)
    if measure.decided_by_id != user.id and not is_coordinator:
        errors.add("status", _("Only the decider or a coordinator of the team can withdraw this measure."))
    if measure.paid_on is not None:
        errors.add(
            "status",
            _("This measure was paid on %(date)s and can no longer be withdrawn.") % {"date": _day(measure.paid_on)},
        )
    elif measure.status not in (MeasureStatus.PROPOSED, MeasureStatus.APPROVED):
        errors.add(
            "status",
            _("This measure is %(status)s and can no longer be withdrawn.")
            % {"status": str(measure.get_status_display()).lower()},
        )
    errors.raise_if_any()
    if measure.lock_version != lock_version:
        raise _stale()
    with transaction.atomic():
        now = timezone.now()
        changed = Measure.objects.filter(
            id=measure.id,
            lock_version=lock_version,
            status__in=(MeasureStatus.PROPOSED, MeasureStatus.APPROVED),
            paid_on__isnull=True,
        ).update(
            status=MeasureStatus.WITHDRAWN,
            ended_at=now,
            ended_by=user,
            end_reason=reason,
            lock_version=F("lock_version") + 1,
        )
        if not changed:
            raise _stale()
        pending = list(measure.approvals.filter(decision=ApprovalDecision.PENDING))
        _close_tasks(measure, pending, user, cancelled=True, reason=_("The measure was withdrawn."))
        household_figures_refresh(household_ids=[measure.household_id])
        _log(access, measure, AccessAction.UPDATE, f"measure {measure.id} withdrawn")
    measure.refresh_from_db()
    return measure


def measure_pay(*, access: AccessContext, measure_id: int, paid_on: datetime.date | None) -> Measure:
    """Record that an approved measure with an amount from the budget was paid (by a case worker of the team):
    its amount moves from committed to spent. The day is not in the future nor before the approval."""
    require_case_worker(access.user)
    access, measure = measure_for_write(access=access, measure_id=measure_id)
    errors = ErrorCollector()
    refuse_if_closed(errors, measure.household, access.user)
    if not measure.spends_budget:
        errors.add("status", _("This kind of measure spends nothing from the budget, so it is not paid."))
    elif measure.paid_on is not None:
        errors.add("status", _("This measure was already paid on %(date)s.") % {"date": _day(measure.paid_on)})
    elif measure.status != MeasureStatus.APPROVED:
        errors.add(
            "status",
            _("Only an approved measure can be paid; this one is %(status)s.")
            % {"status": str(measure.get_status_display()).lower()},
        )
    if not isinstance(paid_on, datetime.date):
        errors.add("paid_on", _("Give the date it was paid."))
    else:
        if paid_on > timezone.localdate():
            errors.add("paid_on", _("The date of payment cannot lie in the future."))
        elif measure.approved_at is not None and paid_on < timezone.localdate(measure.approved_at):
            errors.add(
                "paid_on",
                _("The date of payment cannot lie before the approval (%(date)s).")
                % {"date": _day(timezone.localdate(measure.approved_at))},
            )
    errors.raise_if_any()
    with transaction.atomic():
        changed = Measure.objects.filter(id=measure.id, status=MeasureStatus.APPROVED, paid_on__isnull=True).update(
            paid_on=paid_on, paid_by=access.user, lock_version=F("lock_version") + 1
        )
        if not changed:
            raise ValidationError({"status": _("This measure changed just now. Read it again and retry.")})
        household_figures_refresh(household_ids=[measure.household_id])
        _log(access, measure, AccessAction.UPDATE, f"measure {measure.id} paid")
    measure.refresh_from_db()
    return measure
