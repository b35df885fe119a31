"""API of the pseudonymised research export (issue 11): `POST /api/v1/outcomes/export/`.

A POST, not a GET: every call makes a new export (new pseudonyms) and writes an `export` entry to the access
log, so no cache, prefetch or link preview may repeat it. The answer is the file itself (CSV or Parquet),
built completely before the response starts; a refusal (403) or bad input (400) is JSON as everywhere in
the API, and leaves nothing behind.

Not a router resource: it is neither a list nor a record, and routed by its own path in `api_urls`.
"""

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from wijkkracht.common.api import ApiViewSet
from wijkkracht.outcomes import services
from wijkkracht.outcomes.export import CONTENT_TYPES, EXPORT_PURPOSE, ExportFormat
from wijkkracht.outcomes.policy import outcome_policy
from wijkkracht.privacy.access import AccessContext

#: `YYYY-MM`, or a date `YYYY-MM-DD` whose month is meant.
MONTH_OR_DATE = r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$"


class MonthOrDateField(serializers.RegexField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10)
        super().__init__(MONTH_OR_DATE, **kwargs)


class ResearchExportRequestSerializer(serializers.Serializer):
    # `from` is a Python keyword: the field is added under that name in get_fields.
    until = MonthOrDateField(
        help_text="The last month of the period, as YYYY-MM (a date YYYY-MM-DD stands for its month). Default: "
        "this month."
    )
    format = serializers.ChoiceField(choices=ExportFormat.values, help_text="csv or parquet.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        start = MonthOrDateField(
            help_text="The first month of the period, as YYYY-MM (a date YYYY-MM-DD stands for its month). At "
            "most ten years before `until`. Default: eleven months before this month."
        )
        return {"from": start, **fields}


class IgnoreAcceptNegotiation(BaseContentNegotiation):
    """The answer is the file (whatever `Accept` asks) or a JSON error: never a 406 for `Accept: text/csv`."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class OutcomesRolePermission(BasePermission):
    """Only the roles of the outcomes policy reach the export at all (the dashboard's and the export's): anyone
    else — a partner, a social worker — is refused before the request is read. Whether the role may export is
    the service's decision (a coordinator's malformed request is a 400, a well-formed one a 403)."""

    message = _lazy("The research export is only for the roles the outcomes policy allows to export.")

    def has_permission(self, request: Request, view: Any) -> bool:
        policy = outcome_policy()
        role = getattr(request.user, "role", None)
        return role in set(policy.dashboard_roles) | set(policy.export_roles)


class ResearchExportViewSet(ApiViewSet):
    """The pseudonymised research export: one row per household registered or in care in the period and one
    per adult of it, without names, BSNs, addresses, dates of birth, free text or ids; a new pseudonym per
    household in every export. For the roles the outcomes policy allows to export (policy officers);
    access-logged as an export of every household in it."""

    content_negotiation_class = IgnoreAcceptNegotiation
    permission_classes = [IsAuthenticated, OutcomesRolePermission]

    @extend_schema(
        operation_id="outcomes_export_create",
        request=ResearchExportRequestSerializer,
        responses={
            (200, CONTENT_TYPES[ExportFormat.CSV].split(";")[0]): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The export as CSV: UTF-8 with a byte-order mark, semicolons, one header row.",
            ),
            (200, CONTENT_TYPES[ExportFormat.PARQUET]): OpenApiResponse(
                OpenApiTypes.BINARY, description="The export as one Parquet table with the same columns."
            ),
        },
    )
    def create(self, request: Request) -> HttpResponse:
        serializer = ResearchExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.research_export_create(
            access=AccessContext.from_request(request, purpose=EXPORT_PURPOSE),
            period_start=data.get("from"),
            period_end=data.get("until"),
            file_format=data["format"],
        )
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.file_name}"'
        return response
