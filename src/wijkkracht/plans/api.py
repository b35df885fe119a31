"""API for plans: the same services as the pages, so the same rules, locking and access log.

Resources: plans (`/plans/`, `/plans/{id}/`), their goals (`/plans/{id}/goals/`, `/plans/{id}/goals/{goal}/`),
a goal's actions (`POST /plans/{id}/goals/{goal}/actions/`) and each action (`/plans/{id}/actions/{action}/`).
What can be edited by someone else names the version it was based on: the plan's facts (agreement,
work-goal reason, evaluation) the plan's `lock_version`, a goal its own, an action its own (in the body, or
as If-Match; responses carry it as ETag). Adding a goal or action and deciding on a suggestion need none."""

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.common.api import MAX_ID_LIST, SMALLINT_MAX, ApiGenericViewSet, IdField, IdListField
from wijkkracht.common.locking import MAX_VERSION, expected_version, refuse_stale, with_etag
from wijkkracht.households import selectors as household_selectors
from wijkkracht.households.api import ETAG, IF_MATCH, CaseFileViewSet, HouseholdQuerySerializer, versioned_responses
from wijkkracht.plans import selectors, services
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.plans.models import (
    TEXT_MAX,
    Action,
    ActionStatus,
    Goal,
    GoalOutcome,
    OwnerType,
    Plan,
    PlanStatus,
    Suggestion,
)

GOAL_PATH = r"goals/(?P<goal_id>[0-9]{1,18})"
ACTION_PATH = r"actions/(?P<action_id>[0-9]{1,18})"


class ActionSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner_label", read_only=True)
    method = serializers.CharField(source="method_code", read_only=True)
    method_name = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "goal",
            "description",
            "owner_type",
            "owner_person",
            "owner_user",
            "owner_name",
            "owner",
            "status",
            "due_date",
            "method",
            "method_name",
            "checklist",
            "lock_version",
        ]

    def get_method_name(self, item: Action) -> str:
        method = plan_catalogue().method(item.method_code) if item.method_code else None
        return method.name if method else ""


class GoalSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(source="domain_code", read_only=True)
    instrument = serializers.CharField(source="instrument_code", read_only=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "plan",
            "domain",
            "person",
            "client_words",
            "what",
            "indicator",
            "instrument",
            "instrument_domain",
            "target_score",
            "owner",
            "deadline",
            "priority",
            "outcome",
            "outcome_reason",
            "carried_from",
            "lock_version",
            "actions",
        ]


class SuggestionSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(source="domain_code", read_only=True)

    class Meta:
        model = Suggestion
        fields = ["id", "rule_code", "domain", "text", "status", "reason", "decided_by", "decided_at", "goal"]


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


class PlanQuerySerializer(HouseholdQuerySerializer):
    active = serializers.BooleanField(
        required=False, help_text="true: only active plan versions; false: only evaluated (earlier) versions."
    )


class PlanStartSerializer(serializers.Serializer):
    household = IdField()
    plan_date = serializers.DateField()
    evaluation_date = serializers.DateField()
    baseline = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The starting measurement; left out, the latest complete household-level measurement.",
    )


class VersionedSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        required=False,
        help_text="The version (of the plan, goal or action) this change is based on; or send it as If-Match. "
        "A stale one is refused with what changed meanwhile and by whom.",
    )


class GoalFieldsSerializer(serializers.Serializer):
    domain = serializers.CharField(max_length=40, help_text="A life domain of the plan catalogue.")
    person = IdField(required=False, allow_null=True, default=None, help_text="A member; null: the whole household.")
    client_words = serializers.CharField(max_length=TEXT_MAX)
    what = serializers.CharField(max_length=300)
    indicator = serializers.CharField(max_length=300)
    owner = serializers.CharField(max_length=200)
    deadline = serializers.DateField()
    instrument = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    instrument_domain = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    target_score = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=-SMALLINT_MAX, max_value=SMALLINT_MAX
    )


class GoalInputSerializer(GoalFieldsSerializer):
    suggestion = IdField(
        required=False, allow_null=True, default=None, help_text="Accept this open suggestion as the goal."
    )


class GoalUpdateSerializer(GoalFieldsSerializer, VersionedSerializer):
    """Fields left out keep their value."""


class ActionInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    owner_type = serializers.ChoiceField(choices=OwnerType.choices)
    owner_person = IdField(required=False, allow_null=True, default=None, help_text="Needed when owner_type is client.")
    owner_user = IdField(required=False, allow_null=True, default=None, help_text="Needed when owner_type is worker.")
    owner_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed when owner_type is network, partner or second_line.",
    )
    due_date = serializers.DateField()
    method = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ActionUpdateSerializer(VersionedSerializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    done_steps = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=SMALLINT_MAX),
        required=False,
        max_length=MAX_ID_LIST,
        help_text="The indexes of the checklist steps that are done (all others are not).",
    )


class DismissSerializer(serializers.Serializer):
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
    measurement = IdField(help_text="A complete measurement taken after the plan's starting point.")
    evaluated_on = serializers.DateField(
        required=False,
        help_text="When the plan was evaluated (default today): not in the future, not before the plan date "
        "nor before the measurement.",
    )
    next_evaluation_date = serializers.DateField()
    outcomes = OutcomeSerializer(many=True, max_length=MAX_ID_LIST)  # type: ignore[call-arg]


class PlanViewSet(CaseFileViewSet, mixins.ListModelMixin):
    """Plans of the households you may see: goals, actions, suggestions, agreement and evaluation."""

    model = Plan
    serializer_class = PlanSerializer
    list_what = "plans (api)"
    query_serializers = {"list": PlanQuerySerializer}

    def case_queryset(self) -> QuerySet[Plan]:
        queryset = selectors.plans_for_user(access=self.access()).order_by("household_id", "-number")
        household = self.household_filter()
        if household:
            queryset = queryset.filter(household_id=household)
        active = self.query.get("active")
        if active is not None:
            queryset = (
                queryset.filter(status=PlanStatus.ACTIVE) if active else queryset.exclude(status=PlanStatus.ACTIVE)
            )
        return queryset

    def _plan(self, pk: str, log: bool = False) -> Plan:
        return selectors.plan_get_for_user(access=self.access(), plan_id=int(pk), log=log)

    def _respond(self, plan_id: int, code: int = status.HTTP_200_OK) -> Response:
        plan = selectors.plan_get_for_user(access=self.access(), plan_id=plan_id, log=False)
        return with_etag(Response(PlanDetailSerializer(plan).data, status=code), plan)

    def _goal(self, pk: str, goal_id: str) -> Goal:
        return selectors.goal_get_for_user(access=self.access(), goal_id=int(goal_id), plan_id=int(pk))

    def _action(self, pk: str, action_id: str) -> Action:
        return selectors.action_get_for_user(access=self.access(), action_id=int(action_id), plan_id=int(pk))

    @staticmethod
    def _input(serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any) -> dict[str, Any]:
        serializer = serializer_class(data=request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(parameters=[ETAG], responses=PlanDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        plan = self._plan(pk, log=True)
        return with_etag(Response(PlanDetailSerializer(plan).data), plan)

    @extend_schema(request=PlanStartSerializer, responses={201: PlanDetailSerializer})
    def create(self, request: Request) -> Response:
        """Start a household's plan; refused until the intake is complete (as the status change to plan)."""
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

    # --- goals ---

    @extend_schema(request=GoalInputSerializer, responses={201: GoalSerializer})
    @action(detail=True, methods=["post"])
    def goals(self, request: Request, pk: str) -> Response:
        """Add a goal; with `suggestion` it accepts that suggestion as the goal. Needs no version."""
        plan = self._plan(pk)
        data = self._input(GoalInputSerializer, request)
        suggestion = None
        if data["suggestion"] is not None:
            suggestion = plan.suggestions.filter(id=data["suggestion"]).first()
            if suggestion is None:
                raise serializers.ValidationError({"suggestion": [_("This suggestion is not part of this plan.")]})
        goal = services.goal_add(access=self.access(), plan=plan, data=_goal_data(data), suggestion=suggestion)
        created = selectors.goal_get_for_user(access=self.access(), goal_id=goal.id, plan_id=plan.id)
        return with_etag(Response(GoalSerializer(created).data, status=status.HTTP_201_CREATED), created)

    @extend_schema(parameters=[ETAG], responses=GoalSerializer)
    @action(detail=True, methods=["get"], url_path=GOAL_PATH, url_name="goal")
    def goal(self, request: Request, pk: str, goal_id: str) -> Response:
        """One goal with its actions; the ETag is the goal's version."""
        goal = self._goal(pk, goal_id)
        return with_etag(Response(GoalSerializer(goal).data), goal)

    @extend_schema(
        request=GoalUpdateSerializer, parameters=[IF_MATCH, ETAG], responses=versioned_responses(GoalSerializer)
    )
    @goal.mapping.patch
    def goal_update(self, request: Request, pk: str, goal_id: str) -> Response:
        """Change a goal; fields left out keep their value. Name the goal's version you read (lock_version or
        If-Match): a change based on an older one is refused with what changed meanwhile and by whom."""
        goal = self._goal(pk, goal_id)
        validated = self._input(GoalUpdateSerializer, request, partial=True)
        version = expected_version(request, validated.pop("lock_version", None))
        current = {
            "domain": goal.domain_code,
            "person": goal.person_id,
            "client_words": goal.client_words,
            "what": goal.what,
            "indicator": goal.indicator,
            "owner": goal.owner,
            "deadline": goal.deadline,
            "instrument": goal.instrument_code,
            "instrument_domain": goal.instrument_domain,
            "target_score": goal.target_score,
        }
        with refuse_stale(version):
            services.goal_update(
                access=self.access(), goal=goal, expected_version=version.value, data=_goal_data(current | validated)
            )
        changed = selectors.goal_get_for_user(access=self.access(), goal_id=goal.id, plan_id=goal.plan_id)
        return with_etag(Response(GoalSerializer(changed).data), changed)

    # --- actions ---

    @extend_schema(request=ActionInputSerializer, responses={201: ActionSerializer})
    @action(detail=True, methods=["post"], url_path=f"{GOAL_PATH}/actions")
    def goal_actions(self, request: Request, pk: str, goal_id: str) -> Response:
        """Add an action to a goal, with who carries it out; a method with steps adds them as a checklist."""
        goal = self._goal(pk, goal_id)
        data = self._input(ActionInputSerializer, request)
        created = services.action_add(
            access=self.access(),
            goal=goal,
            description=data["description"],
            owner_type=data["owner_type"],
            due_date=data["due_date"],
            owner_person_id=data["owner_person"],
            owner_user_id=data["owner_user"],
            owner_name=data["owner_name"],
            method_code=data["method"],
        )
        return with_etag(Response(ActionSerializer(created).data, status=status.HTTP_201_CREATED), created)

    @extend_schema(parameters=[ETAG], responses=ActionSerializer)
    @action(detail=True, methods=["get"], url_path=ACTION_PATH, url_name="action")
    def plan_action(self, request: Request, pk: str, action_id: str) -> Response:
        """One action; the ETag is the action's version."""
        item = self._action(pk, action_id)
        return with_etag(Response(ActionSerializer(item).data), item)

    @extend_schema(
        request=ActionUpdateSerializer, parameters=[IF_MATCH, ETAG], responses=versioned_responses(ActionSerializer)
    )
    @plan_action.mapping.patch
    def action_update(self, request: Request, pk: str, action_id: str) -> Response:
        """Change an action's status or tick its checklist steps; locked on the action's version only."""
        item = self._action(pk, action_id)
        data = self._input(ActionUpdateSerializer, request, partial=True)
        version = expected_version(request, data.pop("lock_version", None))
        with refuse_stale(version):
            services.action_update(
                access=self.access(),
                action=item,
                expected_version=version.value,
                status=data.get("status"),
                done_steps=data.get("done_steps"),
            )
        return with_etag(Response(ActionSerializer(item).data), item)

    # --- suggestions ---

    @extend_schema(request=DismissSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"], url_path="dismiss-suggestion")
    def dismiss_suggestion(self, request: Request, pk: str) -> Response:
        """Dismiss an open suggestion with the reason (a suggestion is decided once; needs no version)."""
        plan = self._plan(pk)
        data = self._input(DismissSerializer, request)
        suggestion = plan.suggestions.filter(id=data["suggestion"]).first()
        if suggestion is None:
            raise serializers.ValidationError({"suggestion": [_("This suggestion is not part of this plan.")]})
        services.suggestion_dismiss(access=self.access(), suggestion=suggestion, reason=data["reason"])
        return self._respond(plan.id)

    @extend_schema(request=None, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"], url_path="refresh-suggestions")
    def refresh_suggestions(self, request: Request, pk: str) -> Response:
        """Look again after new measurements or contacts: working elements that now apply and were not
        offered in this version are added as open suggestions."""
        plan = self._plan(pk)
        services.plan_suggestions_refresh(access=self.access(), plan=plan)
        return self._respond(plan.id)

    # --- the plan's own facts ---

    def _plan_change(self, serializer_class: type[serializers.Serializer], request: Request, pk: str) -> Any:
        plan = self._plan(pk)
        data = self._input(serializer_class, request)
        return plan, data, expected_version(request, data.pop("lock_version", None))

    @extend_schema(
        request=AgreementSerializer, parameters=[IF_MATCH, ETAG], responses=versioned_responses(PlanDetailSerializer)
    )
    @action(detail=True, methods=["post"])
    def agreement(self, request: Request, pk: str) -> Response:
        plan, data, version = self._plan_change(AgreementSerializer, request, pk)
        with refuse_stale(version):
            services.plan_agreement_record(
                access=self.access(),
                plan=plan,
                expected_version=version.value,
                discussed_on=data["discussed_on"],
                agreed=data["agreed"],
                present_member_ids=data["present_members"],
                client_comment=data["client_comment"],
            )
        return self._respond(plan.id)

    @extend_schema(
        request=WorkGoalReasonSerializer,
        parameters=[IF_MATCH, ETAG],
        responses=versioned_responses(PlanDetailSerializer),
    )
    @action(detail=True, methods=["post"], url_path="work-goal-reason")
    def work_goal_reason(self, request: Request, pk: str) -> Response:
        plan, data, version = self._plan_change(WorkGoalReasonSerializer, request, pk)
        with refuse_stale(version):
            services.work_goal_reason_record(
                access=self.access(),
                plan=plan,
                expected_version=version.value,
                person_id=data["person"],
                reason=data["reason"],
            )
        return self._respond(plan.id)

    @extend_schema(
        request=EvaluationSerializer,
        parameters=[IF_MATCH],
        responses={
            201: OpenApiResponse(PlanDetailSerializer, description="Evaluated; the body is the next version."),
            **{code: response for code, response in versioned_responses(PlanDetailSerializer).items() if code != 200},
        },
    )
    @action(detail=True, methods=["post"])
    def evaluate(self, request: Request, pk: str) -> Response:
        """Close this version with outcomes and a later measurement; the response is the next version,
        with the goals not achieved, their running actions and the decisions on suggestions."""
        plan, data, version = self._plan_change(EvaluationSerializer, request, pk)
        with refuse_stale(version):
            next_plan = services.plan_evaluate(
                access=self.access(),
                plan=plan,
                expected_version=version.value,
                measurement_id=data["measurement"],
                outcomes=[
                    services.OutcomeInput(item["goal"], item["outcome"], item["reason"]) for item in data["outcomes"]
                ],
                next_evaluation_date=data["next_evaluation_date"],
                evaluated_on=data.get("evaluated_on"),
            )
        return self._respond(next_plan.id, status.HTTP_201_CREATED)


def _goal_data(data: dict[str, Any]) -> services.GoalData:
    return services.GoalData(
        domain_code=data["domain"],
        person_id=data["person"],
        client_words=data["client_words"],
        what=data["what"],
        indicator=data["indicator"],
        owner=data["owner"],
        deadline=data["deadline"],
        instrument_code=data["instrument"],
        instrument_domain=data["instrument_domain"],
        target_score=data["target_score"],
    )


class MethodSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    domains = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField())
    principles = serializers.ListField(child=serializers.CharField())


class MethodViewSet(ApiGenericViewSet, mixins.ListModelMixin):
    """The methods catalogue (first and second line); policy data, no personal data."""

    serializer_class = MethodSerializer

    def get_queryset(self) -> list[dict[str, Any]]:  # type: ignore[override]
        return [asdict(method) for method in plan_catalogue().methods]
