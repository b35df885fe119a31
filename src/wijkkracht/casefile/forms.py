from django import forms
from django.utils.translation import gettext_lazy as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.forms import DateInput
from wijkkracht.households.models import ALLOWED_TRANSITIONS, Household, HouseholdStatus


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    regisseur = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Second-line case director"),
        required=False,
        help_text=_("Only for a handover to the second line."),
    )

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        status_field = self.fields["to_status"]
        assert isinstance(status_field, forms.ChoiceField)
        allowed = ALLOWED_TRANSITIONS[HouseholdStatus(household.status)]
        status_field.choices = [(value, label) for value, label in HouseholdStatus.choices if value in allowed]
        regisseur_field = self.fields["regisseur"]
        assert isinstance(regisseur_field, forms.ModelChoiceField)
        regisseur_field.queryset = User.objects.filter(role=Role.SECOND_LINE_REGISSEUR, is_active=True)
