"""The warm handover in the API (`/api/v1/handovers/`): the same selectors and services as the pages, so
the same rules and the same access log. The case director is named `case_director` in the API (the
services say `regisseur`); every step names the `lock_version` it was based on (body or If-Match)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.casefile import handover_selectors, handover_services
from wijkkracht.casefile.models import SUMMARY_TEXT_MAX, Handover
from wijkkracht.common.api import IdField, PageQuerySerializer, api_field_names
from wijkkracht.common.locking import MAX_VERSION, expected_version, refuse_stale, with_etag
from wijkkracht.households import selectors as household_selectors
from wijkkracht.households.api import IF_MATCH, CaseFileViewSet, HouseholdQuerySerializer

#: The services' names as the API calls them.
API_NAMES = {"regisseur": "case_director", "conversation_attendees": "attendees", "conversation_date": "date"}


class HandoverSerializer(serializers.ModelSerializer):
    case_director = serializers.IntegerField(source="regisseur_id", allow_null=True, read_only=True)
    case_director_name = serializers.SerializerMethodField()
    contact_person = serializers.IntegerField(source="contact_person_id", allow_null=True, read_only=True)
    approved_by = serializers.IntegerField(source="approved_by_id", allow_null=True, read_only=True)
    created_by = serializers.IntegerField(source="created_by_id", read_only=True)

    class Meta:
        model = Handover
        fields = [
            "id",
            "household",
            "direction",
            "status",
            "team",
            "case_director",
            "case_director_name",
            "contact_person",
            *handover_services.SUMMARY_FIELDS,
            "conversation_date",
            "conversation_attendees",
            "family_present",
            "created_by",
            "created_at",
            "approval_requested_at",
            "approved_by",
            "approved_at",
            "caseload_at_send",
            "norm_at_send",
            "sent_at",
            "completed_on",
            "cancelled_at",
            "cancel_reason",
            "lock_version",
        ]
        read_only_fields = fields

    def get_case_director_name(self, handover: Handover) -> str | None:
        return str(handover.regisseur) if handover.regisseur_id else None


def _text(help_text: str = "") -> serializers.CharField:
    return serializers.CharField(
        max_length=SUMMARY_TEXT_MAX, required=False, allow_blank=True, trim_whitespace=False, help_text=help_text
    )


class VersionInputSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        required=False,
        help_text="The lock_version (or ETag) you read. Required here or as If-Match; a stale one is refused.",
    )


class HandoverStartSerializer(serializers.Serializer):
    household = IdField(help_text="An open household of your team without a handover in progress.")
    case_director = IdField(required=False, allow_null=True, default=None, help_text="Can be chosen later.")
    question_text = _text("What is asked of the second line.")


class HandoverUpdateSerializer(VersionInputSerializer):
    case_director = IdField(required=False, allow_null=True, help_text="An active second-line case director.")
    measurements_text = _text()
    plan_text = _text()
    contacts_text = _text()
    risks_text = _text()
    consents_text = _text()
    question_text = _text()


class ConversationInputSerializer(VersionInputSerializer):
    date = serializers.DateField(help_text="Not in the future, not before the handover was sent.")
    attendees = serializers.CharField(max_length=500, trim_whitespace=False, help_text="Who was there.")
    family_present = serializers.BooleanField(help_text="Whether the family was there.")


class CompleteInputSerializer(VersionInputSerializer):
    date = serializers.DateField(required=False, allow_null=True, default=None, help_text="Today by default.")


class CancelInputSerializer(VersionInputSerializer):
    reason = serializers.CharField(max_length=500, trim_whitespace=False)


class BackInputSerializer(serializers.Serializer):
    household = IdField(help_text="A household handed over to you.")
    team = IdField(required=False, allow_null=True, default=None, help_text="By default the household's own team.")
    contact_person = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A social worker or coordinator of that team; without one the team's coordinator is contact "
        "person for now and gets a task to name one.",
    )
    reason = serializers.CharField(max_length=500, trim_whitespace=False)
    date = serializers.DateField(required=False, allow_null=True, default=None)
    measurements_text = _text("Left out: drafted from the case file.")
    plan_text = _text("Left out: drafted from the case file.")
    contacts_text = _text("Left out: drafted from the case file.")
    risks_text = _text("Left out: drafted from the case file.")
    consents_text = _text("Left out: drafted from the case file.")
    question_text = _text()


class CaseDirectorLoadSerializer(serializers.Serializer):
    case_director = serializers.IntegerField(source="regisseur.id")
    name = serializers.CharField(source="regisseur.__str__")
    caseload = serializers.IntegerField(help_text="Households handed over or sent to them, not closed.")
    norm = serializers.IntegerField(help_text="The municipality's caseload norm.")
    has_room = serializers.BooleanField(help_text="False: a handover to them needs the coordinator's approval.")


class CaseDirectorPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CaseDirectorLoadSerializer(many=True)


def _texts(data: dict[str, Any]) -> dict[str, str]:
    return {name: data[name] for name in handover_services.SUMMARY_FIELDS if name in data}


class HandoverViewSet(CaseFileViewSet, mixins.ListModelMixin):
    """Warm handovers of households to a second-line case director, and back to the first line."""

    model = Handover
    serializer_class = HandoverSerializer
    list_what = "handovers (api)"
    query_serializers = {"list": HouseholdQuerySerializer, "case_directors": PageQuerySerializer}

    def case_queryset(self) -> QuerySet[Handover]:
        return handover_selectors.handover_list_for_user(access=self.access(), household_id=self.household_filter())

    def _get(self, pk: str) -> Handover:
        return handover_selectors.handover_get_for_user(access=self.access(), handover_id=int(pk))

    def _written(self, handover: Handover, code: int = status.HTTP_200_OK) -> Response:
        handover.refresh_from_db()
        return with_etag(Response(HandoverSerializer(handover).data, status=code), handover)

    def retrieve(self, request: Request, pk: str) -> Response:
        """One handover with its summary."""
        handover = self._get(pk)
        return with_etag(Response(HandoverSerializer(handover).data), handover)

    @extend_schema(request=HandoverStartSerializer, responses={201: HandoverSerializer})
    def create(self, request: Request) -> Response:
        """Start a handover to the second line: the summary is drafted from the case file."""
        serializer = HandoverStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access = self.access()
        household = household_selectors.household_get_for_update(access=access, household_id=data["household"])
        with api_field_names(API_NAMES):
            handover = handover_services.handover_start(
                access=access,
                household=household,
                regisseur_id=data["case_director"],
                question_text=data.get("question_text", ""),
            )
        return self._written(handover, status.HTTP_201_CREATED)

    @extend_schema(request=HandoverUpdateSerializer, parameters=[IF_MATCH], responses=HandoverSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Review and complete the summary, or choose the case director, before sending; fields left out
        keep their value."""
        access = self.access()
        handover = self._get(pk)
        serializer = HandoverUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = expected_version(request, data.pop("lock_version", None))
        with refuse_stale(version), api_field_names(API_NAMES):
            handover_services.handover_update(
                access=access,
                handover=handover,
                expected_version=version.value,
                texts=_texts(data),
                regisseur_id=data.get("case_director"),
                regisseur_given="case_director" in data,
            )
        return self._written(handover)

    def _step(self, request: Request, pk: str, input_class: type[serializers.Serializer], run: Any) -> Response:
        access = self.access()
        handover = self._get(pk)
        serializer = input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = expected_version(request, data.pop("lock_version", None))
        with refuse_stale(version), api_field_names(API_NAMES):
            run(access, handover, version.value, data)
        return self._written(handover)

    @extend_schema(request=VersionInputSerializer, parameters=[IF_MATCH], responses=HandoverSerializer)
    @action(detail=True, methods=["post"], url_path="request-approval")
    def request_approval(self, request: Request, pk: str) -> Response:
        """The chosen case director has no room: ask the team coordinator's approval (the coordinator gets a
        task)."""
        return self._step(
            request,
            pk,
            VersionInputSerializer,
            lambda access, handover, version, data: handover_services.handover_request_approval(
                access=access, handover=handover, expected_version=version
            ),
        )

    @extend_schema(request=VersionInputSerializer, parameters=[IF_MATCH], responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """A coordinator of the household's team approves going over the caseload norm; the handover is sent."""
        return self._step(
            request,
            pk,
            VersionInputSerializer,
            lambda access, handover, version, data: handover_services.handover_approve(
                access=access, handover=handover, expected_version=version
            ),
        )

    @extend_schema(request=VersionInputSerializer, parameters=[IF_MATCH], responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str) -> Response:
        """Send the handover: the case director gets access (shared ownership). Over the norm without the
        coordinator's approval: 400, nothing saved."""
        return self._step(
            request,
            pk,
            VersionInputSerializer,
            lambda access, handover, version, data: handover_services.handover_send(
                access=access, handover=handover, expected_version=version
            ),
        )

    @extend_schema(request=ConversationInputSerializer, parameters=[IF_MATCH], responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def conversation(self, request: Request, pk: str) -> Response:
        """Record the joint handover conversation."""
        return self._step(
            request,
            pk,
            ConversationInputSerializer,
            lambda access, handover, version, data: handover_services.handover_conversation_record(
                access=access,
                handover=handover,
                expected_version=version,
                date=data["date"],
                attendees=data["attendees"],
                family_present=data["family_present"],
            ),
        )

    @extend_schema(request=CompleteInputSerializer, parameters=[IF_MATCH], responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """Complete the handover: the household's status becomes `handed_over`."""
        return self._step(
            request,
            pk,
            CompleteInputSerializer,
            lambda access, handover, version, data: handover_services.handover_complete(
                access=access, handover=handover, expected_version=version, date=data["date"]
            ),
        )

    @extend_schema(request=CancelInputSerializer, parameters=[IF_MATCH], responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Cancel a handover that is not completed; a sent one takes the case director's access back."""
        return self._step(
            request,
            pk,
            CancelInputSerializer,
            lambda access, handover, version, data: handover_services.handover_cancel(
                access=access, handover=handover, expected_version=version, reason=data["reason"]
            ),
        )

    @extend_schema(request=BackInputSerializer, responses={201: HandoverSerializer})
    @action(detail=False, methods=["post"])
    def back(self, request: Request) -> Response:
        """The case director hands a household back to a first-line team (afschalen), with a summary; the
        status returns to an open one and the case director's access ends."""
        serializer = BackInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        access = self.access()
        household = household_selectors.household_get_for_update(access=access, household_id=data["household"])
        with api_field_names(API_NAMES):
            handover = handover_services.handover_back(
                access=access,
                household=household,
                reason=data["reason"],
                team_id=data["team"],
                contact_person_id=data["contact_person"],
                texts=_texts(data),
                date=data["date"],
            )
        # The case director no longer sees the household: answer with what was written, read directly.
        return Response(HandoverSerializer(handover).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=CaseDirectorPageSerializer)
    @action(detail=True, methods=["get"], url_path="case-directors")
    def case_directors(self, request: Request, pk: str) -> Response:
        """For choosing this handover's case director: the active case directors with their caseload against
        the norm, those with the most room first (names and counts, nothing of their households)."""
        self._get(pk)
        loads = handover_services.regisseur_loads()
        paginator = self.paginator
        assert paginator is not None
        page: list[Any] = paginator.paginate_queryset(loads, request, view=self) or []  # type: ignore[arg-type]
        return paginator.get_paginated_response(CaseDirectorLoadSerializer(page, many=True).data)
