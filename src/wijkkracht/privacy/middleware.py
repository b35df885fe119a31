"""Refused attempts leave a row in the access log, for every page and API endpoint at once.

A response is the one place where every refusal ends up: a 404 raised by a selector (missing and
"not yours" look the same), a 404 or 403 returned by Django REST framework (which catches the exception
inside the view, so no exception middleware would see it), and a 403 by role from a decorator or
permission class. For an authenticated user, a 403 or 404 on a resolved URL writes one `refused` row
with the ids the request asked for: those a selector noted (first: the record refused, and ids from a
request body), then the id keyword arguments of the URL (`household_id`, `person_id`, `pk`, …). The
household id is recorded as requested, whether or not it exists, so the log does not tell the reader
more than the 404 did.

Not logged: anonymous requests (no one to name; sign-in failures are logged by the signal receivers),
URLs that match no pattern, and 405 (no access decision was taken and nothing was shown).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch

from wijkkracht.accounts.models import User
from wijkkracht.privacy.access import AccessContext, Refusal, trail_of
from wijkkracht.privacy.services import access_log_refused

REFUSED_STATUSES = frozenset({403, 404})


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in REFUSED_STATUSES:
            self.record_refusal(request, response.status_code)
        return response

    def record_refusal(self, request: HttpRequest, status: int) -> None:
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if match is None or not isinstance(user, User) or not user.is_authenticated:
            return
        access = AccessContext.from_request(request)
        refusals = trail_of(request).refusals + url_refusals(match)
        access_log_refused(access=access, status=status, refusals=refusals, fallback=match.view_name or "")


def url_refusals(match: ResolverMatch) -> list[Refusal]:
    """The records a URL names: `<kind>_id` keyword arguments, and `pk` of an API route named after its
    basename (`person-detail` → person). Other arguments (tokens, slugs, formats) are not recorded."""
    named: list[tuple[str, object]] = []
    for name, value in match.kwargs.items():
        if name == "pk":
            named.append(((match.url_name or "record").split("-")[0], value))
        elif name.endswith("_id"):
            named.append((name.removesuffix("_id"), value))
    household_id = next((_as_int(value) for kind, value in named if kind == "household"), None)
    person_id = next((_as_int(value) for kind, value in named if kind == "person"), None)
    return [Refusal(kind, str(value)[:40], household_id=household_id, person_id=person_id) for kind, value in named]


def _as_int(value: object) -> int | None:
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if -(2**63) <= number < 2**63 else None
