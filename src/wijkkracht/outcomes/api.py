"""API of the outcomes and the benchmark (issue 11): aggregates only, with the page's small-number rules.

- `GET /api/v1/outcomes/indicators/`: the indicators with their one-line definitions.
- `GET /api/v1/outcomes/benchmark/`: for a period and a comparison (teams, districts, or the workers of one
  team), every indicator per unit with the funnel's limits and flags, the intake-channel table, the pyramid of
  demand, the monthly trend of one indicator and the list *te bespreken*. Hidden counts are `null`.
- `GET/POST /api/v1/outcomes/conclusions/`: what a meeting concluded about a flagged outlier.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.common.api import ApiGenericViewSet, IdField
from wijkkracht.outcomes import selectors, services
from wijkkracht.outcomes.models import OutlierConclusion, UnitKind
from wijkkracht.outcomes.periods import MONTH_RE, period_parse
from wijkkracht.outcomes.policy import outcome_policy


class DashboardPermission(BasePermission):
    message = _lazy("The outcomes and the benchmark are for policy officers and team coordinators.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return selectors.may_see_dashboard(request.user)


MONTH_HELP = "A month as YYYY-MM. The period is at most ten years; by default the last twelve months."


class MonthField(serializers.RegexField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", MONTH_HELP)
        kwargs.setdefault("max_length", 7)
        super().__init__(MONTH_RE.pattern, **kwargs)


def _indicator_choices() -> list[str]:
    return [indicator.code for indicator in outcome_policy().indicators]


class BenchmarkQuerySerializer(serializers.Serializer):
    # `from` is a Python keyword: the field is declared under another name and renamed below.
    from_ = MonthField()
    until = MonthField()
    compare = serializers.ChoiceField(choices=UnitKind.values, required=False, default=UnitKind.TEAM)
    team = IdField(required=False, help_text="Required when comparing workers: the team whose workers are compared.")
    indicator = serializers.CharField(
        required=False, max_length=60, help_text="The indicator of the trend (default: the first with a funnel)."
    )
    case_mix = serializers.BooleanField(
        required=False, default=False, help_text="Adjust for the starting severity (the pyramid level of the 0-meting)."
    )
    unit = IdField(required=False, help_text="The unit whose monthly trend is given (default: all units together).")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class ValueSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="null when a count it needs is hidden.")
    n = serializers.IntegerField(
        allow_null=True, help_text="The denominator (households, members, goals, months in care); null when hidden."
    )


class UnitValueSerializer(ValueSerializer):
    unit = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    adjusted = serializers.FloatField(allow_null=True, help_text="The value adjusted for case mix, when asked.")
    lower_warning = serializers.FloatField(allow_null=True)
    upper_warning = serializers.FloatField(allow_null=True)
    lower_alarm = serializers.FloatField(allow_null=True)
    upper_alarm = serializers.FloatField(allow_null=True)
    flag = serializers.CharField(allow_null=True, help_text="high or low (outside the outer limits), warning, or null.")


class IndicatorResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    definition = serializers.CharField()
    kind = serializers.CharField()
    unit_of_measure = serializers.CharField()
    all_units = ValueSerializer()
    centre = serializers.FloatField(allow_null=True)
    units = UnitValueSerializer(many=True)
    error = serializers.CharField(help_text="Why there is no funnel (no households, too few for the case mix).")


class ChannelRowSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text='The unit\'s id, or "all" for all units together.')
    label = serializers.CharField()  # type: ignore[assignment]
    cells = serializers.ListField(
        child=serializers.IntegerField(allow_null=True),
        help_text="Per intake channel, then the total; null when hidden.",
    )


class PyramidRowSerializer(serializers.Serializer):
    level = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    households = serializers.IntegerField(allow_null=True, help_text="In care in the period's last month.")
    contacts = serializers.IntegerField(allow_null=True)
    minutes = serializers.IntegerField(allow_null=True)


class TrendPointSerializer(serializers.Serializer):
    month = serializers.CharField()
    value = serializers.FloatField(allow_null=True)


class OutlierSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    unit = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.FloatField()
    centre = serializers.FloatField()
    n = serializers.IntegerField()
    direction = serializers.CharField()
    conclusion = serializers.CharField(allow_null=True)


class BenchmarkSerializer(serializers.Serializer):
    period_from = serializers.CharField()
    period_until = serializers.CharField()
    compare = serializers.CharField()
    team = serializers.IntegerField(allow_null=True)
    case_mix = serializers.BooleanField()
    small_cell_threshold = serializers.IntegerField()
    indicators = IndicatorResultSerializer(many=True)
    intake_channels = serializers.ListField(child=serializers.CharField())
    intake_channel_rows = ChannelRowSerializer(many=True)
    pyramid = PyramidRowSerializer(many=True)
    trend_indicator = serializers.CharField(allow_null=True)
    trend = TrendPointSerializer(many=True)
    outliers = OutlierSerializer(many=True)


class IndicatorDefinitionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    definition = serializers.CharField()
    kind = serializers.CharField()
    better = serializers.CharField()


def benchmark_data(board: selectors.Dashboard) -> dict[str, Any]:
    def row(result: selectors.IndicatorResult, item: selectors.IndicatorRow) -> dict[str, Any]:
        point = item.point
        return {
            "unit": str(item.unit.key),
            "label": item.unit.label,
            "value": item.value.value,
            "n": item.value.n,
            "adjusted": getattr(point, "adjusted", None) if board.case_mix else None,
            "lower_warning": getattr(point, "lower_warning", None),
            "upper_warning": getattr(point, "upper_warning", None),
            "lower_alarm": getattr(point, "lower_alarm", None),
            "upper_alarm": getattr(point, "upper_alarm", None),
            "flag": getattr(point, "flag", None),
        }

    return {
        "period_from": f"{board.period.start:%Y-%m}",
        "period_until": f"{board.period.end:%Y-%m}",
        "compare": board.scope.kind,
        "team": board.scope.team.pk if board.scope.team else None,
        "case_mix": board.case_mix,
        "small_cell_threshold": board.threshold,
        "indicators": [
            {
                "code": result.indicator.code,
                "label": result.indicator.label,
                "definition": result.indicator.definition,
                "kind": result.indicator.kind,
                "unit_of_measure": result.indicator.unit,
                "all_units": {"value": result.all_units.value, "n": result.all_units.n},
                "centre": result.funnel.centre if result.funnel is not None else None,
                "units": [row(result, item) for item in result.rows],
                "error": result.error,
            }
            for result in board.indicators
        ],
        "intake_channels": [value for value, _label in board.channels],
        "intake_channel_rows": [
            {"unit": str(row.unit), "label": row.label, "cells": row.cells} for row in board.channel_rows
        ],
        "pyramid": [
            {
                "level": row.level or "unknown",
                "label": row.label,
                "households": row.households,
                "contacts": row.contacts,
                "minutes": row.minutes,
            }
            for row in board.pyramid
        ],
        "trend_indicator": board.selected.indicator.code if board.selected else None,
        "trend": [{"month": f"{point.month:%Y-%m}", "value": point.value} for point in board.trend],
        "outliers": [
            {
                "indicator": outlier.indicator.code,
                "unit": str(outlier.unit.key),
                "label": outlier.unit.label,
                "value": outlier.value,
                "centre": outlier.centre,
                "n": outlier.n,
                "direction": outlier.direction,
                "conclusion": outlier.conclusion.conclusion if outlier.conclusion else None,
            }
            for outlier in board.outliers
        ],
    }


def dashboard_from_query(user: Any, query: dict[str, Any]) -> selectors.Dashboard:
    # A service's ValidationError becomes a 400 with field messages in `common.api.exception_handler`.
    period = period_parse(start=query.get("from"), end=query.get("until"))
    scope = selectors.scope_parse(compare=query.get("compare"), team_id=query.get("team"))
    return selectors.dashboard(
        user=user,
        period=period,
        scope=scope,
        indicator_code=query.get("indicator") or None,
        case_mix=bool(query.get("case_mix")),
        trend_unit=query.get("unit"),
    )


class BenchmarkViewSet(ApiGenericViewSet):
    """The benchmark: every indicator per unit for a period, with funnel limits; aggregates only."""

    permission_classes = [DashboardPermission]
    query_serializers = {"retrieve": BenchmarkQuerySerializer}

    @extend_schema(operation_id="outcomes_benchmark_retrieve", responses=BenchmarkSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if getattr(self, "swagger_fake_view", False):
            return Response({})
        board = dashboard_from_query(request.user, self.query)
        return Response(BenchmarkSerializer(benchmark_data(board)).data)


class IndicatorViewSet(ApiGenericViewSet, mixins.ListModelMixin):
    """The indicators of the benchmark and their definitions (from the policy file)."""

    permission_classes = [DashboardPermission]
    serializer_class = IndicatorDefinitionSerializer

    def get_queryset(self) -> Any:
        return [
            {"code": i.code, "label": i.label, "definition": i.definition, "kind": i.kind, "better": i.better}
            for i in outcome_policy().indicators
        ]


class ConclusionSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = OutlierConclusion
        fields = [
            "id",
            "indicator",
            "unit_kind",
            "unit_id",
            "unit_label",
            "period_start",
            "period_end",
            "case_mix",
            "value",
            "centre",
            "households",
            "conclusion",
            "recorded_by",
            "recorded_at",
        ]

    def get_recorded_by(self, conclusion: OutlierConclusion) -> str:
        return conclusion.recorded_by.get_full_name() or conclusion.recorded_by.username


class ConclusionInputSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=60)
    compare = serializers.ChoiceField(choices=UnitKind.values, default=UnitKind.TEAM)
    team = IdField(required=False)
    unit = IdField()
    case_mix = serializers.BooleanField(default=False)
    conclusion = serializers.CharField(
        max_length=2000, help_text="What the meeting concluded. No names or case details."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = MonthField(required=True)
        fields["until"] = MonthField(required=True)
        return fields


class ConclusionViewSet(ApiGenericViewSet, mixins.ListModelMixin):
    """Conclusions about flagged outliers, newest first. Recording one checks that the unit is flagged."""

    permission_classes = [DashboardPermission]
    serializer_class = ConclusionSerializer

    def get_queryset(self) -> Any:
        return OutlierConclusion.objects.select_related("recorded_by").order_by("-recorded_at", "-id")

    @extend_schema(request=ConclusionInputSerializer, responses={201: ConclusionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ConclusionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        period = period_parse(start=data["from"], end=data["until"])
        scope = selectors.scope_parse(compare=data["compare"], team_id=data.get("team"))
        conclusion = services.outlier_conclusion_record(
            user=request.user,
            period=period,
            scope=scope,
            indicator_code=data["indicator"],
            unit_id=data["unit"],
            case_mix=data["case_mix"],
            conclusion=data["conclusion"],
        )
        return Response(ConclusionSerializer(conclusion).data, status=status.HTTP_201_CREATED)
