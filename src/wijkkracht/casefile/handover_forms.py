"""Forms of the warm handover: they only parse input; the rules are `casefile.handover_services`'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wijkkracht.accounts.models import User
from wijkkracht.casefile.handover_services import RegisseurLoad
from wijkkracht.casefile.models import SUMMARY_TEXT_MAX
from wijkkracht.common.forms import DateInput, required_when, with_choose_label
from wijkkracht.teams.models import Team

SUMMARY_LABELS = {
    "measurements_text": _("Latest measurements"),
    "plan_text": _("Plan and progress"),
    "contacts_text": _("Contacts of the last months"),
    "risks_text": _("Risks"),
    "consents_text": _("Consent in force"),
    "question_text": _("What is asked of the receiving side"),
}
SUMMARY_HELP = {
    "risks_text": _("Drafted from the life domains that score severe; describe the risks as you see them."),
    "question_text": _("For example: long-term guidance with debts and the children's safety."),
}


def _text_field(name: str, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=SUMMARY_LABELS[name],
        help_text=SUMMARY_HELP.get(name, ""),
        required=required,
        max_length=SUMMARY_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class VersionForm(forms.Form):
    """A step that changes nothing but the handover's state: it names the version it was based on."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class HandoverStartForm(forms.Form):
    regisseur = required_when(
        forms.ModelChoiceField(queryset=User.objects.none(), label=_("Second-line case director"), required=False),
        _("can be chosen later"),
    )
    question_text = _text_field("question_text", required=True)

    def __init__(self, *args: object, loads: list[RegisseurLoad], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _regisseur_choices(self, loads)


def _regisseur_choices(form: forms.Form, loads: list[RegisseurLoad]) -> None:
    """The case directors with their caseload against the norm in the choice itself, those with room first."""
    field = form.fields["regisseur"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = User.objects.filter(id__in=[load.regisseur.id for load in loads])
    labels = {
        load.regisseur.id: _("%(name)s – %(count)d of %(norm)d households%(room)s")
        % {
            "name": load.regisseur,
            "count": load.caseload,
            "norm": load.norm,
            "room": "" if load.has_room else _(" (full: with this handover over the norm, needs approval)"),
        }
        for load in loads
    }
    field.label_from_instance = lambda user: labels.get(user.id, str(user))  # type: ignore[method-assign,assignment]
    field.queryset = field.queryset.order_by("first_name", "last_name", "username")
    with_choose_label(field)


class HandoverSummaryForm(VersionForm):
    regisseur = required_when(
        forms.ModelChoiceField(queryset=User.objects.none(), label=_("Second-line case director"), required=False),
        _("needed to send"),
    )
    measurements_text = _text_field("measurements_text")
    plan_text = _text_field("plan_text")
    contacts_text = _text_field("contacts_text")
    risks_text = _text_field("risks_text")
    consents_text = _text_field("consents_text")
    question_text = _text_field("question_text", required=True)

    def __init__(self, *args: object, loads: list[RegisseurLoad], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _regisseur_choices(self, loads)


FAMILY_PRESENT_CHOICES = [("", _("Choose…")), ("yes", _("Yes")), ("no", _("No"))]


class HandoverConversationForm(VersionForm):
    conversation_date = forms.DateField(label=_("Date of the handover conversation"), widget=DateInput())
    conversation_attendees = forms.CharField(
        label=_("Who was there"),
        max_length=500,
        help_text=_("For example: the contact person, the case director, the mother."),
    )
    family_present = forms.ChoiceField(label=_("Was the family there?"), choices=FAMILY_PRESENT_CHOICES)


class HandoverCompleteForm(VersionForm):
    date = forms.DateField(label=_("Handed over on"), widget=DateInput())


class HandoverCancelForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for cancelling the handover"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class HandoverBackForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), label=_("First-line team"))
    contact_person = required_when(
        forms.ModelChoiceField(queryset=User.objects.none(), label=_("Contact person in that team"), required=False),
        _("otherwise the team's coordinator names one"),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    measurements_text = _text_field("measurements_text")
    plan_text = _text_field("plan_text")
    contacts_text = _text_field("contacts_text")
    risks_text = _text_field("risks_text")
    consents_text = _text_field("consents_text")
    question_text = _text_field("question_text")

    def __init__(self, *args: object, candidates: dict[User, list[str]], **kwargs: object) -> None:
        """`candidates`: the social workers and coordinators of the teams, with the names of their teams."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["contact_person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(id__in=[user.id for user in candidates]).order_by(
            "first_name", "last_name", "username"
        )
        teams = {user.id: ", ".join(names) for user, names in candidates.items()}
        field.label_from_instance = lambda user: f"{user} ({teams.get(user.id, '')})"  # type: ignore[method-assign,assignment]
        with_choose_label(field)
        with_choose_label(self.fields["team"])
