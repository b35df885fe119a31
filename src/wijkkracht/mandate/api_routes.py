"""The mandate app's part of `/api/v1/`: measures and approvals, and budgets register their own viewsets."""

from typing import Any

from wijkkracht.mandate import budgets_api, measures_api


def register(router: Any) -> None:
    measures_api.register(router)
    budgets_api.register(router)


urlpatterns = [*measures_api.urlpatterns, *budgets_api.urlpatterns]
