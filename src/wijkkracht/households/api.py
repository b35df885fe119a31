"""API for case files: the same selectors and services as the pages, so the same rules."""

from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.accounts.models import User
from wijkkracht.common.api import ApiGenericViewSet, IdField, IdListField
from wijkkracht.common.locking import MAX_VERSION, expected_version, refuse_stale, with_etag
from wijkkracht.common.permissions import CaseWorkerPermission
from wijkkracht.common.serializers import FieldsBuiltOnceMixin
from wijkkracht.common.validation import normalise_postcode, validate_birth_date, validate_bsn, validate_not_future
from wijkkracht.households import selectors, services
from wijkkracht.households.models import (
    HOUSE_NUMBER_MAX,
    MEMBERS_MAX,
    NOTE_MAX_LENGTH,
    Benefit,
    BenefitEndReason,
    Contact,
    ContactKind,
    Household,
    HouseholdStatus,
    IncomeWorkRecord,
    IntakeChannel,
    Person,
    PersonRole,
    Task,
    TaskStatus,
    WorkSituation,
)
from wijkkracht.privacy.access import AccessContext
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record_many
from wijkkracht.teams.models import Wijk


class SingleStaffMemberField(IdField):
    """Exactly one staff member's id: a list of several is refused with a message saying so."""

    default_error_messages = {"invalid": _("Give exactly one contact person: the id of one staff member.")}


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "household", "first_name", "last_name", "date_of_birth", "bsn", "role", "lock_version"]
        read_only_fields = ["lock_version"]


def lock_version_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_VERSION,
        help_text="The lock_version (or ETag) you read. Required here or as If-Match; a stale one is refused.",
    )


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag you read, such as "3": instead of lock_version in the body. A stale one answers 412.',
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description='The current lock_version as an ETag, such as "3": send it back as If-Match.',
)


def versioned_responses(ok: type[serializers.BaseSerializer]) -> dict[int, OpenApiResponse]:
    return {
        200: OpenApiResponse(ok, description="Saved; the ETag header carries the new lock_version."),
        400: OpenApiResponse(
            description="Invalid input, lock_version missing, or a stale lock_version in the body: field messages, "
            "under lock_version what changed meanwhile and by whom."
        ),
        412: OpenApiResponse(
            description="The If-Match version is stale: under lock_version what changed meanwhile and by whom."
        ),
    }


class MemberInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField(validators=[validate_birth_date])
    bsn = serializers.CharField(max_length=9, required=False, allow_blank=True, default="", validators=[validate_bsn])
    role = serializers.ChoiceField(choices=PersonRole.choices)
    shared_custody = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only for role child: this child of separated parents also lives in another household (shared "
        "custody), so its BSN may also be in that open household. The two records are linked and both contact "
        "persons get a task. Without it, a BSN that is in another open household is refused (400 on bsn) and the "
        "coordinators of both teams get a task to agree who continues.",
    )

    def to_member(self, data: dict[str, Any]) -> services.MemberData:
        return services.MemberData(**data)


class PersonUpdateSerializer(MemberInputSerializer):
    lock_version = lock_version_field()


class PersonInputSerializer(MemberInputSerializer):
    household = IdField()


class HouseholdListSerializer(FieldsBuiltOnceMixin, serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    contact_person_name: serializers.StringRelatedField[User] = serializers.StringRelatedField(source="contact_person")
    last_contact_date = serializers.DateField(read_only=True, allow_null=True)
    open_task_count = serializers.IntegerField(read_only=True)
    overdue_task_count = serializers.IntegerField(read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    district: serializers.PrimaryKeyRelatedField[Wijk] = serializers.PrimaryKeyRelatedField(
        source="wijk", read_only=True, help_text="The district (wijk) the household lives in."
    )

    class Meta:
        model = Household
        fields = [
            "id",
            "reference",
            "name",
            "status",
            "status_since",
            "team",
            "district",
            "contact_person",
            "contact_person_name",
            "registered_on",
            "last_contact_date",
            "open_task_count",
            "overdue_task_count",
            "member_count",
        ]


class HouseholdDetailSerializer(HouseholdListSerializer):
    members = PersonSerializer(many=True, read_only=True)

    case_director: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        source="second_line_regisseur",
        read_only=True,
        allow_null=True,
        help_text="The second-line case director (regisseur) the household was handed over to.",
    )

    class Meta(HouseholdListSerializer.Meta):
        fields = [
            *HouseholdListSerializer.Meta.fields,
            "postcode",
            "house_number",
            "house_number_addition",
            "street",
            "city",
            "intake_channel",
            "case_director",
            "lock_version",
            "members",
        ]


class HouseholdInputSerializer(serializers.Serializer):
    team = IdField()
    name = serializers.CharField(max_length=100)
    postcode = serializers.CharField(max_length=7)
    house_number = serializers.IntegerField(min_value=1, max_value=HOUSE_NUMBER_MAX)
    house_number_addition = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
    street = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    district = IdField(required=False, allow_null=True, default=None)
    intake_channel = serializers.ChoiceField(choices=IntakeChannel.choices)
    contact_person = SingleStaffMemberField(required=False, allow_null=True, default=None)
    registered_on = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[validate_not_future]
    )
    members = MemberInputSerializer(many=True, allow_empty=False, max_length=MEMBERS_MAX)  # type: ignore[call-arg]

    def validate_postcode(self, value: str) -> str:
        return normalise_postcode(value)


class HouseholdAddressSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    postcode = serializers.CharField(max_length=7)
    house_number = serializers.IntegerField(min_value=1, max_value=HOUSE_NUMBER_MAX)
    house_number_addition = serializers.CharField(max_length=6, allow_blank=True)
    street = serializers.CharField(max_length=100, allow_blank=True)
    city = serializers.CharField(max_length=100, allow_blank=True)
    district = IdField(allow_null=True)
    lock_version = lock_version_field()

    def validate_postcode(self, value: str) -> str:
        return normalise_postcode(value)


class StatusChangeInputSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=HouseholdStatus.choices)
    reason = serializers.CharField(max_length=500)
    date = serializers.DateField(required=False, allow_null=True, default=None)
    case_director = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Ignored: a handover to the second line goes through /api/v1/handovers/.",
    )


class ContactPersonInputSerializer(serializers.Serializer):
    contact_person = SingleStaffMemberField()
    reason = serializers.CharField(
        max_length=services.REASON_MAX_LENGTH, help_text="Why the contact person changes; kept in the history."
    )


class ContactSerializer(serializers.ModelSerializer):
    worker_name: serializers.StringRelatedField[User] = serializers.StringRelatedField(source="worker")
    follow_up_task: serializers.PrimaryKeyRelatedField[Task] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "household",
            "kind",
            "date",
            "duration_minutes",
            "worker",
            "worker_name",
            "members",
            "note",
            "follow_up_task",
        ]


class ContactInputSerializer(serializers.Serializer):
    household = IdField()
    kind = serializers.ChoiceField(choices=ContactKind.choices)
    date = serializers.DateField(
        help_text="A date in the future (at most a year ahead) plans an appointment; it counts as contact once "
        "it has taken place. A no-show cannot lie in the future."
    )
    duration_minutes = serializers.IntegerField(
        min_value=0,
        max_value=services.MAX_DURATION_MINUTES,
        required=False,
        allow_null=True,
        default=None,
        help_text="Minutes (0–720): required for a contact that took place, optional for a planned appointment, "
        "and must be left out (or null) for a no-show.",
    )
    members = IdListField(required=False, default=list)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")


class TaskSerializer(serializers.ModelSerializer):
    household: serializers.PrimaryKeyRelatedField[Household] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Null for a team task (for instance: agree with another team)."
    )
    is_overdue = serializers.SerializerMethodField(help_text="Open and past its due date.")

    class Meta:
        model = Task
        fields = [
            "id",
            "household",
            "team",
            "title",
            "assigned_to",
            "due_date",
            "status",
            "is_overdue",
            "source_contact",
            "created_by",
            "done_at",
            "done_by",
            "reason",
        ]

    def get_is_overdue(self, task: Task) -> bool:
        return task.status == TaskStatus.OPEN and task.due_date < timezone.localdate()


class TaskInputSerializer(serializers.Serializer):
    household = IdField()
    title = serializers.CharField(max_length=services.TITLE_MAX_LENGTH, help_text="What needs to be done.")
    due_date = serializers.DateField(help_text="Today or later, at most a year ahead.")
    assigned_to = IdField(help_text="A social worker or coordinator of the household's team.")


class TaskCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX_LENGTH, help_text="Why the task is cancelled.")


class HouseholdQuerySerializer(serializers.Serializer):
    """Query parameters of a list of records of households: only those of one household."""

    household = IdField(required=False, help_text="Only the records of this household.")


class DateRangeQueryMixin(serializers.Serializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        date_from, date_to = attrs.get("date_from"), attrs.get("date_to")
        if date_from is not None and date_to is not None and date_from > date_to:
            raise serializers.ValidationError({"date_to": _("The end date cannot lie before the start date.")})
        return attrs


class ContactQuerySerializer(DateRangeQueryMixin, HouseholdQuerySerializer):
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only contacts and appointments I logged or planned."
    )
    date_from = serializers.DateField(required=False, help_text="Only those on or after this date.")
    date_to = serializers.DateField(
        required=False, help_text="Only those on or before this date (a future date_to includes appointments)."
    )


