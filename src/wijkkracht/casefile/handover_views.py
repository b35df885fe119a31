"""Pages of the warm handover to the second line and back (afschalen). Views parse, call one service or
selector and render; the rules are in `casefile.handover_services`."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkkracht.accounts.models import Role, User
from wijkkracht.casefile import handover_selectors, handover_services
from wijkkracht.casefile.handover_forms import (
    HandoverBackForm,
    HandoverCancelForm,
    HandoverCompleteForm,
    HandoverConversationForm,
    HandoverStartForm,
    HandoverSummaryForm,
    VersionForm,
)
from wijkkracht.casefile.models import Handover, HandoverStatus
from wijkkracht.casefile.services import contact_person_candidates
from wijkkracht.casefile.summary import build_summary, target_pictures
from wijkkracht.common.decorators import case_worker_required
from wijkkracht.common.forms import apply_service_errors
from wijkkracht.households import selectors as household_selectors
from wijkkracht.households.models import Household, HouseholdStatus
from wijkkracht.privacy.access import AccessContext, coordinated_teams_of, teams_of, write_refusal
from wijkkracht.teams.models import TeamMembership


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _is_team_side(user: User, household: Household) -> bool:
    return write_refusal(user, household) is None and teams_of(user).filter(id=household.team_id).exists()


@case_worker_required
def handover_start(request: HttpRequest, household_id: int) -> HttpResponse:
    """Start a handover to the second line: who has room, what is asked; the summary is drafted next."""
    access = AccessContext.from_request(request)
    household = household_selectors.household_get_for_update(access=access, household_id=household_id, what="handover")
    active = handover_selectors.active_handover(household)
    if active is not None:
        return redirect("casefile:handover", household_id=household.id, handover_id=active.id)
    user = _user(request)
    refusal = write_refusal(user, household)
    if refusal is None and not teams_of(user).filter(id=household.team_id).exists():
        refusal = _("Only the household's team hands it over to the second line.")
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("casefile:household", household_id=household.id)
    loads = handover_services.regisseur_loads()
    form = HandoverStartForm(request.POST or None, loads=loads)
    if request.method == "POST" and form.is_valid():
        try:
            handover = handover_services.handover_start(
                access=access,
                household=household,
                regisseur_id=form.cleaned_data["regisseur"].id if form.cleaned_data["regisseur"] else None,
                question_text=form.cleaned_data["question_text"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The summary has been drafted: review and complete it before sending."))
            return redirect("casefile:handover", household_id=household.id, handover_id=handover.id)
    return render(
        request,
        "casefile/handover_start.html",
        {
            "household": household,
            "form": form,
            "loads": loads,
            "cancel_url": reverse("casefile:household", args=[household.id]),
        },
        status=400 if request.method == "POST" else 200,
    )


def _detail(
    request: HttpRequest, handover: Handover, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    """The handover page: the summary (editable before sending), the case directors' caseloads, and the
    step that comes next. `bound` holds a posted form with its errors."""
    bound = bound or {}
    user = _user(request)
    household = handover.household
    version = {"lock_version": handover.lock_version}
    team_side = _is_team_side(user, household)
    may_write = write_refusal(user, household) is None
    editable = handover.is_editable and team_side
    loads = handover_services.regisseur_loads() if editable else []
    load_of = next((load for load in loads if load.regisseur.id == handover.regisseur_id), None)
    summary_form = bound.get("summary") or HandoverSummaryForm(
        loads=loads,
        initial=version
        | {"regisseur": handover.regisseur_id}
        | {name: getattr(handover, name) for name in handover_services.SUMMARY_FIELDS},
    )
    context: dict[str, Any] = {
        "household": household,
        "handover": handover,
        "pictures": target_pictures(household),
        "editable": editable,
        "loads": loads,
        "chosen_load": load_of,
        "summary_form": summary_form,
        "summary_fields": [
            (summary_form.fields[name].label, getattr(handover, name)) for name in handover_services.SUMMARY_FIELDS
        ],
        "version_form": VersionForm(initial=version),
        "is_coordinator": coordinated_teams_of(user).filter(id=handover.team_id).exists(),
        "can_send": editable and handover.status == HandoverStatus.DRAFT,
        "can_cancel": handover.is_active and team_side,
        "can_work": handover.status == HandoverStatus.SENT and may_write,
        "conversation_form": bound.get("conversation")
        or HandoverConversationForm(
            initial=version
            | {
                "conversation_date": handover.conversation_date or timezone.localdate(),
                "conversation_attendees": handover.conversation_attendees,
                "family_present": {True: "yes", False: "no"}.get(handover.family_present, ""),  # type: ignore[arg-type]
            }
        ),
        "complete_form": bound.get("complete")
        or HandoverCompleteForm(initial=version | {"date": timezone.localdate()}),
        "cancel_form": bound.get("cancel") or HandoverCancelForm(initial=version),
        "step_errors": bound.get("step"),
    }
    return render(request, "casefile/handover.html", context, status=status)


@case_worker_required
def handover_detail(request: HttpRequest, household_id: int, handover_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    handover = handover_selectors.handover_get_for_user(
        access=access, handover_id=handover_id, household_id=household_id
    )
    return _detail(request, handover)


def _step(
    request: HttpRequest,
    household_id: int,
    handover_id: int,
    *,
    form_class: type[forms.Form],
    key: str,
    run: Callable[[AccessContext, Handover, dict[str, Any]], object],
    done: str,
    to_household: bool = False,
) -> HttpResponse:
    """One posted step of a handover: parse, call the service. A refused step without fields of its own
    (send, ask approval, approve) goes back to the handover page with the refusal as a message
    (post/redirect/get: a reload does not post again); a form with errors is shown again with 400."""
    access = AccessContext.from_request(request)
    handover = handover_selectors.handover_get_for_user(
        access=access, handover_id=handover_id, household_id=household_id
    )
    kwargs: dict[str, Any] = {}
    if form_class is HandoverSummaryForm:
        kwargs["loads"] = handover_services.regisseur_loads()
    form = form_class(request.POST, **kwargs)
    handover_url = reverse("casefile:handover", args=[household_id, handover_id])
    if form.is_valid():
        try:
            run(access, handover, form.cleaned_data)
        except ValidationError as error:
            if key == "step":
                for message in error.messages:
                    messages.error(request, message)
                return redirect(handover_url)
            apply_service_errors(error, form)
        else:
            messages.success(request, done)
            if to_household:
                return redirect("casefile:household", household_id=household_id)
            return redirect(handover_url)
    elif key == "step":
        messages.error(request, _("Reload the handover and try again."))
        return redirect(handover_url)
    handover.refresh_from_db()
    return _detail(request, handover, {key: form}, status=400)


@require_POST
@case_worker_required
def handover_save(request: HttpRequest, household_id: int, handover_id: int) -> HttpResponse:
    def run(access: AccessContext, handover: Handover, data: dict[str, Any]) -> object:
        return handover_services.handover_update(
            access=access,
            handover=handover,
            expected_version=data["lock_version"],
            texts={name: data[name] for name in handover_services.SUMMARY_FIELDS},
            regisseur_id=data["regisseur"].id if data["regisseur"] else None,
            regisseur_given=True,
        )

    return _step(
        request,
        household_id,
        handover_id,
        form_class=HandoverSummaryForm,
        key="summary",
        run=run,
        done=_("The summary has been saved."),
    )


@require_POST
@case_worker_required
def handover_send(request: HttpRequest, household_id: int, handover_id: int) -> HttpResponse:
    return _step(
        request,
        household_id,
        handover_id,
        form_class=VersionForm,
        key="step",
        run=lambda access, handover, data: handover_services.handover_send(
            access=access, handover=handover, expected_version=data["lock_version"]
        ),
        done=_(
            "The handover has been sent: the case director has access, and you work the case together until it "
            "is completed."
        ),
    )


@require_POST
@case_worker_required
def handover_request_approval(request: HttpRequest, household_id: int, handover_id: int) -> HttpResponse:
    return _step(
        request,
        household_id,
        handover_id,
        form_class=VersionForm,
        key="step",
        run=lambda access, handover, data: handover_services.handover_request_approval(
            access=access, handover=handover, expected_version=data["lock_version"]
        ),
        done=_("The coordinator has been asked to approve; the handover waits for that."),
    )


@require_POST
@case_worker_required
def handover_approve(request: HttpRequest, household_id: int, handover_id: int) -> HttpResponse:
    return _step(
        request,
        household_id,
        handover_id,
        form_class=VersionForm,
        key="step",
        run=lambda access, handover, data: handover_services.handover_approve(
            access=access, handover=handover, expected_version=data["lock_version"]
        ),
        done=_("Approved: the handover has been sent to the case director."),
    )


@require_POST
@case_worker_required
def handover_conversation(request: HttpRequest, household_id: int, handover_id: int) -> HttpResponse:
    return _step(
        request,
        household_id,
        handover_id,
        form_class=HandoverConversationForm,
        key="conversation",
        run=lambda access, handover, data: handover_services.handover_conversation_record(
            access=access,
            handover=handover,
            expected_version=data["lock_version"],
            date=data["conversation_date"],
            attendees=data["conversation_attendees"],
            family_present={"yes": True, "no": False}.get(data["family_present"]),
        ),
        done=_("The handover conversation has been recorded."),
    )


@require_POST
@case_worker_required
def handover_complete(request: HttpRequest, household_id: int, handover_id: int) -> HttpResponse:
    return _step(
        request,
        household_id,
        handover_id,
        form_class=HandoverCompleteForm,
        key="complete",
        run=lambda access, handover, data: handover_services.handover_complete(
            access=access, handover=handover, expected_version=data["lock_version"], date=data["date"]
        ),
        done=_("The household has been handed over to the second line."),
        to_household=True,
    )


@require_POST
@case_worker_required
def handover_cancel(request: HttpRequest, household_id: int, handover_id: int) -> HttpResponse:
    return _step(
        request,
        household_id,
        handover_id,
        form_class=HandoverCancelForm,
        key="cancel",
        run=lambda access, handover, data: handover_services.handover_cancel(
            access=access, handover=handover, expected_version=data["lock_version"], reason=data["reason"]
        ),
        done=_("The handover has been cancelled."),
        to_household=True,
    )


def back_candidates() -> dict[User, list[str]]:
    """The social workers and coordinators of every team, with their teams' names (for the choice)."""
    candidates: dict[User, list[str]] = {}
    memberships = (
        TeamMembership.objects.filter(user__role__in=(Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR), user__is_active=True)
        .select_related("user", "team")
        .order_by("team__name")
    )
    for membership in memberships:
        candidates.setdefault(membership.user, []).append(membership.team.name)
    return candidates


