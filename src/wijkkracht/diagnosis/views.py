"""Pages for measurements: start one, score it (draft or complete), see progress, print it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.common.decorators import case_worker_required
from wijkkracht.common.forms import apply_service_errors, form_page, service_form_response
from wijkkracht.diagnosis import selectors, services
from wijkkracht.diagnosis.forms import MeasurementStartForm, ScoresForm, WorkWaiverForm
from wijkkracht.diagnosis.progress import progress_between
from wijkkracht.households import selectors as household_selectors
from wijkkracht.households.views import read_only_redirect
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.privacy.access import AccessContext


@case_worker_required
def measurement_start(request: HttpRequest, household_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    household = household_selectors.household_get_for_update(access=access, household_id=household_id)
    if refused := read_only_redirect(request, household):
        return refused
    instruments = instrument_catalogue().enabled()
    form = MeasurementStartForm(
        request.POST or None,
        household=household,
        instruments=instruments,
        initial={
            "date": timezone.localdate(),
            "instrument": request.GET.get("instrument"),
            "person": request.GET.get("person"),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measurement = services.measurement_start(
                access=access,
                household=household,
                instrument_code=data["instrument"],
                person_id=data["person"],
                date=data["date"],
                participation=data["participation"],
                participant_ids=data["participants"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            return redirect("diagnosis:measurement", household_id=household.id, measurement_id=measurement.id)
    return form_page(
        request,
        form,
        title=_("New measurement for household %(name)s") % {"name": household.name},
        intro=_("The first measurement of an instrument is the 0-meting; the next ones are numbered automatically."),
        submit_label=_("Start measurement"),
        cancel_url=reverse("casefile:household", args=[household.id]),
    )


@case_worker_required
def measurement_detail(request: HttpRequest, household_id: int, measurement_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    measurement = selectors.measurement_get_for_user(
        access=access, measurement_id=measurement_id, household_id=household_id
    )
    if measurement.household_id != household_id:
        raise Http404(_("Measurement not found."))
    if request.method == "POST" and (refused := read_only_redirect(request, measurement.household)):
        return refused
    definition = measurement.instrument.parsed
    initial: dict[str, object] = {"expected_version": measurement.lock_version}
    for score in measurement.scores.all():
        initial[f"score_{score.domain_code}"] = score.value
        initial[f"note_{score.domain_code}"] = score.note
    form = ScoresForm(request.POST or None, definition=definition, initial=initial)
    if request.method == "POST" and not measurement.is_complete and form.is_valid():
        try:
            services.measurement_scores_save(
                access=access,
                measurement=measurement,
                expected_version=form.cleaned_data["expected_version"],
                scores=form.scores(),
            )
            if "complete" in request.POST:
                services.measurement_complete(
                    access=access, measurement=measurement, expected_version=measurement.lock_version
                )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            if "complete" in request.POST:
                messages.success(request, _("The measurement is complete."))
                return redirect("casefile:household", household_id=household_id)
            messages.success(request, _("Draft saved."))
            return redirect("diagnosis:measurement", household_id=household_id, measurement_id=measurement.id)
    previous = selectors.previous_complete(measurement) if measurement.is_complete else None
    return render(
        request,
        "diagnosis/measurement.html",
        {
            "measurement": measurement,
            "definition": definition,
            "form": form,
            "household": measurement.household,
            "progress": progress_between(previous, measurement) if previous else None,
        },
    )


@case_worker_required
def progress(request: HttpRequest, household_id: int) -> HttpResponse:
    """The printable progress page ("voortgang"): every picture with its table."""
    access = AccessContext.from_request(request)
    household = household_selectors.household_get_for_user(access=access, household_id=household_id, what="progress")
    return render(
        request,
        "diagnosis/progress.html",
        {"household": household, "overview": selectors.diagnosis_overview(household=household)},
    )


@case_worker_required
def work_waiver(request: HttpRequest, household_id: int, person_id: int) -> HttpResponse:
    access = AccessContext.from_request(request)
    person = household_selectors.person_get_for_update(
        access=access, household_id=household_id, person_id=person_id, what="work waiver"
    )
    household = person.household
    if refused := read_only_redirect(request, household):
        return refused
    return service_form_response(
        request,
        WorkWaiverForm(request.POST or None),
        save=lambda data: services.work_score_waiver_record(access=access, person=person, reason=data["reason"]),
        success_message=_("The reason has been recorded."),
        success_url=reverse("casefile:household", args=[household.id]),
        title=_("Work not scored for %(name)s") % {"name": person.full_name},
    )
