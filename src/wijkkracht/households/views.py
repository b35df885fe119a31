"""Pages of the case file. Each view parses input, calls one selector or service, and renders."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkkracht.accounts.models import User
from wijkkracht.common.decorators import case_worker_required
from wijkkracht.common.forms import apply_service_errors, form_page, service_form_response
from wijkkracht.households import selectors, services
from wijkkracht.households.forms import (
    BaseMemberFormSet,
    ContactForm,
    ContactPersonForm,
    HouseholdAddressForm,
    HouseholdRegisterForm,
    IncomeWorkForm,
    MemberEditForm,
    MemberForm,
    MemberFormSet,
    TaskCancelForm,
    TaskForm,
)
from wijkkracht.households.models import Household, Task, TaskStatus
from wijkkracht.privacy.access import AccessContext, may_write, teams_of, write_refusal


def read_only_redirect(request: HttpRequest, household: Household) -> HttpResponse | None:
    """A case file this user may only read (closed; handed over, for the team; see
    `privacy.access.write_refusal`): its forms are not offered; the page says why (the services refuse the
    write as well)."""
    user = request.user
    assert isinstance(user, User)
    refusal = write_refusal(user, household)
    if refusal is None:
        return None
    messages.error(request, refusal)
    return redirect("casefile:household", household_id=household.id)


_read_only = read_only_redirect


@case_worker_required
def household_register(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not teams_of(user).exists():
        raise PermissionDenied(_("Only a worker of a neighbourhood team registers households."))
    form = HouseholdRegisterForm(request.POST or None, user=user)
    formset = cast(BaseMemberFormSet, MemberFormSet(request.POST or None, prefix="members"))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            household = services.household_register(
                access=AccessContext.from_request(request),
                team_id=data["team"].id,
                name=data["name"],
                postcode=data["postcode"],
                house_number=data["house_number"],
                house_number_addition=data["house_number_addition"],
                street=data["street"],
                city=data["city"],
                wijk_id=data["wijk"].id if data["wijk"] else None,
                intake_channel=data["intake_channel"],
                contact_person_id=data["contact_person"].id if data.get("contact_person") else None,
                members=formset.members(),
            )
        except ValidationError as error:
            apply_service_errors(error, form, nested={"members": formset.member_forms()})
        else:
            messages.success(request, _("Household %(name)s has been registered.") % {"name": household.name})
            return redirect("casefile:household", household_id=household.id)
    return render(request, "households/register.html", {"form": form, "formset": formset})


@case_worker_required
def household_edit(request: HttpRequest, household_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    household = selectors.household_get_for_update(access=access, household_id=household_id)
    if closed := _read_only(request, household):
        return closed
    initial = {
        "name": household.name,
        "postcode": household.postcode,
        "house_number": household.house_number,
        "house_number_addition": household.house_number_addition,
        "street": household.street,
        "city": household.city,
        "wijk": household.wijk_id,
        "expected_version": household.lock_version,
    }
    return service_form_response(
        request,
        HouseholdAddressForm(request.POST or None, initial=initial),
        save=lambda data: services.household_address_update(
            access=access,
            household=household,
            expected_version=data["expected_version"],
            name=data["name"],
            postcode=data["postcode"],
            house_number=data["house_number"],
            house_number_addition=data["house_number_addition"],
            street=data["street"],
            city=data["city"],
            wijk_id=data["wijk"].id if data["wijk"] else None,
        ),
        success_message=_("The household's details have been changed."),
        success_url=reverse("casefile:household", args=[household.id]),
        title=_("Change name and address"),
        intro=_("Household %(name)s (%(reference)s)") % {"name": household.name, "reference": household.reference},
    )


@case_worker_required
def member_edit(request: HttpRequest, household_id: int, person_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    person = selectors.person_get_for_update(access=access, household_id=household_id, person_id=person_id)
    household = person.household
    if closed := _read_only(request, household):
        return closed
    form = MemberEditForm(
        request.POST or None,
        initial={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "date_of_birth": person.date_of_birth,
            "bsn": person.bsn,
            "role": person.role,
            "expected_version": person.lock_version,
        },
    )
    return service_form_response(
        request,
        form,
        save=lambda data: services.person_update(
            access=access, person=person, expected_version=data["expected_version"], member=form.to_member()
        ),
        success_message=_("The member's details have been changed."),
        success_url=reverse("casefile:household", args=[household.id]),
        title=_("Change details of %(name)s") % {"name": person.full_name},
        intro=_("Household %(name)s (%(reference)s)") % {"name": household.name, "reference": household.reference},
    )


@case_worker_required
def member_add(request: HttpRequest, household_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    household = selectors.household_get_for_update(access=access, household_id=household_id)
    if closed := _read_only(request, household):
        return closed
    form = MemberForm(request.POST or None)
    return service_form_response(
        request,
        form,
        save=lambda _data: services.household_member_add(access=access, household=household, member=form.to_member()),
        success_message=_("The member has been added."),
        success_url=reverse("casefile:household", args=[household.id]),
        title=_("Add member to household %(name)s") % {"name": household.name},
        submit_label=_("Add member"),
    )


@case_worker_required
def contact_add(request: HttpRequest, household_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    household = selectors.household_get_for_update(access=access, household_id=household_id)
    if closed := _read_only(request, household):
        return closed
    today = timezone.localdate()
    form = ContactForm(request.POST or None, household=household, initial={"date": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = services.contact_log(
                access=access,
                household=household,
                kind=data["kind"],
                date=data["date"],
                duration_minutes=data["duration_minutes"],
                member_ids=[int(member_id) for member_id in data["members"]],
                note=data["note"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            if contact.date > today:
                messages.success(
                    request,
                    _("The appointment on %(date)s has been planned.") % {"date": date_format(contact.date, "j F Y")},
                )
            else:
                messages.success(request, _("The contact has been logged."))
            if hasattr(contact, "follow_up_task"):
                messages.info(
                    request,
                    _("A follow-up task has been created for the contact person, due %(date)s.")
                    % {"date": date_format(contact.follow_up_task.due_date, "j F Y")},
                )
            return redirect("casefile:household", household_id=household.id)
    return form_page(
        request,
        form,
        title=_("Log contact with household %(name)s") % {"name": household.name},
        submit_label=_("Save contact"),
        cancel_url=reverse("casefile:household", args=[household.id]),
    )


@case_worker_required
def contact_person_assign(request: HttpRequest, household_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    household = selectors.household_get_for_update(access=access, household_id=household_id)
    if closed := _read_only(request, household):
        return closed
    form = ContactPersonForm(request.POST or None, household=household)
    return service_form_response(
        request,
        form,
        save=lambda data: services.household_contact_person_assign(
            access=access, household=household, contact_person_id=data["contact_person"].id, reason=data["reason"]
        ),
        success_message=_("The contact person has been changed."),
        success_url=reverse("casefile:household", args=[household.id]),
        title=_("Change contact person of household %(name)s") % {"name": household.name},
        intro=_("The current contact person is %(name)s.") % {"name": household.contact_person}
        if household.contact_person
        else _("This household has no contact person now."),
    )


@case_worker_required
def task_add(request: HttpRequest, household_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    household = selectors.household_get_for_update(access=access, household_id=household_id)
    if closed := _read_only(request, household):
        return closed
    form = TaskForm(request.POST or None, household=household, initial={"assigned_to": household.contact_person_id})
    return service_form_response(
        request,
        form,
        save=lambda data: services.task_create(
            access=access,
            household=household,
            title=data["title"],
            due_date=data["due_date"],
            assigned_to_id=data["assigned_to"].id,
        ),
        success_message=_("The task has been added."),
        success_url=reverse("casefile:household", args=[household.id]),
        title=_("New task for household %(name)s") % {"name": household.name},
        submit_label=_("Add task"),
    )


def _back_url(request: HttpRequest, task: Task) -> str:
    """Where a task page returns to: the page it was opened from (`next`, on this site only), else the
    household's page, else the home page (a team task has no household)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    if task.household_id is not None:
        return reverse("casefile:household", args=[task.household_id])
    return reverse("home")


