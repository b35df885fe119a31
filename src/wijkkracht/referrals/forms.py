"""Forms of the team's referral pages. The choices come from the view (the household's members, the services
found, the consents in force); the rules are the service's."""

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wijkkracht.common.forms import CHOOSE_LABEL
from wijkkracht.consent.models import Consent
from wijkkracht.households.models import Person
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.referrals.services import QUESTION_MAX_LENGTH, REASON_MAX_LENGTH
from wijkkracht.socialmap.models import Service

#: At most this many services in the choice; a search narrows it down.
SERVICE_CHOICES_MAX = 200


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def consent_label(consent: Consent) -> str:
    labels = dict(plan_catalogue().domain_choices)
    domains = ", ".join(labels.get(code, code) for code in consent.domains)
    until = (
        _("until %(date)s") % {"date": date_format(consent.valid_until, "j F Y")}
        if consent.valid_until
        else _("no end date")
    )
    return _("%(ground)s – %(purpose)s, %(until)s. Covers: %(domains)s") % {
        "ground": consent.get_ground_display(),
        "purpose": consent.get_purpose_display(),
        "until": until,
        "domains": domains,
    }


class ChooseForm(forms.Form):
    """Step 1 (GET): the member and the service, found by a search on the social map. Both are required
    for "Next"; a search only narrows the services (the view does not bind the form then)."""

    person = forms.TypedChoiceField(
        label=gettext_lazy("Member"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choose the member you refer."),
            "invalid_choice": gettext_lazy("This member is not in the household: choose one from the list."),
        },
    )
    q = forms.CharField(label=gettext_lazy("Search the social map"), max_length=100, required=False)
    service = forms.TypedChoiceField(
        label=gettext_lazy("Service"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choose the service you refer to (search the social map to find it)."),
            "invalid_choice": gettext_lazy(
                "This service is not on the social map: search again and choose one from the list."
            ),
        },
    )

    def __init__(self, *args: Any, members: list[Person], services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "person").choices = [("", CHOOSE_LABEL)] + [
            (member.id, member.full_name) for member in members
        ]
        choice_field(self, "service").choices = [("", CHOOSE_LABEL)] + [
            (service.id, f"{service.name} ({service.organization.name})") for service in services
        ]
        self.fields["q"].help_text = _("Words of the name or description of a service or organisation.")


class SendForm(forms.Form):
    """Step 2 (POST): the consent or legal ground, the life domains it carries, and the question."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    service = forms.IntegerField(widget=forms.HiddenInput)
    consent = forms.TypedChoiceField(
        label=gettext_lazy("Consent or legal ground"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose the consent or legal ground the referral rests on."),
            "invalid_choice": gettext_lazy(
                "This is not a consent or legal ground in force for this member and organisation: "
                "choose one from the list."
            ),
        },
    )
    domains = forms.MultipleChoiceField(
        label=gettext_lazy("Life domains whose data the referral carries"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Choose at least one life domain whose data the referral carries."),
            "invalid_choice": gettext_lazy("Only life domains a consent in force covers can be sent."),
        },
    )
    question = forms.CharField(
        label=gettext_lazy("What do you ask of the partner?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=QUESTION_MAX_LENGTH,
    )

    def __init__(self, *args: Any, consents: list[Consent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "consent").choices = [(consent.id, consent_label(consent)) for consent in consents]
        covered = {code for consent in consents for code in consent.domains}
        choice_field(self, "domains").choices = [
            (code, label) for code, label in plan_catalogue().domain_choices if code in covered
        ]
        self.fields["domains"].help_text = _(
            "Only the domains the chosen consent covers can be sent; the partner sees nothing of any other domain."
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for withdrawing"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
