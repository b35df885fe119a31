"""The pages of a worker's day: the caseload (mine and the team's), "Mijn taken" with its week view, and
a coordinator's workload per worker."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkkracht.accounts.models import User
from wijkkracht.casefile import caseload, worklist
from wijkkracht.common.decorators import case_worker_required
from wijkkracht.escalations.selectors import escalation_summary
from wijkkracht.households import selectors as household_selectors
from wijkkracht.households import services as household_services
from wijkkracht.households.models import HouseholdStatus
from wijkkracht.mandate.budget import team_budget
from wijkkracht.mandate.charts import euro
from wijkkracht.mandate.selectors import pending_approvals
from wijkkracht.privacy.access import AccessContext, coordinated_team_ids_of, memberships_of
from wijkkracht.teams.models import Municipality, Team, Wijk


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) <= 18 else None


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _parse_caseload_filters(request: HttpRequest, user: User) -> tuple[caseload.CaseloadFilters, list[str]]:
    """The filters from the query string, and a message for every value that cannot be used."""
    errors: list[str] = []
    status = request.GET.get("status", "")
    if status and status not in HouseholdStatus.values:
        errors.append(_("Unknown status: choose one from the list."))
        status = ""
    search = request.GET.get("q", "")
    try:
        search = caseload.clean_search(search)
    except ValidationError as error:
        errors.extend(error.messages)
        search = ""
    contact_person_id = _int_or_none(request.GET.get("contact_person"))
    if request.GET.get("contact_person") and contact_person_id is None:
        errors.append(_("Choose a contact person from your team(s)."))
    try:
        caseload.validate_contact_person(user, contact_person_id)
    except ValidationError as error:
        errors.extend(error.messages)
        contact_person_id = None
    sort = request.GET.get("sort", "last_contact")
    filters = caseload.CaseloadFilters(
        status=status,
        overdue=request.GET.get("overdue") == "1",
        wijk_id=_int_or_none(request.GET.get("wijk")),
        team_id=_int_or_none(request.GET.get("team")),
        contact_person_id=contact_person_id,
        search=search,
        sort=sort if sort in caseload.CASELOAD_SORTS else "last_contact",
    )
    return filters, errors


def _budget_notices(user: User, teams: list[Team]) -> list[dict[str, object]]:
    """This year's budgets of the teams the user coordinates that are below the policy's warning share or used
    up (a few queries per coordinated team: a coordinator leads one team, sometimes two)."""
    coordinated = set(coordinated_team_ids_of(user))
    today = timezone.localdate()
    budgets = [team_budget(team, today.year, today) for team in teams if team.id in coordinated]
    return [
        {
            "team": budget.team,
            "year": budget.year,
            "exhausted": budget.exhausted,
            "remaining": euro(budget.remaining),
            "short": budget.shortfall > 0,
            "shortfall": euro(budget.shortfall),
            "share": f"{number_format(budget.remaining_share, 1)}\u00a0%",
            "url": f"{reverse('budget:page')}?team={budget.team.id}&jaar={budget.year}",
        }
        for budget in budgets
        if budget.rates is not None and budget.warning
    ]


def _caseload(request: HttpRequest, scope: caseload.CaseloadScope, teams: list[Team] | None = None) -> HttpResponse:
    user = _user(request)
    filters, errors = _parse_caseload_filters(request, user)
    # Input that cannot be used shows its message and nothing else: no query of case data, no access-log row.
    page = (
        None
        if errors
        else caseload.caseload_page(
            access=AccessContext.from_request(request),
            scope=scope,
            filters=filters,
            page_number=request.GET.get("page", 1),
        )
    )
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context: dict[str, object] = {
        "scope": scope,
        "page": page,
        "errors": errors,
        "filters": filters,
        "search_value": request.GET.get("q", "")[: caseload.SEARCH_MAX_LENGTH] if errors else filters.search,
        "search_max_length": caseload.SEARCH_MAX_LENGTH,
        "statuses": [(value, label) for value, label in HouseholdStatus.choices],
        "wijken": Wijk.cached_all(),
        "teams": list(memberships_of(user)) if teams is None else teams,
        "contact_persons": caseload.contact_person_choices(user) if scope == "team" else [],
        "today": timezone.localdate(),
        "contact_norm_days": Municipality.current().contact_norm_days,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "is_coordinator": bool(coordinated_team_ids_of(user)),
    }
    htmx = request.htmx  # type: ignore[attr-defined]
    if scope == "team" and context["is_coordinator"] and not htmx:  # work waiting for the coordinator (issue 12)
        context["escalation_summary"] = escalation_summary(user)
        context["approvals_waiting"] = pending_approvals(access=AccessContext.from_request(request)).count()
        context["budget_notices"] = _budget_notices(user, context["teams"])  # type: ignore[arg-type]
    template = "casefile/_caseload_table.html" if htmx else "casefile/caseload.html"
    # htmx swaps only successful answers: the partial with the message is a 200 for it, the page a 400.
    return render(request, template, context, status=400 if errors and not htmx else 200)


@case_worker_required
def my_households(request: HttpRequest) -> HttpResponse:
    return _caseload(request, "mine")


@case_worker_required
def team_households(request: HttpRequest) -> HttpResponse:
    teams = list(memberships_of(_user(request)))
    if not teams:
        raise PermissionDenied(_("Only a worker of a neighbourhood team sees the team's caseload."))
    return _caseload(request, "team", teams)


@case_worker_required
def workload(request: HttpRequest) -> HttpResponse:
    """Per worker of the teams the user coordinates: figures only, each linking to the filtered caseload."""
    user = _user(request)
    if not coordinated_team_ids_of(user):
        raise PermissionDenied(_("Only a team coordinator sees the workload of the team."))
    rows = caseload.workload_for_coordinator(
        access=AccessContext.from_request(request), contact_norm_days=Municipality.current().contact_norm_days
    )
    return render(request, "casefile/workload.html", {"rows": rows})


@case_worker_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    page = worklist.my_tasks_page(access=AccessContext.from_request(request), page_number=request.GET.get("page", 1))
    today = timezone.localdate()
    return render(
        request,
        "casefile/my_tasks.html",
        {
            "page": page,
            "overdue": [task for task in page.object_list if task.due_date < today],
            "upcoming": [task for task in page.object_list if task.due_date >= today],
            "today": today,
        },
    )


@require_POST
@case_worker_required
def my_task_complete(request: HttpRequest, task_id: int) -> HttpResponse:
    """Complete a task from "Mijn taken": the households service does it; the row confirms in place (htmx),
    without JavaScript the user comes back to the list with the confirmation."""
    access = AccessContext.from_request(request)
    task = household_selectors.task_get_for_update(access=access, task_id=task_id)
    error = ""
    try:
        household_services.task_complete(access=access, task=task)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "casefile/_my_task_row.html",
            {"task": task, "today": timezone.localdate(), "error": error, "completed": not error},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Task “%(title)s” completed.") % {"title": task.title})
    return redirect("casefile:my_tasks")


@case_worker_required
def my_week(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    raw = request.GET.get("week", "")
    day: datetime.date | None
    try:
        day = datetime.date.fromisoformat(raw) if raw else today
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2999:
        return render(
            request,
            "casefile/my_week.html",
            {"error": _("Give the week as a date, such as %(example)s.") % {"example": today.isoformat()}},
            status=400,
        )
    monday = worklist.week_start(day)
    days = worklist.my_week(access=AccessContext.from_request(request), monday=monday)
    return render(
        request,
        "casefile/my_week.html",
        {
            "days": days,
            "monday": monday,
            "sunday": monday + datetime.timedelta(days=6),
            "previous": (monday - datetime.timedelta(days=7)).isoformat(),
            "next": (monday + datetime.timedelta(days=7)).isoformat(),
            "this_week": worklist.week_start(today) == monday,
            "today": today,
            "tasks_url": reverse("casefile:my_tasks"),
        },
    )
