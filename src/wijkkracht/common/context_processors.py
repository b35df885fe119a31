from django.http import HttpRequest

from wijkkracht.accounts.models import CASE_ROLES, Role


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which menu items the signed-in user gets; the views enforce the same rules."""
    user = getattr(request, "user", None)
    role = getattr(user, "role", None)
    return {
        "nav_cases": role in CASE_ROLES,
        # The team's caseload and registering are for the team; a second-line case director has only the
        # households handed over to them.
        "nav_team": role in (Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR),
        "nav_monitoring": role == Role.POLICY_OFFICER,
        # The social map (no personal data): case roles, policy officers and the functional administrator.
        "nav_socialmap": role in CASE_ROLES or role in (Role.POLICY_OFFICER, Role.FUNCTIONAL_ADMIN),
        # A partner organisation's staff: only the referrals addressed to their organisation.
        "nav_partner": role == Role.PARTNER,
        # Measures waiting for a second person's approval (issue 12): coordinators (four eyes) and managers
        # (spending beyond a team's budget).
        "nav_approvals": role in (Role.TEAM_COORDINATOR, Role.MANAGER),
        # Escalations (issue 12): coordinators answer them, managers with the power to push through too.
        "nav_escalations": role in (Role.TEAM_COORDINATOR, Role.MANAGER),
        # The team budget (issue 12): the team's members with a case role and its managers.
        "nav_budget": role in CASE_ROLES or role == Role.MANAGER,
        "nav_admin": bool(user and user.is_authenticated and user.is_staff),
    }