@case_worker_required
def task_cancel(request: HttpRequest, task_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    task = selectors.task_get_for_update(access=access, task_id=task_id)
    if task.closes_by_itself and task.status == TaskStatus.OPEN:  # no form: the service would refuse it
        messages.error(request, services.system_task_refusal())
        return redirect(_back_url(request, task))
    return service_form_response(
        request,
        TaskCancelForm(request.POST or None),
        save=lambda data: services.task_cancel(access=access, task=task, reason=data["reason"]),
        success_message=_("Task “%(title)s” cancelled.") % {"title": task.title},
        success_url=_back_url(request, task),
        title=_("Cancel task “%(title)s”") % {"title": task.title},
        intro=_("Due %(date)s, for %(who)s.") % {"date": date_format(task.due_date, "j F Y"), "who": task.assigned_to},
        submit_label=_("Cancel task"),
    )


@require_POST
@case_worker_required
def task_complete(request: HttpRequest, task_id: int) -> HttpResponse:
    """Complete a task. With htmx the row replaces itself with the confirmation (announced: role="status"),
    without a reload; without JavaScript the page it came from shows the message."""
    access = AccessContext.from_request(request)
    task = selectors.task_get_for_update(access=access, task_id=task_id)
    error_text = ""
    try:
        services.task_complete(access=access, task=task)
    except ValidationError as error:
        error_text = " ".join(error.messages)
        task.refresh_from_db()
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "task": task,
            "today": timezone.localdate(),
            "confirmation": "" if error_text else _("Task “%(title)s” completed.") % {"title": task.title},
            "error": error_text,
            "next": request.POST.get("next", ""),
        }
        return render(request, "households/_task_row.html", context)
    if error_text:
        messages.error(request, error_text)
    else:
        messages.success(request, _("Task “%(title)s” completed.") % {"title": task.title})
    return redirect(_back_url(request, task))


