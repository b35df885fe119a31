from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wijkkracht.accounts.models import Role
from wijkkracht.common.health import database_problem


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 only when the database file is there, answers and accepts a write (rolled
    back), within ``HEALTHZ_TIMEOUT`` seconds; otherwise 503 (the reason goes to the log, not the answer)."""
    if database_problem() is not None:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role starts where its work is."""
    role = getattr(request.user, "role", None)
    if role == Role.TEAM_COORDINATOR:
        return redirect("casefile:team")
    if role in (Role.SOCIAL_WORKER, Role.SECOND_LINE_REGISSEUR):
        return redirect("casefile:mine")
    if role == Role.POLICY_OFFICER:
        return redirect("monitoring:overview")
    if role == Role.PARTNER:
        return redirect("partner:referrals")
    if role == Role.MANAGER:
        return redirect("escalations:list")
    if role == Role.PRIVACY_OFFICER:
        return redirect("admin:privacy_accesslogentry_changelist")
    return redirect("admin:index")
