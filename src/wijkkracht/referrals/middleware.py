"""Reminders of unanswered referrals without cron: made for a worker's households when they open the pages
where they look at their work (Mijn taken, the week, their caseload), just before that page is built. Cheap
(one indexed query when there is nothing to do) and idempotent (`referral_reminders_create`)."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from wijkkracht.referrals.services import my_referral_reminders_create

#: The pages (URL names) that make the reminders of the signed-in worker's households first.
WORK_PAGES = frozenset({"casefile:my_tasks", "casefile:my_week", "casefile:mine"})


class ReferralReminderMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        match = request.resolver_match
        if request.method == "GET" and match is not None and match.view_name in WORK_PAGES:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                my_referral_reminders_create(user=user)
