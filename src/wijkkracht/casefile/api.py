"""The households resource: the caseload, one household's file, registration and lifecycle. It lives
here because its list shows plan dates and its status change applies the lifecycle rules."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.casefile import selectors, services
from wijkkracht.common.api import IdField
from wijkkracht.common.locking import expected_version, refuse_stale, with_etag
from wijkkracht.households import selectors as household_selectors
from wijkkracht.households import services as household_services
from wijkkracht.households.api import (
    ETAG,
    IF_MATCH,
    CaseFileViewSet,
    ContactPersonInputSerializer,
    HouseholdAddressSerializer,
    HouseholdDetailSerializer,
    HouseholdInputSerializer,
    HouseholdListSerializer,
    StatusChangeInputSerializer,
    versioned_responses,
)
from wijkkracht.households.models import Household, HouseholdStatus


class CaseloadQuerySerializer(serializers.Serializer):
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only households for which I am the contact person."
    )
    status = serializers.ChoiceField(choices=HouseholdStatus.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False)
    wijk = IdField(required=False)
    team = IdField(required=False)
    q = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Search in name and postcode."
    )
    sort = serializers.ChoiceField(choices=list(selectors.CASELOAD_SORTS), required=False, default="last_contact")


class HouseholdViewSet(CaseFileViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Households of your team(s): the caseload, one household's file, registration and lifecycle."""

    model = Household
    list_what = "caseload (api)"
    query_serializers = {"list": CaseloadQuerySerializer}

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return HouseholdDetailSerializer if self.action == "retrieve" else HouseholdListSerializer

    def household_id_of(self, record: Any) -> int:
        return int(record.id)

    def case_queryset(self) -> QuerySet[Household]:
        query = self.query
        filters = selectors.CaseloadFilters(
            status=query.get("status", ""),
            overdue=query["overdue"],
            wijk_id=query.get("wijk"),
            team_id=query.get("team"),
            search=query.get("q", ""),
            sort=query["sort"],
        )
        scope: selectors.CaseloadScope = "mine" if query["mine"] else "team"
        return selectors.caseload_queryset(access=self.access(), scope=scope, filters=filters)

    @extend_schema(parameters=[ETAG], responses=HouseholdDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        household = selectors.case_file_get(access=self.access(), household_id=int(kwargs["pk"]))
        return with_etag(Response(HouseholdDetailSerializer(household).data), household)

    @extend_schema(request=HouseholdInputSerializer, responses={201: HouseholdDetailSerializer})
    def create(self, request: Request) -> Response:
        serializer = HouseholdInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        members = [household_services.MemberData(**member) for member in data.pop("members")]
        access = self.access()
        household = household_services.household_register(
            access=access,
            team_id=data.pop("team"),
            wijk_id=data.pop("wijk"),
            contact_person_id=data.pop("contact_person"),
            members=members,
            **data,
        )
        written = selectors.household_as_written(household_id=household.id)
        return Response(HouseholdDetailSerializer(written).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=HouseholdAddressSerializer,
        parameters=[IF_MATCH, ETAG],
        responses=versioned_responses(HouseholdDetailSerializer),
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Correct name or address; fields left out keep their value. Sending only a new postcode lets
        the district follow it. Name the version you read (lock_version or If-Match): a change based on an
        older version is refused with what changed meanwhile."""
        access = self.access()
        household = household_selectors.household_get_for_update(access=access, household_id=int(pk))
        serializer = HouseholdAddressSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        validated = dict(serializer.validated_data)
        version = expected_version(request, validated.pop("lock_version", None))
        current: dict[str, Any] = {
            "name": household.name,
            "postcode": household.postcode,
            "house_number": household.house_number,
            "house_number_addition": household.house_number_addition,
            "street": household.street,
            "city": household.city,
            "wijk": None if "postcode" in validated else household.wijk_id,
        }
        data = current | validated
        with refuse_stale(version):
            household_services.household_address_update(
                access=access, household=household, expected_version=version.value, wijk_id=data.pop("wijk"), **data
            )
        written = selectors.household_as_written(household_id=household.id)
        return with_etag(Response(HouseholdDetailSerializer(written).data), written)

    @extend_schema(request=StatusChangeInputSerializer, responses=HouseholdDetailSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: Request, pk: str) -> Response:
        access = self.access()
        household = household_selectors.household_get_for_update(access=access, household_id=int(pk))
        serializer = StatusChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.household_status_change(
            access=access,
            household=household,
            to_status=data["to_status"],
            reason=data["reason"],
            date=data["date"],
            regisseur_id=data["regisseur"],
        )
        return Response(HouseholdDetailSerializer(selectors.household_as_written(household_id=household.id)).data)

    @extend_schema(request=ContactPersonInputSerializer, responses=HouseholdDetailSerializer)
    @action(detail=True, methods=["post"], url_path="contact-person")
    def assign_contact_person(self, request: Request, pk: str) -> Response:
        access = self.access()
        household = household_selectors.household_get_for_update(access=access, household_id=int(pk))
        serializer = ContactPersonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        household_services.household_contact_person_assign(
            access=access, household=household, contact_person_id=serializer.validated_data["contact_person"]
        )
        return Response(HouseholdDetailSerializer(selectors.household_as_written(household_id=household.id)).data)
