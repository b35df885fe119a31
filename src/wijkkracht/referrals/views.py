"""The team's referral pages: refer from a plan action, a referral's detail (with exactly what the partner
sees), and taking it back. Each view parses input, calls one selector or service, and renders."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkkracht.accounts.models import User
from wijkkracht.common.decorators import case_worker_required
from wijkkracht.common.forms import apply_service_errors
from wijkkracht.households.selectors import household_get_for_update
from wijkkracht.plans.selectors import action_get_for_user
from wijkkracht.privacy.access import AccessContext, write_refusal
from wijkkracht.referrals import selectors, services
from wijkkracht.referrals.forms import SERVICE_CHOICES_MAX, CancelForm, ChooseForm, SendForm
from wijkkracht.referrals.models import FINAL_STATUSES, Referral
from wijkkracht.socialmap.models import Service
from wijkkracht.socialmap.selectors import service_search


@case_worker_required
def referral_send(request: HttpRequest, household_id: int, action_id: int) -> HttpResponse:
    """Step 1 (GET): choose the member and find the service. Step 2 (on the same page, once both are
    chosen): the consent or legal ground in force for that member and organisation, the domains it covers,
    and the question; posting it sends the referral."""
    access = AccessContext.from_request(request)
    household = household_get_for_update(access=access, household_id=household_id, what="referral form")
    action = action_get_for_user(access=access, action_id=action_id)
    if action.goal.plan.household_id != household.id:
        raise Http404(_("Action not found."))
    user = request.user
    assert isinstance(user, User)
    refusal = write_refusal(user, household)
    members = list(household.members.order_by("date_of_birth", "id"))
    source = request.POST if request.method == "POST" else request.GET
    text = source.get("q", "")[:100]
    found = list(service_search(text=text).select_related("organization")[:SERVICE_CHOICES_MAX])
    found_count = len(found)
    submitted = {key: source.get(key, "") for key in ("person", "q", "service")}
    chosen_service = _chosen_service(submitted["service"], found)
    if chosen_service is not None:  # chosen before the search changed: it stays on the list
        found.append(chosen_service)
    # "Next" and the posted step 2 check the choice; opening the page or searching only shows it.
    checking = request.method == "POST" or (
        source.get("step") != "search" and bool(submitted["person"] or submitted["service"] or source.get("step"))
    )
    choose = ChooseForm(
        submitted if checking else None,
        initial=submitted,
        members=members,
        services=found,
        auto_id="choose_%s",
    )
    person = service = None
    if checking and choose.is_valid():
        person = next((m for m in members if m.id == choose.cleaned_data["person"]), None)
        service = next((s for s in found if s.id == choose.cleaned_data["service"]), None)
    consents = (
        services.consents_for_referral(
            household=household, person_id=person.id, organization_id=service.organization_id
        )
        if person is not None and service is not None
        else []
    )
    send_form = None
    if person is not None and service is not None and consents:
        send_form = SendForm(
            request.POST if request.method == "POST" else None,
            consents=consents,
            initial={"person": person.id, "service": service.id},
        )
        if request.method == "POST" and not refusal and send_form.is_valid():
            data = send_form.cleaned_data
            try:
                referral = services.referral_send(
                    access=access,
                    action_id=action.id,
                    person_id=data["person"],
                    service_id=data["service"],
                    consent_id=data["consent"],
                    domains=data["domains"],
                    question=data["question"],
                )
            except ValidationError as error:
                apply_service_errors(error, send_form)
            else:
                messages.success(
                    request,
                    _("The referral to %(service)s has been sent.") % {"service": service.name},
                )
                return redirect("referrals:detail", household_id=household.id, referral_id=referral.id)
    # Whatever reaches this point after a post saved nothing (a success redirects); a refused choice neither.
    failed = request.method == "POST" or bool(choose.errors)
    return render(
        request,
        "referrals/send.html",
        {
            "household": household,
            "action": action,
            "plan": action.goal.plan,
            "choose": choose,
            "send_form": send_form,
            "person": person,
            "service": service,
            "refusal": refusal,
            "searched": bool(text),
            "found_count": found_count,
            "cancel_url": reverse("plans:detail", args=[household.id, action.goal.plan_id]),
        },
        status=400 if failed else 200,
    )


def _chosen_service(value: str, found: list[Service]) -> Service | None:
    """The service chosen in step 1 when a later search no longer finds it (None when it is found, or unknown)."""
    service_id = int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else 0
    if not service_id or service_id in {s.id for s in found}:
        return None
    return Service.objects.select_related("organization").filter(id=service_id).first()


def _detail(
    request: HttpRequest, access: AccessContext, referral: Referral, cancel_form: CancelForm | None = None
) -> HttpResponse:
    final = referral.status in FINAL_STATUSES
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "household": referral.household,
            "disclosure": selectors.referral_disclosure(access=access, referral=referral),
            "events": list(referral.events.all()),
            "cancel_form": None
            if final
            else cancel_form or CancelForm(initial={"lock_version": referral.lock_version}),
        },
        status=400 if cancel_form is not None else 200,  # a refused withdrawal: nothing was changed
    )


@case_worker_required
def referral_detail(request: HttpRequest, household_id: int, referral_id: int) -> HttpResponse:
    """The referral for the team: its status and history, and exactly what the partner sees of it now."""
    access = AccessContext.from_request(request)
    referral = selectors.referral_get_for_user(access=access, referral_id=referral_id, household_id=household_id)
    return _detail(request, access, referral)


@case_worker_required
@require_POST
def referral_cancel(request: HttpRequest, household_id: int, referral_id: int) -> HttpResponse:
    """The team takes the referral back (with the reason): the partner sees nothing of it any more."""
    access = AccessContext.from_request(request)
    referral = selectors.referral_get_for_user(access=access, referral_id=referral_id, household_id=household_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.referral_status_change(
                access=access,
                referral_id=referral.id,
                status="cancelled",
                reason=form.cleaned_data["reason"],
                lock_version=form.cleaned_data["lock_version"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The referral has been withdrawn."))
            return redirect("referrals:detail", household_id=household_id, referral_id=referral.id)
    return _detail(request, access, referral, form)
