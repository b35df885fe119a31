"""Pages of escalations: raise one from the case file, the list for coordinators and managers, one
escalation's chain with the forms to forward and resolve it, and the manager's read-only view of the case file
while the escalation lies open with the managers. Each view parses input, calls one selector or service, and
renders."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.decorators import case_worker_required
from wijkkracht.common.forms import apply_service_errors
from wijkkracht.escalations import selectors, services
from wijkkracht.escalations.forms import ForwardForm, RaiseForm, ResolveForm
from wijkkracht.escalations.models import Escalation, EscalationStatus
from wijkkracht.households.selectors import household_get_for_update
from wijkkracht.mandate.policy import mandate_policy
from wijkkracht.mandate.selectors import pending_approvals
from wijkkracht.privacy.access import AccessContext

View = Callable[..., HttpResponse]
#: The list's filter in the address, in Dutch like `?jaar=` and `?soort=` elsewhere: the value in the query
#: string and the status it selects (None: all). Open is the default.
STATUS_FILTERS = {"open": "open", "afgehandeld": "resolved", "alle": None}


def escalation_roles_required(view: View) -> View:
    """Escalations are for case workers and managers; other roles get a 403 with an explanation."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.may_see_escalations(request.user):  # type: ignore[arg-type]
            raise PermissionDenied(_("Your role gives no access to escalations."))
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@case_worker_required
def escalation_raise(request: HttpRequest, household_id: int) -> HttpResponse:
    """ "Escaleren": what is blocked, by whom, what is needed; it goes to the team coordinator."""
    access = AccessContext.from_request(request)
    household = household_get_for_update(access=access, household_id=household_id, what="escalation form")
    open_escalation = selectors.household_open_escalation(household)
    refusal = services.raise_refusal(_user(request), household, open_escalation)
    form = RaiseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            escalation = services.escalation_raise(access=access, household_id=household.id, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(
                request,
                _("The escalation has been sent to the team coordinator, who responds by %(date)s.")
                % {"date": date_format(escalation.respond_by, "j F Y")},
            )
            return redirect("escalations:detail", escalation_id=escalation.id)
    return render(
        request,
        "escalations/raise.html",
        {
            "household": household,
            "form": form,
            "refusal": refusal,
            "open_escalation": open_escalation,
            "coordinator_days": mandate_policy().escalation_days["coordinator"],
            "cancel_url": reverse("casefile:household", args=[household.id]) + "#escalaties",
        },
        status=400 if request.method == "POST" else 200,
    )


@escalation_roles_required
def escalation_list(request: HttpRequest) -> HttpResponse:
    """Coordinators: their teams' escalations; managers: those forwarded to their teams. Overdue ones first."""
    access = AccessContext.from_request(request)
    shown = request.GET.get("status", "open")
    error = ""
    escalations: list[Escalation] = []
    if shown in STATUS_FILTERS:
        escalations = list(selectors.escalation_list(access=access, status=STATUS_FILTERS[shown])[: selectors.LIST_MAX])
        selectors.escalations_log_shown(access=access, escalations=escalations, what="escalations")
    else:  # said in words, and nothing listed (no query of case data, no access-log row)
        error = _("Unknown status “%(value)s”: choose open, afgehandeld or alle.") % {"value": shown[:40]}
    is_manager = _user(request).role == Role.MANAGER
    today = timezone.localdate()
    rows = [(escalation, escalation.working_days_overdue(today)) for escalation in escalations]
    return render(
        request,
        "escalations/list.html",
        {
            "rows": rows,
            "shown": shown,
            "filters": [
                ("open", _("Open")),
                ("afgehandeld", _("Resolved")),
                ("alle", _("All")),
            ],
            "error": error,
            # The manager's start page says how many budget approvals wait for them (a count only).
            "approvals_waiting": pending_approvals(access=access).count() if is_manager else 0,
            "overdue_count": sum(1 for escalation in escalations if escalation.is_overdue(today)),
            "today": today,
            "is_manager": is_manager,
            "list_max": selectors.LIST_MAX,
        },
        status=400 if error else 200,
    )


def _detail(
    request: HttpRequest,
    escalation: Escalation,
    *,
    forward_form: ForwardForm | None = None,
    resolve_form: ResolveForm | None = None,
) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    may_forward = services.forward_refusal(user, escalation, today) is None
    may_resolve = services.resolve_refusal(user, escalation) is None
    initial = {"lock_version": escalation.lock_version}
    return render(
        request,
        "escalations/detail.html",
        {
            "escalation": escalation,
            "household": escalation.household,
            "today": today,
            "overdue_days": escalation.working_days_overdue(today),
            "is_overdue": escalation.is_overdue(today),
            "forward_form": (forward_form or ForwardForm(initial=initial)) if may_forward else None,
            "resolve_form": (resolve_form or ResolveForm(initial=initial)) if may_resolve else None,
            "forward_hint": None if may_forward else services.forward_refusal(user, escalation, today),
            "may_read_case_file": _may_read_case_file(user, escalation),
            "is_manager": user.role == Role.MANAGER,
        },
        status=400 if forward_form is not None or resolve_form is not None else 200,
    )


def _may_read_case_file(user: User, escalation: Escalation) -> bool:
    if user.role == Role.MANAGER:
        return escalation.grants_case_access
    return True  # the case worker sees the household anyway (the escalation was visible through it or its team)


@escalation_roles_required
def escalation_detail(request: HttpRequest, escalation_id: int) -> HttpResponse:
    """The chain: raised by and when, the coordinator's deadline, forwarded by, when and why, the manager's
    deadline, the outcome; with the forms for whoever may forward or resolve it now."""
    access = AccessContext.from_request(request)
    escalation = selectors.escalation_get(access=access, escalation_id=escalation_id)
    return _detail(request, escalation)


@require_POST
@escalation_roles_required
def escalation_forward(request: HttpRequest, escalation_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    escalation = selectors.escalation_for_change(access=access, escalation_id=escalation_id)
    form = ForwardForm(request.POST)
    if form.is_valid():
        try:
            services.escalation_forward(
                access=access,
                escalation_id=escalation.id,
                reason=form.cleaned_data["reason"],
                lock_version=form.cleaned_data["lock_version"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The escalation has been forwarded to the team's managers."))
            return redirect("escalations:detail", escalation_id=escalation.id)
    return _detail(request, escalation, forward_form=form)


@require_POST
@escalation_roles_required
def escalation_resolve(request: HttpRequest, escalation_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    escalation = selectors.escalation_for_change(access=access, escalation_id=escalation_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.escalation_resolve(
                access=access,
                escalation_id=escalation.id,
                outcome=form.cleaned_data["outcome"],
                lock_version=form.cleaned_data["lock_version"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The outcome has been recorded; the escalation is resolved."))
            return redirect("escalations:detail", escalation_id=escalation.id)
    return _detail(request, escalation, resolve_form=form)


@escalation_roles_required
def escalation_case_file(request: HttpRequest, escalation_id: int) -> HttpResponse:
    """The household's case file, read-only, for a manager while the escalation lies open with the managers
    (logged with the escalation as purpose); afterwards a 404."""
    access = AccessContext.from_request(request)
    case_file = selectors.escalation_case_file(access=access, escalation_id=escalation_id)
    return render(
        request,
        "escalations/case_file.html",
        {
            "case_file": case_file,
            "escalation": case_file.escalation,
            "household": case_file.household,
            "today": timezone.localdate(),
            "open_status": EscalationStatus.OPEN,
        },
    )
