"""API for plans: the same services as the pages, so the same rules, locking and access log."""

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.common.api import INT_MAX, MAX_ID_LIST, SMALLINT_MAX, ApiViewSet, IdField, IdListField
from wijkkracht.households import selectors as household_selectors
from wijkkracht.households.api import CaseFileViewSet
from wijkkracht.plans import selectors, services
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.plans.models import TEXT_MAX, Action, ActionStatus, Goal, GoalOutcome, OwnerType, Plan, Suggestion


class ActionSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner_label", read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "description",
            "owner_type",
            "owner_person",
            "owner_user",
            "owner_name",
            "owner",
            "status",
            "due_date",
            "method_code",
            "checklist",
        ]


class GoalSerializer(serializers.ModelSerializer):
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "domain_code",
            "person",
            "client_words",
            "what",
            "indicator",
            "instrument_code",
            "instrument_domain",
            "target_score",
            "owner",
            "deadline",
            "priority",
            "outcome",
            "outcome_reason",
            "actions",
        ]


class SuggestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suggestion
        fields = ["id", "rule_code", "domain_code", "text", "status", "reason", "decided_by", "decided_at", "goal"]


class PlanSerializer(serializers.ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)
    suggestions = SuggestionSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "household",
            "number",
            "status",
            "plan_date",
            "evaluation_date",
            "lock_version",
            "baseline",
            "discussed_on",
            "agreed_on",
            "present_members",
            "client_comment",
            "evaluated_on",
            "evaluation_measurement",
            "goals",
            "suggestions",
        ]


class PlanDetailSerializer(PlanSerializer):
    warnings = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "warnings"]

    def get_warnings(self, plan: Plan) -> list[str]:
        return selectors.plan_overview(plan=plan).warnings


class PlanStartSerializer(serializers.Serializer):
    household = IdField()
    plan_date = serializers.DateField()
    evaluation_date = serializers.DateField()
    baseline = IdField(required=False, allow_null=True, default=None)


class VersionedSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField(
        min_value=1,
        max_value=INT_MAX,
        help_text="The plan's lock_version this change is based on; a stale one is refused with what changed.",
    )


class GoalInputSerializer(VersionedSerializer):
    domain_code = serializers.CharField(max_length=40)
    person = IdField(required=False, allow_null=True, default=None)
    client_words = serializers.CharField(max_length=TEXT_MAX)
    what = serializers.CharField(max_length=300)
    indicator = serializers.CharField(max_length=300)
    owner = serializers.CharField(max_length=200)
    deadline = serializers.DateField()
    instrument_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    instrument_domain = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    target_score = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=-SMALLINT_MAX, max_value=SMALLINT_MAX
    )
    suggestion = IdField(required=False, allow_null=True, default=None)


class GoalUpdateSerializer(GoalInputSerializer):
    goal = IdField()


class ActionInputSerializer(VersionedSerializer):
    goal = IdField()
    description = serializers.CharField(max_length=300)
    owner_type = serializers.ChoiceField(choices=OwnerType.choices)
    owner_person = IdField(required=False, allow_null=True, default=None)
    owner_user = IdField(required=False, allow_null=True, default=None)
    owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    due_date = serializers.DateField()
    method_code = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ActionUpdateSerializer(VersionedSerializer):
    action = IdField()
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False, allow_null=True, default=None)
    done_steps = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=SMALLINT_MAX),
        required=False,
        allow_null=True,
        default=None,
        max_length=MAX_ID_LIST,
    )


class DismissSerializer(VersionedSerializer):
    suggestion = IdField()
    reason = serializers.CharField(max_length=500)


class AgreementSerializer(VersionedSerializer):
    discussed_on = serializers.DateField()
    agreed = serializers.BooleanField()
    present_members = IdListField(allow_empty=False)
    client_comment = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class WorkGoalReasonSerializer(VersionedSerializer):
    person = IdField()
    reason = serializers.CharField(max_length=500)


class OutcomeSerializer(serializers.Serializer):
    goal = IdField()
    outcome = serializers.ChoiceField(choices=GoalOutcome.choices)
    reason = serializers.CharField(max_length=500)


class EvaluationSerializer(VersionedSerializer):
    measurement = IdField()
    next_evaluation_date = serializers.DateField()
    outcomes = OutcomeSerializer(many=True, max_length=MAX_ID_LIST)  # type: ignore[call-arg]


