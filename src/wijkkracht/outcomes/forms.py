"""The dashboard's filters and the conclusion form: they only parse; `periods`, `selectors` and `services`
decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wijkkracht.outcomes.models import UnitKind
from wijkkracht.outcomes.policy import outcome_policy
from wijkkracht.teams.models import Team


def _indicator_choices() -> list[tuple[str, str]]:
    return [(indicator.code, indicator.label) for indicator in outcome_policy().indicators]


class DashboardForm(forms.Form):
    # "from" is a Python keyword: the field is added under that name in __init__.
    until = forms.CharField(label=_("Until (month)"), required=False, max_length=7)
    compare = forms.ChoiceField(
        label=_("Compare"),
        required=False,
        choices=[
            (UnitKind.TEAM, _("Teams")),
            (UnitKind.WIJK, _("Districts")),
            (UnitKind.WORKER, _("Workers of one team")),
        ],
    )
    team = forms.ModelChoiceField(
        label=_("Team (to compare its workers)"), required=False, queryset=Team.objects.order_by("name")
    )
    indicator = forms.ChoiceField(label=_("Indicator in the funnel plot and the trend"), required=False)
    case_mix = forms.BooleanField(label=_("Adjust for case mix (starting severity)"), required=False)
    unit = forms.IntegerField(required=False, min_value=1, max_value=10**18 - 1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        start = forms.CharField(label=_("From (month)"), required=False, max_length=7)
        self.fields = {"from": start, **self.fields}
        for name in ("from", "until"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "month", "placeholder": "2026-01"})
            self.fields[name].help_text = _("Year and month, for example 2026-01.")
        indicator = self.fields["indicator"]
        assert isinstance(indicator, forms.ChoiceField)
        indicator.choices = [("", _("(first with a funnel plot)")), *_indicator_choices()]


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(
        label=_("What was concluded"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example an explanation, an agreement or a next step. No names or case details."),
    )
