"""Numbered pages for API lists. Its own module: DRF imports the pagination class while it is still
loading its generic views, so this module must not import views."""

from typing import Any

from django.conf import settings
from rest_framework import pagination

#: Records per page unless ``page_size`` says otherwise (``REST_FRAMEWORK["PAGE_SIZE"]``).
DEFAULT_PAGE_SIZE: int = settings.REST_FRAMEWORK["PAGE_SIZE"]  # type: ignore[assignment]
#: The most records a page may hold; a larger ``page_size`` is a 400 (``common.api.PageSizeField``).
MAX_PAGE_SIZE = 200


class Pagination(pagination.PageNumberPagination):
    """Numbered pages of ``page_size`` records (at most ``MAX_PAGE_SIZE``). ``page`` and ``page_size`` are
    validated and documented with the other query parameters of the list (``common.api.ApiViewMixin``):
    an invalid value is refused there with a 400 before it gets here, so it is not clamped silently and
    not documented here a second time."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return []
