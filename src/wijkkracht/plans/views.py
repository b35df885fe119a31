"""Plan pages. Each view parses input, calls one selector or service, and renders."""

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from wijkkracht.accounts.models import User
from wijkkracht.common.decorators import case_worker_required
from wijkkracht.common.forms import apply_service_errors, form_page, service_form_response
from wijkkracht.diagnosis.selectors import diagnosis_overview
from wijkkracht.households import selectors as household_selectors
from wijkkracht.plans import selectors, services
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.plans.forms import (
    ActionForm,
    ActionUpdateForm,
    AgreementForm,
    DismissForm,
    EvaluationForm,
    GoalEditForm,
    GoalForm,
    PlanStartForm,
    WorkGoalReasonForm,
)
from wijkkracht.plans.models import ActionStatus, Plan
from wijkkracht.privacy.access import AccessContext, may_write

#: A plan is short-term support: the first evaluation is proposed after three months.
DEFAULT_EVALUATION_DAYS = 90


def _plan(request: HttpRequest, household_id: int, plan_id: int) -> tuple[AccessContext, Plan]:
    access = AccessContext.from_request(request)
    plan = selectors.plan_get_for_user(access=access, plan_id=plan_id, household_id=household_id)
    if plan.household_id != household_id:
        raise Http404(_("Plan not found."))
    return access, plan


def _to_plan(plan: Plan) -> HttpResponse:
    return redirect("plans:detail", household_id=plan.household_id, plan_id=plan.id)


def _form_page(
    request: HttpRequest, form: forms.Form, plan: Plan, title: str, save: Callable[[dict[str, Any]], object], done: str
) -> HttpResponse:
    return service_form_response(
        request,
        form,
        save=save,
        success_message=done,
        success_url=reverse("plans:detail", args=[plan.household_id, plan.id]),
        title=title,
        intro=_("Plan %(number)s of household %(name)s") % {"number": plan.number, "name": plan.household.name},
    )


