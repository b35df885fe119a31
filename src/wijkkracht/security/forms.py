import copy

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wijkkracht.security.services import API_TOKEN_MAX_DAYS


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class PasswordForm(forms.Form):
    """The user's password once more, before a change to their second factor."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: object, ask_password: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if ask_password:
            self.fields["password"] = copy.deepcopy(PasswordForm.base_fields["password"])


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, for example the name of the program that uses it."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=API_TOKEN_MAX_DAYS,
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["days"].help_text = ngettext(
            "Empty: %(days)d day.", "Empty: %(days)d days.", settings.API_TOKEN_DAYS
        ) % {"days": settings.API_TOKEN_DAYS}
