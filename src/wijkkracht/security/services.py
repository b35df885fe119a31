"""Writes of sign-in security: API tokens, two-factor devices, and ending a user's sessions and tokens."""

import datetime
import logging
import math
import secrets
from base64 import b32encode
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wijkkracht.accounts.models import User
from wijkkracht.common.validation import ErrorCollector
from wijkkracht.security.models import TOKEN_PREFIX_LENGTH, ApiToken, UserSession, hash_token

logger = logging.getLogger("wijkkracht.security")

#: Longest lifetime a person may give an API key, in days.
API_TOKEN_MAX_DAYS = 366
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator"
RECOVERY_DEVICE_NAME = "Herstelcodes"


# --- API tokens ---------------------------------------------------------------------------------------------


def api_token_create(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new API key; returns the row and the secret, which is shown once and stored only as a hash."""
    errors = ErrorCollector()
    name = (name or "").strip()
    if not name:
        errors.add("name", ValidationError(_("Give the API key a name."), code="required"))
    elif len(name) > 100:
        errors.add("name", ValidationError(_("A name is at most 100 characters."), code="max_length"))
    elif not name.isprintable():
        errors.add("name", ValidationError(_("The name contains invisible characters."), code="invalid"))
    elif ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).exists():
        errors.add("name", ValidationError(_("You already have an API key with this name."), code="duplicate"))
    if days is None:
        days = settings.API_TOKEN_DAYS
    if not 1 <= days <= API_TOKEN_MAX_DAYS:
        errors.add(
            "days",
            ValidationError(
                _("An API key is valid for 1 to %(max)d days.") % {"max": API_TOKEN_MAX_DAYS}, code="invalid"
            ),
        )
    if not user.is_active:
        errors.add("user", ValidationError(_("This account is deactivated."), code="inactive"))
    errors.raise_if_any()

    secret = secrets.token_hex(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:TOKEN_PREFIX_LENGTH],
            key_hash=hash_token(secret),
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
        )
    logger.info("API key %s (%s…) created for user %s", token.pk, token.prefix, user.pk)
    return token, secret


def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a key; revoking a revoked key changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        logger.info("API key %s (%s…) of user %s revoked by user %s", token.pk, token.prefix, token.user_id, by.pk)
    return token


def api_tokens_revoke_all(*, user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


# --- sessions -----------------------------------------------------------------------------------------------


def user_session_record(*, user: User, session_key: str) -> None:
    """Remember that this session belongs to the user, and forget sessions of theirs that have ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with transaction.atomic():
        for stale in UserSession.objects.filter(user=user).exclude(session_key=session_key):
            if not store().exists(stale.session_key):
                stale.delete()
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def user_session_forget(*, session_key: str) -> None:
    UserSession.objects.filter(session_key=session_key).delete()


def user_credentials_end(*, user: User) -> None:
    """End every session and every API key of the user (password changed, account deactivated)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    with transaction.atomic():
        for key in keys:
            store(session_key=key).delete()
        UserSession.objects.filter(user=user).delete()
        revoked = api_tokens_revoke_all(user=user)
    logger.info("Ended %d sessions and %d API keys of user %s", len(keys), revoked, user.pk)


# --- two-factor authentication ------------------------------------------------------------------------------


def totp_new_key() -> str:
    """A fresh TOTP secret (hex, as django-otp stores it)."""
    return secrets.token_hex(20)


def totp_key_base32(key_hex: str) -> str:
    return b32encode(bytes.fromhex(key_hex)).decode()


def _totp_matches(key_hex: str, code: str) -> int | None:
    """The time step at which the code is valid (one step of clock drift either way), or None."""
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6, drift=0)
    if totp.verify(int(code), tolerance=1):
        return totp.t()
    return None


def _clean_code(code: str) -> str:
    return "".join((code or "").split())


def totp_device_confirm(*, user: User, key_hex: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm a new authenticator with a code from it. Replaces any earlier device and recovery codes, and
    returns the device with ten new recovery codes (shown once)."""
    code = _clean_code(code)
    errors = ErrorCollector()
    try:
        bytes.fromhex(key_hex)
        valid_key = len(key_hex) == 40
    except (TypeError, ValueError):
        valid_key = False
    if not valid_key:
        errors.add("code", ValidationError(_("The set-up expired. Please start again."), code="no_key"))
    elif not (len(code) == 6 and code.isdigit()):
        errors.add("code", ValidationError(_("Enter the 6-digit code from your app."), code="format"))
    else:
        last_t = _totp_matches(key_hex, code)
        if last_t is None:
            errors.add("code", ValidationError(_("This code is not correct. Try the next code."), code="wrong"))
    errors.raise_if_any()

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, key=key_hex, confirmed=True, last_t=last_t or -1
        )
        codes = _recovery_codes_replace(user)
    logger.info("Two-factor authentication set up for user %s", user.pk)
    return device, codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
    logger.info("Recovery codes regenerated for user %s", user.pk)
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_recovery_code() for _index in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _index in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a second-factor code: the device that accepted it, or why not."""

    device: TOTPDevice | StaticDevice | None = None
    #: "wrong" (a wrong 6-digit code), "recovery" (a recovery code that is wrong or already used), "throttled"
    problem: str = ""
    #: With "throttled": how many seconds to wait before the next try.
    wait_seconds: int = 0


def two_factor_verify(*, user: User, code: str) -> CodeCheck:
    """Which device accepts this 6-digit code or recovery code (a recovery code works once), or why none does.
    django-otp's throttling slows down guessing after each wrong code: while it applies, no code is checked."""
    code = _clean_code(code).lower()
    is_totp = code.isdigit()
    if not code:
        return CodeCheck(problem="wrong")
    with transaction.atomic():
        devices: list[TOTPDevice | StaticDevice]
        if is_totp:
            devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
        else:
            devices = list(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))
        for device in devices:
            allowed, data = device.verify_is_allowed()
            if not allowed:
                locked_until = (data or {}).get("locked_until")
                wait = (locked_until - timezone.now()).total_seconds() if locked_until else 1
                logger.warning("Two-factor code for user %s refused: throttled", user.pk)
                return CodeCheck(problem="throttled", wait_seconds=max(1, math.ceil(wait)))
            if device.verify_token(code):
                return CodeCheck(device=device)
    logger.warning("Wrong two-factor code for user %s", user.pk)
    return CodeCheck(problem="wrong" if is_totp else "recovery")


def two_factor_remove(*, user: User) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    logger.info("Two-factor authentication removed for user %s", user.pk)
