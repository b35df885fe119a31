"""Session rules that hold for every page: idle timeout, the second factor, and knowing whose session is whose.

Order in MIDDLEWARE: after AuthenticationMiddleware, django-otp's OTPMiddleware and MessageMiddleware.
"""

import time
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkkracht.security import services
from wijkkracht.security.policy import has_confirmed_device, is_verified, two_factor_required

LAST_ACTIVITY_SESSION_KEY = "security_last_activity"
SIGNED_IN_AT_SESSION_KEY = "security_signed_in_at"
TRACKED_KEY_SESSION_KEY = "security_session_key"
TWO_FACTOR_FREE_UNTIL_SESSION_KEY = "security_two_factor_free_until"
#: Last activity is written at most this often (seconds), so not every request writes the session.
ACTIVITY_RESOLUTION = 60
#: How long "this user needs no second factor" is trusted before it is looked up again (seconds).
TWO_FACTOR_RECHECK = 60

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _has_token_header(request: HttpRequest) -> bool:
    return request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("token ")


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class IdleTimeoutMiddleware:
    """A session without a request for longer than SESSION_IDLE_TIMEOUT seconds ends on the next request,
    and every session ends SESSION_COOKIE_AGE seconds after signing in, however active (Django alone would
    push the expiry forward at every save of the session). Both times live in the session (in the
    database), so any app process can check them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not (_is_api(request) and _has_token_header(request)):
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            signed_in_at = request.session.get(SIGNED_IN_AT_SESSION_KEY)
            message = None
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                minutes = max(1, settings.SESSION_IDLE_TIMEOUT // 60)
                message = ngettext(
                    "You were logged out after %(minutes)d minute without activity. Please log in again.",
                    "You were logged out after %(minutes)d minutes without activity. Please log in again.",
                    minutes,
                ) % {"minutes": minutes}
            elif signed_in_at is not None and now - signed_in_at > settings.SESSION_COOKIE_AGE:
                hours = settings.SESSION_COOKIE_AGE / 3600
                message = ngettext(
                    "You were logged out %(hours)s hour after logging in. Please log in again.",
                    "You were logged out %(hours)s hours after logging in. Please log in again.",
                    1 if hours == 1 else 2,
                ) % {"hours": f"{hours:g}"}
            if message is not None:
                logout(request)
                messages.info(request, message)
                if not _is_api(request):
                    login_url = reverse(settings.LOGIN_URL)
                    if request.method == "GET":
                        login_url += f"?next={quote(request.get_full_path())}"
                    return _redirect(request, login_url)
            elif last is None or now - last >= ACTIVITY_RESOLUTION:
                request.session[LAST_ACTIVITY_SESSION_KEY] = now
        response = self.get_response(request)
        self._track_session(request)
        return response

    @staticmethod
    def _track_session(request: HttpRequest) -> None:
        """Remember the session key of a signed-in user (it changes at login and on a password change), so
        all their sessions can be ended later."""
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated or not session.session_key:
            return
        if session.get(TRACKED_KEY_SESSION_KEY) != session.session_key:
            services.user_session_record(user=user, session_key=session.session_key)
            session[TRACKED_KEY_SESSION_KEY] = session.session_key


class TwoFactorMiddleware:
    """Whoever has a second factor, or must have one, reaches nothing but the two-factor pages until the
    session is verified: not the pages, not the management site, not the API through the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        if self._open_paths is None:
            self._open_paths = (
                reverse("security:two_factor_verify"),
                reverse("security:two_factor_setup"),
                reverse("logout"),
                reverse("healthz"),
                reverse("set_language"),
                "/" + settings.STATIC_URL.lstrip("/"),
            )
        return self._open_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not is_verified(user)
            and not request.path_info.startswith(self.open_paths())
            and not (_is_api(request) and _has_token_header(request))
            and self._second_factor_needed(request)
        ):
            if _is_api(request):
                return JsonResponse(
                    {"detail": _("Sign in with two-factor authentication first, or use an API key.")}, status=403
                )
            has_device = has_confirmed_device(user)
            target = reverse("security:two_factor_verify" if has_device else "security:two_factor_setup")
            return _redirect(request, f"{target}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    @staticmethod
    def _second_factor_needed(request: HttpRequest) -> bool:
        now = time.time()
        if request.session.get(TWO_FACTOR_FREE_UNTIL_SESSION_KEY, 0) > now:
            return False
        needed = has_confirmed_device(request.user) or two_factor_required(request.user)  # type: ignore[arg-type]
        if not needed:
            request.session[TWO_FACTOR_FREE_UNTIL_SESSION_KEY] = now + TWO_FACTOR_RECHECK
        return needed
