"""The household's lifecycle in the API, mixed into the households resource (`casefile.api`): the status
change with the same closing rules as the page, reopening, what the intake still misses and the history.

Errors use the API's one shape; a decision on an open task is named by its index in the body
(`tasks.0.outcome`), as the service names it."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.casefile import selectors, services
from wijkkracht.common.api import MAX_ID_LIST, IdField, PageQuerySerializer, api_field_names
from wijkkracht.diagnosis.models import MeasurementStatus, WorkScoreWaiver
from wijkkracht.diagnosis.rules import intake_gaps
from wijkkracht.households import selectors as household_selectors
from wijkkracht.households.api import HouseholdDetailSerializer, StatusChangeInputSerializer
from wijkkracht.households.models import HouseholdStatus
from wijkkracht.privacy.access import coordinated_teams_of

#: The enums of this module in the schema (named in `SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]`).
TASK_OUTCOME_CHOICES = [(str(value), str(value)) for value in services.TASK_OUTCOMES]
HISTORY_KIND_CHOICES = [("status", "status"), ("contact_person", "contact_person")]


class TaskOutcomeInputSerializer(serializers.Serializer):
    task = IdField(help_text="An open task of this household.")
    outcome = serializers.ChoiceField(
        choices=TASK_OUTCOME_CHOICES,
        help_text="`done` (completed) or `cancelled`.",
    )


class LifecycleStatusChangeInputSerializer(StatusChangeInputSerializer):
    tasks = serializers.ListField(
        child=TaskOutcomeInputSerializer(),
        required=False,
        default=list,
        max_length=MAX_ID_LIST,
        help_text="When closing or handing over: one decision for every open task of the household. Errors "
        "name the item by its index: `tasks.0.outcome`.",
    )


class ReopenInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    contact_person = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A social worker or coordinator of the team; by default the former contact person, when "
        "still in the team.",
    )
    date = serializers.DateField(required=False, allow_null=True, default=None)


class WorkScoreWaiverSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person_id")
    person_name = serializers.CharField(source="person.full_name")
    reason = serializers.CharField()
    recorded_by = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class IntakeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HouseholdStatus.choices)
    has_complete_measurement = serializers.BooleanField(help_text="At least one measurement is complete.")
    complete = serializers.BooleanField(help_text="Nothing is missing: the plan can start.")
    gaps = serializers.ListField(child=serializers.CharField(), help_text="What is still missing, per adult.")
    waivers = WorkScoreWaiverSerializer(many=True, help_text="Recorded reasons for not scoring work.")


class HistoryEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HISTORY_KIND_CHOICES)
    date = serializers.DateField()
    changed_at = serializers.DateTimeField(source="moment")
    changed_by = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    from_status = serializers.SerializerMethodField()
    to_status = serializers.SerializerMethodField()
    from_user = serializers.SerializerMethodField()
    to_user = serializers.SerializerMethodField()
    from_label = serializers.CharField(allow_blank=True, help_text="What it was, as users read it.")
    to_label = serializers.CharField(help_text="What it became, as users read it.")

    def get_from_status(self, entry: selectors.HistoryEntry) -> str | None:
        return str(entry.from_value) if entry.kind == "status" and entry.from_value else None

    def get_to_status(self, entry: selectors.HistoryEntry) -> str | None:
        return str(entry.to_value) if entry.kind == "status" else None

    def get_from_user(self, entry: selectors.HistoryEntry) -> int | None:
        return int(entry.from_value) if entry.kind == "contact_person" and entry.from_value else None

    def get_to_user(self, entry: selectors.HistoryEntry) -> int | None:
        return int(entry.to_value) if entry.kind == "contact_person" and entry.to_value else None


class HistoryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HistoryEntrySerializer(many=True)


class HouseholdLifecycleActions:
    """Actions of the households resource; mix in before `CaseFileViewSet`."""

    def query_serializer_class(self) -> type[serializers.Serializer] | None:
        if getattr(self, "action", None) == "status_history":
            return PageQuerySerializer
        return super().query_serializer_class()  # type: ignore[misc]

    def _written(self, household_id: int) -> Response:
        return Response(HouseholdDetailSerializer(selectors.household_as_written(household_id=household_id)).data)

    @extend_schema(request=LifecycleStatusChangeInputSerializer, responses=HouseholdDetailSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: Request, pk: str) -> Response:
        """Move the household along its lifecycle. Closing or handing over decides every open task in the
        same step (`tasks`) and closes the active plan; the household is read-only afterwards."""
        access = self.access()  # type: ignore[attr-defined]
        household = household_selectors.household_get_for_update(access=access, household_id=int(pk))
        serializer = LifecycleStatusChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with api_field_names({"regisseur": "case_director"}):
            services.household_status_change(
                access=access,
                household=household,
                to_status=data["to_status"],
                reason=data["reason"],
                date=data["date"],
                regisseur_id=data["case_director"],
                task_outcomes=[services.TaskOutcome(item["task"], item["outcome"]) for item in data["tasks"]],
            )
        return self._written(household.id)

    @extend_schema(request=ReopenInputSerializer, responses=HouseholdDetailSerializer)
    @action(detail=True, methods=["post"], url_path="reopen")
    def reopen(self, request: Request, pk: str) -> Response:
        """Reopen a closed or handed-over household: back to intake, with a reason. Only a coordinator of
        the household's team (anyone else: 403)."""
        access = self.access()  # type: ignore[attr-defined]
        household = household_selectors.household_get_for_update(access=access, household_id=int(pk))
        if not coordinated_teams_of(access.user).filter(id=household.team_id).exists():
            raise exceptions.PermissionDenied(_("Only a coordinator of the household's team can reopen it."))
        serializer = ReopenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.household_reopen(
            access=access,
            household=household,
            reason=data["reason"],
            contact_person_id=data["contact_person"],
            date=data["date"],
        )
        return self._written(household.id)

    @extend_schema(responses=IntakeSerializer)
    @action(detail=True, methods=["get"], url_path="intake")
    def intake(self, request: Request, pk: str) -> Response:
        """What the intake still misses before the plan can start (work and the participation ladder
        for every adult, unless a reason is recorded), and the reasons recorded."""
        access = self.access()  # type: ignore[attr-defined]
        household = household_selectors.household_get_for_user(access=access, household_id=int(pk), what="intake")
        gaps = intake_gaps(household, timezone.localdate())
        measured = household.measurements.filter(status=MeasurementStatus.COMPLETE).exists()
        waivers = (
            WorkScoreWaiver.objects.filter(person__household=household)
            .select_related("person", "recorded_by")
            .order_by("person__date_of_birth", "person_id")
        )
        body = {
            "status": household.status,
            "has_complete_measurement": measured,
            "complete": measured and not gaps,
            "gaps": gaps,
            "waivers": list(waivers),
        }
        return Response(IntakeSerializer(body).data)

    @extend_schema(responses=HistoryPageSerializer)
    @action(detail=True, methods=["get"], url_path="status-history")
    def status_history(self, request: Request, pk: str) -> Response:
        """Status changes and changes of contact person (who, when, why), newest first, in pages."""
        access = self.access()  # type: ignore[attr-defined]
        household = household_selectors.household_get_for_user(access=access, household_id=int(pk), what="history")
        paginator = self.paginator  # type: ignore[attr-defined]
        page = paginator.paginate_queryset(selectors.case_file_history(household), request, view=self)
        return paginator.get_paginated_response(HistoryEntrySerializer(page, many=True).data)
