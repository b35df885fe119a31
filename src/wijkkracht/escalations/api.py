"""API of escalations (issue 12): the same selectors and services as the pages, so the same rules and log.

Case workers see the escalations of their teams and of the households they may see, and raise them; a
manager (role `manager`) sees those forwarded to a team they belong to and, while one lies open with the
managers, reads that household's case file through it (`case-file`, logged with purpose `escalatie <id>`).
Every other role gets 403; an escalation that is not yours is a 404, like a missing one.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wijkkracht.common.api import ApiGenericViewSet, IdField
from wijkkracht.common.locking import expected_version, refuse_stale, with_etag
from wijkkracht.escalations import selectors, services
from wijkkracht.escalations.models import Escalation, EscalationStatus
from wijkkracht.households.api import ETAG, IF_MATCH, versioned_responses
from wijkkracht.privacy.access import AccessContext, can_work_with_cases

#: Lenient bounds in the API as on the pages: the service answers with the exact limit in Dutch.
SLACK = 100


class EscalationPermission(BasePermission):
    message = gettext_lazy("Your role gives no access to escalations.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated and selectors.may_see_escalations(request.user))


class EscalationSerializer(serializers.ModelSerializer):
    household = serializers.IntegerField(source="household_id")
    household_reference = serializers.CharField(source="household.reference")
    team = serializers.IntegerField(source="team_id")
    team_name = serializers.CharField(source="team.name")
    raised_by_name = serializers.CharField(source="raised_by.__str__")
    forwarded_by_name = serializers.SerializerMethodField()
    resolved_by_name = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField(help_text="Open and past the current level's response deadline.")
    working_days_overdue = serializers.SerializerMethodField(
        help_text="Working days past the deadline (0 when not overdue)."
    )

    class Meta:
        model = Escalation
        fields = [
            "id",
            "household",
            "household_reference",
            "team",
            "team_name",
            "status",
            "level",
            "raised_by_name",
            "raised_at",
            "blocked",
            "blocked_by",
            "needed",
            "coordinator_respond_by",
            "respond_by",
            "overdue",
            "working_days_overdue",
            "forwarded_at",
            "forwarded_by_name",
            "forward_reason",
            "resolved_at",
            "resolved_by_name",
            "outcome",
            "lock_version",
        ]
        read_only_fields = fields

    def get_forwarded_by_name(self, escalation: Escalation) -> str | None:
        return str(escalation.forwarded_by) if escalation.forwarded_by is not None else None

    def get_resolved_by_name(self, escalation: Escalation) -> str | None:
        return str(escalation.resolved_by) if escalation.resolved_by is not None else None

    def get_overdue(self, escalation: Escalation) -> bool:
        return escalation.is_overdue(timezone.localdate())

    def get_working_days_overdue(self, escalation: Escalation) -> int:
        return escalation.working_days_overdue(timezone.localdate())


class EscalationQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=EscalationStatus.choices, required=False, help_text="Only this status.")
    household = IdField(required=False, help_text="Only the escalations of this household.")


class EscalationRaiseSerializer(serializers.Serializer):
    household = IdField(help_text="An open household of your team.")
    blocked = serializers.CharField(
        max_length=services.BLOCKED_MAX + SLACK, allow_blank=True, help_text="What is blocked (required)."
    )
    blocked_by = serializers.CharField(
        max_length=services.BLOCKED_BY_MAX + SLACK, allow_blank=True, help_text="By whom or what (required)."
    )
    needed = serializers.CharField(
        max_length=services.NEEDED_MAX + SLACK, allow_blank=True, help_text="What is needed (required)."
    )


class LockVersionField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        kwargs.setdefault("help_text", "The version you read (or send If-Match).")
        super().__init__(**kwargs)


class EscalationForwardSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=services.REASON_MAX + SLACK, allow_blank=True, help_text="Why a manager is needed (required)."
    )
    lock_version = LockVersionField()


class EscalationResolveSerializer(serializers.Serializer):
    outcome = serializers.CharField(
        max_length=services.OUTCOME_MAX + SLACK, allow_blank=True, help_text="The outcome (required)."
    )
    lock_version = LockVersionField()


class CaseFileMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    role = serializers.CharField()


class CaseFileActionSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.CharField(source="owner_label")
    status = serializers.CharField()
    due_date = serializers.DateField()


class CaseFileGoalSerializer(serializers.Serializer):
    domain = serializers.CharField()
    what = serializers.CharField()
    indicator = serializers.CharField()
    deadline = serializers.DateField()
    person = serializers.IntegerField(allow_null=True, help_text="The member; null for the whole household.")
    actions = CaseFileActionSerializer(many=True)


class CaseFilePlanSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    plan_date = serializers.DateField()
    evaluation_date = serializers.DateField()
    goals = CaseFileGoalSerializer(many=True)


class CaseFileContactSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField()
    worker_name = serializers.CharField()
    note = serializers.CharField()


class CaseFileMeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_name = serializers.CharField()
    person = serializers.IntegerField()
    status = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)


class CaseFileSerializer(serializers.Serializer):
    """What a manager reads of the case file under an open escalation (read-only, no BSN)."""

    escalation = EscalationSerializer()
    household = serializers.IntegerField()
    household_reference = serializers.CharField()
    household_name = serializers.CharField()
    household_status = serializers.CharField()
    members = CaseFileMemberSerializer(many=True)
    plan = CaseFilePlanSerializer(allow_null=True, help_text="The active plan; null when there is none.")
    contacts = CaseFileContactSerializer(many=True, help_text="The latest contacts, newest first.")
    measures = CaseFileMeasureSerializer(many=True)


def _case_file_data(case_file: selectors.EscalationCaseFile) -> dict[str, Any]:
    household = case_file.household
    plan = case_file.plan
    return {
        "escalation": EscalationSerializer(case_file.escalation).data,
        "household": household.id,
        "household_reference": household.reference,
        "household_name": household.name,
        "household_status": household.status,
        "members": CaseFileMemberSerializer(case_file.members, many=True).data,
        "plan": None
        if plan is None
        else {
            "number": plan.number,
            "plan_date": plan.plan_date,
            "evaluation_date": plan.evaluation_date,
            "goals": [
                {
                    "domain": goal.domain_code,
                    "what": goal.what,
                    "indicator": goal.indicator,
                    "deadline": goal.deadline,
                    "person": goal.person_id,
                    "actions": CaseFileActionSerializer(goal.actions.all(), many=True).data,
                }
                for goal, _label in case_file.goals
            ],
        },
        "contacts": [
            {"date": contact.date, "kind": contact.kind, "worker_name": str(contact.worker), "note": contact.note}
            for contact in case_file.contacts
        ],
        "measures": [
            {
                "id": measure.id,
                "kind": measure.kind_code,
                "kind_name": measure.kind_name,
                "person": measure.person_id,
                "status": measure.status,
                "start_date": measure.start_date,
                "end_date": measure.end_date,
            }
            for measure in case_file.measures
        ],
    }


class EscalationViewSet(ApiGenericViewSet):
    """Escalations of stuck cases: to the team coordinator, and further to a manager with the power to push
    through (doorzettingsmacht)."""

    permission_classes = [EscalationPermission]
    serializer_class = EscalationSerializer
    query_serializers = {"list": EscalationQuerySerializer}

    def access(self) -> AccessContext:
        return AccessContext.from_request(self.request)

    def get_queryset(self) -> QuerySet[Escalation]:
        if getattr(self, "swagger_fake_view", False):
            return Escalation.objects.none()
        return selectors.escalation_list(
            access=self.access(), status=self.query.get("status") or None, household_id=self.query.get("household")
        )

    def list(self, request: Request) -> Response:
        """The escalations you may see: open ones first, the most overdue first, then the resolved ones. The
        households shown are access-logged."""
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        selectors.escalations_log_shown(access=self.access(), escalations=list(page), what="escalations (api)")
        return self.get_paginated_response(EscalationSerializer(page, many=True).data)

    @extend_schema(parameters=[ETAG])
    def retrieve(self, request: Request, pk: str) -> Response:
        """One escalation with its chain (logged; a manager's read with the escalation as purpose)."""
        escalation = selectors.escalation_get(access=self.access(), escalation_id=int(pk))
        return with_etag(Response(EscalationSerializer(escalation).data), escalation)

    @extend_schema(request=EscalationRaiseSerializer, responses={201: EscalationSerializer})
    def create(self, request: Request) -> Response:
        """Escalate a household to the team coordinator (case workers who may write to it). A closed household,
        an open escalation already, or an empty field: 400 and nothing saved."""
        if not can_work_with_cases(request.user):  # type: ignore[arg-type]
            raise exceptions.PermissionDenied(_("Only the team escalates a household."))
        serializer = EscalationRaiseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access = self.access()
        escalation = services.escalation_raise(
            access=access,
            household_id=data["household"],
            blocked=data["blocked"],
            blocked_by=data["blocked_by"],
            needed=data["needed"],
        )
        escalation = selectors.escalation_for_change(access=access, escalation_id=escalation.id)
        return with_etag(Response(EscalationSerializer(escalation).data, status=status.HTTP_201_CREATED), escalation)

    @extend_schema(
        request=EscalationForwardSerializer,
        parameters=[IF_MATCH, ETAG],
        responses=versioned_responses(EscalationSerializer),
    )
    @action(detail=True, methods=["post"])
    def forward(self, request: Request, pk: str) -> Response:
        """Forward to the team's managers: a coordinator of the team at any time, the worker who raised it once
        the coordinator's response time has passed. The team must have a manager; the reason is required."""
        access = self.access()
        selectors.escalation_for_change(access=access, escalation_id=int(pk))  # 404 before any 400
        serializer = EscalationForwardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, serializer.validated_data.get("lock_version"))
        with refuse_stale(version):
            escalation = services.escalation_forward(
                access=access,
                escalation_id=int(pk),
                reason=serializer.validated_data["reason"],
                lock_version=version.value,
            )
        return with_etag(Response(EscalationSerializer(escalation).data), escalation)

    @extend_schema(
        request=EscalationResolveSerializer,
        parameters=[IF_MATCH, ETAG],
        responses=versioned_responses(EscalationSerializer),
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        """Record the outcome: a coordinator of the team at the coordinator's level, a manager of the team at
        the manager's level. Resolving ends a manager's access to the case file."""
        access = self.access()
        selectors.escalation_for_change(access=access, escalation_id=int(pk))
        serializer = EscalationResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, serializer.validated_data.get("lock_version"))
        with refuse_stale(version):
            escalation = services.escalation_resolve(
                access=access,
                escalation_id=int(pk),
                outcome=serializer.validated_data["outcome"],
                lock_version=version.value,
            )
        return with_etag(Response(EscalationSerializer(escalation).data), escalation)

    @extend_schema(responses=CaseFileSerializer)
    @action(detail=True, methods=["get"], url_path="case-file")
    def case_file(self, request: Request, pk: str) -> Response:
        """The household's case file, read-only: for a manager of the team while the escalation lies open with
        the managers (every read logged with purpose `escalatie <id>`), otherwise 404; case workers who see
        the household get the same view."""
        case_file = selectors.escalation_case_file(access=self.access(), escalation_id=int(pk))
        return Response(_case_file_data(case_file))


def register(router: Any) -> None:
    """Register this area's viewsets on the API router."""
    router.register("escalations", EscalationViewSet, basename="escalation")


#: Extra API paths that are neither a list nor a record (mounted under /api/v1/).
urlpatterns: list = []
