"""Forms of the measures pages. They only parse what the user typed; the services decide (the mandate, the
hearing rule, amounts, dates, the goal, who may approve)."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkkracht.common.forms import ChooseLabelMixin, DateInput, required_when
from wijkkracht.households.models import Household, Person
from wijkkracht.mandate.models import NOTE_MAX, REASON_MAX
from wijkkracht.mandate.policy import MeasureKind
from wijkkracht.plans.models import Goal, PlanStatus


class AmountField(forms.CharField):
    """A euro amount or a percentage as typed ("450", "450,50", "€ 1.250,00"): passed on as text, the service
    parses it leniently and decides (below zero, more than two decimals, too large, not a number: its Dutch
    message on this field), as it does for the API."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update(inputmode="decimal", autocomplete="off")
        return attrs


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.what)


class MeasureProposeForm(ChooseLabelMixin, forms.Form):
    """A measure of one kind (chosen on the step before): only the fields that kind has."""

    kind_code = forms.CharField(widget=forms.HiddenInput, max_length=60)
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Member"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX,
        help_text=_("Why this measure, now, for this member. The member reads this in the decision letter."),
    )
    legal_ground = forms.CharField(
        label=_("Legal ground"),
        max_length=300,
        required=False,
        help_text=_("Filled in from the kind of measure; change it only when another article applies."),
    )
    # Shown only for a kind that has it, so always needed then: labelled like every required field (no
    # "(niet verplicht)"), with an example of how to write it. The service parses and decides the rest.
    amount = AmountField(
        label=_("Amount in euros"),
        required=True,
        help_text=_("For example 450,00"),
        error_messages={"required": _("Fill in the amount, for example 450,00.")},
    )
    percentage = AmountField(
        label=_("Percentage"),
        required=True,
        help_text=_("For example 20"),
        error_messages={"required": _("Fill in the percentage, for example 20.")},
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(
        label=_("End date"),
        widget=DateInput(),
        required=False,
        help_text=_("The last day the measure applies."),
    )
    goal = GoalChoiceField(
        queryset=Goal.objects.none(),
        label=_("Goal of the plan it serves"),
        required=False,
        help_text=_("A goal of the active plan, if the measure serves one."),
    )
    hearing_date = required_when(
        forms.DateField(label=_("Client heard on"), widget=DateInput(), required=False), _("required for a sanction")
    )
    hearing_statement = required_when(
        forms.CharField(
            label=_("What the client said"),
            widget=forms.Textarea(attrs={"rows": 4}),
            max_length=REASON_MAX,
            required=False,
            help_text=_("In the client's own words where possible; the decision letter repeats it."),
        ),
        _("required for a sanction"),
    )

    def __init__(self, *args: Any, household: Household, kind: MeasureKind, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"kind_code": kind.code, "legal_ground": kind.legal_ground, "start_date": timezone.localdate()}
        )
        super().__init__(*args, **kwargs)
        self.kind = kind
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ModelChoiceField)
        person_field.queryset = household.members.order_by("id")
        goal_field = self.fields["goal"]
        assert isinstance(goal_field, forms.ModelChoiceField)
        goal_field.queryset = Goal.objects.filter(
            plan__household=household, plan__status=PlanStatus.ACTIVE, outcome=""
        ).order_by("-priority", "id")
        goal_field.empty_label = _("No goal")
        if not goal_field.queryset.exists():
            del self.fields["goal"]
        if not kind.has_amount:
            del self.fields["amount"]
        if not kind.has_percentage:
            del self.fields["percentage"]
        if not kind.sanction:
            del self.fields["hearing_date"]
            del self.fields["hearing_statement"]
        else:
            self.fields["hearing_date"].help_text = _(
                "A sanction is decided only after the client was heard: the date of that conversation."
            )


class ApprovalForm(forms.Form):
    """Approve or reject the step that waits for the user; a note is needed to reject."""

    DECISIONS = (("approve", _("Approve")), ("reject", _("Reject")))

    #: Posted by the button pressed (approve or reject); not `decision`, the services' key for refusals that
    #: belong above the form.
    choice = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    note = required_when(
        forms.CharField(
            label=_("Note"),
            max_length=NOTE_MAX,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("When you reject: the reason. The decider reads it."),
        ),
        _("required to reject"),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_147_483_647)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
