from django import forms
from django.utils.translation import gettext_lazy as _

from wijkkracht.common.forms import DateInput, required_when
from wijkkracht.diagnosis.models import NOTE_MAX_LENGTH, Participation
from wijkkracht.diagnosis.services import ScoreInput
from wijkkracht.households.forms import VersionedForm
from wijkkracht.households.models import Household
from wijkkracht.instruments.definitions import InstrumentDefinition
from wijkkracht.instruments.models import InstrumentVersion


class MeasurementStartForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Instrument"))
    person = required_when(
        forms.TypedChoiceField(
            label=_("Member"),
            coerce=int,
            required=False,
            empty_value=None,
            help_text=_("For instruments scored per member."),
        ),
        _("needed for a measurement per member"),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    participation = forms.ChoiceField(label=_("Scored by"), choices=Participation.choices)
    participants = forms.TypedMultipleChoiceField(
        label=_("Members who took part"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: object, household: Household, instruments: list[InstrumentVersion], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        members = [(person.id, person.full_name) for person in household.members.all()]
        instrument_field = self.fields["instrument"]
        assert isinstance(instrument_field, forms.ChoiceField)
        per_member, per_household = _("per member"), _("household")
        instrument_field.choices = [
            (version.code, f"{version.name} ({per_member if version.subject == 'person' else per_household})")
            for version in instruments
        ]
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ChoiceField)
        person_field.choices = [("", _("Whole household")), *members]
        participants_field = self.fields["participants"]
        assert isinstance(participants_field, forms.ChoiceField)
        participants_field.choices = members


class ScoresForm(VersionedForm):
    """One radio group and one note per domain, built from the instrument version of the measurement, and
    (hidden) the version of the draft it was read at, so a save based on an older version is refused."""

    def __init__(self, *args: object, definition: InstrumentDefinition, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.definition = definition
        for domain in definition.domains:
            self.fields[f"score_{domain.code}"] = forms.TypedChoiceField(
                label=domain.label,
                choices=[(item.value, f"{item.value} – {item.label}") for item in definition.scale],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text=domain.description,
            )
            self.fields[f"note_{domain.code}"] = forms.CharField(
                label=_("Note on %(domain)s") % {"domain": domain.label},
                required=False,
                max_length=NOTE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def domain_fields(self) -> list[tuple[object, forms.BoundField, forms.BoundField]]:
        return [
            (domain, self[f"score_{domain.code}"], self[f"note_{domain.code}"]) for domain in self.definition.domains
        ]

    def scores(self) -> dict[str, ScoreInput]:
        return {
            domain.code: ScoreInput(self.cleaned_data[f"score_{domain.code}"], self.cleaned_data[f"note_{domain.code}"])
            for domain in self.definition.domains
        }


class WorkWaiverForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are work and the participation ladder not scored?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: full-time informal carer, long-term illness, retirement age."),
    )