@case_worker_required
def income_work_add(request: HttpRequest, household_id: int, person_id: int) -> HttpResponse:
    """Record an adult's income and work situation (issue 11), prefilled with the current one: a change or
    a correction is a new record, the earlier ones stay in the history."""
    access = AccessContext.from_request(request)
    person = selectors.person_get_for_update(
        access=access, household_id=household_id, person_id=person_id, what="income and work situation"
    )
    household = person.household
    if closed := _read_only(request, household):
        return closed
    current = selectors.income_work_current(household).get(person.id)
    initial: dict[str, object] = {"recorded_on": timezone.localdate()}
    if current is not None:
        initial |= {
            "benefit": current.benefit,
            "benefit_since": current.benefit_since,
            "benefit_ended_on": current.benefit_ended_on,
            "benefit_end_reason": current.benefit_end_reason,
            "work": current.work,
        }
    if current is None:
        intro = _("No income and work situation has been recorded for %(name)s yet.") % {"name": person.full_name}
    else:
        intro = _(
            "The form shows the current situation, recorded on %(date)s. Change what is different: it is saved as a "
            "new situation, and the earlier ones stay in the history."
        ) % {"date": date_format(current.recorded_on, "j F Y")}
    return service_form_response(
        request,
        IncomeWorkForm(request.POST or None, initial=initial),
        save=lambda data: services.income_work_record(
            access=access,
            person=person,
            benefit=data["benefit"],
            benefit_since=data["benefit_since"],
            benefit_ended_on=data["benefit_ended_on"],
            benefit_end_reason=data["benefit_end_reason"],
            work=data["work"],
            recorded_on=data["recorded_on"],
        ),
        success_message=_("The income and work situation of %(name)s has been recorded.") % {"name": person.full_name},
        success_url=reverse("casefile:household", args=[household.id]) + "#inkomen",
        title=_("Income and work of %(name)s") % {"name": person.full_name},
        intro=intro,
        submit_label=_("Save situation"),
    )


@case_worker_required
def income_work_history(request: HttpRequest, household_id: int, person_id: int) -> HttpResponse:
    """Every income and work situation recorded for one member, newest first."""
    access = AccessContext.from_request(request)
    person, records = selectors.income_work_history_for_user(
        access=access, household_id=household_id, person_id=person_id
    )
    user = request.user
    assert isinstance(user, User)
    context = {
        "person": person,
        "household": person.household,
        "records": records,
        "can_edit": may_write(user, person.household),
    }
    return render(request, "households/income_work_history.html", context)
