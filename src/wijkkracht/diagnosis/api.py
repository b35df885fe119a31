"""API for measurements, with the household access rules and the access log of the pages."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.common.api import MAX_ID_LIST, SMALLINT_MAX, IdField, IdListField
from wijkkracht.common.locking import expected_version, refuse_stale, with_etag
from wijkkracht.diagnosis import selectors, services
from wijkkracht.diagnosis.models import (
    NOTE_MAX_LENGTH,
    Measurement,
    MeasurementStatus,
    Participation,
    WorkScoreWaiver,
)
from wijkkracht.diagnosis.progress import progress_between
from wijkkracht.households import selectors as household_selectors
from wijkkracht.households.api import (
    ETAG,
    IF_MATCH,
    CaseFileViewSet,
    HouseholdQuerySerializer,
    lock_version_field,
    versioned_responses,
)
from wijkkracht.households.models import Person
from wijkkracht.instruments.models import InstrumentVersion


class ScoreSerializer(serializers.Serializer):
    domain = serializers.CharField(max_length=40)
    value = serializers.IntegerField(allow_null=True, min_value=-SMALLINT_MAX, max_value=SMALLINT_MAX)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")


class MeasurementSerializer(serializers.ModelSerializer):
    instrument = serializers.CharField(source="instrument_code")
    instrument_version = serializers.IntegerField(source="instrument.version")
    scores = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = [
            "id",
            "household",
            "person",
            "instrument",
            "instrument_version",
            "moment",
            "date",
            "participation",
            "participants",
            "status",
            "completed_at",
            "scores",
            "lock_version",
        ]
        read_only_fields = ["lock_version"]

    def get_scores(self, measurement: Measurement) -> list[dict[str, Any]]:
        return [{"domain": s.domain_code, "value": s.value, "note": s.note} for s in measurement.scores.all()]


@contextmanager
def score_paths(items: list[dict[str, Any]]) -> Iterator[None]:
    """The service names a score by its domain (``scores.werk``, as the page's fields are); the API names
    input by its path, so a message about a score moves to that item of the request: ``scores.3``."""
    try:
        yield
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        index = {item["domain"]: position for position, item in enumerate(items)}
        renamed: dict[str, list[DjangoValidationError]] = {}
        for key, errors in error.error_dict.items():
            field, _dot, domain = key.partition(".")
            path = f"scores.{index[domain]}" if field == "scores" and domain in index else key
            renamed.setdefault(path, []).extend(errors)
        raise DjangoValidationError(renamed) from None


def scores_input(items: list[dict[str, Any]]) -> dict[str, services.ScoreInput]:
    seen: set[str] = set()
    for position, item in enumerate(items):
        if item["domain"] in seen:
            raise serializers.ValidationError({f"scores.{position}.domain": [_("Each domain may appear only once.")]})
        seen.add(item["domain"])
    return {item["domain"]: services.ScoreInput(item["value"], item.get("note", "")) for item in items}


class MeasurementInputSerializer(serializers.Serializer):
    household = IdField()
    instrument = serializers.CharField(max_length=40)
    person = IdField(required=False, allow_null=True, default=None)
    date = serializers.DateField()
    participation = serializers.ChoiceField(choices=Participation.choices, default=Participation.TOGETHER)
    participants = IdListField(required=False, default=list)
    moment = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=SMALLINT_MAX
    )
    scores = ScoreSerializer(many=True, required=False, default=list, max_length=MAX_ID_LIST)  # type: ignore[call-arg]


class MeasurementUpdateSerializer(serializers.Serializer):
    scores = ScoreSerializer(many=True, max_length=MAX_ID_LIST)  # type: ignore[call-arg]
    lock_version = lock_version_field()


class DomainChangeSerializer(serializers.Serializer):
    domain = serializers.CharField(source="code", help_text="The domain's code in the instrument.")
    name = serializers.CharField(source="label", help_text="The domain's name, in the user's language.")
    before = serializers.IntegerField(allow_null=True)
    after = serializers.IntegerField(allow_null=True)
    change = serializers.IntegerField(allow_null=True, help_text="Scale steps; positive is better, whatever the scale.")


class ProgressSerializer(serializers.Serializer):
    before = serializers.IntegerField(source="before.id")
    after = serializers.IntegerField(source="after.id")
    improved = serializers.IntegerField()
    same = serializers.IntegerField()
    worse = serializers.IntegerField()
    green_share_before = serializers.FloatField()
    green_share_after = serializers.FloatField()
    domains = DomainChangeSerializer(many=True)


class MeasurementQuerySerializer(HouseholdQuerySerializer):
    """Filters of the measurements list; they combine (all must hold)."""

    person = IdField(required=False, help_text="Only the measurements of this member (not the household's own).")
    instrument = serializers.RegexField(
        r"^[a-z][a-z0-9_-]{0,39}$",
        max_length=40,
        required=False,
        help_text="Only the measurements with this instrument: its code, as in /api/v1/instruments/.",
        error_messages={"invalid": _("Unknown instrument.")},
    )
    status = serializers.ChoiceField(
        choices=MeasurementStatus.choices, required=False, help_text="Only drafts, or only complete measurements."
    )

    def validate_instrument(self, value: str) -> str:
        if not InstrumentVersion.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("Unknown instrument."))
        return value


class MeasurementViewSet(CaseFileViewSet, mixins.ListModelMixin):
    """Measurements (0-meting, 1-meting, …): start, save a draft, complete, and progress."""

    model = Measurement
    serializer_class = MeasurementSerializer
    list_what = "measurements (api)"
    query_serializers = {"list": MeasurementQuerySerializer}

    def case_queryset(self) -> QuerySet[Measurement]:
        return selectors.measurement_list_for_user(
            access=self.access(),
            household_id=self.household_filter(),
            person_id=self.query.get("person"),
            instrument_code=self.query.get("instrument", ""),
            status=self.query.get("status", ""),
        )

    @extend_schema(parameters=[ETAG], responses=MeasurementSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        measurement = selectors.measurement_get_for_user(access=self.access(), measurement_id=int(pk))
        return with_etag(Response(MeasurementSerializer(measurement).data), measurement)

    @extend_schema(request=MeasurementInputSerializer, responses={201: MeasurementSerializer})
    def create(self, request: Request) -> Response:
        serializer = MeasurementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access = self.access()
        household = household_selectors.household_get_for_update(access=access, household_id=data["household"])
        with score_paths(data["scores"]):
            measurement = services.measurement_start(
                access=access,
                household=household,
                instrument_code=data["instrument"],
                person_id=data["person"],
                date=data["date"],
                participation=data["participation"],
                participant_ids=data["participants"],
                moment=data["moment"],
                scores=scores_input(data["scores"]),
            )
        written = selectors.measurement_get_for_user(access=access, measurement_id=measurement.id, log=False)
        return Response(MeasurementSerializer(written).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MeasurementUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        responses=versioned_responses(MeasurementSerializer),
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Save (part of) the scores of a draft. Name the version you read (lock_version or If-Match): a
        save based on an older version (someone else saved scores meanwhile) is refused, nothing saved."""
        access = self.access()
        measurement = selectors.measurement_get_for_user(access=access, measurement_id=int(pk), log=False)
        serializer = MeasurementUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, serializer.validated_data.get("lock_version"))
        with refuse_stale(version), score_paths(serializer.validated_data["scores"]):
            services.measurement_scores_save(
                access=access,
                measurement=measurement,
                expected_version=version.value,
                scores=scores_input(serializer.validated_data["scores"]),
            )
        written = selectors.measurement_get_for_user(access=access, measurement_id=measurement.id, log=False)
        return with_etag(Response(MeasurementSerializer(written).data), written)

    @extend_schema(request=None, responses=MeasurementSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        access = self.access()
        measurement = selectors.measurement_get_for_user(access=access, measurement_id=int(pk), log=False)
        services.measurement_complete(access=access, measurement=measurement)
        return with_etag(Response(MeasurementSerializer(measurement).data), measurement)

    @extend_schema(responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str) -> Response:
        """Change from the first complete measurement of the same series to this one."""
        access = self.access()
        measurement = selectors.measurement_get_for_user(access=access, measurement_id=int(pk))
        first = selectors.first_complete(measurement)
        if first is None or not measurement.is_complete:
            raise serializers.ValidationError(
                {"progress": [_("Progress needs this measurement and an earlier one to be complete.")]}
            )
        return Response(ProgressSerializer(progress_between(first, measurement)).data)


class WorkWaiverSerializer(serializers.ModelSerializer):
    household = serializers.IntegerField(source="person.household_id", read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.__str__", read_only=True)

    class Meta:
        model = WorkScoreWaiver
        fields = ["id", "household", "person", "reason", "recorded_by", "recorded_by_name", "recorded_at"]
        read_only_fields = fields


class WorkWaiverInputSerializer(serializers.Serializer):
    person = IdField(help_text="The member whose work domain and participation ladder are not scored.")
    reason = serializers.CharField(
        max_length=500,
        allow_blank=True,  # a blank reason gets the service's message, the same as on the page
        help_text="Why not, such as full-time informal carer. Required (not blank).",
    )


class WorkWaiverViewSet(CaseFileViewSet, mixins.ListModelMixin):
    """Why a member's work domain and participation ladder are not scored at intake: the intake counts
    as complete without them once a reason is recorded. Recording again replaces the reason."""

    model = WorkScoreWaiver
    serializer_class = WorkWaiverSerializer
    list_what = "work waivers (api)"

    def case_queryset(self) -> QuerySet[WorkScoreWaiver]:
        return selectors.work_waiver_list_for_user(access=self.access(), household_id=self.household_filter())

    def household_id_of(self, record: WorkScoreWaiver) -> int:
        return int(record.person.household_id)

    @extend_schema(
        request=WorkWaiverInputSerializer,
        responses={201: WorkWaiverSerializer, 200: WorkWaiverSerializer},
        description="Record why work is not scored for a member (201), or replace the reason recorded before "
        "(200). The member must be in a household you may see; otherwise 404.",
    )
    def create(self, request: Request) -> Response:
        serializer = WorkWaiverInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access = self.access()
        person: Person = household_selectors.record_get_for_user(
            household_selectors.person_list_for_user(access=access).select_related("household"),
            access=access,
            record_id=data["person"],
            what="work waiver",
        )
        replaced = WorkScoreWaiver.objects.filter(person=person).exists()
        waiver = services.work_score_waiver_record(access=access, person=person, reason=data["reason"])
        written = selectors.work_waiver_list_for_user(access=access).get(id=waiver.id)
        return Response(
            WorkWaiverSerializer(written).data, status=status.HTTP_200_OK if replaced else status.HTTP_201_CREATED
        )
