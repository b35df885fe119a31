"""Plan forms only parse input. Every form that changes a plan carries the version it was based on."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.forms import DateInput
from wijkkracht.common.validation import validate_name
from wijkkracht.diagnosis.models import Measurement, MeasurementStatus
from wijkkracht.households.models import Household
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.plans.models import TEXT_MAX, ActionStatus, Goal, GoalOutcome, OwnerType, Plan


def measurement_choices(household: Household) -> list[tuple[int, str]]:
    measurements = Measurement.objects.filter(household=household, status=MeasurementStatus.COMPLETE).select_related(
        "instrument", "person"
    )
    return [
        (
            m.id,
            f"{m.moment}-meting {m.instrument.name}{' – ' + m.person.full_name if m.person else ''} "
            f"({m.date:%d-%m-%Y})",
        )
        for m in measurements.order_by("-date", "-id")
    ]


def member_choices(household: Household, empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((str(p.id), p.full_name) for p in household.members.all())]


class VersionedForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class PlanStartForm(forms.Form):
    plan_date = forms.DateField(label=_("Plan date"), widget=DateInput())
    evaluation_date = forms.DateField(label=_("Evaluation date"), widget=DateInput())
    baseline = forms.TypedChoiceField(
        label=_("Starting point (measurement)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["baseline"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("No measurement")), *measurement_choices(household)]


class GoalForm(VersionedForm):
    domain_code = forms.ChoiceField(label=_("Life domain"))
    person = forms.TypedChoiceField(label=_("For"), coerce=int, required=False, empty_value=None)
    client_words = forms.CharField(
        label=_("The goal in the household's own words"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    what = forms.CharField(label=_("What exactly (specific)"), max_length=300, validators=[validate_name])
    indicator = forms.CharField(label=_("How do we know it worked (measurable)"), max_length=300)
    indicator_domain = forms.ChoiceField(label=_("Linked to a measurement domain"), required=False)
    target_score = forms.IntegerField(label=_("Target score on that domain"), required=False)
    owner = forms.CharField(label=_("Who owns the goal"), max_length=200, validators=[validate_name])
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    suggestion = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        domain_field, person_field, indicator_field = (
            self.fields["domain_code"],
            self.fields["person"],
            self.fields["indicator_domain"],
        )
        assert isinstance(domain_field, forms.ChoiceField) and isinstance(person_field, forms.ChoiceField)
        assert isinstance(indicator_field, forms.ChoiceField)
        domain_field.choices = [("", _("Choose…")), *plan_catalogue().domain_choices]
        person_field.choices = member_choices(household, str(_("The whole household")))
        indicator_field.choices = [("", _("None"))] + [
            (f"{version.code}:{domain.code}", f"{version.name} – {domain.label}")
            for version in instrument_catalogue().enabled()
            for domain in version.parsed.domains
        ]


class ActionForm(VersionedForm):
    description = forms.CharField(label=_("Action"), max_length=300, validators=[validate_name])
    owner_type = forms.ChoiceField(label=_("Who carries it out"), choices=OwnerType.choices)
    owner_person = forms.TypedChoiceField(
        label=_("Member (when the client does it)"), coerce=int, required=False, empty_value=None
    )
    owner_user = forms.TypedChoiceField(label=_("Social worker"), coerce=int, required=False, empty_value=None)
    owner_name = forms.CharField(
        label=_("Name of person or organisation (network, partner, second line)"), max_length=200, required=False
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    method_code = forms.ChoiceField(label=_("Method"), required=False)

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        person_field, user_field, method_field = (
            self.fields["owner_person"],
            self.fields["owner_user"],
            self.fields["method_code"],
        )
        assert isinstance(person_field, forms.ChoiceField) and isinstance(user_field, forms.ChoiceField)
        assert isinstance(method_field, forms.ChoiceField)
        person_field.choices = member_choices(household, "–")
        user_field.choices = [("", "–")] + [
            (str(user.id), str(user))
            for user in User.objects.filter(
                memberships__team=household.team, is_active=True, role__in=[Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR]
            )
        ]
        line = _("line")
        method_field.choices = [("", _("No method"))] + [
            (method.code, f"{method.name} ({method.level} {line})") for method in plan_catalogue().methods
        ]


class ActionUpdateForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    done_steps = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: object, steps: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["done_steps"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(index, str(index)) for index in range(steps)]


class DismissForm(VersionedForm):
    reason = forms.CharField(label=_("Why does this suggestion not fit?"), max_length=500)


class AgreementForm(VersionedForm):
    discussed_on = forms.DateField(label=_("Discussed on"), widget=DateInput())
    agreed = forms.BooleanField(label=_("The household agrees with the plan"), required=False)
    present_members = forms.TypedMultipleChoiceField(
        label=_("Members present"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    client_comment = forms.CharField(
        label=_("What the household said about the plan"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["present_members"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.id, p.full_name) for p in household.members.all()]


class WorkGoalReasonForm(VersionedForm):
    person = forms.TypedChoiceField(label=_("Member"), coerce=int)
    reason = forms.CharField(label=_("Why no work or participation goal now?"), max_length=500)

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.id, p.full_name) for p in household.members.all()]


class EvaluationForm(VersionedForm):
    measurement = forms.TypedChoiceField(label=_("Measurement this evaluation is based on"), coerce=int)
    next_evaluation_date = forms.DateField(label=_("Next evaluation date"), widget=DateInput())

    def __init__(self, *args: object, plan: Plan, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["measurement"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose…")), *measurement_choices(plan.household)]
        self.goals: list[Goal] = list(plan.goals.all())
        for goal in self.goals:
            self.fields[f"outcome_{goal.id}"] = forms.ChoiceField(
                label=goal.what, choices=[("", _("Choose…")), *GoalOutcome.choices], required=False
            )
            self.fields[f"reason_{goal.id}"] = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def goal_fields(self) -> list[tuple[Goal, forms.BoundField, forms.BoundField]]:
        return [(goal, self[f"outcome_{goal.id}"], self[f"reason_{goal.id}"]) for goal in self.goals]

    def outcomes(self) -> dict[int, tuple[str, str]]:
        return {
            goal.id: (self.cleaned_data[f"outcome_{goal.id}"], self.cleaned_data[f"reason_{goal.id}"])
            for goal in self.goals
        }