class TaskQuerySerializer(HouseholdQuerySerializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    mine = serializers.BooleanField(required=False, default=False, help_text="Only tasks assigned to me.")
    overdue = serializers.BooleanField(required=False, default=False, help_text="Only open tasks past their due date.")
    due_before = serializers.DateField(required=False, help_text="Only tasks due before this date.")


class CaseFileViewSet(ApiGenericViewSet):
    """Shared plumbing: case roles only, and every household shown in a list page is access-logged."""

    permission_classes = [CaseWorkerPermission]
    list_what = "list"
    query_serializers = {"list": HouseholdQuerySerializer}
    model: type[Model]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()  # the schema generator has no user to scope by
        return self.case_queryset()

    def case_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def access(self) -> AccessContext:
        return AccessContext.from_request(self.request)

    def household_filter(self) -> int | None:
        return self.query.get("household")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        household_ids = {self.household_id_of(record) for record in page}
        access_log_record_many(
            access=self.access(),
            household_ids=sorted(household_id for household_id in household_ids if household_id is not None),
            action=AccessAction.LIST,
            what=self.list_what,
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def household_id_of(self, record: Any) -> int | None:
        """The household a listed record is about; None for a team task, which names none."""
        return None if record.household_id is None else int(record.household_id)


class PersonViewSet(CaseFileViewSet, mixins.ListModelMixin):
    """Members of the households you may see."""

    model = Person
    serializer_class = PersonSerializer
    list_what = "members (api)"

    def case_queryset(self) -> QuerySet[Person]:
        return selectors.person_list_for_user(access=self.access(), household_id=self.household_filter())

    @extend_schema(parameters=[ETAG], responses=PersonSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        person = selectors.record_get_for_user(
            selectors.person_list_for_user(access=self.access()), access=self.access(), record_id=int(pk), what="member"
        )
        return with_etag(Response(PersonSerializer(person).data), person)

    @extend_schema(
        request=PersonUpdateSerializer, parameters=[IF_MATCH, ETAG], responses=versioned_responses(PersonSerializer)
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Correct a member's details; name the version you read (lock_version or If-Match)."""
        access = self.access()
        person = selectors.record_get_for_user(
            selectors.person_list_for_user(access=access), access=access, record_id=int(pk), what="member"
        )
        serializer = PersonUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        validated = dict(serializer.validated_data)
        version = expected_version(request, validated.pop("lock_version", None))
        current: dict[str, Any] = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "date_of_birth": person.date_of_birth,
            "bsn": person.bsn,
            "role": person.role,
        }
        member = services.MemberData(**(current | validated))
        with refuse_stale(version):
            services.person_update(access=access, person=person, expected_version=version.value, member=member)
        return with_etag(Response(PersonSerializer(person).data), person)

    @extend_schema(request=PersonInputSerializer, responses={201: PersonSerializer})
    def create(self, request: Request) -> Response:
        serializer = PersonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        access = self.access()
        household = selectors.household_get_for_update(access=access, household_id=data.pop("household"))
        person = services.household_member_add(access=access, household=household, member=services.MemberData(**data))
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)


class ContactViewSet(CaseFileViewSet, mixins.ListModelMixin):
    """Contacts with households and planned appointments (a contact dated in the future); logging a no-show
    creates the follow-up task."""

    model = Contact
    serializer_class = ContactSerializer
    list_what = "contacts (api)"
    query_serializers = {"list": ContactQuerySerializer}

    def case_queryset(self) -> QuerySet[Contact]:
        query = self.query
        return selectors.contact_list_for_user(
            access=self.access(),
            household_id=self.household_filter(),
            worker=self.access().user if query.get("mine") else None,
            date_from=query.get("date_from"),
            date_to=query.get("date_to"),
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        contact = selectors.record_get_for_user(
            selectors.contact_list_for_user(access=self.access()),
            access=self.access(),
            record_id=int(pk),
            what="contact",
        )
        return Response(ContactSerializer(contact).data)

    @extend_schema(request=ContactInputSerializer, responses={201: ContactSerializer})
    def create(self, request: Request) -> Response:
        serializer = ContactInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        access = self.access()
        household = selectors.household_get_for_update(access=access, household_id=data.pop("household"))
        contact = services.contact_log(access=access, household=household, member_ids=data.pop("members"), **data)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class TaskViewSet(CaseFileViewSet, mixins.ListModelMixin):
    """Tasks: follow-ups such as the visit after a no-show, tasks made by hand on a household, and team
    tasks without a household (seen by the person they are for and the team's coordinators). Lists put
    overdue tasks first, then order by due date."""

    model = Task
    serializer_class = TaskSerializer
    list_what = "tasks (api)"
    query_serializers = {"list": TaskQuerySerializer}

    def case_queryset(self) -> QuerySet[Task]:
        query = self.query
        return selectors.task_list_for_user(
            access=self.access(),
            household_id=self.household_filter(),
            status=query.get("status", ""),
            mine=query.get("mine", False),
            overdue=query.get("overdue", False),
            due_before=query.get("due_before"),
        )

    @extend_schema(request=TaskInputSerializer, responses={201: TaskSerializer})
    def create(self, request: Request) -> Response:
        """Make a task by hand on a household of your team."""
        serializer = TaskInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        access = self.access()
        household = selectors.household_get_for_update(access=access, household_id=data.pop("household"))
        task = services.task_create(
            access=access,
            household=household,
            title=data["title"],
            due_date=data["due_date"],
            assigned_to_id=data["assigned_to"],
        )
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TaskCancelSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Cancel an open task, with the reason."""
        access = self.access()
        task = selectors.task_get_for_update(access=access, task_id=int(pk))
        serializer = TaskCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.task_cancel(access=access, task=task, reason=serializer.validated_data["reason"])
        return Response(TaskSerializer(task).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        task = selectors.record_get_for_user(
            selectors.task_list_for_user(access=self.access()), access=self.access(), record_id=int(pk), what="task"
        )
        return Response(TaskSerializer(task).data)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        access = self.access()
        task = selectors.task_get_for_update(access=access, task_id=int(pk))
        services.task_complete(access=access, task=task)
        return Response(TaskSerializer(task).data)


# --- income and work situation (issue 11) -------------------------------------------------------------


class IncomeWorkRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncomeWorkRecord
        fields = [
            "id",
            "household",
            "person",
            "benefit",
            "benefit_since",
            "benefit_ended_on",
            "benefit_end_reason",
            "work",
            "recorded_on",
            "recorded_by",
            "recorded_at",
        ]


class IncomeWorkInputSerializer(serializers.Serializer):
    person = IdField(help_text="An adult member of a household of your team.")
    benefit = serializers.ChoiceField(choices=Benefit.choices, help_text="The benefit the person lives on, or none.")
    benefit_since = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Since when (not with benefit none)."
    )
    benefit_ended_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the benefit ended (not with benefit none); requires benefit_end_reason.",
    )
    benefit_end_reason = serializers.ChoiceField(
        choices=BenefitEndReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the benefit ended; given exactly when benefit_ended_on is.",
    )
    work = serializers.ChoiceField(choices=WorkSituation.choices, help_text="The current work situation.")
    recorded_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The day the situation applies to: not in the future, not before the household's registration. "
        "Default today.",
    )


class IncomeWorkQuerySerializer(HouseholdQuerySerializer):
    person = IdField(required=False, help_text="Only the records of this member.")
    current = serializers.BooleanField(
        required=False, default=False, help_text="Only each member's current situation (the latest record)."
    )


class IncomeWorkRecordViewSet(CaseFileViewSet, mixins.ListModelMixin):
    """Adults' income and work situations, kept as history: a change or a correction is a new record (never
    an update), the latest per member is the current situation. Listed by household and member, newest first."""

    model = IncomeWorkRecord
    serializer_class = IncomeWorkRecordSerializer
    list_what = "income and work (api)"
    query_serializers = {"list": IncomeWorkQuerySerializer}

    def case_queryset(self) -> QuerySet[IncomeWorkRecord]:
        query = self.query
        return selectors.income_work_list_for_user(
            access=self.access(),
            household_id=self.household_filter(),
            person_id=query.get("person"),
            current=query.get("current", False),
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        record = selectors.record_get_for_user(
            selectors.income_work_list_for_user(access=self.access()),
            access=self.access(),
            record_id=int(pk),
            what="income and work situation",
        )
        return Response(IncomeWorkRecordSerializer(record).data)

    @extend_schema(request=IncomeWorkInputSerializer, responses={201: IncomeWorkRecordSerializer})
    def create(self, request: Request) -> Response:
        """Record an adult's income and work situation (a new record; earlier ones stay)."""
        serializer = IncomeWorkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        access = self.access()
        person = selectors.record_get_for_user(
            selectors.person_list_for_user(access=access).select_related("household"),
            access=access,
            record_id=data.pop("person"),
            what="member",
        )
        record = services.income_work_record(
            access=access,
            person=person,
            benefit=data["benefit"],
            benefit_since=data["benefit_since"],
            benefit_ended_on=data["benefit_ended_on"],
            benefit_end_reason=data["benefit_end_reason"],
            work=data["work"],
            recorded_on=data["recorded_on"] or timezone.localdate(),
        )
        return Response(IncomeWorkRecordSerializer(record).data, status=status.HTTP_201_CREATED)
