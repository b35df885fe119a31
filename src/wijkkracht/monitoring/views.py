from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import Role
from wijkkracht.households.models import HouseholdStatus
from wijkkracht.monitoring.selectors import SMALL_CELL_THRESHOLD, current_overview, max_age


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Figures per team for policy staff and coordinators; no personal data, so no access-log rows. The
    figures are a snapshot of at most a few minutes old (`monitoring.selectors.current_overview`)."""
    if getattr(request.user, "role", None) not in (Role.POLICY_OFFICER, Role.TEAM_COORDINATOR):
        raise PermissionDenied(_("This overview is for policy officers and team coordinators."))
    overview = current_overview()
    return render(
        request,
        "monitoring/overview.html",
        {
            "teams": overview.teams,
            "computed_at": overview.computed_at,
            "max_age_minutes": int(max_age().total_seconds() // 60),
            "statuses": HouseholdStatus.choices,
            "threshold": SMALL_CELL_THRESHOLD,
        },
    )
