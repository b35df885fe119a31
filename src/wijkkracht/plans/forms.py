"""Plan forms only parse input. Every form that changes something someone else may be editing carries the
version it was based on: the plan's (agreement, work-goal reason, evaluation), a goal's, or an action's."""

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.forms import DateInput, required_when
from wijkkracht.common.validation import validate_name
from wijkkracht.diagnosis.models import Measurement, MeasurementStatus
from wijkkracht.households.models import Household
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.plans.models import TEXT_MAX, ActionStatus, Goal, GoalOutcome, OwnerType, Plan
from wijkkracht.plans.services import evaluation_measurements


def measurement_label(measurement: Measurement) -> str:
    person = f" – {measurement.person.full_name}" if measurement.person else ""
    return (
        f"{measurement.moment}-meting {measurement.instrument.name}{person} ({date_format(measurement.date, 'j F Y')})"
    )


def measurement_choices(measurements: Any) -> list[tuple[int, str]]:
    return [
        (m.id, measurement_label(m))
        for m in measurements.select_related("instrument", "person").order_by("-date", "-id")
    ]


def member_choices(household: Household, empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((str(p.id), p.full_name) for p in household.members.all())]


class VersionedForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class PlanStartForm(forms.Form):
    plan_date = forms.DateField(label=_("Plan date"), widget=DateInput())
    evaluation_date = forms.DateField(label=_("Evaluation date"), widget=DateInput())
    baseline = forms.TypedChoiceField(
        label=_("Starting point (measurement)"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "The measurement the evaluation compares with. Left automatic, it is the latest completed "
            "measurement of the whole household (or else of a member)."
        ),
    )

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["baseline"]
        assert isinstance(field, forms.ChoiceField)
        complete = Measurement.objects.filter(household=household, status=MeasurementStatus.COMPLETE)
        field.choices = [("", _("Automatically: the latest measurement")), *measurement_choices(complete)]


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Life domain"))
    person = forms.TypedChoiceField(label=_("For"), coerce=int, required=False, empty_value=None)
    client_words = forms.CharField(
        label=_("The goal in the household's own words"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    what = forms.CharField(label=_("What exactly (specific)"), max_length=300, validators=[validate_name])
    indicator = forms.CharField(label=_("How do we know it worked (measurable)"), max_length=300)
    instrument_domain = forms.ChoiceField(label=_("Linked to a measurement domain"), required=False)
    target_score = required_when(
        forms.IntegerField(
            label=_("Target score on that domain"),
            required=False,
            help_text=_("A value of that instrument's scale."),
        ),
        _("needed when the goal is linked to a measurement domain"),
    )
    owner = forms.CharField(label=_("Who owns the goal"), max_length=200, validators=[validate_name])
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    suggestion = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        domain_field, person_field, indicator_field = (
            self.fields["domain"],
            self.fields["person"],
            self.fields["instrument_domain"],
        )
        assert isinstance(domain_field, forms.ChoiceField) and isinstance(person_field, forms.ChoiceField)
        assert isinstance(indicator_field, forms.ChoiceField)
        domain_field.choices = [("", _("Choose a life domain…")), *plan_catalogue().domain_choices]
        person_field.choices = member_choices(household, str(_("The whole household")))
        indicator_field.choices = [("", _("No measurement domain"))] + [
            (f"{version.code}:{domain.code}", f"{version.name} – {domain.label}")
            for version in instrument_catalogue().enabled()
            for domain in version.parsed.domains
        ]


class GoalEditForm(GoalForm, VersionedForm):
    """Changing a goal names the goal's version it was based on."""


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300, validators=[validate_name])
    owner_type = forms.ChoiceField(label=_("Who carries it out"))
    owner_person = required_when(
        forms.TypedChoiceField(label=_("Member of the household"), coerce=int, required=False, empty_value=None),
        _("needed when the household carries it out"),
    )
    owner_user = required_when(
        forms.TypedChoiceField(label=_("Social worker"), coerce=int, required=False, empty_value=None),
        _("needed when a social worker carries it out"),
    )
    owner_name = required_when(
        forms.CharField(label=_("Name of person or organisation"), max_length=200, required=False),
        _("needed when the network, a partner organisation or the second line carries it out"),
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    method = forms.ChoiceField(label=_("Method"), required=False)

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        type_field, person_field, user_field, method_field = (
            self.fields["owner_type"],
            self.fields["owner_person"],
            self.fields["owner_user"],
            self.fields["method"],
        )
        assert isinstance(type_field, forms.ChoiceField) and isinstance(person_field, forms.ChoiceField)
        assert isinstance(user_field, forms.ChoiceField) and isinstance(method_field, forms.ChoiceField)
        type_field.choices = [("", _("Choose who carries it out…")), *OwnerType.choices]
        person_field.choices = member_choices(household, str(_("Choose a member…")))
        user_field.choices = [("", _("Choose a social worker…"))] + [
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


class DismissForm(forms.Form):
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
        field.choices = [("", _("Choose a member…")), *((p.id, p.full_name) for p in household.members.all())]


class EvaluationForm(VersionedForm):
    measurement = forms.TypedChoiceField(
        label=_("Measurement this evaluation is based on"),
        coerce=int,
        help_text=_("A completed measurement taken after the plan's starting point."),
    )
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DateInput())
    next_evaluation_date = forms.DateField(label=_("Next evaluation date"), widget=DateInput())

    def __init__(self, *args: object, plan: Plan, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["measurement"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose a measurement…")), *measurement_choices(evaluation_measurements(plan))]
        self.goals: list[Goal] = list(plan.goals.order_by("id"))
        for goal in self.goals:
            self.fields[f"outcome_{goal.id}"] = forms.ChoiceField(
                label=_("Outcome"), choices=[("", _("Choose an outcome…")), *GoalOutcome.choices]
            )
            self.fields[f"reason_{goal.id}"] = forms.CharField(label=_("Reason"), max_length=500)

    def goal_fields(self) -> list[tuple[Goal, forms.BoundField, forms.BoundField]]:
        return [(goal, self[f"outcome_{goal.id}"], self[f"reason_{goal.id}"]) for goal in self.goals]

    def outcomes(self) -> list[tuple[int, str, str]]:
        """(goal id, outcome, reason) in the order of the goals: service errors `outcomes.<index>.…`."""
        return [
            (goal.id, self.cleaned_data[f"outcome_{goal.id}"], self.cleaned_data[f"reason_{goal.id}"])
            for goal in self.goals
        ]

    def field_of(self, key: str) -> str | None:
        """The form field of a service error key such as `outcomes.1.reason`."""
        prefix, _dot, rest = key.partition(".")
        if prefix != "outcomes" or not rest:
            return key if key in self.fields else None
        index, _dot, part = rest.partition(".")
        if not index.isdigit() or int(index) >= len(self.goals) or part not in ("outcome", "reason"):
            return None
        return f"{part}_{self.goals[int(index)].id}"
