from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.common.api import ApiGenericViewSet
from wijkkracht.instruments.models import InstrumentVersion
from wijkkracht.instruments.registry import instrument_catalogue


class InstrumentSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    subject = serializers.CharField()
    definition = inline_serializer(
        "InstrumentDefinition",
        {
            "description": serializers.CharField(),
            "good": serializers.ChoiceField(choices=["high", "low"]),
            "tags": serializers.ListField(child=serializers.CharField()),
            "domains": serializers.ListField(child=serializers.DictField()),
            "scale": serializers.ListField(child=serializers.DictField()),
        },
    )

    def to_representation(self, instance: InstrumentVersion) -> dict[str, Any]:
        return {
            "code": instance.code,
            "version": instance.version,
            "name": instance.name,
            "subject": instance.subject,
            "definition": instance.definition,
        }


class InstrumentViewSet(ApiGenericViewSet):
    """The instruments that can be used now, newest version each; configuration, no personal data."""

    lookup_field = "code"
    lookup_value_regex = "[a-z][a-z0-9_-]{0,39}"
    serializer_class = InstrumentSerializer

    @extend_schema(responses=InstrumentSerializer(many=True))
    def list(self, request: Request) -> Response:
        versions: Any = instrument_catalogue().enabled()  # a list: DRF's paginator pages lists too
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(InstrumentSerializer(page, many=True).data)

    @extend_schema(responses=InstrumentSerializer)
    def retrieve(self, request: Request, code: str) -> Response:
        version = instrument_catalogue().get(code)
        if version is None:
            raise Http404(_("Unknown or disabled instrument."))
        return Response(InstrumentSerializer(version).data)
