from django.http import HttpRequest

from wijkkracht.outcomes.selectors import may_see_dashboard


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu item of the outcomes and the benchmark, for the roles the policy file names."""
    return {"nav_outcomes": may_see_dashboard(getattr(request, "user", None))}
