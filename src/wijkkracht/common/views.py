from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wijkkracht.accounts.models import Role


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role starts where its work is."""
    role = getattr(request.user, "role", None)
    if role == Role.TEAM_COORDINATOR:
        return redirect("households:team")
    if role in (Role.SOCIAL_WORKER, Role.SECOND_LINE_REGISSEUR):
        return redirect("households:mine")
    if role == Role.POLICY_OFFICER:
        return redirect("monitoring:overview")
    return redirect("admin:index")
