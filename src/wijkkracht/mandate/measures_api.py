"""API of the measures, their approvals and the mandate rules (issue 12): the same selectors and services as the
pages, so the same rules and the same access log.

- **Measures** (`/measures/`): case workers see the measures of the households they may see; a manager only the
  measures of their teams with an approval step for managers, and of those only what the decision needs (the
  member, the reason, the hearing, the goal, the household and the reason for ending are null), every read
  logged with purpose "goedkeuring budget". Proposing, withdrawing and paying are the team's (case workers).
- **Approvals** (`/approvals/`): the approval steps the user may see; `?pending=true` what waits for this user.
  Approving or rejecting one decides every pending step of the user's role on that measure.
- **Mandate rules** (`/mandate/rules/`): the policy in force.

Every other role (policy officer, functional administrator — except for the rules —, privacy officer, partner)
gets 403; a measure or approval of another team is a 404 like a missing one.
"""

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.api import ApiGenericViewSet, ApiViewSet, IdField
from wijkkracht.common.locking import MAX_VERSION, expected_version, refuse_stale, with_etag
from wijkkracht.households.api import ETAG, IF_MATCH, versioned_responses
from wijkkracht.mandate import selectors, services
from wijkkracht.mandate.models import NOTE_MAX, REASON_MAX, ApprovalDecision, Measure, MeasureApproval, MeasureStatus
from wijkkracht.mandate.policy import ESCALATION_LEVELS, mandate_policy
from wijkkracht.privacy.access import AccessContext, can_work_with_cases

#: A measure's fields that are case data: null for a manager, who sees a measure only for its approval.
CASE_FIELDS = (
    "household",
    "person",
    "person_name",
    "reason",
    "goal",
    "hearing_date",
    "hearing_statement",
    "end_reason",
)
#: Who sees the mandate rules: the roles that take or approve measures, and the functional administrator who
#: maintains the policy file.
RULE_READERS = frozenset({Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR, Role.SECOND_LINE_REGISSEUR, Role.MANAGER})
AMOUNT_TEXT_MAX = 30


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _works_with_measures(user: Any) -> bool:
    return bool(
        user and user.is_authenticated and (can_work_with_cases(user) or user.role in selectors.STEP_ONLY_ROLES)
    )


