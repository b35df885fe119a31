"""A memo that lives for one request: facts that several parts of a page ask for (the user's teams, whether
they coordinate one) are looked up once per request instead of once per question.

Never longer than the request (a change of team membership is seen on the next request), and forgotten within
the request when the facts change (`teams.models` forgets it on every change of a team membership). Outside a
request (commands, tests calling a selector directly) there is no memo and every question asks the database.
"""

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, object] | None] = ContextVar("wijkkracht_request_memo", default=None)


def memoized(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per request for `key`; every time outside a request."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[return-value]


def forget_request_memo() -> None:
    memo = _memo.get()
    if memo is not None:
        memo.clear()


class RequestMemoMiddleware:
    """Opens the memo for the request and closes it after the response (first in MIDDLEWARE, so every other
    middleware, view and template of the request shares it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