@case_worker_required
def plan_home(request: HttpRequest, household_id: int) -> HttpResponse:
    """The household's active plan, or the form to start one."""
    access = AccessContext.from_request(request)
    household = household_selectors.household_get_for_update(access=access, household_id=household_id)
    active = selectors.active_plan_id(household=household)
    if active is not None and request.method == "GET":
        return redirect("plans:detail", household_id=household.id, plan_id=active)
    user = request.user
    assert isinstance(user, User)
    if not may_write(user, household):
        latest = selectors.latest_plan_id(household=household)
        if latest is not None:
            return redirect("plans:detail", household_id=household.id, plan_id=latest)
        messages.info(request, _("This household is closed or handed over; it gets no new plan."))
        return redirect("casefile:household", household_id=household.id)
    today = timezone.localdate()
    form = PlanStartForm(
        request.POST or None,
        household=household,
        initial={"plan_date": today, "evaluation_date": today + datetime.timedelta(days=DEFAULT_EVALUATION_DAYS)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_start(
                access=access,
                household=household,
                plan_date=form.cleaned_data["plan_date"],
                evaluation_date=form.cleaned_data["evaluation_date"],
                baseline_id=form.cleaned_data["baseline"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The plan has been started."))
            return _to_plan(plan)
    return form_page(
        request,
        form,
        title=_("Start the plan of household %(name)s") % {"name": household.name},
        intro=_(
            "One household, one plan. The plan is the household's: goals in their own words, "
            "several domains at once, and an evaluation date."
        ),
        submit_label=_("Start plan"),
        cancel_url=reverse("casefile:household", args=[household.id]),
    )


@case_worker_required
def plan_detail(request: HttpRequest, household_id: int, plan_id: int) -> HttpResponse:
    _access, plan = _plan(request, household_id, plan_id)
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "plans/detail.html",
        {
            "overview": selectors.plan_overview(plan=plan),
            "plan": plan,
            # Changes are offered on the active version to whoever may write to the case file.
            "can_edit": plan.is_active and may_write(user, plan.household),
            "household": plan.household,
            "action_statuses": ActionStatus.choices,
        },
    )


@case_worker_required
def plan_print(request: HttpRequest, household_id: int, plan_id: int) -> HttpResponse:
    """The plan in plain Dutch for the household, with the target of the last measurement."""
    access, plan = _plan(request, household_id, plan_id)
    household = household_selectors.household_get_for_user(access=access, household_id=household_id, what="plan print")
    return render(
        request,
        "plans/print.html",
        {
            "overview": selectors.plan_overview(plan=plan),
            "plan": plan,
            "household": household,
            "targets": [p for p in diagnosis_overview(household=household).pictures if p.kind == "target"],
        },
    )


def _goal_data(data: dict[str, Any]) -> services.GoalData:
    """The goal form's fields as the services take them (the indicator picker holds instrument:domain)."""
    instrument_code, _sep, instrument_domain = (data["instrument_domain"] or "").partition(":")
    return services.GoalData(
        domain_code=data["domain"],
        person_id=data["person"],
        client_words=data["client_words"],
        what=data["what"],
        indicator=data["indicator"],
        owner=data["owner"],
        deadline=data["deadline"],
        instrument_code=instrument_code,
        instrument_domain=instrument_domain,
        target_score=data["target_score"],
    )


@case_worker_required
def goal_add(request: HttpRequest, household_id: int, plan_id: int) -> HttpResponse:
    access, plan = _plan(request, household_id, plan_id)
    initial: dict[str, Any] = {"deadline": plan.evaluation_date}
    suggestion = None
    suggestion_id = request.POST.get("suggestion") or request.GET.get("suggestion")
    if suggestion_id and suggestion_id.isdigit():
        suggestion = selectors.suggestion_get_for_user(access=access, suggestion_id=int(suggestion_id))
        initial |= {"suggestion": suggestion.id, "domain": suggestion.domain_code, "what": suggestion.text}
        rule = plan_catalogue().rule(suggestion.rule_code)
        if rule:
            initial["indicator"] = rule.indicator
    form = GoalForm(request.POST or None, household=plan.household, initial=initial)

    def save(data: dict[str, Any]) -> object:
        return services.goal_add(access=access, plan=plan, data=_goal_data(data), suggestion=suggestion)

    title = _("Accept suggestion as goal") if suggestion else _("Add goal")
    return _form_page(request, form, plan, title, save, _("The goal has been added."))


@case_worker_required
def goal_edit(request: HttpRequest, household_id: int, plan_id: int, goal_id: int) -> HttpResponse:
    access, plan = _plan(request, household_id, plan_id)
    goal = selectors.goal_get_for_user(access=access, goal_id=goal_id)
    if goal.plan_id != plan.id:
        raise Http404(_("Goal not found."))
    initial = {
        "expected_version": goal.lock_version,
        "domain": goal.domain_code,
        "person": goal.person_id,
        "client_words": goal.client_words,
        "what": goal.what,
        "indicator": goal.indicator,
        "instrument_domain": f"{goal.instrument_code}:{goal.instrument_domain}" if goal.instrument_code else "",
        "target_score": goal.target_score,
        "owner": goal.owner,
        "deadline": goal.deadline,
    }
    form = GoalEditForm(request.POST or None, household=plan.household, initial=initial)

    def save(data: dict[str, Any]) -> object:
        return services.goal_update(
            access=access, goal=goal, expected_version=data["expected_version"], data=_goal_data(data)
        )

    return _form_page(
        request, form, plan, _("Change goal “%(goal)s”") % {"goal": goal.what}, save, _("The goal has been changed.")
    )


@case_worker_required
def action_add(request: HttpRequest, household_id: int, plan_id: int, goal_id: int) -> HttpResponse:
    access, plan = _plan(request, household_id, plan_id)
    goal = selectors.goal_get_for_user(access=access, goal_id=goal_id)
    if goal.plan_id != plan.id:
        raise Http404(_("Goal not found."))
    form = ActionForm(
        request.POST or None,
        household=plan.household,
        initial={"due_date": goal.deadline},
    )

    def save(data: dict[str, Any]) -> object:
        return services.action_add(
            access=access,
            goal=goal,
            description=data["description"],
            owner_type=data["owner_type"],
            owner_person_id=data["owner_person"],
            owner_user_id=data["owner_user"],
            owner_name=data["owner_name"],
            due_date=data["due_date"],
            method_code=data["method"],
        )

    return _form_page(
        request, form, plan, _("Add action to “%(goal)s”") % {"goal": goal.what}, save, _("The action has been added.")
    )


@require_POST
@case_worker_required
def action_update(request: HttpRequest, household_id: int, plan_id: int, action_id: int) -> HttpResponse:
    access, plan = _plan(request, household_id, plan_id)
    action = selectors.action_get_for_user(access=access, action_id=action_id)
    form = ActionUpdateForm(request.POST, steps=len(action.checklist))
    if action.goal.plan_id != plan.id:
        raise Http404(_("Action not found."))
    if form.is_valid():
        try:
            services.action_update(
                access=access,
                action=action,
                expected_version=form.cleaned_data["expected_version"],
                status=form.cleaned_data["status"],
                done_steps=form.cleaned_data["done_steps"] if action.checklist else None,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The action has been updated."))
    else:
        messages.error(request, _("The action could not be updated."))
    return _to_plan(plan)


@require_POST
@case_worker_required
def suggestion_dismiss(request: HttpRequest, household_id: int, plan_id: int, suggestion_id: int) -> HttpResponse:
    access, plan = _plan(request, household_id, plan_id)
    suggestion = selectors.suggestion_get_for_user(access=access, suggestion_id=suggestion_id)
    if suggestion.plan_id != plan.id:
        raise Http404(_("Suggestion not found."))
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            services.suggestion_dismiss(access=access, suggestion=suggestion, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The suggestion has been dismissed."))
    else:
        messages.error(request, _("Say why this suggestion does not fit."))
    return _to_plan(plan)


@require_POST
@case_worker_required
def suggestions_refresh(request: HttpRequest, household_id: int, plan_id: int) -> HttpResponse:
    access, plan = _plan(request, household_id, plan_id)
    try:
        added = services.plan_suggestions_refresh(access=access, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, ngettext("%(count)d new suggestion.", "%(count)d new suggestions.", added) % {"count": added}
        )
    return _to_plan(plan)


@case_worker_required
def agreement(request: HttpRequest, household_id: int, plan_id: int) -> HttpResponse:
    access, plan = _plan(request, household_id, plan_id)
    form = AgreementForm(
        request.POST or None,
        household=plan.household,
        initial={
            "expected_version": plan.lock_version,
            "discussed_on": plan.discussed_on or timezone.localdate(),
            "agreed": plan.agreed_on is not None,
            "present_members": [p.id for p in plan.present_members.all()],
            "client_comment": plan.client_comment,
        },
    )

    def save(data: dict[str, Any]) -> object:
        return services.plan_agreement_record(
            access=access,
            plan=plan,
            expected_version=data["expected_version"],
            discussed_on=data["discussed_on"],
            agreed=data["agreed"],
            present_member_ids=data["present_members"],
            client_comment=data["client_comment"],
        )

    return _form_page(request, form, plan, _("Discussed with the household"), save, _("Recorded."))


@case_worker_required
def work_goal_reason(request: HttpRequest, household_id: int, plan_id: int) -> HttpResponse:
    access, plan = _plan(request, household_id, plan_id)
    form = WorkGoalReasonForm(
        request.POST or None, household=plan.household, initial={"expected_version": plan.lock_version}
    )

    def save(data: dict[str, Any]) -> object:
        return services.work_goal_reason_record(
            access=access,
            plan=plan,
            expected_version=data["expected_version"],
            person_id=data["person"],
            reason=data["reason"],
        )

    return _form_page(request, form, plan, _("No work or participation goal"), save, _("The reason has been recorded."))


@case_worker_required
def evaluate(request: HttpRequest, household_id: int, plan_id: int) -> HttpResponse:
    access, plan = _plan(request, household_id, plan_id)
    today = timezone.localdate()
    form = EvaluationForm(
        request.POST or None,
        plan=plan,
        initial={
            "expected_version": plan.lock_version,
            "evaluated_on": today,
            "next_evaluation_date": today + datetime.timedelta(days=DEFAULT_EVALUATION_DAYS),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            next_plan = services.plan_evaluate(
                access=access,
                plan=plan,
                expected_version=form.cleaned_data["expected_version"],
                measurement_id=form.cleaned_data["measurement"],
                outcomes=[services.OutcomeInput(*item) for item in form.outcomes()],
                next_evaluation_date=form.cleaned_data["next_evaluation_date"],
                evaluated_on=form.cleaned_data["evaluated_on"],
            )
        except ValidationError as error:
            for key, errors in error.error_dict.items() if hasattr(error, "error_dict") else [(None, [error])]:
                form.add_error(form.field_of(key) if key else None, errors)
        else:
            messages.success(
                request,
                _("The plan has been evaluated; version %(number)d has started.") % {"number": next_plan.number},
            )
            return _to_plan(next_plan)
    return render(request, "plans/evaluate.html", {"form": form, "plan": plan, "household": plan.household})
