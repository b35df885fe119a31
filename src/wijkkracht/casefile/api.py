"""The households resource: the caseload, one household's file, registration and lifecycle. It lives
here because its list shows plan dates and its status change applies the lifecycle rules."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.casefile import selectors
from wijkkracht.casefile.caseload import caseload_list_what
from wijkkracht.casefile.lifecycle_api import HouseholdLifecycleActions
from wijkkracht.casefile.worklist_api import CaseloadHouseholdSerializer, CaseloadQuerySerializer, caseload_filters
from wijkkracht.common.api import api_field_names
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
    versioned_responses,
)
from wijkkracht.households.models import Household

#: The services name the district as the page forms do.
DISTRICT = {"wijk": "district"}


class HouseholdViewSet(HouseholdLifecycleActions, CaseFileViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Households of your team(s): the caseload, one household's file, registration and lifecycle."""

    model = Household
    query_serializers = {"list": CaseloadQuerySerializer}

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return HouseholdDetailSerializer if self.action == "retrieve" else CaseloadHouseholdSerializer

    @property
    def list_what(self) -> str:  # type: ignore[override]
        """A search by BSN is access-logged as such."""
        return caseload_list_what("team", getattr(self, "query", {}).get("q", ""), base="caseload (api)")

    def household_id_of(self, record: Any) -> int:
        return int(record.id)

    def case_queryset(self) -> QuerySet[Household]:
        query = self.query
        access = self.access()
        scope: selectors.CaseloadScope = "mine" if query["mine"] else "team"
        return selectors.caseload_queryset(access=access, scope=scope, filters=caseload_filters(query, access))

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
        with api_field_names(DISTRICT):
            household = household_services.household_register(
                access=access,
                team_id=data.pop("team"),
                wijk_id=data.pop("district"),
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
            "district": None if "postcode" in validated else household.wijk_id,
        }
        data = current | validated
        with refuse_stale(version), api_field_names(DISTRICT):
            household_services.household_address_update(
                access=access, household=household, expected_version=version.value, wijk_id=data.pop("district"), **data
            )
        written = selectors.household_as_written(household_id=household.id)
        return with_etag(Response(HouseholdDetailSerializer(written).data), written)

    # The lifecycle (status, reopen, intake, status-history) is in `casefile.lifecycle_api`.

    @extend_schema(request=ContactPersonInputSerializer, responses=HouseholdDetailSerializer)
    @action(detail=True, methods=["post"], url_path="contact-person")
    def assign_contact_person(self, request: Request, pk: str) -> Response:
        access = self.access()
        household = household_selectors.household_get_for_update(access=access, household_id=int(pk))
        serializer = ContactPersonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        household_services.household_contact_person_assign(
            access=access,
            household=household,
            contact_person_id=serializer.validated_data["contact_person"],
            reason=serializer.validated_data["reason"],
        )
        return Response(HouseholdDetailSerializer(selectors.household_as_written(household_id=household.id)).data)
