"""Choosing a password through a one-time link, and asking for one ("forgot password").

Django's own views do the work: the token is single use (its hash includes the password) and valid for
PASSWORD_RESET_TIMEOUT; "forgot password" answers the same whether or not an account exists.
"""

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.urls import reverse_lazy

from wijkkracht.accounts.services import staff_password_set


class ChoosePasswordForm(SetPasswordForm):
    """Django's checks (both fields equal, AUTH_PASSWORD_VALIDATORS); the service writes and audits."""

    def save(self, commit: bool = True) -> Any:
        return staff_password_set(account=self.user, password=self.cleaned_data["new_password1"])


class ForgotPasswordView(auth_views.PasswordResetView):
    """Django's rule for whom it mails (active, a usable password, the same address) also means that an
    account that never chose a password gets its link from the administrator, not from here."""

    template_name = "registration/forgot_password.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordLinkSentView(auth_views.PasswordResetDoneView):
    template_name = "registration/forgot_password_sent.html"


class ChoosePasswordView(auth_views.PasswordResetConfirmView):
    form_class = ChoosePasswordForm
    template_name = "registration/choose_password.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordChosenView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_chosen.html"
