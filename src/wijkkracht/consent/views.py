"""Pages of the consent register. Each view parses input, calls one selector or service, and renders."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import User
from wijkkracht.common.decorators import case_worker_required
from wijkkracht.common.forms import apply_service_errors
from wijkkracht.common.validation import ErrorCollector
from wijkkracht.consent import selectors, services
from wijkkracht.consent.forms import ConsentRecordForm, ConsentWithdrawForm
from wijkkracht.consent.models import Consent
from wijkkracht.households.models import Household
from wijkkracht.households.selectors import household_get_for_user
from wijkkracht.households.services import refuse_if_closed
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.privacy.access import AccessContext


def record_refusal(household: Household, user: User) -> str:
    """Why this user may not record consents now ("" when they may): the rule every case-file write follows
    (the shared helper), so a handed-over household is recorded in by its case director only."""
    errors = ErrorCollector()
    refuse_if_closed(errors, household, user)
    return " ".join(message for error in errors.errors.get("household", []) for message in error.messages)


def with_domain_names(consent: Consent) -> Consent:
    """The consent as a page shows it: `domain_names`, the labels of its life domains, and its own
    `withdraw_form` (field ids unique on a page of many rows)."""
    labels = dict(plan_catalogue().domain_choices)
    consent.domain_names = [labels.get(code, code) for code in consent.domains]  # type: ignore[attr-defined]
    consent.withdraw_form = ConsentWithdrawForm(auto_id=f"id_withdraw_{consent.id}_%s")  # type: ignore[attr-defined]
    return consent


def _row_context(consent: Consent, **extra: Any) -> dict[str, Any]:
    return {
        "consent": with_domain_names(consent),
        "today": timezone.localdate(),
        **extra,
    }


@case_worker_required
def consent_register(request: HttpRequest, household_id: int) -> HttpResponse:
    """The household's consent register per member, and the form to record a consent or a legal ground."""
    access = AccessContext.from_request(request)
    household = household_get_for_user(access=access, household_id=household_id, what="consent register")
    user = request.user
    assert isinstance(user, User)
    refusal = record_refusal(household, user)
    recordable = not refusal
    form = ConsentRecordForm(request.POST if request.method == "POST" else None, household=household)
    if request.method == "POST" and recordable and form.is_valid():
        data = form.cleaned_data
        try:
            consent = services.consent_record(
                access=access,
                household_id=household.id,
                person_id=data["person"].id,
                organization_id=data["organization"].id,
                purpose=data["purpose"],
                domains=data["domains"],
                ground=data["ground"],
                given_how=data["given_how"],
                reason=data["reason"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            if consent.is_legal_ground:
                messages.warning(
                    request,
                    _("The legal ground for %(name)s towards %(organization)s has been recorded and logged.")
                    % {"name": consent.person.full_name, "organization": consent.organization.name},
                )
                if getattr(consent, "review_task", None) is not None:
                    messages.info(request, _("The team coordinator has been given a task to review it."))
            else:
                messages.success(
                    request,
                    _("The consent of %(name)s for %(organization)s has been recorded.")
                    % {"name": consent.person.full_name, "organization": consent.organization.name},
                )
            return redirect(reverse("consent:register", args=[household.id]) + f"#consent-{consent.id}")
    elif request.method == "POST" and not recordable:
        messages.error(request, refusal)
        return redirect("consent:register", household_id=household.id)
    consents = [with_domain_names(c) for c in selectors.consent_list_for_household(access=access, household=household)]
    members = [
        {"person": person, "consents": [consent for consent in consents if consent.person_id == person.id]}
        for person in household.members.all()
    ]
    context = {
        "household": household,
        "members": members,
        "form": form if recordable else None,
        "can_record": recordable,
        "refusal": refusal,
        "today": timezone.localdate(),
    }
    # A post that reaches this point was refused (a saved one redirects): nothing was recorded.
    return render(request, "consent/register.html", context, status=400 if request.method == "POST" else 200)


@case_worker_required
def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    """Withdraw a consent: a confirmation page (GET), the withdrawal (POST). With htmx the row replaces
    itself with the result (announced: role="status"), without a reload."""
    access = AccessContext.from_request(request)
    consent = selectors.consent_get_for_user(access=access, consent_id=consent_id)
    register_url = reverse("consent:register", args=[consent.household_id])
    form = ConsentWithdrawForm(request.POST if request.method == "POST" else None)
    error_text = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                consent = services.consent_withdraw(
                    access=access, consent_id=consent.id, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                apply_service_errors(error, form)
                error_text = " ".join(error.messages)
                consent.refresh_from_db()
        else:
            error_text = " ".join(str(message) for errors in form.errors.values() for message in errors)
        done = _("Withdrawn: %(organization)s no longer receives information of %(name)s on this ground.") % {
            "organization": consent.organization.name,
            "name": consent.person.full_name,
        }
        if request.htmx:  # type: ignore[attr-defined]
            context = _row_context(consent, confirmation="" if error_text else done, error=error_text)
            return render(request, "consent/_consent_row.html", context)
        if not error_text:
            messages.success(request, done)
            return redirect(register_url + f"#consent-{consent.id}")
        if consent.withdrawn_at is not None:
            messages.error(request, error_text)
            return redirect(register_url + f"#consent-{consent.id}")
    context = {
        "consent": with_domain_names(consent),
        "form": form,
        "register_url": register_url,
        "today": timezone.localdate(),
    }
    # Without htmx, a refused withdrawal shows its confirmation page again with the error (nothing changed).
    # With htmx the row is answered 200 above: htmx swaps 2xx responses only, and the row carries the error.
    return render(request, "consent/withdraw.html", context, status=400 if error_text else 200)
