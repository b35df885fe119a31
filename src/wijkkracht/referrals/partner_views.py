"""The pages of a partner organisation's staff (role `partner`): the referrals addressed to their organisation.

A partner sees no household, no caseload and no other organisation's referral (404, as for a foreign team).
The list shows no personal data at all (service, dates, status, whether the consent is in force); a referral's
page shows what its consent covers now (`referrals.selectors.referral_disclosure`, which logs the disclosure)
or, once the consent is withdrawn or ended, that no data are available any more. Each view parses, calls one
selector or service, and renders; a change is a POST that redirects back to the referral's page (PRG).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wijkkracht.accounts.models import User
from wijkkracht.privacy.access import AccessContext
from wijkkracht.referrals import selectors, services
from wijkkracht.referrals.access import is_partner, partner_organization_id
from wijkkracht.referrals.models import FINAL_STATUSES, Referral, ReferralStatus
from wijkkracht.referrals.partner_forms import REASON_MAX_LENGTH, StatusChangeForm, StatusFilterForm
from wijkkracht.referrals.selectors import DisclosedDomain, DisclosedGoal, DisclosedScore, Disclosure

View = Callable[..., HttpResponse]
PAGE_SIZE = 25
#: Statuses in which the partner still has something to do: listed first.
OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.STARTED)
#: The button of each transition, and the message after it.
BUTTONS: dict[str, str | Promise] = {
    ReferralStatus.ACCEPTED: gettext_lazy("Accept referral"),
    ReferralStatus.DECLINED: gettext_lazy("Decline referral"),
    ReferralStatus.STARTED: gettext_lazy("Support has started"),
    ReferralStatus.COMPLETED: gettext_lazy("Support completed"),
    ReferralStatus.NO_SHOW: gettext_lazy("Client did not attend"),
}
DONE: dict[str, str | Promise] = {
    ReferralStatus.ACCEPTED: gettext_lazy("You have accepted the referral."),
    ReferralStatus.DECLINED: gettext_lazy("You have declined the referral."),
    ReferralStatus.STARTED: gettext_lazy("You have recorded that the support has started."),
    ReferralStatus.COMPLETED: gettext_lazy("You have recorded that the support has been completed."),
    ReferralStatus.NO_SHOW: gettext_lazy("You have recorded that the client did not attend."),
}


def partner_required(view: View) -> View:
    """The partner's pages are for the partner role only; other roles get a 403 with an explanation (the
    access-log middleware records it as a refusal)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_partner(request.user):  # type: ignore[arg-type]
            raise PermissionDenied(_("These pages are for staff of partner organisations."))
        return view(request, *args, **kwargs)

    return wrapper


def _unlinked(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/partner/unlinked.html")


def _status_counts(access: AccessContext) -> dict[str, int]:
    rows = selectors.referral_list_for_user(access=access).order_by().values_list("status").annotate(count=Count("id"))
    return {status: count for status, count in rows}


@require_GET
@partner_required
def referral_list(request: HttpRequest) -> HttpResponse:
    """The referrals addressed to the partner's organisation: open ones first, newest first, by status."""
    user = request.user
    assert isinstance(user, User)
    if partner_organization_id(user) is None:
        return _unlinked(request)
    access = AccessContext.from_request(request)
    form = StatusFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page_number = (form.cleaned_data.get("page") if form.is_valid() else None) or 1
    referrals = (
        selectors.referral_list_for_user(access=access, status=status or None)
        .annotate(
            finished=Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("finished", "-sent_at", "-id")
    )
    page = Paginator(referrals, PAGE_SIZE).get_page(page_number)
    counts = _status_counts(access)
    rows = [(referral, selectors.consent_in_force_for(referral)) for referral in page.object_list]
    context = {
        "form": form,
        "status": status,
        "page": page,
        "rows": rows,
        "total": sum(counts.values()),
        "open_count": sum(counts.get(value, 0) for value in OPEN_STATUSES),
        "statuses": [(value, label, counts.get(value, 0)) for value, label in ReferralStatus.choices],
    }
    template = "referrals/partner/_list.html" if request.htmx else "referrals/partner/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _transitions(referral: Referral, consent_in_force: bool) -> list[tuple[str, str]]:
    """The buttons for the moves the service allows now: none on a final referral, and without a consent in
    force nothing that takes the member on (the partner can still decline or close it)."""
    if referral.status in FINAL_STATUSES:
        return []
    return [
        (status, str(BUTTONS[status]))
        for status in services.PARTNER_TRANSITIONS.get(referral.status, ())
        if consent_in_force or status not in services.NEEDS_CONSENT
    ]


def _sections(disclosure: Disclosure | None) -> list[tuple[DisclosedDomain, list[DisclosedScore], list[DisclosedGoal]]]:
    """Per covered life domain: the member's latest scores and the plan's goals (with their actions)."""
    if disclosure is None:
        return []
    return [
        (domain, disclosure.scores_of(domain.code), disclosure.goals_of(domain.code)) for domain in disclosure.domains
    ]


@require_GET
@partner_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    """One referral: what its consent covers now (logged as a disclosure), and the answers allowed now."""
    access = AccessContext.from_request(request)
    referral = selectors.referral_get_for_user(access=access, referral_id=referral_id)
    disclosure = selectors.referral_disclosure(access=access, referral=referral)
    context = {
        "referral": referral,
        "disclosure": disclosure,
        "sections": _sections(disclosure),
        "events": list(referral.events.all()),
        "transitions": _transitions(referral, disclosure is not None),
        "decline": ReferralStatus.DECLINED,
        "reason_max_length": REASON_MAX_LENGTH,
    }
    return render(request, "referrals/partner/detail.html", context)


@require_POST
@partner_required
def referral_status(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Accept, decline (with a reason), started, completed or did not attend; back to the referral's page
    with what happened, or why nothing changed."""
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        # Only a hand-made request gets here: the page sends a known status and the version it showed.
        messages.error(request, _("This change could not be read; nothing has been changed."))
        return redirect("partner:referral", referral_id=referral_id)
    data = form.cleaned_data
    try:
        services.referral_status_change(
            access=AccessContext.from_request(request),
            referral_id=referral_id,
            status=data["status"],
            reason=data["reason"],
            lock_version=data["lock_version"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(DONE[data["status"]]))
    return redirect("partner:referral", referral_id=referral_id)
