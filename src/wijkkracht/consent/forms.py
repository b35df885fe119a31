"""Forms only parse what the user typed; the services decide whether it may be saved."""

from typing import Any

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkkracht.common.forms import ChooseLabelMixin, DateInput, required_when
from wijkkracht.consent.models import ConsentForm, ConsentGround, ConsentPurpose
from wijkkracht.consent.services import NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from wijkkracht.households.models import Household, Person
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.socialmap.models import Organization


class ConsentRecordForm(ChooseLabelMixin, forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Member"))
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.order_by("name", "id"),
        label=_("Organisation"),
        help_text=_("An organisation on the social map."),
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[*BLANK_CHOICE_DASH, *ConsentPurpose.choices])
    # Not required here, so that an empty choice is reported by the service together with every other
    # problem; the label says that at least one is needed.
    domains = required_when(
        forms.MultipleChoiceField(
            label=_("Life domains whose information it covers"),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            error_messages={"invalid_choice": _("Choose life domains from the plan's life domains.")},
        ),
        _("at least one"),
    )
    ground = forms.ChoiceField(
        label=_("Ground"),
        choices=ConsentGround.choices,
        initial=ConsentGround.CONSENT,
        help_text=_("A legal ground other than consent (such as acute safety) is shown in red and logged."),
    )
    given_how = required_when(
        forms.ChoiceField(label=_("How given"), choices=[*BLANK_CHOICE_DASH, *ConsentForm.choices], required=False),
        _("for a consent"),
    )
    reason = required_when(
        forms.CharField(
            label=_("Reason for the legal ground"),
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=REASON_MAX_LENGTH,
            required=False,
            strip=False,
        ),
        _("for a legal ground"),
    )
    valid_from = forms.DateField(label=_("From"), widget=DateInput())
    valid_until = forms.DateField(
        label=_("Until"),
        widget=DateInput(),
        required=False,
        help_text=_("Empty: until it is withdrawn."),
    )

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"valid_from": timezone.localdate(), "ground": ConsentGround.CONSENT})
        super().__init__(*args, **kwargs)
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ModelChoiceField)
        person_field.queryset = household.members.order_by("id")
        domains_field = self.fields["domains"]
        assert isinstance(domains_field, forms.MultipleChoiceField)
        domains_field.choices = plan_catalogue().domain_choices


class ConsentWithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Note on the withdrawal"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        help_text=_("For instance: withdrawn by telephone."),
    )
