"""Pages of the measures (issue 12): propose a measure, its page with the approval steps and the actions the
user may take, the decision letter, and the approvals that wait for a coordinator or a manager.

Each view parses input, calls one selector or service, and renders. Who may see a measure is the selectors'
rule (`mandate.selectors`); who may decide, withdraw or pay is the services' rule: the pages only hide the
buttons the services would refuse, and explain why (the four-eyes rule)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkkracht.accounts.models import CASE_ROLES, Role, User
from wijkkracht.common.dates import add_working_days
from wijkkracht.common.decorators import case_worker_required
from wijkkracht.common.forms import apply_service_errors, with_choose_label
from wijkkracht.households.models import Household
from wijkkracht.households.selectors import household_get_for_update
from wijkkracht.mandate import selectors, services
from wijkkracht.mandate.budget import TeamBudget, team_budget
from wijkkracht.mandate.forms import ApprovalForm, MeasureProposeForm, PaymentForm, WithdrawForm
from wijkkracht.mandate.models import ApprovalDecision, ApprovalStep, Measure, MeasureApproval, MeasureStatus
from wijkkracht.mandate.policy import Limit, MandateRule, MeasureKind, mandate_policy
from wijkkracht.mandate.templatetags.measure_pages import euro, percent
from wijkkracht.privacy.access import AccessContext, coordinated_team_ids_of, team_ids_of, write_refusal
from wijkkracht.teams.models import Municipality

#: The measure's states that have a decision letter: it was approved at some moment.
LETTER_STATUSES = (MeasureStatus.APPROVED, MeasureStatus.WITHDRAWN)


# --- how amounts, limits and roles read ---------------------------------------------------------------------


def role_name(role: str) -> str:
    """A role as a sentence names it: "teamcoördinator", "manager"."""
    return str(Role(role).label).lower() if role in Role.values else role


def limit_text(limit: Limit) -> str:
    parts = []
    if limit.amount is not None:
        parts.append(euro(limit.amount))
    if limit.percentage is not None:
        parts.append(percent(limit.percentage))
    if limit.months is not None:
        parts.append(ngettext("%(count)d month", "%(count)d months", limit.months) % {"count": limit.months})
    return f" {_('and')} ".join(parts)


def mandate_text(rule: MandateRule) -> str:
    """What the user's mandate for a kind is, in one sentence part: "binnen uw mandaat tot € 250,00; daarboven
    keurt een teamcoördinator goed"."""
    bounds = [value for value in (rule.up_to.amount, rule.up_to.percentage, rule.up_to.months) if value is not None]
    if bounds and all(value == 0 for value in bounds):
        if rule.above:
            return _("always with the approval of a %(role)s") % {"role": role_name(rule.above)}
        return _("not within your mandate")
    if rule.above:
        return _("within your mandate up to %(limit)s; above that a %(role)s approves") % {
            "limit": limit_text(rule.up_to),
            "role": role_name(rule.above),
        }
    return _("within your mandate up to %(limit)s; above that you cannot take this measure") % {
        "limit": limit_text(rule.up_to)
    }


def decider_mandate_text(measure: Measure, rule: MandateRule) -> str:
    """The mandate a measure was decided under, as anyone reading the measure's page understands it: whose
    mandate it is ("binnen het mandaat van Bram Jansen (sociaal werker) tot € 250,00")."""
    names = {"name": person_name(measure.decided_by), "role": role_name(rule.role), "limit": limit_text(rule.up_to)}
    bounds = [value for value in (rule.up_to.amount, rule.up_to.percentage, rule.up_to.months) if value is not None]
    if bounds and all(value == 0 for value in bounds):
        return _("the mandate of %(name)s (%(role)s) always needs a second approval for this kind") % names
    if measure.within_mandate:
        return _("within the mandate of %(name)s (%(role)s) up to %(limit)s") % names
    return _("above the mandate of %(name)s (%(role)s), which goes up to %(limit)s") % names


def step_text(approval: MeasureApproval) -> str:
    if approval.step == ApprovalStep.BUDGET:
        return _("a %(role)s, because it does not fit in the team's budget") % {"role": role_name(approval.role)}
    return _("a %(role)s, because it is above the mandate") % {"role": role_name(approval.role)}


