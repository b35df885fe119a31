"""Every session and API key of a user ends when their password changes or the account is deactivated."""

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from wijkkracht.security import services

_CHANGED = "_security_credentials_changed"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_credential_change(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. last_login at every sign-in
    before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    # Django re-hashes a password on sign-in when its hasher changed (set_password, then `_password = None`,
    # then save(update_fields=["password"])): the same password, so nothing ends.
    rehash = update_fields is not None and set(update_fields) == {"password"} and instance._password is None
    password_changed = before["password"] != instance.password and not rehash
    setattr(instance, _CHANGED, password_changed or (before["is_active"] and not instance.is_active))


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def end_sessions_and_tokens(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
    if getattr(instance, _CHANGED, False):
        setattr(instance, _CHANGED, False)
        services.user_credentials_end(user=instance)


@receiver(user_logged_in)
def remember_session(sender: type, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from wijkkracht.security.middleware import (
        LAST_ACTIVITY_SESSION_KEY,
        SIGNED_IN_AT_SESSION_KEY,
        TRACKED_KEY_SESSION_KEY,
        TWO_FACTOR_FREE_UNTIL_SESSION_KEY,
        TWO_FACTOR_RECHECK,
    )
    from wijkkracht.security.policy import has_confirmed_device, two_factor_required

    session = getattr(request, "session", None)
    if session is None:
        return
    if not session.session_key:
        session.save()
    services.user_session_record(user=user, session_key=session.session_key)
    session[TRACKED_KEY_SESSION_KEY] = session.session_key
    now = time.time()
    session[SIGNED_IN_AT_SESSION_KEY] = session[LAST_ACTIVITY_SESSION_KEY] = now
    # A new sign-in looks again whether a second factor is needed (so the first page costs no extra query).
    if has_confirmed_device(user) or two_factor_required(user):
        session.pop(TWO_FACTOR_FREE_UNTIL_SESSION_KEY, None)
    else:
        session[TWO_FACTOR_FREE_UNTIL_SESSION_KEY] = now + TWO_FACTOR_RECHECK


@receiver(user_logged_out)
def forget_session(sender: type, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        services.user_session_forget(session_key=session.session_key)