class MeasurePermission(BasePermission):
    """Case workers, and managers (through their approval steps); every other role gets 403."""

    message = gettext_lazy("Your role gives no access to measures.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return _works_with_measures(request.user)


class RulesPermission(BasePermission):
    message = gettext_lazy("Your role gives no access to the mandate rules.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.role in RULE_READERS or user.role == Role.FUNCTIONAL_ADMIN


# --- serializers ----------------------------------------------------------------------------------------------


class ApprovalStepSerializer(serializers.ModelSerializer):
    step_label = serializers.CharField(source="get_step_display")
    decision = serializers.SerializerMethodField(help_text="pending, approved or rejected.")
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = MeasureApproval
        fields = ["id", "step", "step_label", "role", "requested_at", "decision", "decided_by_name", "decided_at"]
        read_only_fields = fields

    def get_decision(self, approval: MeasureApproval) -> str:
        return approval.decision or "pending"

    def get_decided_by_name(self, approval: MeasureApproval) -> str:
        return str(approval.decided_by) if approval.decided_by_id else ""


class MeasureSerializer(serializers.ModelSerializer):
    household = serializers.IntegerField(source="household_id", allow_null=True, help_text="Null for a manager.")
    person = serializers.IntegerField(source="person_id", allow_null=True, help_text="Null for a manager.")
    person_name = serializers.CharField(source="person.full_name", allow_null=True, help_text="Null for a manager.")
    team_name = serializers.CharField(source="team.name")
    kind = serializers.CharField(source="kind_code", help_text="The code of the kind of measure (mandate rules).")
    reason = serializers.CharField(allow_null=True, help_text="Null for a manager.")
    goal = serializers.IntegerField(
        source="goal_id", allow_null=True, help_text="The goal of the plan it serves; null for a manager."
    )
    hearing_date = serializers.DateField(allow_null=True, help_text="A sanction's hearing; null for a manager.")
    hearing_statement = serializers.CharField(allow_null=True, help_text="Null for a manager.")
    end_reason = serializers.CharField(
        allow_null=True, help_text="Why it was rejected or withdrawn; null for a manager."
    )
    status = serializers.SerializerMethodField(help_text="proposed, approved, rejected, withdrawn or expired.")
    status_label = serializers.SerializerMethodField()
    decided_by_name = serializers.CharField(source="decided_by.__str__")
    approvals = ApprovalStepSerializer(many=True, help_text="The approval steps, oldest first.")

    class Meta:
        model = Measure
        fields = [
            "id",
            "household",
            "person",
            "person_name",
            "team",
            "team_name",
            "kind",
            "kind_name",
            "is_sanction",
            "spends_budget",
            "reason",
            "legal_ground",
            "amount",
            "percentage",
            "start_date",
            "end_date",
            "goal",
            "hearing_date",
            "hearing_statement",
            "status",
            "status_label",
            "decided_by_name",
            "decided_at",
            "within_mandate",
            "approved_at",
            "ended_at",
            "end_reason",
            "paid_on",
            "approvals",
            "lock_version",
        ]
        read_only_fields = fields

    def get_status(self, measure: Measure) -> str:
        return measure.shown_status(timezone.localdate())

    def get_status_label(self, measure: Measure) -> str:
        return measure.shown_status_label(timezone.localdate())

    def to_representation(self, instance: Measure) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("limited"):
            data.update(dict.fromkeys(CASE_FIELDS))
        return data


class MeasureQuerySerializer(serializers.Serializer):
    household = IdField(required=False, help_text="Only the measures of this household (case workers).")
    status = serializers.ChoiceField(
        choices=MeasureStatus.choices, required=False, help_text="Only this status; expired: approved, end passed."
    )


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number"},
            {"type": "string", "maxLength": AMOUNT_TEXT_MAX, "pattern": r"^([+-]?[0-9]+(\.[0-9]+)?)?$"},
        ]
    }
)
class ApiNumberField(serializers.Field):
    """A number as the API takes it (`services.parse_api_decimal`): a JSON number, or a string such as "450.50"
    with "." as the only decimal separator: no thousands separators, no comma, no exponent. The service decides the
    rest (below zero, more than two decimals, too large) in its own Dutch words; a text that is no such
    number gets the service's message for this field."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("default", None)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal | None:
        if isinstance(data, str) and len(data) > AMOUNT_TEXT_MAX:
            raise serializers.ValidationError(_("At most %(max)d characters.") % {"max": AMOUNT_TEXT_MAX})
        try:
            return services.parse_api_decimal(data)
        except ValueError:
            raise serializers.ValidationError(services.api_number_message(self.field_name or "")) from None

    def to_representation(self, value: Any) -> Any:
        return value


class MeasureInputSerializer(serializers.Serializer):
    household = IdField(help_text="The household.")
    person = IdField(help_text="The member the measure is for.")
    kind = serializers.CharField(max_length=60, help_text="The code of a kind of measure your role has a mandate for.")
    reason = serializers.CharField(max_length=REASON_MAX, allow_blank=True, help_text="Why (required).")
    legal_ground = serializers.CharField(
        max_length=services.LEGAL_GROUND_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Empty: the kind's legal ground.",
    )
    amount = ApiNumberField(
        help_text='Euros above zero, at most two decimals: a JSON number (450.5) or a string with "." for the '
        'cents ("450.50"); no thousands separators, no comma, no exponent. For kinds measured in an amount only.'
    )
    percentage = ApiNumberField(
        help_text='Above 0, at most 100, at most two decimals: a JSON number or a string such as "12.5". For '
        "kinds measured in a percentage only."
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None, help_text="Not before the start.")
    goal = IdField(required=False, allow_null=True, default=None, help_text="A goal of the household's active plan.")
    hearing_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="A sanction: when the client was heard (required)."
    )
    hearing_statement = serializers.CharField(
        max_length=REASON_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="A sanction: what the client said (required).",
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_MAX, allow_blank=True, help_text="Why (required).")
    lock_version = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_VERSION, help_text="The version you read (or send If-Match)."
    )


class PaySerializer(serializers.Serializer):
    paid_on = serializers.DateField(help_text="Not in the future, not before the approval.")


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=NOTE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional when approving; the reason, required, when rejecting.",
    )


class ApprovalSerializer(serializers.ModelSerializer):
    """An approval step with what its decision needs of the measure (a manager sees no case data)."""

    measure = serializers.IntegerField(source="measure_id")
    household = serializers.IntegerField(
        source="measure.household_id", allow_null=True, help_text="Null for a manager."
    )
    step_label = serializers.CharField(source="get_step_display")
    decision = serializers.SerializerMethodField(help_text="pending, approved or rejected.")
    decided_by_name = serializers.SerializerMethodField()
    kind = serializers.CharField(source="measure.kind_code")
    kind_name = serializers.CharField(source="measure.kind_name")
    amount = serializers.DecimalField(source="measure.amount", max_digits=10, decimal_places=2, allow_null=True)
    percentage = serializers.DecimalField(source="measure.percentage", max_digits=5, decimal_places=2, allow_null=True)
    start_date = serializers.DateField(source="measure.start_date")
    end_date = serializers.DateField(source="measure.end_date", allow_null=True)
    team = serializers.IntegerField(source="measure.team_id")
    team_name = serializers.CharField(source="measure.team.name")
    proposer_name = serializers.CharField(source="measure.decided_by.__str__", help_text="Who decided the measure.")
    measure_status = serializers.SerializerMethodField(help_text="proposed, approved, rejected, withdrawn or expired.")

    class Meta:
        model = MeasureApproval
        fields = [
            "id",
            "measure",
            "household",
            "step",
            "step_label",
            "role",
            "requested_at",
            "decision",
            "decided_by_name",
            "decided_at",
            "note",
            "kind",
            "kind_name",
            "amount",
            "percentage",
            "start_date",
            "end_date",
            "team",
            "team_name",
            "proposer_name",
            "measure_status",
        ]
        read_only_fields = fields

    def get_decision(self, approval: MeasureApproval) -> str:
        return approval.decision or "pending"

    def get_decided_by_name(self, approval: MeasureApproval) -> str:
        return str(approval.decided_by) if approval.decided_by_id else ""

    def get_measure_status(self, approval: MeasureApproval) -> str:
        return approval.measure.shown_status(timezone.localdate())

    def to_representation(self, instance: MeasureApproval) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("limited"):
            data["household"] = None
        return data


class ApprovalQuerySerializer(serializers.Serializer):
    pending = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: what waits for your decision; false: the decided steps; absent: all you may see.",
    )


# --- viewsets -------------------------------------------------------------------------------------------------


class MeasureViewSet(ApiGenericViewSet):
    """Measures of household members: decided within the mandate, or waiting for a second person's approval."""

    permission_classes = [MeasurePermission]
    serializer_class = MeasureSerializer
    query_serializers = {"list": MeasureQuerySerializer}

    def access(self) -> AccessContext:
        return AccessContext.from_request(self.request)

    def limited(self) -> bool:
        return not selectors.sees_case_data(_user(self.request))

    def get_queryset(self) -> QuerySet[Measure]:
        if getattr(self, "swagger_fake_view", False):
            return Measure.objects.none()
        household = self.query.get("household")
        if household is not None and self.limited():
            return Measure.objects.none()  # a manager names no household: like any id that is not yours
        return selectors.measures_list(
            access=self.access(), household_id=household, status=self.query.get("status") or None
        ).prefetch_related("approvals__decided_by")

    def _answer(self, measure: Measure, code: int = status.HTTP_200_OK) -> Response:
        data = MeasureSerializer(measure, context={"limited": self.limited()}).data
        return with_etag(Response(data, status=code), measure)

    def list(self, request: Request) -> Response:
        """The measures you may see, newest first; logged per household shown (a manager's with purpose
        "goedkeuring budget")."""
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        selectors.access_log_list(
            access=self.access(), household_ids=[measure.household_id for measure in page], what="measures (api)"
        )
        return self.get_paginated_response(MeasureSerializer(page, many=True, context={"limited": self.limited()}).data)

    @extend_schema(parameters=[ETAG])
    def retrieve(self, request: Request, pk: str) -> Response:
        """One measure with its approval steps; the read is logged."""
        return self._answer(selectors.measure_get(access=self.access(), measure_id=int(pk)))

    @extend_schema(request=MeasureInputSerializer, responses={201: MeasureSerializer})
    def create(self, request: Request) -> Response:
        """Decide a measure (case workers of the household's team). Within your mandate and the team's budget it
        is approved at once; otherwise it is proposed and waits for the approvals it needs. Every problem: 400
        with the fields named, nothing saved; a household you may not see: 404."""
        if self.limited():
            raise exceptions.PermissionDenied(_("Only the team decides measures."))
        serializer = MeasureInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access = self.access()
        measure = services.measure_propose(
            access=access,
            household_id=data["household"],
            person_id=data["person"],
            kind_code=data["kind"],
            reason=data["reason"],
            legal_ground=data["legal_ground"],
            amount=data["amount"],
            percentage=data["percentage"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            goal_id=data["goal"],
            hearing_date=data["hearing_date"],
            hearing_statement=data["hearing_statement"],
        )
        measure = selectors.measure_get(access=access, measure_id=measure.id, log=False)
        return self._answer(measure, status.HTTP_201_CREATED)

    @extend_schema(
        request=WithdrawSerializer, parameters=[IF_MATCH, ETAG], responses=versioned_responses(MeasureSerializer)
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Withdraw a proposed or approved measure (its decider or a coordinator of the team), with the reason;
        refused once paid. Needs the version you read (lock_version or If-Match)."""
        access = self.access()
        selectors.measure_get(access=access, measure_id=int(pk), log=False)  # 404 before any 400
        if self.limited():
            raise exceptions.PermissionDenied(_("Only the team withdraws measures."))
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, serializer.validated_data.get("lock_version"))
        with refuse_stale(version):
            measure = services.measure_withdraw(
                access=access,
                measure_id=int(pk),
                reason=serializer.validated_data["reason"],
                lock_version=version.value,
            )
        return self._answer(selectors.measure_get(access=access, measure_id=measure.id, log=False))

    @extend_schema(request=PaySerializer, responses={200: MeasureSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str) -> Response:
        """Record that an approved measure with an amount from the budget was paid: committed becomes spent."""
        access = self.access()
        selectors.measure_get(access=access, measure_id=int(pk), log=False)  # 404 before any 400
        if self.limited():
            raise exceptions.PermissionDenied(_("Only the team records payments."))
        serializer = PaySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        measure = services.measure_pay(access=access, measure_id=int(pk), paid_on=serializer.validated_data["paid_on"])
        return self._answer(selectors.measure_get(access=access, measure_id=measure.id, log=False))


class ApprovalViewSet(ApiGenericViewSet):
    """Approval steps of measures: above a mandate (four eyes) or beyond the team's budget."""

    permission_classes = [MeasurePermission]
    serializer_class = ApprovalSerializer
    query_serializers = {"list": ApprovalQuerySerializer}

    def access(self) -> AccessContext:
        return AccessContext.from_request(self.request)

    def limited(self) -> bool:
        return not selectors.sees_case_data(_user(self.request))

    def get_queryset(self) -> QuerySet[MeasureApproval]:
        if getattr(self, "swagger_fake_view", False):
            return MeasureApproval.objects.none()
        return selectors.approvals_list(access=self.access(), pending=self.query.get("pending"))

    def list(self, request: Request) -> Response:
        """The approval steps you may see, newest request first; `pending=true`: what waits for you. Logged per
        household shown (a manager's with purpose "goedkeuring budget")."""
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        selectors.access_log_list(
            access=self.access(),
            household_ids=[approval.measure.household_id for approval in page],
            what="measure approvals (api)",
        )
        return self.get_paginated_response(
            ApprovalSerializer(page, many=True, context={"limited": self.limited()}).data
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        """One approval step with what its decision needs; the read is logged."""
        approval = selectors.approval_get(access=self.access(), approval_id=int(pk))
        return Response(ApprovalSerializer(approval, context={"limited": self.limited()}).data)

    def _decide(self, request: Request, pk: str, decision: str) -> Response:
        access = self.access()
        approval = selectors.approval_get(access=access, approval_id=int(pk), log=False)  # 404 before any 400
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decide = services.measure_approve if decision == ApprovalDecision.APPROVED else services.measure_reject
        decide(
            access=access,
            measure_id=approval.measure_id,
            note=serializer.validated_data["note"],
            approval_id=approval.id,
        )
        approval = selectors.approval_get(access=access, approval_id=approval.id, log=False)
        return Response(ApprovalSerializer(approval, context={"limited": self.limited()}).data)

    @extend_schema(request=DecisionSerializer, responses={200: ApprovalSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve: decides every pending step of your role on this measure (you are a member of its team and
        not its decider). When no step waits any more the measure is approved, or — if the team's budget no
        longer covers it — gets a step for the manager. A step that is not yours, or your own measure: 400."""
        return self._decide(request, pk, ApprovalDecision.APPROVED)

    @extend_schema(request=DecisionSerializer, responses={200: ApprovalSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        """Reject, with the reason (`note`, required): the measure is rejected."""
        return self._decide(request, pk, ApprovalDecision.REJECTED)


# --- the mandate rules ----------------------------------------------------------------------------------------


class RuleKindSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    legal_ground = serializers.CharField()
    quantity = serializers.CharField(help_text="none, amount or percentage.")
    sanction = serializers.BooleanField(help_text="Needs a recorded hearing of the client.")
    spends_budget = serializers.BooleanField()
    objection_weeks = serializers.IntegerField(help_text="The term for an objection (bezwaar) in weeks.")


class RuleLimitSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    months = serializers.IntegerField(allow_null=True)
    percentage = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class RuleSerializer(serializers.Serializer):
    role = serializers.CharField()
    kind = serializers.CharField()
    up_to = RuleLimitSerializer(help_text="Within these bounds the role decides alone; null: no bound of that sort.")
    above = serializers.CharField(allow_null=True, help_text="The role that approves above; null: not possible.")


class RuleRatesSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    per_resident = serializers.DecimalField(max_digits=10, decimal_places=2)
    per_contact = serializers.DecimalField(max_digits=10, decimal_places=2)
    direct_help_per_resident = serializers.DecimalField(max_digits=10, decimal_places=2)


class RuleFinancingSerializer(serializers.Serializer):
    years = RuleRatesSerializer(many=True)
    warn_below_share = serializers.DecimalField(max_digits=4, decimal_places=3)
    beyond_budget = serializers.CharField(help_text="The role that approves spending beyond a team's budget.")


class RuleResponseTimeSerializer(serializers.Serializer):
    level = serializers.CharField(help_text="coordinator or manager.")
    respond_within_working_days = serializers.IntegerField()


class MandateRulesSerializer(serializers.Serializer):
    policy_file = serializers.CharField(help_text="The file in force (shipped, configured or uploaded).")
    kinds = RuleKindSerializer(many=True)
    mandates = RuleSerializer(many=True)
    financing = RuleFinancingSerializer()
    escalation = RuleResponseTimeSerializer(many=True)


def _rules_data() -> dict[str, Any]:
    policy = mandate_policy()
    return {
        "policy_file": policy.source,
        "kinds": [
            {
                "code": kind.code,
                "name": kind.name,
                "legal_ground": kind.legal_ground,
                "quantity": kind.quantity,
                "sanction": kind.sanction,
                "spends_budget": kind.spends_budget,
                "objection_weeks": kind.objection_weeks,
            }
            for kind in policy.kinds.values()
        ],
        "mandates": [
            {
                "role": rule.role,
                "kind": rule.kind,
                "up_to": {
                    "amount": rule.up_to.amount,
                    "months": rule.up_to.months,
                    "percentage": rule.up_to.percentage,
                },
                "above": rule.above,
            }
            for rule in policy.mandates.values()
        ],
        "financing": {
            "years": [
                {
                    "year": year,
                    "per_resident": rates.per_resident,
                    "per_contact": rates.per_contact,
                    "direct_help_per_resident": rates.direct_help_per_resident,
                }
                for year, rates in sorted(policy.financing.years.items())
            ],
            "warn_below_share": policy.financing.warn_below_share,
            "beyond_budget": policy.financing.beyond_budget,
        },
        "escalation": [
            {"level": level, "respond_within_working_days": policy.escalation_days[level]}
            for level in ESCALATION_LEVELS
            if level in policy.escalation_days
        ],
    }


class MandateRulesViewSet(ApiViewSet):
    """The mandate policy in force, read-only: kinds of measures, mandates per role, financing rates per year and
    the escalation's response times.

    The rules are policy, not personal data, so reading them is not access-logged. They are for the roles that
    take or approve measures (social worker, team coordinator, second-line case director, manager) and the
    functional administrator who maintains the file; a policy officer, privacy officer or partner has no task
    with them and gets 403 (the issue shuts every new endpoint to them)."""

    permission_classes = [RulesPermission]

    @extend_schema(responses=MandateRulesSerializer)
    def retrieve(self, request: Request) -> Response:
        """The policy in force (an active upload by the functional administrator wins over the shipped file)."""
        return Response(MandateRulesSerializer(_rules_data()).data)


def register(router: Any) -> None:
    """Register this area's viewsets on the API router."""
    router.register("measures", MeasureViewSet, basename="measure")
    router.register("approvals", ApprovalViewSet, basename="approval")


#: Extra API paths that are neither a list nor a record (mounted under /api/v1/).
urlpatterns = [path("mandate/rules/", MandateRulesViewSet.as_view({"get": "retrieve"}), name="mandate-rules")]
