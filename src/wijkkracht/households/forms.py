"""Forms only parse what the user typed; the services decide whether it may be saved."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.forms import DateInput, required_when
from wijkkracht.common.validation import (
    normalise_postcode,
    validate_birth_date,
    validate_bsn,
    validate_name,
)
from wijkkracht.households import services
from wijkkracht.households.models import (
    HOUSE_NUMBER_MAX,
    MEMBERS_MAX,
    NOTE_MAX_LENGTH,
    Benefit,
    BenefitEndReason,
    ContactKind,
    Household,
    IntakeChannel,
    PersonRole,
    WorkSituation,
)
from wijkkracht.households.services import MemberData
from wijkkracht.privacy.access import coordinated_teams_of
from wijkkracht.teams.models import Team, Wijk


class VersionedForm(forms.Form):
    """A form that changes a record carries the version it was read at, so the service can refuse a change
    based on an older one. A missing or mangled version is a message above the form, not a hidden error."""

    expected_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        value = str(data.get("expected_version") or "")
        if not value.isdigit() or not 1 <= int(value) < 2**31:
            raise ValidationError(_("This page is out of date: reload it and make your change again."))
        data["expected_version"] = int(value)
        return data


class HouseholdAddressFields(forms.Form):
    name = forms.CharField(
        label=_("Household name"), max_length=100, help_text=_("Usually the family name."), validators=[validate_name]
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=7, help_text=_("For example 1234 AB."))
    house_number = forms.IntegerField(label=_("House number"), min_value=1, max_value=HOUSE_NUMBER_MAX)
    house_number_addition = forms.CharField(label=_("Addition"), max_length=6, required=False)
    street = forms.CharField(label=_("Street"), max_length=100, required=False, validators=[validate_name])
    city = forms.CharField(label=_("City"), max_length=100, required=False, validators=[validate_name])
    wijk = forms.ModelChoiceField(
        queryset=Wijk.objects.all(),
        label=_("District"),
        required=False,
        empty_label=_("Derive from postcode"),
    )

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])


class HouseholdAddressForm(VersionedForm, HouseholdAddressFields):
    """Correcting the name and address of a household: the fields of registration plus the version."""


class HouseholdRegisterForm(HouseholdAddressFields):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"), empty_label=None)
    intake_channel = forms.ChoiceField(label=_("Came in through"), choices=IntakeChannel.choices)
    contact_person = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Contact person"),
        required=False,
        empty_label=_("Me"),
        help_text=_("Only a team coordinator can name someone else."),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        teams = Team.objects.filter(memberships__user=user)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = teams
        coordinated = coordinated_teams_of(user)
        if not coordinated.exists():
            del self.fields["contact_person"]  # the registering worker becomes the contact person
            return
        contact_field = self.fields["contact_person"]
        assert isinstance(contact_field, forms.ModelChoiceField)
        contact_field.queryset = User.objects.filter(
            memberships__team__in=coordinated, is_active=True, role__in=[Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR]
        ).distinct()


class MemberForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, validators=[validate_name])
    last_name = forms.CharField(label=_("Last name"), max_length=100, validators=[validate_name])
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput(), validators=[validate_birth_date])
    bsn = forms.CharField(label=_("BSN"), max_length=9, required=False, validators=[validate_bsn])
    # A blank first choice, so an untouched extra member form is recognised as empty.
    role = forms.ChoiceField(label=_("Role in household"), choices=[("", _("Choose…")), *PersonRole.choices])
    shared_custody = required_when(
        forms.BooleanField(
            label=_("This child also lives in another household (shared custody)"),
            required=False,
            help_text=_(
                "Tick this for a child of separated parents who lives in both households: then the BSN may also "
                "be in that household. Both contact persons are told."
            ),
        ),
        _("only for a child"),
    )

    def to_member(self) -> MemberData:
        data = self.cleaned_data
        return MemberData(
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            bsn=data.get("bsn", ""),
            role=data["role"],
            shared_custody=bool(data.get("shared_custody")),
        )


class MemberEditForm(VersionedForm, MemberForm):
    """Correcting a member's details: the fields of registration plus the version."""


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(form.has_changed() for form in self.forms):
            raise ValidationError(_("Register at least one household member."))

    def member_forms(self) -> list[MemberForm]:
        """The filled-in forms, in the order their members are passed to the service."""
        return [form for form in self.forms if form.has_changed() and form.cleaned_data]

    def members(self) -> list[MemberData]:
        return [form.to_member() for form in self.member_forms()]


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=3, max_num=MEMBERS_MAX, validate_max=True
)


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=ContactKind.choices)
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        help_text=_("A date in the future plans an appointment; it counts as contact once it has taken place."),
    )
    duration_minutes = required_when(
        forms.IntegerField(label=_("Duration in minutes"), min_value=0, max_value=720, required=False),
        _("needed when the contact took place; not for a no-show or a planned appointment"),
    )
    members = forms.MultipleChoiceField(
        label=_("Members involved"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Short note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Facts and agreements only; at most 2000 characters."),
    )

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        members_field = self.fields["members"]
        assert isinstance(members_field, forms.MultipleChoiceField)
        members_field.choices = [(str(person.id), person.full_name) for person in household.members.all()]


def _team_workers(team: Team) -> QuerySet[User]:
    """Who a household's contact person or task can be: active social workers and coordinators of its team."""
    return User.objects.filter(
        memberships__team=team, is_active=True, role__in=[Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR]
    ).order_by("first_name", "last_name", "id")


class ContactPersonForm(forms.Form):
    contact_person = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("New contact person"), empty_label=_("Choose a colleague…")
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: a new caseload division, or the household asked for it. At most 500 characters."),
    )

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["contact_person"]
        assert isinstance(field, forms.ModelChoiceField)
        workers = _team_workers(household.team)
        if household.contact_person_id is not None:
            workers = workers.exclude(id=household.contact_person_id)
        field.queryset = workers


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("What needs to be done"), max_length=200, help_text=_("For example: call the landlord about the rent.")
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(), help_text=_("Today or later."))
    assigned_to = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("For"), empty_label=_("Choose a colleague…")
    )

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["assigned_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = services.task_assignee_candidates(household)


class TaskCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: no longer needed, the household arranged it themselves. At most 500 characters."),
    )


class IncomeWorkForm(forms.Form):
    """An adult's income and work situation (issue 11); the service checks how the fields go together."""

    benefit = forms.ChoiceField(label=_("Benefit"), choices=Benefit.choices)
    benefit_since = required_when(
        forms.DateField(label=_("Benefit since"), widget=DateInput(), required=False),
        _("with a benefit, when known"),
    )
    benefit_ended_on = required_when(
        forms.DateField(
            label=_("Benefit ended on"),
            widget=DateInput(),
            required=False,
            help_text=_("Only when the benefit has ended; then also give the reason."),
        ),
        _("when the benefit ended"),
    )
    benefit_end_reason = required_when(
        forms.ChoiceField(
            label=_("Reason the benefit ended"),
            choices=[("", _("Choose…")), *BenefitEndReason.choices],
            required=False,
        ),
        _("when the benefit ended"),
    )
    work = forms.ChoiceField(label=_("Current work"), choices=WorkSituation.choices)
    recorded_on = forms.DateField(
        label=_("Situation on"),
        widget=DateInput(),
        help_text=_("The day this situation applies to; a change or correction is saved as a new situation."),
    )
