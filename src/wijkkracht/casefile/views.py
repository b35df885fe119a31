"""Pages that combine the parts of a case file: the case-file page and the lifecycle (the caseload and a
worker's day are in `worklist_views`)."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wijkkracht.accounts.models import User
from wijkkracht.casefile import handover_selectors, selectors, services
from wijkkracht.casefile.forms import ReopenForm, StatusChangeForm
from wijkkracht.common.decorators import case_worker_required
from wijkkracht.common.forms import apply_service_errors
from wijkkracht.diagnosis.selectors import diagnosis_overview
from wijkkracht.escalations import selectors as escalation_selectors
from wijkkracht.households import selectors as household_selectors
from wijkkracht.households.models import HouseholdStatus, Person, Task, TaskStatus, is_adult
from wijkkracht.mandate import selectors as mandate_selectors
from wijkkracht.plans.models import PlanStatus
from wijkkracht.privacy.access import AccessContext, coordinated_team_ids_of, may_write, team_ids_of, write_refusal
from wijkkracht.teams.models import Municipality

#: The sections of the case-file page, in page order: anchor (Dutch, users see it in the address) and title.
SECTIONS = [
    ("overzicht", gettext_lazy("Summary")),
    ("diagnose", gettext_lazy("Diagnosis")),
    ("plan", gettext_lazy("Plan")),
    ("contacten", gettext_lazy("Contacts")),
    ("taken", gettext_lazy("Tasks")),
    ("leden", gettext_lazy("Members")),
    ("inkomen", gettext_lazy("Income and work")),
    ("maatregelen", gettext_lazy("Measures")),
    ("escalaties", gettext_lazy("Escalations")),
    ("geschiedenis", gettext_lazy("History")),
]
#: `?toon=<section>` shows one long list in full, in pages of `?pagina=`.
FULL_LISTS = ("contacten", "geschiedenis")


def age_on(date_of_birth: datetime.date, today: datetime.date) -> int:
    return today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))


def _listing(
    items: Sequence[Any] | QuerySet[Any], *, everything: bool, page_number: str | int
) -> tuple[Page[Any] | None, list[Any], bool]:
    """A long list of the case file: all of it in pages (`?toon=…`), or the latest few and whether there is more."""
    if everything:
        page = Paginator(items, selectors.CASE_FILE_PAGE_SIZE).get_page(page_number)
        return page, list(page.object_list), False
    preview = list(items[: selectors.CASE_FILE_PREVIEW + 1])
    return None, preview[: selectors.CASE_FILE_PREVIEW], len(preview) > selectors.CASE_FILE_PREVIEW


@case_worker_required
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    """The case file: a summary first (members, status, contact person, what comes next, the latest
    picture), then the sections to jump to; the long lists show their latest few, `?toon=` shows one in full."""
    access = AccessContext.from_request(request)
    household = selectors.case_file_get(access=access, household_id=household_id)
    user = request.user
    assert isinstance(user, User)
    today = timezone.localdate()
    norm = Municipality.current().contact_norm_days
    shown = request.GET.get("toon", "")
    shown = shown if shown in FULL_LISTS else ""
    page_number = request.GET.get("pagina", 1)

    members: list[Person] = list(household.members.all())
    tasks = list(household.tasks.all())
    open_tasks = sorted((task for task in tasks if task.status == TaskStatus.OPEN), key=lambda t: (t.due_date, t.id))
    plans = list(household.plans.all())
    active_plan = next((plan for plan in plans if plan.status == PlanStatus.ACTIVE), None)
    overview = diagnosis_overview(household=household)
    can_edit = may_write(user, household)
    active_handover = handover_selectors.active_handover(household)

    contact_page, contact_list, more_contacts = _listing(
        selectors.case_file_contacts(household), everything=shown == "contacten", page_number=page_number
    )
    history_page, history_list, more_history = _listing(
        selectors.case_file_history(household), everything=shown == "geschiedenis", page_number=page_number
    )

    context = {
        "household": household,
        "today": today,
        "sections": SECTIONS,
        "current_section": shown or "overzicht",
        # Who may write is one rule (`privacy.access.write_refusal`): the team of an open household, the
        # case director of a handed-over one; the others read.
        "can_edit": can_edit,
        "can_reassign": can_edit and household.is_open and household.team_id in coordinated_team_ids_of(user),
        "active_handover": active_handover,
        # Every handover of this household (the case file is already fetched and logged), with its summary.
        "handovers": handover_selectors.household_handovers(household),
        "can_hand_over": can_edit
        and household.is_open
        and active_handover is None
        and household.second_line_regisseur_id is None
        and household.team_id in team_ids_of(user),
        "can_hand_back": can_edit and household.status == HouseholdStatus.HANDED_OVER,
        "can_reopen": services.can_reopen(user, household),
        "overview": overview,
        "latest_picture": selectors.latest_picture(overview.pictures),
        "members": [{"person": person, "age": age_on(person.date_of_birth, today)} for person in members],
        # Each adult's current income and work situation (issue 11), with a link to its history.
        "income_work": _income_work_of_adults(household, members, today),
        "open_tasks": open_tasks,
        "tasks": tasks,
        "overdue_reasons": selectors.overdue_reasons(household, today, norm) if household.is_open else [],
        "active_plan": active_plan,
        "latest_plan": plans[0] if plans else None,
        "contacts": contact_list,
        "contact_page": contact_page,
        "more_contacts": more_contacts,
        "history": history_list,
        "history_page": history_page,
        "more_history": more_history,
        # Quick action (issue 12): the measures taken for members, and escalations of the case.
        "measures": list(mandate_selectors.household_measures(household)),
        "escalations": list(escalation_selectors.household_escalations(household)),
    }
    return render(request, "casefile/household.html", context)


def _income_work_of_adults(household: Any, members: list[Person], today: datetime.date) -> list[dict[str, Any]]:
    current = household_selectors.income_work_current(household)
    return [{"person": person, "current": current.get(person.id)} for person in members if is_adult(person, today)]


def _task_errors(error: ValidationError, tasks: list[Task], form: StatusChangeForm) -> ValidationError:
    """The service names tasks by their index in the input (`tasks.0.outcome`); the form by field."""
    if not hasattr(error, "error_dict"):
        return error
    remapped: dict[str, list[ValidationError]] = {}
    for key, errors in error.error_dict.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "tasks" and parts[1].isdigit() and int(parts[1]) < len(tasks):
            key = form.task_field_name(tasks[int(parts[1])])
        remapped.setdefault(key, []).extend(errors)
    return ValidationError(remapped)


@case_worker_required
def status_change(request: HttpRequest, household_id: int) -> HttpResponse:
    """The status form: shows the current status; closing or handing over lists the open tasks, one
    choice each, and says that the active plan closes with it."""
    access = AccessContext.from_request(request)
    household = household_selectors.household_get_for_update(access=access, household_id=household_id)
    open_tasks = services.open_tasks_of(household)
    user = request.user
    assert isinstance(user, User)
    refusal = write_refusal(user, household)
    form = StatusChangeForm(
        request.POST or None,
        household=household,
        open_tasks=open_tasks,
        may_write=refusal is None,
        initial={"date": timezone.localdate()},
    )
    success_url = reverse("casefile:household", args=[household.id])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        leaving = data["to_status"] in services.LEAVING_STATUSES
        try:
            services.household_status_change(
                access=access,
                household=household,
                to_status=data["to_status"],
                reason=data["reason"],
                date=data["date"],
                task_outcomes=[
                    services.TaskOutcome(task.id, data.get(form.task_field_name(task)) or "") for task in open_tasks
                ]
                if leaving
                else (),
            )
        except ValidationError as error:
            apply_service_errors(_task_errors(error, open_tasks, form), form)
        else:
            messages.success(request, _("The status has been changed."))
            return redirect(success_url)
    active_plan = household.plans.filter(status=PlanStatus.ACTIVE).first()
    return render(
        request,
        "casefile/status_change.html",
        {
            "household": household,
            "form": form,
            "active_plan": active_plan,
            "cancel_url": success_url,
            "current_status": HouseholdStatus(household.status).label,
            "refusal": refusal if household.status != HouseholdStatus.CLOSED else None,
            "can_hand_over": refusal is None and household.is_open and household.second_line_regisseur_id is None,
            "can_hand_back": refusal is None and household.status == HouseholdStatus.HANDED_OVER,
            "leaving_labels": [
                str(label) for value, label in HouseholdStatus.choices if value in services.LEAVING_STATUSES
            ],
        },
    )


@case_worker_required
def reopen(request: HttpRequest, household_id: int) -> HttpResponse:
    """A coordinator of the household's team reopens a closed or handed-over household, with a reason;
    anyone else reads why they cannot."""
    access = AccessContext.from_request(request)
    household = household_selectors.household_get_for_update(access=access, household_id=household_id)
    user = request.user
    assert isinstance(user, User)
    candidates = services.contact_person_candidates(household.team_id)
    initial_contact = household.contact_person_id if household.contact_person_id in {c.id for c in candidates} else None
    form = ReopenForm(request.POST or None, candidates=candidates, initial={"contact_person": initial_contact})
    success_url = reverse("casefile:household", args=[household.id])
    if request.method == "POST" and form.is_valid():
        try:
            services.household_reopen(
                access=access,
                household=household,
                reason=form.cleaned_data["reason"],
                contact_person_id=form.cleaned_data["contact_person"].id,
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The household has been reopened; it is back at intake."))
            return redirect(success_url)
    return render(
        request,
        "casefile/reopen.html",
        {
            "household": household,
            "form": form,
            "cancel_url": success_url,
            "can_reopen": services.can_reopen(user, household),
            "current_status": HouseholdStatus(household.status).label,
        },
    )
