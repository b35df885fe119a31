"""Sign-ins, failed sign-ins (the username tried; no user) and sign-outs go into the access log."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from wijkkracht.accounts.models import User
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_sign_in_event


@receiver(user_logged_in, dispatch_uid="privacy_log_sign_in")
def log_sign_in(sender: type, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    access_log_sign_in_event(request=request, action=AccessAction.LOGIN, user=user)


@receiver(user_login_failed, dispatch_uid="privacy_log_failed_sign_in")
def log_failed_sign_in(
    sender: type, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username_field = get_user_model().USERNAME_FIELD
    tried = credentials.get(username_field) or credentials.get("username") or ""
    access_log_sign_in_event(request=request, action=AccessAction.LOGIN_FAILED, user=None, username=str(tried))


@receiver(user_logged_out, dispatch_uid="privacy_log_sign_out")
def log_sign_out(sender: type, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        access_log_sign_in_event(request=request, action=AccessAction.LOGOUT, user=user)