def waits_for_text(measure: Measure) -> str:
    pending = [approval for approval in measure.approvals.all() if approval.decision == ApprovalDecision.PENDING]
    return f" {_('and')} ".join(step_text(approval) for approval in pending)


def person_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def measure_reference(measure: Measure) -> str:
    """The measure's reference, to quote in a letter or an objection: "HH-000012-M34"."""
    return f"{measure.household.reference}-M{measure.id}"


@dataclass(frozen=True)
class ErrorLink:
    """One line of an error summary: the message, and the field it is about (its id) when there is one."""

    text: str
    href: str = ""


def error_summary(form: Any, form_id: str = "form", prefix_text: str = "") -> list[ErrorLink]:
    """A form's errors as the summary at the top of the page lists them, each a link to its field (a hidden
    field's, or a refusal of the whole form: a link to the form `form_id`; none when the page does not show
    the form: `form_id` empty)."""
    found: list[ErrorLink] = []
    if form is None or not form.is_bound:
        return found
    lead = f"{prefix_text}: " if prefix_text else ""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        visible = field is not None and not field.widget.is_hidden
        href = (f"#{form[name].auto_id}" if visible else f"#{form_id}") if form_id else ""
        label = f"{field.label}: " if visible and field is not None and field.label else ""
        found.extend(ErrorLink(text=f"{lead}{label}{message}", href=href) for message in errors)
    return found


@dataclass(frozen=True)
class KindChoice:
    kind: MeasureKind
    mandate: str


# --- propose ------------------------------------------------------------------------------------------------


def _kind_choices(user: User) -> list[KindChoice]:
    policy = mandate_policy()
    return [
        KindChoice(kind, mandate_text(policy.mandates[(user.role, kind.code)])) for kind in policy.kinds_for(user.role)
    ]


def _budget_of(household: Household, today: datetime.date) -> TeamBudget | None:
    return team_budget(household.team, today.year, today) if household.team_id else None


