"""The page of the pseudonymised research export (issue 11): pick a period and a format, download the file.

Only for the roles the outcomes policy allows to export; anyone else gets 403 (logged as refused by the
middleware). A POST builds the whole file and answers it as a download; bad input answers the page again
with its messages (400) and nothing is written.
"""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wijkkracht.common.forms import apply_service_errors
from wijkkracht.households.models import Benefit, BenefitEndReason, HouseholdStatus, IntakeChannel, WorkSituation
from wijkkracht.outcomes import export, services
from wijkkracht.outcomes.models import PyramidLevel
from wijkkracht.outcomes.periods import MAX_MONTHS, default_period
from wijkkracht.privacy.access import AccessContext


class ExportForm(forms.Form):
    # "from" is a Python keyword: the field is added under that name in __init__.
    until = forms.CharField(label=gettext_lazy("Until and including (month)"), required=False, max_length=10)
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=export.ExportFormat.choices,
        initial=export.ExportFormat.CSV,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        start = forms.CharField(label=gettext_lazy("From (month)"), required=False, max_length=10)
        self.fields = {"from": start, **self.fields}
        period = default_period()
        for name, month in (("from", period.start), ("until", period.end)):
            self.fields[name].widget = forms.DateInput(attrs={"type": "month", "placeholder": f"{month:%Y-%m}"})
            self.fields[name].initial = f"{month:%Y-%m}"
            self.fields[name].help_text = _("Year and month, for example %(month)s.") % {"month": f"{month:%Y-%m}"}


def _codes() -> list[tuple[str, list[tuple[str, Any]]]]:
    """What the codes in the file mean, per column."""
    return [
        ("intake_channel", list(IntakeChannel.choices)),
        ("status", list(HouseholdStatus.choices)),
        ("pyramid_level", [(value, label) for value, label in PyramidLevel.choices if value]),
        ("benefit", list(Benefit.choices)),
        ("benefit_end_reason", list(BenefitEndReason.choices)),
        ("work", list(WorkSituation.choices)),
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def research_export(request: HttpRequest) -> HttpResponse:
    if not export.may_export(request.user):
        raise PermissionDenied(_("The research export is only for the roles the outcomes policy allows to export."))
    form = ExportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.research_export_create(
                    access=AccessContext.from_request(request, purpose=export.EXPORT_PURPOSE),
                    period_start=data.get("from") or None,
                    period_end=data.get("until") or None,
                    file_format=data["format"],
                )
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                response = HttpResponse(result.content, content_type=result.content_type)
                response["Content-Disposition"] = f'attachment; filename="{result.file_name}"'
                return response
    context = {
        "form": form,
        "columns": export.COLUMNS,
        "age_bands": [label for _low, _high, label in export.AGE_BANDS],
        "codes": _codes(),
        "max_years": MAX_MONTHS // 12,
    }
    return render(request, "outcomes/export.html", context, status=status)
