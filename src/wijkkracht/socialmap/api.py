"""The social map in the API, in the shape of Open Referral HSDS 3.0: ``/api/v1/organizations/`` and
``/api/v1/services/``. Read-only; the same readers as the pages (case roles, policy officers, the functional
administrator; not partners). No personal data, so no access-log rows.

Each object is the HSDS object of the export (``id`` is the HSDS id, a UUID) plus ``record_id``: the number
in the path of this API and of the pages, which a referral names. Import is by file (page or command): a
social map of thousands of services is larger than the API's bounded request bodies."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from wijkkracht.common.api import ApiReadOnlyModelViewSet, IdField
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.socialmap import hsds, selectors
from wijkkracht.socialmap.models import Organization, PyramidLevel, Service, ServiceStatus


class SocialMapReaderPermission(BasePermission):
    message = _("Your role does not give access to the social map.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return selectors.may_use_socialmap(request.user)  # type: ignore[arg-type]


def _domain_labels() -> dict[str, str]:
    return {domain.code: domain.label for domain in plan_catalogue().domains}


class HsdsPhoneSerializer(serializers.Serializer):
    id = serializers.CharField()
    number = serializers.CharField()


class HsdsOrganizationFields(serializers.Serializer):
    record_id = serializers.IntegerField(help_text="The number of this organisation in this API's paths.")
    id = serializers.CharField(help_text="The HSDS id (a UUID).")
    name = serializers.CharField()
    alternate_name = serializers.CharField(required=False)
    description = serializers.CharField()
    email = serializers.CharField(required=False)
    website = serializers.CharField(required=False)
    phones = HsdsPhoneSerializer(many=True, required=False)


class HsdsServiceFields(serializers.Serializer):
    record_id = serializers.IntegerField(help_text="The number of this service in this API's paths and in referrals.")
    id = serializers.CharField(help_text="The HSDS id (a UUID).")
    organization_id = serializers.CharField(help_text="The HSDS id of the organisation.")
    name = serializers.CharField()
    alternate_name = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    url = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    status = serializers.ChoiceField(choices=ServiceStatus.choices)
    eligibility_description = serializers.CharField(required=False)
    minimum_age = serializers.IntegerField(required=False)
    maximum_age = serializers.IntegerField(required=False)
    application_process = serializers.CharField(required=False)
    fees_description = serializers.CharField(required=False)
    last_modified = serializers.CharField()
    phones = HsdsPhoneSerializer(many=True, required=False)
    attributes = serializers.ListField(
        child=serializers.DictField(),
        help_text="HSDS attributes; the pyramid level (taxonomy wijkkracht-steunpiramide) and the life domains "
        "(taxonomy wijkkracht-leefgebieden) are taxonomy terms.",
    )
    service_areas = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="The districts it serves (uri urn:wijkkracht:wijk:<code>); none: the whole municipality.",
    )


class HsdsServiceSerializer(HsdsServiceFields):
    organization = HsdsOrganizationFields(help_text="The organisation that provides the service.")

    def to_representation(self, instance: Service) -> dict[str, Any]:
        labels = self.context.get("domain_labels") or _domain_labels()
        data = {
            "record_id": instance.pk,
            **hsds.service_to_hsds(instance, domain_labels=labels, wijken=list(instance.wijken.all())),
        }
        data["organization"] = {
            "record_id": instance.organization.pk,
            **hsds.organization_to_hsds(instance.organization),
        }
        return data


class HsdsOrganizationSerializer(HsdsOrganizationFields):
    services = HsdsServiceFields(many=True, help_text="Its services (active or not).")

    def to_representation(self, instance: Organization) -> dict[str, Any]:
        labels = self.context.get("domain_labels") or _domain_labels()
        services = [
            {
                "record_id": service.pk,
                **hsds.service_to_hsds(service, domain_labels=labels, wijken=list(service.wijken.all())),
            }
            for service in instance.services.all()
        ]
        return {"record_id": instance.pk, **hsds.organization_to_hsds(instance, services)}


class ServiceQuerySerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False,
        max_length=selectors.SEARCH_MAX_LENGTH,
        help_text="Words that all occur in the name, alternate name or description of the service or its organisation.",
    )
    domain = serializers.ChoiceField(choices=[], required=False, help_text="A life domain code of the plan policy.")
    level = serializers.ChoiceField(choices=PyramidLevel.values, required=False)
    district = IdField(required=False, help_text="Id of a district: services serving it (or the whole municipality).")
    age = serializers.IntegerField(required=False, min_value=0, max_value=selectors.MAX_AGE)
    include_inactive = serializers.BooleanField(
        required=False, help_text="Also inactive and defunct services (default: active and temporarily closed)."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [domain.code for domain in plan_catalogue().domains]  # type: ignore[attr-defined]


class ServiceViewSet(ApiReadOnlyModelViewSet):
    """Services of the social map in HSDS 3.0 shape, each with its organisation; filters as on the page."""

    serializer_class = HsdsServiceSerializer
    permission_classes = [SocialMapReaderPermission]
    query_serializers = {"list": ServiceQuerySerializer}

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "domain_labels": _domain_labels()}

    def get_queryset(self) -> QuerySet[Service]:
        if self.action == "list":
            query = self.query
            found = selectors.service_search(
                text=query.get("text", ""),
                domain=query.get("domain", ""),
                level=query.get("level", ""),
                wijk_id=query.get("district"),
                age=query.get("age"),
                include_inactive=bool(query.get("include_inactive")),
            )
        else:
            found = Service.objects.select_related("organization").order_by("name", "id")
        return found.prefetch_related("wijken")


class OrganizationViewSet(ApiReadOnlyModelViewSet):
    """Organisations of the social map in HSDS 3.0 shape, each with its services nested."""

    serializer_class = HsdsOrganizationSerializer
    permission_classes = [SocialMapReaderPermission]

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "domain_labels": _domain_labels()}

    def get_queryset(self) -> QuerySet[Organization]:
        services = Service.objects.select_related("organization").prefetch_related("wijken").order_by("name", "id")
        return selectors.organization_list().prefetch_related(Prefetch("services", queryset=services))