@case_worker_required
def measure_propose(request: HttpRequest, household_id: int) -> HttpResponse:
    """Take or propose a measure for a member: first the kind (only the kinds the user's role has a mandate
    for, each with its limit), then the fields that kind has."""
    access = AccessContext.from_request(request)
    household = household_get_for_update(access=access, household_id=household_id, what="measure form")
    user = request.user
    assert isinstance(user, User)
    case_file = reverse("casefile:household", args=[household.id]) + "#maatregelen"
    refusal = write_refusal(user, household)
    if refusal:
        messages.error(request, refusal)
        return redirect(case_file)
    choices = _kind_choices(user)
    code = (request.POST.get("kind_code") if request.method == "POST" else request.GET.get("soort")) or ""
    chosen = next((choice for choice in choices if choice.kind.code == code), None)
    if chosen is None:
        status = 400 if request.method == "POST" or code else 200
        context = {"household": household, "choices": choices, "unknown_kind": bool(code), "case_file": case_file}
        return render(request, "mandate/propose_kind.html", context, status=status)
    kind = chosen.kind
    form = MeasureProposeForm(request.POST if request.method == "POST" else None, household=household, kind=kind)
    for field in form.fields.values():
        with_choose_label(field)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measure = services.measure_propose(
                access=access,
                household_id=household.id,
                person_id=data["person"].id,
                kind_code=kind.code,
                reason=data["reason"],
                start_date=data["start_date"],
                legal_ground=data.get("legal_ground") or "",
                amount=data.get("amount") or None,
                percentage=data.get("percentage") or None,
                end_date=data.get("end_date"),
                goal_id=data["goal"].id if data.get("goal") else None,
                hearing_date=data.get("hearing_date"),
                hearing_statement=data.get("hearing_statement") or "",
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            if measure.status == MeasureStatus.APPROVED:
                messages.success(
                    request, _("The measure has been taken: it is within your mandate, so it is approved at once.")
                )
            else:
                roles = {approval.role for approval in measure.approvals.all() if not approval.decision}
                waits = (
                    _("The measure has been recorded and waits for approval by %(whom)s. They have been given a task.")
                    if roles <= CASE_ROLES
                    else _("The measure has been recorded and waits for approval by %(whom)s.")
                )
                messages.info(request, waits % {"whom": waits_for_text(measure)})
            return redirect("measures:detail", household_id=household.id, measure_id=measure.id)
    today = timezone.localdate()
    context = {
        "household": household,
        "kind": kind,
        "mandate": chosen.mandate,
        "after_submit": _after_submit_text(mandate_policy().mandates[(user.role, kind.code)], kind),
        "form": form,
        "error_summary": error_summary(form, "measure-form"),
        "case_file": case_file,
        "budget": _budget_of(household, today) if kind.spends_budget else None,
        "choose_url": reverse("measures:propose", args=[household.id]),
    }
    return render(request, "mandate/propose.html", context, status=400 if request.method == "POST" else 200)


def _after_submit_text(rule: MandateRule, kind: MeasureKind) -> str:
    """What recording the measure does: within the mandate it is approved at once, above it it goes to the
    approver (and beyond the team's budget to a manager)."""
    if rule.above:
        text = _("Within your mandate the measure is approved at once. Above it, it goes to a %(role)s to approve.") % {
            "role": role_name(rule.above)
        }
    else:
        text = _("Within your mandate the measure is approved at once; above it you cannot take it.")
    if kind.spends_budget:
        text += " " + _("When the amount does not fit in the team's budget, a manager approves it too.")
    return text


# --- one measure ----------------------------------------------------------------------------------------------


def _measure(access: AccessContext, household_id: int, measure_id: int) -> Measure:
    """The measure, or 404 when it is not yours, does not exist, or is not of this household (the same)."""
    return selectors.measure_get(access=access, measure_id=measure_id, household_id=household_id)


def _apply_errors(error: ValidationError, form: Any) -> None:
    """The service's refusal on the form's fields; what belongs to a hidden field (the lock version, the
    button pressed) above the form, where it is read."""
    apply_service_errors(error, form)
    for name, field in form.fields.items():
        if field.widget.is_hidden and name in form.errors:
            for message in form.errors.pop(name):
                form.add_error(None, message)


def _my_pending_step(measure: Measure, user: User) -> MeasureApproval | None:
    """The step this user may decide (the services' rule, to show the buttons): the step's role, a member of
    the measure's team, never the decider."""
    if user.id == measure.decided_by_id or measure.team_id not in team_ids_of(user):
        return None
    return next(
        (
            approval
            for approval in measure.approvals.all()
            if approval.decision == ApprovalDecision.PENDING and approval.role == user.role
        ),
        None,
    )


def _may_withdraw(measure: Measure, user: User) -> bool:
    return (
        measure.status in (MeasureStatus.PROPOSED, MeasureStatus.APPROVED)
        and measure.paid_on is None
        and (user.id == measure.decided_by_id or measure.team_id in coordinated_team_ids_of(user))
    )


def _may_pay(measure: Measure, user: User) -> bool:
    return (
        measure.status == MeasureStatus.APPROVED
        and measure.spends_budget
        and measure.paid_on is None
        and measure.team_id in team_ids_of(user)
    )


def budget_effect(measure: Measure, today: datetime.date) -> dict[str, Any] | None:
    """What the measure does to its team's budget of the year it starts in: the remaining amount without it,
    and with it."""
    if not measure.spends_budget or measure.amount is None:
        return None
    if measure.status in (MeasureStatus.REJECTED, MeasureStatus.WITHDRAWN):
        return None  # it does nothing to the budget (any more)
    budget = team_budget(measure.team, measure.start_date.year, today, exclude_measure_id=measure.id)
    counts = measure.status == MeasureStatus.APPROVED
    after = budget.remaining - measure.amount
    return {
        "year": measure.start_date.year,
        "total": budget.total,
        "without": budget.remaining,
        "after": after,
        "fits": after >= 0,
        "counts": counts,
        "state": _("spent") if measure.paid_on else (_("committed") if counts else _("not yet committed")),
    }


@case_worker_required
def measure_detail(request: HttpRequest, household_id: int, measure_id: int) -> HttpResponse:
    """Everything recorded about a measure, its approval steps, its effect on the team's budget, and the
    actions the user may take (approve or reject, withdraw, record the payment)."""
    access = AccessContext.from_request(request)
    measure = _measure(access, household_id, measure_id)
    user = request.user
    assert isinstance(user, User)
    url = reverse("measures:detail", args=[household_id, measure.id])
    action = request.POST.get("action", "") if request.method == "POST" else ""
    approval_form = ApprovalForm(request.POST if action == "decide" else None, prefix="decide")
    withdraw_form = WithdrawForm(
        request.POST if action == "withdraw" else None,
        prefix="withdraw",
        initial={"lock_version": measure.lock_version},
    )
    payment_form = PaymentForm(request.POST if action == "pay" else None, prefix="pay")
    if request.method == "POST":
        done = _act(request, access, measure, action, approval_form, withdraw_form, payment_form)
        if done is not None:
            messages.success(request, done)
            return redirect(url)
        measure = _measure(access, household_id, measure_id)  # as it is now: the action changed nothing
    context = _detail_context(measure, user, approval_form, withdraw_form, payment_form)
    return render(request, "mandate/detail.html", context, status=400 if request.method == "POST" else 200)


def _act(
    request: HttpRequest,
    access: AccessContext,
    measure: Measure,
    action: str,
    approval_form: ApprovalForm,
    withdraw_form: WithdrawForm,
    payment_form: PaymentForm,
) -> str | None:
    """Run the posted action; its confirmation, or None when it was refused (the errors are on its form)."""
    form: Any
    try:
        if action == "decide":
            form = approval_form
            if form.is_valid():
                return _decide(access, measure.id, form.cleaned_data["choice"], form.cleaned_data["note"])
        elif action == "withdraw":
            form = withdraw_form
            if form.is_valid():
                services.measure_withdraw(
                    access=access,
                    measure_id=measure.id,
                    reason=form.cleaned_data["reason"],
                    lock_version=form.cleaned_data["lock_version"],
                )
                return _("The measure has been withdrawn; what it committed of the budget is free again.")
        elif action == "pay":
            form = payment_form
            if form.is_valid():
                services.measure_pay(access=access, measure_id=measure.id, paid_on=form.cleaned_data["paid_on"])
                return _("The payment has been recorded: the amount now counts as spent.")
        else:
            messages.error(request, _("Choose what you want to do with the measure."))
            return None
    except ValidationError as error:
        _apply_errors(error, form)
    return None


def _decide(access: AccessContext, measure_id: int, decision: str, note: str) -> str:
    if decision == "reject":
        services.measure_reject(access=access, measure_id=measure_id, note=note)
        return _("The measure has been rejected; the decider sees your note.")
    measure = services.measure_approve(access=access, measure_id=measure_id, note=note)
    if measure.status == MeasureStatus.APPROVED:
        return _("You have approved the measure: it is now in force.")
    return _("You have approved your step; the measure still waits for %(whom)s.") % {"whom": waits_for_text(measure)}


def _detail_context(
    measure: Measure,
    user: User,
    approval_form: ApprovalForm,
    withdraw_form: WithdrawForm,
    payment_form: PaymentForm,
) -> dict[str, Any]:
    today = timezone.localdate()
    approvals = list(measure.approvals.all())
    for approval in approvals:
        approval.role_label = role_name(approval.role)  # type: ignore[attr-defined]
    pending = [approval for approval in approvals if approval.decision == ApprovalDecision.PENDING]
    my_step = _my_pending_step(measure, user) if measure.status == MeasureStatus.PROPOSED else None
    shown = measure.shown_status(today)
    if not withdraw_form.is_bound:
        withdraw_form = WithdrawForm(prefix="withdraw", initial={"lock_version": measure.lock_version})
    may_withdraw, may_pay = _may_withdraw(measure, user), _may_pay(measure, user)
    # The refusal of what was posted, at the top of the page; a link to its form when the page still shows it.
    summary = [
        *error_summary(approval_form, "decide" if my_step else ""),
        *error_summary(withdraw_form, "withdraw" if may_withdraw else ""),
        *error_summary(payment_form, "pay" if may_pay else ""),
    ]
    return {
        "household": measure.household,
        "measure": measure,
        "today": today,
        "shown_status": shown,
        "shown_status_label": measure.shown_status_label(today),
        "approvals": approvals,
        "pending": pending,
        "waits_for": waits_for_text(measure) if measure.status == MeasureStatus.PROPOSED else "",
        "own_measure_waits": measure.status == MeasureStatus.PROPOSED and user.id == measure.decided_by_id,
        "my_step": my_step,
        "approval_form": approval_form if my_step else None,
        "withdraw_form": withdraw_form if may_withdraw else None,
        "payment_form": payment_form if may_pay else None,
        "budget": budget_effect(measure, today),
        "amount_text": euro(measure.amount) if measure.amount is not None else "",
        "percentage_text": percent(measure.percentage) if measure.percentage is not None else "",
        "has_letter": measure.status in LETTER_STATUSES and measure.approved_at is not None,
        "rule_text": _rule_text(measure),
        "in_force_text": _in_force_text(measure, today),
        "reference": measure_reference(measure),
        "error_summary": summary,
    }


def _in_force_text(measure: Measure, today: datetime.date) -> str:
    """Since when an approved measure applies: from its approval, or from a later start date."""
    if measure.approved_at is None:
        return ""
    approved_on = timezone.localdate(measure.approved_at)
    if measure.start_date > today:
        return _("Starts on %(date)s.") % {"date": date_format(measure.start_date, "j F Y")}
    if measure.start_date > approved_on:
        return _("In force since %(date)s.") % {"date": date_format(measure.start_date, "j F Y")}
    return _("In force since its approval on %(date)s.") % {"date": date_format(approved_on, "j F Y")}


def _rule_text(measure: Measure) -> str:
    """The mandate the measure was decided under, as it read then (`Measure.mandate_rule`), and whose it was."""
    rule = measure.mandate_rule or {}
    up_to = rule.get("up_to") or {}
    try:
        limit = Limit(
            amount=Decimal(up_to["amount"]) if "amount" in up_to else None,
            months=int(up_to["months"]) if "months" in up_to else None,
            percentage=Decimal(up_to["percentage"]) if "percentage" in up_to else None,
        )
        stored = MandateRule(role=str(rule["role"]), kind=str(rule["kind"]), up_to=limit, above=rule.get("above"))
    except (KeyError, ValueError, ArithmeticError):
        return ""
    return decider_mandate_text(measure, stored)


# --- the decision letter --------------------------------------------------------------------------------------


def objection_deadline(letter_date: datetime.date, weeks: int) -> datetime.date:
    """The last day to object: `weeks` weeks after the letter's date (Awb 6:7, 6:8: the term starts the day
    after the letter is sent)."""
    return letter_date + datetime.timedelta(weeks=weeks)


def signature(measure: Measure) -> str:
    """Who decided, as the letter is signed: the worker who took it, or, when it needed approval, the
    approvers who approved it on the worker's proposal. Roles as they were at the decision."""
    decider = {"name": person_name(measure.decided_by), "role": role_name(str(measure.mandate_rule.get("role", "")))}
    if not decider["role"]:
        decider["role"] = role_name(measure.decided_by.role)
    approvers = [
        _("%(name)s, %(role)s") % {"name": person_name(approval.decided_by), "role": role_name(approval.role)}
        for approval in measure.approvals.all()
        if approval.decision == ApprovalDecision.APPROVED and approval.decided_by is not None
    ]
    if not approvers:
        return _("%(name)s, %(role)s") % decider
    return _("Decided by %(approvers)s, on the proposal of %(name)s, %(role)s") % {
        "approvers": f", {_('and')} ".join(approvers),  # "A, teamcoördinator, en B, manager"
        **decider,
    }


@case_worker_required
def measure_letter(request: HttpRequest, household_id: int, measure_id: int) -> HttpResponse:
    """The decision letter to the member, printable, in plain Dutch (B1), with the right to object. Only a
    measure that was approved has one (also once it has expired or was withdrawn)."""
    access = AccessContext.from_request(request)
    measure = _measure(access, household_id, measure_id)
    if measure.status not in LETTER_STATUSES or measure.approved_at is None:
        messages.info(request, _("A decision letter is made once the measure is approved."))
        return redirect("measures:detail", household_id=household_id, measure_id=measure.id)
    kind = mandate_policy().kinds.get(measure.kind_code)
    letter_date = timezone.localdate(measure.approved_at)
    weeks = kind.objection_weeks if kind else 6
    deadline = objection_deadline(letter_date, weeks)
    context = {
        "household": measure.household,
        "measure": measure,
        "kind_letter": kind.letter if kind else "",
        "letter_date": date_format(letter_date, "j F Y"),
        "start": date_format(measure.start_date, "j F Y"),
        "end": date_format(measure.end_date, "j F Y") if measure.end_date else "",
        "hearing": date_format(measure.hearing_date, "j F Y") if measure.hearing_date else "",
        "weeks": weeks,
        "deadline": date_format(deadline, "j F Y"),
        "amount_text": euro(measure.amount) if measure.amount is not None else "",
        "percentage_number": floatformat(measure.percentage, -2) if measure.percentage is not None else "",
        "municipality": Municipality.current(),
        "reference": measure_reference(measure),
        "contact_person": person_name(measure.household.contact_person),
        "signed_by": signature(measure),
        "withdrawn_on": date_format(timezone.localdate(measure.ended_at), "j F Y") if measure.ended_at else "",
    }
    return render(request, "mandate/letter.html", context)


# --- approvals --------------------------------------------------------------------------------------------------


def _approver_required(user: Any) -> User:
    if not user.is_authenticated or not (user.role in CASE_ROLES or user.role == Role.MANAGER):
        raise PermissionDenied(_("Your role does not approve measures."))
    assert isinstance(user, User)
    return user


def approval_due(approval: MeasureApproval) -> datetime.date:
    """When an approval request should have been decided: the task's term (`services.APPROVAL_WORKING_DAYS`)."""
    return add_working_days(timezone.localdate(approval.requested_at), services.APPROVAL_WORKING_DAYS)


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """What waits for the user's approval, overdue first. A coordinator reads the measure; a manager only
    what a budget decision needs (no member, no reason). Approve or reject right here."""
    user = _approver_required(request.user)
    access = AccessContext.from_request(request)
    case_data = selectors.sees_case_data(user)
    posted: dict[int, ApprovalForm] = {}
    if request.method == "POST":
        measure_id = _posted_id(request.POST.get("measure", ""))
        form = ApprovalForm(request.POST, prefix=f"m{measure_id}")
        if measure_id and form.is_valid():
            try:
                done = _decide(access, measure_id, form.cleaned_data["choice"], form.cleaned_data["note"])
            except ValidationError as error:
                _apply_errors(error, form)
            else:
                messages.success(request, done)
                return redirect("measures:approvals")
        elif not measure_id:
            form.add_error(None, _("Choose a measure from the list."))
        posted[measure_id] = form
    today = timezone.localdate()
    items: list[dict[str, Any]] = []
    summary: list[ErrorLink] = []
    for approval in selectors.pending_approvals(access=access):
        measure = approval.measure
        due = approval_due(approval)
        # What tells two items apart, for the buttons' names: the household's reference for a case worker, the
        # measure's number for a manager (who does not see the household).
        which = measure_reference(measure) if case_data else _("measure %(id)s") % {"id": measure.id}
        posted_form = posted.pop(measure.id) if measure.id in posted else None
        if posted_form is not None:
            summary.extend(error_summary(posted_form, f"approval-{measure.id}", f"{measure.kind_name} ({which})"))
        items.append(
            {
                "approval": approval,
                "measure": measure,
                "form": posted_form or ApprovalForm(prefix=f"m{measure.id}"),
                "which": which,
                "amount_text": euro(measure.amount) if measure.amount is not None else "",
                "percentage_text": percent(measure.percentage) if measure.percentage is not None else "",
                "why": step_text(approval),
                "due": due,
                "overdue": due < today,
                "budget": budget_effect(measure, today),
            }
        )
    # Overdue first, then the oldest request (the selector's order; sorting is stable).
    items.sort(key=lambda item: not item["overdue"])
    selectors.access_log_list(
        access=access, household_ids=[item["measure"].household_id for item in items], what="pending approvals"
    )
    for form in posted.values():  # a decision on a measure that no longer waits for this user
        for message in form.non_field_errors() or [_("This measure no longer waits for your approval.")]:
            messages.error(request, str(message))
    context = {"items": items, "case_data": case_data, "today": today, "error_summary": summary}
    return render(request, "mandate/approvals.html", context, status=400 if request.method == "POST" else 200)


def _posted_id(raw: str) -> int:
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 2_147_483_647 else 0
