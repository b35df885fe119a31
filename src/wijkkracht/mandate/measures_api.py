"""API of the measures (issue 12). Filled in by the measures work."""

from typing import Any


def register(router: Any) -> None:
    """Register this area's viewsets on the API router."""


#: Extra API paths that are neither a list nor a record (mounted under /api/v1/).
urlpatterns: list = []
