"""Pages that combine the parts of a case file: the caseload, the case-file page and the lifecycle."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import User
from wijkkracht.casefile import selectors, services
from wijkkracht.casefile.forms import StatusChangeForm
from wijkkracht.common.decorators import case_worker_required
from wijkkracht.common.forms import service_form_response
from wijkkracht.diagnosis.selectors import diagnosis_overview
from wijkkracht.households import selectors as household_selectors
from wijkkracht.households.models import HouseholdStatus
from wijkkracht.privacy.access import AccessContext, coordinated_teams_of, teams_of
from wijkkracht.teams.models import Municipality, Wijk


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _caseload(request: HttpRequest, scope: selectors.CaseloadScope) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    status = request.GET.get("status", "")
    filters = selectors.CaseloadFilters(
        status=status if status in HouseholdStatus.values else "",
        overdue=request.GET.get("overdue") == "1",
        wijk_id=_int_or_none(request.GET.get("wijk")),
        team_id=_int_or_none(request.GET.get("team")),
        search=request.GET.get("q", "").strip()[:100],
        sort=request.GET.get("sort", "last_contact"),
    )
    page = selectors.caseload_page(
        access=AccessContext.from_request(request), scope=scope, filters=filters, page_number=request.GET.get("page", 1)
    )
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "scope": scope,
        "page": page,
        "filters": filters,
        "statuses": HouseholdStatus.choices,
        "wijken": Wijk.objects.all(),
        "teams": teams_of(user),
        "today": timezone.localdate(),
        "contact_norm_days": Municipality.current().contact_norm_days,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "is_coordinator": coordinated_teams_of(user).exists(),
    }
    template = "casefile/_caseload_table.html" if request.htmx else "casefile/caseload.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@case_worker_required
def my_households(request: HttpRequest) -> HttpResponse:
    return _caseload(request, "mine")


@case_worker_required
def team_households(request: HttpRequest) -> HttpResponse:
    return _caseload(request, "team")


@case_worker_required
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    household = selectors.case_file_get(access=access, household_id=household_id)
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "casefile/household.html",
        {
            "household": household,
            "today": timezone.localdate(),
            "can_reassign": household.is_open and household.team in coordinated_teams_of(user),
            "overview": diagnosis_overview(household=household),
        },
    )


@case_worker_required
def status_change(request: HttpRequest, household_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    household = household_selectors.household_get_for_update(access=access, household_id=household_id)
    form = StatusChangeForm(request.POST or None, household=household, initial={"date": timezone.localdate()})
    return service_form_response(
        request,
        form,
        save=lambda data: services.household_status_change(
            access=access,
            household=household,
            to_status=data["to_status"],
            reason=data["reason"],
            date=data["date"],
            regisseur_id=data["regisseur"].id if data["regisseur"] else None,
        ),
        success_message=_("The status has been changed."),
        success_url=reverse("casefile:household", args=[household.id]),
        title=_("Change status of household %(name)s") % {"name": household.name},
        submit_label=_("Change status"),
    )
