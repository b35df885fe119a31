"""Numbered pages for API lists. Its own module: DRF imports the pagination class while it is still
loading its generic views, so this module must not import views."""

from typing import Any

from rest_framework import pagination


class Pagination(pagination.PageNumberPagination):
    """Numbered pages; ``page`` is validated and documented with the other query parameters of the list
    (``common.api.ApiViewMixin``), so it is not documented here a second time."""

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return []