class PlanViewSet(CaseFileViewSet, mixins.ListModelMixin):
    """Plans of the households you may see: goals, actions, suggestions, agreement and evaluation."""

    model = Plan
    serializer_class = PlanSerializer
    list_what = "plans (api)"

    def case_queryset(self) -> QuerySet[Plan]:
        queryset = selectors.plans_for_user(access=self.access()).order_by("household_id", "-number")
        household = self.household_filter()
        return queryset.filter(household_id=household) if household else queryset

    def _plan(self, pk: str, log: bool = False) -> Plan:
        return selectors.plan_get_for_user(access=self.access(), plan_id=int(pk), log=log)

    def _respond(self, plan_id: int, code: int = status.HTTP_200_OK) -> Response:
        plan = selectors.plan_get_for_user(access=self.access(), plan_id=plan_id, log=False)
        return Response(PlanDetailSerializer(plan).data, status=code)

    @staticmethod
    def _input(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(responses=PlanDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(PlanDetailSerializer(self._plan(pk, log=True)).data)

    @extend_schema(request=PlanStartSerializer, responses={201: PlanDetailSerializer})
    def create(self, request: Request) -> Response:
        data = self._input(PlanStartSerializer, request)
        access = self.access()
        household = household_selectors.household_get_for_update(access=access, household_id=data["household"])
        plan = services.plan_start(
            access=access,
            household=household,
            plan_date=data["plan_date"],
            evaluation_date=data["evaluation_date"],
            baseline_id=data["baseline"],
        )
        return self._respond(plan.id, status.HTTP_201_CREATED)

    @extend_schema(request=GoalInputSerializer, responses={201: PlanDetailSerializer})
    @action(detail=True, methods=["post"])
    def goals(self, request: Request, pk: str) -> Response:
        """Add a goal; with `suggestion` it accepts that suggestion as the goal."""
        plan = self._plan(pk)
        data = self._input(GoalInputSerializer, request)
        suggestion_id = data.pop("suggestion")
        suggestion = None
        if suggestion_id is not None:
            suggestion = selectors.suggestion_get_for_user(access=self.access(), suggestion_id=suggestion_id)
        expected_version = data.pop("expected_version")
        services.goal_add(
            access=self.access(),
            plan=plan,
            expected_version=expected_version,
            data=services.GoalData(person_id=data.pop("person"), **data),
            suggestion=suggestion,
        )
        return self._respond(plan.id, status.HTTP_201_CREATED)

    @extend_schema(request=GoalUpdateSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"], url_path="goal-update")
    def goal_update(self, request: Request, pk: str) -> Response:
        plan = self._plan(pk)
        data = self._input(GoalUpdateSerializer, request)
        goal = plan.goals.filter(id=data.pop("goal")).first()
        if goal is None:
            raise serializers.ValidationError({"goal": [_("This goal is not part of this plan.")]})
        data.pop("suggestion", None)
        expected_version = data.pop("expected_version")
        services.goal_update(
            access=self.access(),
            goal=goal,
            expected_version=expected_version,
            data=services.GoalData(person_id=data.pop("person"), **data),
        )
        return self._respond(plan.id)

    @extend_schema(request=ActionInputSerializer, responses={201: PlanDetailSerializer})
    @action(detail=True, methods=["post"])
    def actions(self, request: Request, pk: str) -> Response:
        plan = self._plan(pk)
        data = self._input(ActionInputSerializer, request)
        goal = plan.goals.filter(id=data.pop("goal")).first()
        if goal is None:
            raise serializers.ValidationError({"goal": [_("This goal is not part of this plan.")]})
        services.action_add(
            access=self.access(),
            goal=goal,
            owner_person_id=data.pop("owner_person"),
            owner_user_id=data.pop("owner_user"),
            **data,
        )
        return self._respond(plan.id, status.HTTP_201_CREATED)

    @extend_schema(request=ActionUpdateSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"], url_path="action-update")
    def action_update(self, request: Request, pk: str) -> Response:
        plan = self._plan(pk)
        data = self._input(ActionUpdateSerializer, request)
        item = Action.objects.filter(id=data["action"], goal__plan=plan).select_related("goal__plan").first()
        if item is None:
            raise serializers.ValidationError({"action": [_("This action is not part of this plan.")]})
        services.action_update(
            access=self.access(),
            action=item,
            expected_version=data["expected_version"],
            status=data["status"],
            done_steps=data["done_steps"],
        )
        return self._respond(plan.id)

    @extend_schema(request=DismissSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"], url_path="dismiss-suggestion")
    def dismiss_suggestion(self, request: Request, pk: str) -> Response:
        plan = self._plan(pk)
        data = self._input(DismissSerializer, request)
        suggestion = plan.suggestions.filter(id=data["suggestion"]).first()
        if suggestion is None:
            raise serializers.ValidationError({"suggestion": [_("This suggestion is not part of this plan.")]})
        services.suggestion_dismiss(
            access=self.access(),
            suggestion=suggestion,
            expected_version=data["expected_version"],
            reason=data["reason"],
        )
        return self._respond(plan.id)

    @extend_schema(request=AgreementSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def agreement(self, request: Request, pk: str) -> Response:
        plan = self._plan(pk)
        data = self._input(AgreementSerializer, request)
        services.plan_agreement_record(
            access=self.access(),
            plan=plan,
            expected_version=data["expected_version"],
            discussed_on=data["discussed_on"],
            agreed=data["agreed"],
            present_member_ids=data["present_members"],
            client_comment=data["client_comment"],
        )
        return self._respond(plan.id)

    @extend_schema(request=WorkGoalReasonSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"], url_path="work-goal-reason")
    def work_goal_reason(self, request: Request, pk: str) -> Response:
        plan = self._plan(pk)
        data = self._input(WorkGoalReasonSerializer, request)
        services.work_goal_reason_record(
            access=self.access(),
            plan=plan,
            expected_version=data["expected_version"],
            person_id=data["person"],
            reason=data["reason"],
        )
        return self._respond(plan.id)

    @extend_schema(request=EvaluationSerializer, responses={201: PlanDetailSerializer})
    @action(detail=True, methods=["post"])
    def evaluate(self, request: Request, pk: str) -> Response:
        """Close this version with outcomes and a measurement; the response is the next version."""
        plan = self._plan(pk)
        data = self._input(EvaluationSerializer, request)
        next_plan = services.plan_evaluate(
            access=self.access(),
            plan=plan,
            expected_version=data["expected_version"],
            measurement_id=data["measurement"],
            outcomes={item["goal"]: (item["outcome"], item["reason"]) for item in data["outcomes"]},
            next_evaluation_date=data["next_evaluation_date"],
        )
        return self._respond(next_plan.id, status.HTTP_201_CREATED)


class MethodSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    domains = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField())
    principles = serializers.ListField(child=serializers.CharField())


class MethodViewSet(ApiViewSet):
    """The methods catalogue (first and second line); policy data, no personal data."""

    @extend_schema(responses=MethodSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response([asdict(method) for method in plan_catalogue().methods])
