"""API of referrals: the same selectors and services as the pages, so the same rules and the same log.

A case worker sees the referrals of the households they may see; a partner organisation's staff member (role
`partner`) those addressed to their organisation, without any personal data in the list: the member, the
question and the rest of what the consent covers come only with one referral (`disclosure`, logged as a
disclosure), and not at all once the consent is no longer in force. Other roles get 403.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wijkkracht.common.api import ApiGenericViewSet, IdField
from wijkkracht.common.locking import expected_version, refuse_stale, with_etag
from wijkkracht.households.api import ETAG, IF_MATCH, versioned_responses
from wijkkracht.privacy.access import AccessContext, can_work_with_cases
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record_many
from wijkkracht.referrals import selectors, services
from wijkkracht.referrals.access import is_partner, partner_organization_id
from wijkkracht.referrals.models import Referral, ReferralEvent, ReferralStatus

MAX_DOMAINS = 50
DOMAIN_CODE_MAX_LENGTH = 50
#: Fields that name the household or the member: null in a partner's answer (the disclosure holds what they
#: may see).
CASE_FIELDS = ("household", "person", "person_name", "action", "consent", "question", "sent_by_name")


class ReferralPermission(BasePermission):
    """Case workers, and partner accounts linked to an organisation; every other role gets 403."""

    message = gettext_lazy("Your role gives no access to referrals.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return can_work_with_cases(user) or partner_organization_id(user) is not None


class ReferralEventSerializer(serializers.ModelSerializer):
    by_name = serializers.SerializerMethodField()

    class Meta:
        model = ReferralEvent
        fields = ["at", "status", "reason", "by_name"]
        read_only_fields = fields

    def get_by_name(self, event: ReferralEvent) -> str:
        return str(event.by) if event.by is not None else ""


class ReferralSerializer(serializers.ModelSerializer):
    household = serializers.IntegerField(source="household_id", allow_null=True, help_text="Null for a partner.")
    person = serializers.IntegerField(source="person_id", allow_null=True, help_text="Null for a partner.")
    person_name = serializers.CharField(source="person.full_name", allow_null=True, help_text="Null for a partner.")
    action = serializers.IntegerField(
        source="action_id", allow_null=True, help_text="The plan action it was sent from; null for a partner."
    )
    consent = serializers.IntegerField(
        source="consent_id",
        allow_null=True,
        help_text="The consent or legal ground it rests on; null for a partner (the disclosure names it).",
    )
    question = serializers.CharField(allow_null=True, help_text="What is asked; null for a partner in a list.")
    sent_by_name = serializers.CharField(source="sent_by.__str__", allow_null=True, help_text="Null for a partner.")
    service_name = serializers.CharField(source="service.name")
    organization_name = serializers.CharField(source="organization.name")
    domains = serializers.ListField(child=serializers.CharField(), help_text="Codes of the life domains it carries.")

    class Meta:
        model = Referral
        fields = [
            "id",
            "household",
            "person",
            "person_name",
            "action",
            "service",
            "service_name",
            "organization",
            "organization_name",
            "consent",
            "domains",
            "question",
            "status",
            "status_reason",
            "sent_at",
            "sent_by_name",
            "answered_at",
            "lock_version",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("partner"):
            data.update(dict.fromkeys(CASE_FIELDS))
        return data


class DisclosedPersonSerializer(serializers.Serializer):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()


class DisclosedContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    team = serializers.CharField()
    email = serializers.CharField(help_text="May be empty.")


class DisclosedGroundSerializer(serializers.Serializer):
    consent_id = serializers.IntegerField()
    ground = serializers.CharField(help_text="consent, meldcode_safety or legal_duty.")
    ground_label = serializers.CharField()
    purpose = serializers.CharField()
    purpose_label = serializers.CharField()
    is_legal_ground = serializers.BooleanField()
    valid_until = serializers.DateField(allow_null=True)


class DisclosedDomainSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label: the metaclass takes it


class DisclosedScoreSerializer(serializers.Serializer):
    domain = serializers.CharField(help_text="The plan life domain the score counts for.")
    instrument = serializers.CharField()
    instrument_domain = serializers.CharField()
    value = serializers.IntegerField()
    value_label = serializers.CharField()
    date = serializers.DateField()


class DisclosedActionSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    due_date = serializers.DateField()


class DisclosedGoalSerializer(serializers.Serializer):
    domain = serializers.CharField()
    for_member = serializers.BooleanField(help_text="False: a goal of the whole household.")
    what = serializers.CharField()
    indicator = serializers.CharField()
    deadline = serializers.DateField()
    actions = DisclosedActionSerializer(many=True)


class DisclosureSerializer(serializers.Serializer):
    """Exactly what the partner may see: the member, what is asked, the contact person, and of the life
    domains the consent covers only: the member's latest scores, the plan's goals and their actions."""

    referral_id = serializers.IntegerField()
    organization = serializers.CharField()
    service = serializers.CharField()
    person = DisclosedPersonSerializer()
    question = serializers.CharField()
    contact = DisclosedContactSerializer()
    ground = DisclosedGroundSerializer()
    domains = DisclosedDomainSerializer(many=True)
    scores = DisclosedScoreSerializer(many=True)
    goals = DisclosedGoalSerializer(many=True)


class ReferralDetailSerializer(ReferralSerializer):
    events = ReferralEventSerializer(many=True, help_text="The status history, oldest first.")
    disclosure = serializers.SerializerMethodField(
        help_text="What the partner sees now; null once the consent or legal ground is no longer in force or "
        "the referral was withdrawn. For a partner every answer with a disclosure is logged as one."
    )

    class Meta(ReferralSerializer.Meta):
        fields = [*ReferralSerializer.Meta.fields, "events", "disclosure"]
        read_only_fields = fields

    @extend_schema_field(DisclosureSerializer(allow_null=True))
    def get_disclosure(self, referral: Referral) -> dict[str, Any] | None:  # documented here; the view fills it
        return None


class ReferralQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReferralStatus.choices, required=False, help_text="Only this status.")
    household = IdField(required=False, help_text="Only the referrals of this household (case workers).")


class ReferralInputSerializer(serializers.Serializer):
    action = IdField(help_text="The plan action it is sent from (of the active plan).")
    person = IdField(help_text="The member referred.")
    service = IdField(help_text="An active service on the social map.")
    consent = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The consent (purpose referral or exchange of information) or legal ground in force, of the "
        "member, for the service's organisation, covering every domain sent.",
    )
    domains = serializers.ListField(
        child=serializers.CharField(max_length=DOMAIN_CODE_MAX_LENGTH),
        max_length=MAX_DOMAINS,
        help_text="Codes of the life domains whose data it carries (at least one, within the consent's).",
    )
    question = serializers.CharField(max_length=services.QUESTION_MAX_LENGTH, help_text="What is asked.")


class ReferralStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ReferralStatus.choices,
        help_text="Partner: accepted or declined (sent); started, declined or no_show (accepted); completed or "
        "no_show (started). Team: cancelled while not final.",
    )
    reason = serializers.CharField(
        max_length=services.REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for declined and cancelled.",
    )
    lock_version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="The version you read (or send If-Match)."
    )


class ReferralViewSet(ApiGenericViewSet):
    """Referrals from a plan action to a service on the social map, and their status."""

    permission_classes = [ReferralPermission]
    serializer_class = ReferralSerializer
    query_serializers = {"list": ReferralQuerySerializer}

    def access(self) -> AccessContext:
        return AccessContext.from_request(self.request)

    def partner(self) -> bool:
        return is_partner(self.request.user)  # type: ignore[arg-type]

    def get_queryset(self) -> QuerySet[Referral]:
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        household = self.query.get("household")
        if household is not None and self.partner():
            return Referral.objects.none()  # a partner sees no household: like any id that is not yours
        return selectors.referral_list_for_user(
            access=self.access(), status=self.query.get("status") or None, household_id=household
        )

    def _detail(self, referral: Referral) -> dict[str, Any]:
        disclosure = selectors.referral_disclosure(access=self.access(), referral=referral)
        data = ReferralSerializer(referral, context={"partner": self.partner()}).data
        data["events"] = ReferralEventSerializer(referral.events.all(), many=True).data
        data["disclosure"] = DisclosureSerializer(disclosure).data if disclosure is not None else None
        return data

    def list(self, request: Request) -> Response:
        """The referrals you may see, newest first. A case worker's list is logged per household shown; a
        partner's holds no personal data (open one referral for what the consent covers)."""
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        if not self.partner():
            access_log_record_many(
                access=self.access(),
                household_ids=sorted({referral.household_id for referral in page}),
                action=AccessAction.LIST,
                what="referrals (api)",
            )
        return self.get_paginated_response(
            ReferralSerializer(page, many=True, context={"partner": self.partner()}).data
        )

    @extend_schema(parameters=[ETAG], responses=ReferralDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        """One referral with its history and exactly what the partner sees of it (a partner's read is logged
        as a disclosure, naming the consent or legal ground)."""
        referral = selectors.referral_get_for_user(access=self.access(), referral_id=int(pk))
        return with_etag(Response(self._detail(referral)), referral)

    @extend_schema(request=ReferralInputSerializer, responses={201: ReferralDetailSerializer})
    def create(self, request: Request) -> Response:
        """Send a referral (case workers). Without a consent or legal ground in force that covers every
        domain: 400 with what is missing, nothing sent. An action you may not see: 404."""
        if not can_work_with_cases(request.user):  # type: ignore[arg-type]
            raise exceptions.PermissionDenied(_("Only the team sends referrals."))
        serializer = ReferralInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access = self.access()
        referral = services.referral_send(
            access=access,
            action_id=data["action"],
            person_id=data["person"],
            service_id=data["service"],
            consent_id=data["consent"],
            domains=data["domains"],
            question=data["question"],
        )
        referral = selectors.referral_get_for_user(access=access, referral_id=referral.id, log=False)
        return with_etag(Response(self._detail(referral), status=status.HTTP_201_CREATED), referral)

    @extend_schema(
        request=ReferralStatusSerializer, parameters=[IF_MATCH, ETAG], responses=versioned_responses(ReferralSerializer)
    )
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: str) -> Response:
        """Move the referral on: the partner answers and reports, the team withdraws it. A move the rules do
        not allow, a missing reason, or a second identical answer: 400 and nothing changed."""
        access = self.access()
        selectors.referral_get_for_user(access=access, referral_id=int(pk), log=False)  # 404 before any 400
        serializer = ReferralStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = expected_version(request, data.get("lock_version"))
        with refuse_stale(version):
            referral = services.referral_status_change(
                access=access,
                referral_id=int(pk),
                status=data["status"],
                reason=data["reason"],
                lock_version=version.value,
            )
        return with_etag(Response(ReferralSerializer(referral, context={"partner": self.partner()}).data), referral)
