"""Pages of sign-in security: two-factor set-up and verification, and "Mijn API-sleutels"."""

import logging
from urllib.parse import quote

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from wijkkracht.accounts.models import User
from wijkkracht.privacy.access import client_ip
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_sign_in_event
from wijkkracht.security import selectors, services
from wijkkracht.security.forms import ApiTokenForm, CodeForm, PasswordForm, SetupCodeForm
from wijkkracht.security.policy import is_verified, two_factor_required

logger = logging.getLogger("wijkkracht.security")

PENDING_KEY_SESSION_KEY = "security_pending_totp_key"
ISSUER = "Wijkkracht"
#: The access log's `what` for the second step of signing in (action "login").
SECOND_FACTOR_VERIFIED = "second factor verified"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]


# --- two-factor authentication ------------------------------------------------------------------------------


def _credentials(user: User) -> dict[str, str]:
    return {"username": user.get_username()}


def _sign_in_locked(request: HttpRequest, user: User) -> bool:
    """django-axes' lockout of this username from this address, which also stops the second step and the
    password checks on the two-factor pages (axes itself guards only the password sign-in)."""
    return AxesProxyHandler.is_locked(request, _credentials(user))


def _sign_in_failed(request: HttpRequest, user: User) -> None:
    """A wrong code or password after signing in counts like a failed sign-in: the access log writes it and
    django-axes counts it toward the lockout (its middleware then answers with the lockout page)."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)


def _password_confirmed(request: HttpRequest, user: User, form: forms.Form) -> bool:
    """Whether the form's password is the user's; if not, a form error and a failed sign-in."""
    if user.check_password(form.cleaned_data.get("password") or ""):
        return True
    form.add_error("password", _("This password is not correct."))
    _sign_in_failed(request, user)
    return False


def _lockout_response(request: HttpRequest, user: User) -> HttpResponse:
    return locked_out(request, credentials=_credentials(user))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app or a recovery code."""
    user: User = request.user  # type: ignore[assignment]
    if is_verified(user):
        return redirect(_next_url(request))
    if selectors.totp_device_of(user) is None:
        return redirect(f"{reverse('security:two_factor_setup')}?next={quote(_next_url(request))}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and _sign_in_locked(request, user):
        return _lockout_response(request, user)
    if request.method == "POST" and form.is_valid():
        check = services.two_factor_verify(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            django_otp.login(request, check.device)
            access_log_sign_in_event(request=request, action=AccessAction.LOGIN, user=user, what=SECOND_FACTOR_VERIFIED)
            return redirect(_next_url(request))
        if check.problem == "throttled":
            form.add_error(
                "code",
                ngettext(
                    "Too many wrong codes; wait %(seconds)s second.",
                    "Too many wrong codes; wait %(seconds)s seconds.",
                    check.wait_seconds,
                )
                % {"seconds": check.wait_seconds},
            )
        else:
            if check.problem == "recovery":
                form.add_error("code", _("This recovery code is not correct or has already been used."))
            else:
                form.add_error("code", _("This code is not correct. Wait for the next code and try again."))
            _sign_in_failed(request, user)
    return render(request, "security/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: QR code and secret, confirmed with a code from the app."""
    user: User = request.user  # type: ignore[assignment]
    if not is_verified(user) and selectors.totp_device_of(user) is not None:
        # Only someone who already passed the second factor may replace it.
        return redirect(f"{reverse('security:two_factor_verify')}?next={quote(request.get_full_path())}")
    key = request.session.get(PENDING_KEY_SESSION_KEY)
    if request.method == "GET" or not key:
        key = services.totp_new_key()
        request.session[PENDING_KEY_SESSION_KEY] = key
    replacing = selectors.totp_device_of(user) is not None
    form = SetupCodeForm(request.POST or None, ask_password=replacing)
    if request.method == "POST" and replacing and _sign_in_locked(request, user):
        return _lockout_response(request, user)
    if request.method == "POST" and form.is_valid() and (not replacing or _password_confirmed(request, user, form)):
        try:
            device, codes = services.totp_device_confirm(user=user, key_hex=key, code=form.cleaned_data["code"])
        except ValidationError as error:
            for message in error.message_dict.get("code", []):
                form.add_error("code", message)
        else:
            del request.session[PENDING_KEY_SESSION_KEY]
            django_otp.login(request, device)
            return render(
                request, "security/recovery_codes.html", {"codes": codes, "next": _next_url(request), "new": True}
            )
    secret = services.totp_key_base32(key)
    uri = (
        f"otpauth://totp/{quote(ISSUER)}:{quote(user.get_username())}"
        f"?secret={secret}&issuer={quote(ISSUER)}&algorithm=SHA1&digits=6&period=30"
    )
    context = {
        "form": form,
        "qr_svg": mark_safe(_qr_svg(uri)),  # noqa: S308 - generated by qrcode from our own data, no user markup
        "secret_groups": " ".join(secret[index : index + 4] for index in range(0, len(secret), 4)),
        "replacing": replacing,
        "required": two_factor_required(user),
        "next": _next_url(request),
    }
    return render(request, "security/two_factor_setup.html", context)


def _overview(request: HttpRequest, user: User, password_form: PasswordForm, status: int = 200) -> HttpResponse:
    device = selectors.totp_device_of(user)
    context = {
        "device": device,
        "codes_left": selectors.recovery_codes_left(user) if device else 0,
        "required": two_factor_required(user),
        "password_form": password_form,
    }
    return render(request, "security/two_factor.html", context, status=status)


@never_cache
@login_required
def two_factor_overview(request: HttpRequest) -> HttpResponse:
    """ "Tweestapsverificatie": status, replace the device, new recovery codes."""
    return _overview(request, request.user, PasswordForm())  # type: ignore[arg-type]


@never_cache
@login_required
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    """New recovery codes, after the password once more."""
    user: User = request.user  # type: ignore[assignment]
    if selectors.totp_device_of(user) is None or not is_verified(user):
        return redirect("security:two_factor")
    if _sign_in_locked(request, user):
        return _lockout_response(request, user)
    form = PasswordForm(request.POST)
    if not (form.is_valid() and _password_confirmed(request, user, form)):
        return _overview(request, user, form, status=400)
    codes = services.recovery_codes_regenerate(user=user)
    return render(request, "security/recovery_codes.html", {"codes": codes, "next": reverse("home"), "new": False})


# --- the management site's login ----------------------------------------------------------------------------


def admin_login(request: HttpRequest) -> HttpResponse:
    """The management site has no sign-in of its own: anonymous visitors go to the product's login (lockout,
    second factor). A signed-in user whose role gives no access to management gets 403 (the management site
    sends them here, and the login page would send them back: a redirect loop)."""
    if request.user.is_authenticated:
        raise PermissionDenied(_("Your role gives no access to management."))
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("login") + (f"?{query}" if query else ""))


# --- API keys -----------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """ "Mijn API-sleutels": the user's keys (never a secret), a new key (its secret shown once)."""
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.api_token_create(
                user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            form = ApiTokenForm()
    status = 400 if form.errors else 200
    context = {
        "form": form,
        "tokens": selectors.api_tokens_of(user),
        "created": created,
        "secret": secret,
        "default_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "security/api_tokens.html", context, status=status)


@never_cache
@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token = selectors.api_token_of(user, token_id)
    services.api_token_revoke(token=token, by=user)
    messages.success(request, _("The API key “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("security:api_tokens")


# --- lockout ------------------------------------------------------------------------------------------------


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes' lockout answer: the product's own login page with a Dutch message, status 429."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    logger.warning(
        "Sign-in locked out: username %r from %s after repeated failures",
        str(username)[:150],
        client_ip(request) or "?",
    )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "locked_out": True, "cooloff_minutes": minutes, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429))