@case_worker_required
def handover_back(request: HttpRequest, household_id: int) -> HttpResponse:
    """The case director hands the household back to a first-line team (afschalen), with a summary."""
    access = AccessContext.from_request(request)
    household = household_selectors.household_get_for_update(
        access=access, household_id=household_id, what="handover back"
    )
    user = _user(request)
    if household.status != HouseholdStatus.HANDED_OVER or household.second_line_regisseur_id != user.id:
        messages.error(
            request, _("Only the case director of a household handed over to the second line hands it back.")
        )
        return redirect("casefile:household", household_id=household.id)
    today = timezone.localdate()
    initial: dict[str, Any] = {"team": household.team_id, "date": today} | build_summary(household, today).as_dict()
    # The previous contact person, when still an active worker of the team, takes the household back.
    if household.contact_person_id in {candidate.id for candidate in contact_person_candidates(household.team_id)}:
        initial["contact_person"] = household.contact_person_id
    form = HandoverBackForm(request.POST or None, candidates=back_candidates(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handover_services.handover_back(
                access=access,
                household=household,
                reason=data["reason"],
                team_id=data["team"].id,
                contact_person_id=data["contact_person"].id if data["contact_person"] else None,
                texts={name: data[name] for name in handover_services.SUMMARY_FIELDS},
                date=data["date"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The household has been handed back to the first line."))
            return redirect("casefile:mine")
    return render(
        request,
        "casefile/handover_back.html",
        {
            "household": household,
            "form": form,
            "pictures": target_pictures(household),
            "cancel_url": reverse("casefile:household", args=[household.id]),
        },
        status=400 if request.method == "POST" else 200,
    )
