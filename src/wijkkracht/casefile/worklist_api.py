"""API of a worker's day: the caseload's query and list shape (used by the households resource in
`casefile.api`), and a coordinator's workload per worker."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.casefile import caseload
from wijkkracht.common.api import ApiGenericViewSet, IdField
from wijkkracht.common.permissions import CaseWorkerPermission
from wijkkracht.households.api import HouseholdListSerializer
from wijkkracht.households.models import Household, HouseholdStatus
from wijkkracht.privacy.access import AccessContext, coordinated_teams_of
from wijkkracht.teams.models import Municipality


class CaseloadQuerySerializer(serializers.Serializer):
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only households for which I am the contact person."
    )
    status = serializers.ChoiceField(choices=HouseholdStatus.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False)
    district = IdField(required=False)
    team = IdField(required=False)
    contact_person = IdField(
        required=False, help_text="Only households with this contact person: a member of one of your teams."
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"Search (at most {caseload.SEARCH_MAX_LENGTH} characters): household name, a member's first or "
        "last name, street, reference (HH-000030, hh-30 or 30), postcode with or without the space (9902 AB, "
        "9902ab, or its four digits), or a member's BSN (nine digits, exact; access-logged as a BSN search). "
        "Case-insensitive; accents are not folded. Every word must match.",
    )
    sort = serializers.ChoiceField(
        choices=list(caseload.CASELOAD_SORTS),
        required=False,
        default="last_contact",
        help_text="status sorts by the lifecycle (registered, intake, plan, in progress, closed, handed over).",
    )

    def validate_q(self, value: str) -> str:
        try:
            return caseload.clean_search(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


def caseload_filters(query: dict[str, Any], access: AccessContext) -> caseload.CaseloadFilters:
    """The caseload filters from a validated query; a contact person outside the user's teams is a 400."""
    contact_person = query.get("contact_person")
    try:
        caseload.validate_contact_person(access.user, contact_person)
    except DjangoValidationError as error:
        raise serializers.ValidationError({"contact_person": error.messages}) from None
    return caseload.CaseloadFilters(
        status=query.get("status", ""),
        overdue=query["overdue"],
        wijk_id=query.get("district"),
        team_id=query.get("team"),
        contact_person_id=contact_person,
        search=query.get("q", ""),
        sort=query["sort"],
    )


class CaseloadHouseholdSerializer(HouseholdListSerializer):
    plan_evaluation_date = serializers.DateField(read_only=True, allow_null=True)
    overdue_reasons = serializers.SerializerMethodField(
        help_text="Why the household is overdue, in the user's language; empty when it is on track."
    )

    class Meta(HouseholdListSerializer.Meta):
        fields = [*HouseholdListSerializer.Meta.fields, "plan_evaluation_date", "overdue_reasons"]

    def get_overdue_reasons(self, household: Household) -> list[str]:
        context = self.context.setdefault("_caseload", {})
        if "norm" not in context:
            context["norm"] = Municipality.current().contact_norm_days
            context["today"] = timezone.localdate()
        return caseload.overdue_reasons(household, context["today"], context["norm"])


class WorkloadSerializer(serializers.Serializer):
    worker = serializers.IntegerField(source="worker.id")
    worker_name = serializers.SerializerMethodField()
    teams = serializers.CharField()
    open_households = serializers.IntegerField()
    overdue_households = serializers.IntegerField()
    open_tasks = serializers.IntegerField()
    overdue_tasks = serializers.IntegerField()

    def get_worker_name(self, row: caseload.WorkerLoad) -> str:
        return row.worker.get_full_name() or row.worker.get_username()


class CoordinatorPermission(CaseWorkerPermission):
    message = _("Only a team coordinator sees the workload of the team.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and coordinated_teams_of(request.user).exists()  # type: ignore[arg-type]


class WorkloadViewSet(ApiGenericViewSet, mixins.ListModelMixin):
    """Per worker of the teams you coordinate: open and overdue households (as contact person), open and
    overdue tasks. Figures only, for team coordinators; use `GET /households/?contact_person=` for the list."""

    permission_classes = [CoordinatorPermission]
    serializer_class = WorkloadSerializer

    @extend_schema(responses=WorkloadSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if getattr(self, "swagger_fake_view", False):
            return Response([])
        rows = caseload.workload_for_coordinator(
            access=AccessContext.from_request(request), contact_norm_days=Municipality.current().contact_norm_days
        )
        page: list[caseload.WorkerLoad] | None = self.paginate_queryset(rows)  # type: ignore[arg-type]
        assert page is not None
        return self.get_paginated_response(WorkloadSerializer(page, many=True).data)
