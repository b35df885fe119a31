"""API of the consent register: the same selectors and services as the pages, so the same rules."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.common.api import IdField
from wijkkracht.consent import selectors, services
from wijkkracht.consent.models import Consent, ConsentForm, ConsentGround, ConsentPurpose
from wijkkracht.households.api import CaseFileViewSet, HouseholdQuerySerializer

#: More domains than the catalogue could ever hold is not a consent: refused by the serializer.
MAX_DOMAINS = 50
DOMAIN_CODE_MAX_LENGTH = 50


class ConsentSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    is_legal_ground = serializers.BooleanField(
        read_only=True, help_text="A legal ground other than consent (shown in red): `reason` says why."
    )
    in_force = serializers.SerializerMethodField(help_text="Started, not ended and not withdrawn, today.")
    recorded_by_name = serializers.CharField(source="recorded_by.__str__", read_only=True)
    domains = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Codes of the plan's life domains it covers."
    )

    class Meta:
        model = Consent
        fields = [
            "id",
            "household",
            "person",
            "organization",
            "organization_name",
            "purpose",
            "domains",
            "ground",
            "is_legal_ground",
            "given_how",
            "reason",
            "valid_from",
            "valid_until",
            "in_force",
            "recorded_by",
            "recorded_by_name",
            "recorded_at",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_note",
        ]
        read_only_fields = fields

    def get_in_force(self, consent: Consent) -> bool:
        return consent.in_force()


class ConsentInputSerializer(serializers.Serializer):
    household = IdField()
    person = IdField(help_text="A member of the household.")
    organization = IdField(help_text="An organisation on the social map.")
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    domains = serializers.ListField(
        child=serializers.CharField(max_length=DOMAIN_CODE_MAX_LENGTH),
        max_length=MAX_DOMAINS,
        help_text="Codes of the plan's life domains whose information it covers (at least one); see the plan "
        "policy's domains.",
    )
    ground = serializers.ChoiceField(
        choices=ConsentGround.choices,
        required=False,
        default=ConsentGround.CONSENT,
        help_text="consent, or a legal ground other than consent (which needs a reason and no given_how).",
    )
    given_how = serializers.ChoiceField(
        choices=ConsentForm.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="How the consent was given; required for ground consent, empty for a legal ground.",
    )
    reason = serializers.CharField(
        max_length=services.REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="Why the legal ground applies; required for a legal ground, empty for a consent.",
    )
    valid_from = serializers.DateField(help_text=f"At most {services.MAX_DAYS_AHEAD} days ahead, at most a year back.")
    valid_until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="On or after valid_from, at most five years ahead; null: until withdrawn.",
    )


class ConsentWithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=services.NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="For instance: withdrawn by telephone.",
    )


class ConsentViewSet(CaseFileViewSet, mixins.ListModelMixin):
    """The consent register: consents of household members to organisations of the social map, and legal
    grounds other than consent. Consents are never changed: a new one is recorded, an old one withdrawn
    (which takes effect at once)."""

    model = Consent
    serializer_class = ConsentSerializer
    list_what = "consents (api)"
    query_serializers = {"list": HouseholdQuerySerializer}

    def case_queryset(self) -> QuerySet[Consent]:
        return selectors.consent_list_for_user(access=self.access(), household_id=self.household_filter())

    def retrieve(self, request: Request, pk: str) -> Response:
        consent = selectors.consent_get_for_user(access=self.access(), consent_id=int(pk))
        return Response(ConsentSerializer(consent).data)

    @extend_schema(request=ConsentInputSerializer, responses={201: ConsentSerializer})
    def create(self, request: Request) -> Response:
        """Record a consent or a legal ground other than consent. A household you may not see is a 404."""
        serializer = ConsentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        consent = services.consent_record(
            access=self.access(),
            household_id=data["household"],
            person_id=data["person"],
            organization_id=data["organization"],
            purpose=data["purpose"],
            domains=data["domains"],
            ground=data["ground"],
            given_how=data["given_how"],
            reason=data["reason"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
        )
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConsentWithdrawSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Withdraw a consent (or end a legal ground) at once; a second withdrawal is a 400 and changes nothing."""
        serializer = ConsentWithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.consent_withdraw(
            access=self.access(), consent_id=int(pk), note=serializer.validated_data["note"]
        )
        return Response(ConsentSerializer(consent).data)
