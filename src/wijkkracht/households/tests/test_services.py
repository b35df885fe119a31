import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from freezegun import freeze_time

from wijkkracht.casefile import services as lifecycle
from wijkkracht.households import services
from wijkkracht.households.models import (
    Contact,
    ContactKind,
    Household,
    HouseholdStatus,
    IntakeChannel,
    Person,
    StatusChange,
    Task,
    TaskStatus,
)
from wijkkracht.households.tests.factories import HouseholdFactory, TaskFactory
from wijkkracht.privacy.models import AccessLogEntry


def TOMORROW() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


VALID_BSN = "111222333"  # passes the eleven test
ADULT = services.MemberData("Anna", "Jansen", datetime.date(1980, 5, 1), "parent", VALID_BSN)
CHILD = services.MemberData("Bo", "Jansen", datetime.date(2015, 9, 9), "child")


def register(world, **overrides):
    kwargs = {
        "access": world.access(),
        "team_id": world.team.id,
        "name": "De Vries",
        "postcode": world.team.wijken.first().postcodes.first().digits + " ab",
        "house_number": 12,
        "intake_channel": IntakeChannel.OUTREACH,
        "members": [ADULT, CHILD],
    } | overrides
    return services.household_register(**kwargs)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return {field: [str(m) for e in errors for m in e.messages] for field, errors in error.error_dict.items()}


class TestRegister:
    def test_registers_household_members_first_status_and_log(self, world):
        household = register(world)

        assert household.postcode.endswith("AB") and household.wijk == world.team.wijken.first()
        assert household.contact_person == world.worker
        assert list(household.members.values_list("first_name", flat=True).order_by("first_name")) == ["Anna", "Bo"]
        change = StatusChange.objects.get(household=household)
        assert (change.from_status, change.to_status) == ("", HouseholdStatus.REGISTERED)
        entry = AccessLogEntry.objects.get(household_id=household.id)
        assert (entry.action, entry.username, entry.role) == ("create", "worker", "social_worker")

    @pytest.mark.parametrize(
        ("overrides", "field", "fragment"),
        [
            (
                {"members": [services.MemberData("A", "B", datetime.date(1990, 1, 1), "parent", "123456789")]},
                "members.0.bsn",
                "elfproef",
            ),
            ({"postcode": "12345"}, "postcode", "postcode"),
            (
                {"members": [services.MemberData("A", "B", datetime.date(2999, 1, 1), "parent")]},
                "members.0.date_of_birth",
                "toekomst",
            ),
            ({"team_id": 999_999}, "team", "Onbekend team"),
            ({"members": []}, "members", "minstens één"),
            ({"intake_channel": "telepathy"}, "intake_channel", "binnenkwam"),
        ],
    )
    def test_bad_input_is_refused_in_dutch_and_nothing_is_saved(self, world, overrides, field, fragment):
        before = (Household.objects.count(), Person.objects.count(), AccessLogEntry.objects.count())
        with pytest.raises(ValidationError) as caught:
            register(world, **overrides)
        errors = messages_of(caught.value)
        assert field in errors, errors
        assert any(fragment in message for message in errors[field]), errors[field]
        assert (Household.objects.count(), Person.objects.count(), AccessLogEntry.objects.count()) == before

    def test_a_worker_cannot_register_for_another_team(self, world):
        with pytest.raises(ValidationError) as caught:
            register(world, team_id=world.other_team.id)
        assert "team" in caught.value.error_dict

    def test_only_the_coordinator_names_another_contact_person(self, world):
        with pytest.raises(ValidationError) as caught:
            register(world, contact_person_id=world.colleague.id)
        assert "contact_person" in caught.value.error_dict

        household = register(world, access=world.access(world.coordinator), contact_person_id=world.colleague.id)
        assert household.contact_person == world.colleague

    def test_contact_person_must_belong_to_the_team(self, world):
        with pytest.raises(ValidationError) as caught:
            register(world, access=world.access(world.coordinator), contact_person_id=world.other_worker.id)
        assert "contact_person" in caught.value.error_dict

    def test_postcode_outside_known_districts_asks_for_the_district(self, world):
        with pytest.raises(ValidationError) as caught:
            register(world, postcode="1011 AB")
        assert "wijk" in caught.value.error_dict
        household = register(world, postcode="1011 AB", wijk_id=world.team.wijken.first().id)
        assert household.postcode == "1011AB"

    def test_roles_without_case_access_cannot_register(self, world):
        with pytest.raises(ValidationError):
            register(world, access=world.access(world.policy_officer))


class TestOneContactPerson:
    def test_database_refuses_an_open_household_without_contact_person(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            Household.objects.filter(id=world.household.id).update(contact_person=None)

    def test_closed_household_may_lose_its_contact_person(self, world):
        HouseholdFactory(team=world.team, closed=True, contact_person=None)

    def test_coordinator_reassigns_and_open_tasks_follow(self, world):
        task = TaskFactory(household=world.household, assigned_to=world.worker)
        services.household_contact_person_assign(
            access=world.access(world.coordinator),
            household=world.household,
            contact_person_id=world.colleague.id,
            reason="Nieuwe verdeling",
        )
        world.household.refresh_from_db()
        task.refresh_from_db()
        assert world.household.contact_person == world.colleague
        assert task.assigned_to == world.colleague

    @pytest.mark.parametrize("who", ["worker", "other_coordinator"])
    def test_only_the_own_coordinator_reassigns(self, world, who):
        with pytest.raises(ValidationError):
            services.household_contact_person_assign(
                access=world.access(getattr(world, who)),
                household=world.household,
                contact_person_id=world.colleague.id,
            )
        world.household.refresh_from_db()
        assert world.household.contact_person == world.worker

    def test_new_contact_person_must_be_in_the_team(self, world):
        with pytest.raises(ValidationError):
            services.household_contact_person_assign(
                access=world.access(world.coordinator),
                household=world.household,
                contact_person_id=world.other_worker.id,
            )


class TestLifecycle:
    def test_forward_path_records_each_transition(self, world):
        from wijkkracht.diagnosis.services import work_score_waiver_record

        work_score_waiver_record(access=world.access(), person=world.household.members.get(), reason="mantelzorger")
        for status in (
            HouseholdStatus.INTAKE,
            HouseholdStatus.PLAN,
            HouseholdStatus.IN_PROGRESS,
            HouseholdStatus.CLOSED,
        ):
            lifecycle.household_status_change(
                access=world.access(), household=world.household, to_status=status, reason="volgende stap"
            )
        changes = list(world.household.status_changes.values_list("to_status", flat=True))
        assert changes == ["intake", "plan", "in_progress", "closed"]
        assert AccessLogEntry.objects.filter(household_id=world.household.id, action="update").count() == 5

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            (HouseholdStatus.REGISTERED, HouseholdStatus.PLAN),
            (HouseholdStatus.REGISTERED, HouseholdStatus.IN_PROGRESS),
            (HouseholdStatus.INTAKE, HouseholdStatus.REGISTERED),
            (HouseholdStatus.CLOSED, HouseholdStatus.INTAKE),
            (HouseholdStatus.HANDED_OVER, HouseholdStatus.IN_PROGRESS),
        ],
    )
    def test_illegal_transitions_are_refused_with_a_message(self, world, start, target):
        household = HouseholdFactory(team=world.team, status=start)
        with pytest.raises(ValidationError) as caught:
            lifecycle.household_status_change(access=world.access(), household=household, to_status=target, reason="x")
        assert "to_status" in caught.value.error_dict
        household.refresh_from_db()
        assert household.status == start
        assert not household.status_changes.exists()

    def test_message_names_the_possible_statuses(self, world):
        with pytest.raises(ValidationError) as caught:
            lifecycle.household_status_change(
                access=world.access(), household=world.household, to_status=HouseholdStatus.PLAN, reason="x"
            )
        message = messages_of(caught.value)["to_status"][0]
        assert "Aangemeld" in message and "Intake" in message

    def test_handover_names_a_second_line_regisseur_who_then_sees_the_household(self, world):
        """A handover is the warm handover now (issue 9): a plain status change to it is refused."""
        from wijkkracht.casefile.tests.handover_helpers import hand_over
        from wijkkracht.privacy.access import visible_households

        with pytest.raises(ValidationError) as caught:
            lifecycle.household_status_change(
                access=world.access(),
                household=world.household,
                to_status=HouseholdStatus.HANDED_OVER,
                reason="zwaar",
                regisseur_id=world.regisseur.id,
            )
        assert "to_status" in caught.value.error_dict
        assert list(visible_households(world.regisseur)) == []
        hand_over(world)
        assert list(visible_households(world.regisseur)) == [world.household]

    def test_reason_is_required_and_date_cannot_be_in_the_future(self, world):
        with pytest.raises(ValidationError) as caught:
            lifecycle.household_status_change(
                access=world.access(),
                household=world.household,
                to_status=HouseholdStatus.INTAKE,
                reason=" ",
                date=timezone.localdate() + datetime.timedelta(days=1),
            )
        assert {"reason", "date"} <= set(caught.value.error_dict)


class TestContacts:
    def test_logs_a_contact_with_members(self, world):
        anna = world.household.members.get()
        contact = services.contact_log(
            access=world.access(world.colleague),
            household=world.household,
            kind=ContactKind.HOME_VISIT,
            date=timezone.localdate(),
            duration_minutes=60,
            member_ids=[anna.id],
            note="Samen de post doorgenomen.",
        )
        assert contact.worker == world.colleague
        assert list(contact.members.all()) == [anna]
        assert not Task.objects.exists()

    @freeze_time("2026-11-27 10:00")  # a Friday
    def test_no_show_creates_follow_up_for_contact_person_within_two_working_days(self, world):
        contact = services.contact_log(
            access=world.access(world.colleague),
            household=world.household,
            kind=ContactKind.NO_SHOW,
            date=datetime.date(2026, 11, 27),
        )
        task = Task.objects.get(source_contact=contact)
        assert task.assigned_to == world.worker  # the contact person, not the colleague who went
        assert task.due_date == datetime.date(2026, 12, 1)  # Monday and Tuesday are the two working days
        assert task.status == TaskStatus.OPEN
        assert "niet verschenen" in task.title.lower() or "no-show" in task.title.lower()

    @freeze_time("2026-12-24 10:00")
    def test_follow_up_skips_christmas(self, world):
        services.contact_log(
            access=world.access(),
            household=world.household,
            kind=ContactKind.NO_SHOW,
            date=datetime.date(2026, 12, 24),
        )
        assert Task.objects.get().due_date == datetime.date(2026, 12, 29)

    def test_follow_up_uses_the_municipality_norm(self, world):
        from wijkkracht.teams.models import Municipality

        Municipality.objects.filter(id=1).update(no_show_follow_up_working_days=1)
        with freeze_time("2026-11-23 09:00"):  # a Monday
            services.contact_log(
                access=world.access(),
                household=world.household,
                kind=ContactKind.NO_SHOW,
                date=datetime.date(2026, 11, 23),
            )
        assert Task.objects.get().due_date == datetime.date(2026, 11, 24)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"note": "x" * 2001}, "note"),
            ({"duration_minutes": 721}, "duration_minutes"),
            ({"kind": "carrier_pigeon"}, "kind"),
            ({"date": datetime.date(2999, 1, 1)}, "date"),
            ({"kind": ContactKind.NO_SHOW}, "duration_minutes"),
            ({"duration_minutes": None}, "duration_minutes"),
            ({"kind": ContactKind.NO_SHOW, "duration_minutes": None, "date": TOMORROW()}, "date"),
        ],
    )
    def test_bad_contacts_are_refused_and_nothing_is_saved(self, world, overrides, field):
        kwargs = {
            "access": world.access(),
            "household": world.household,
            "kind": ContactKind.PHONE,
            "date": timezone.localdate(),
            "duration_minutes": 30,
        } | overrides
        with pytest.raises(ValidationError) as caught:
            services.contact_log(**kwargs)
        assert field in caught.value.error_dict
        assert not Contact.objects.exists() and not Task.objects.exists()
        assert not AccessLogEntry.objects.exists()

    def test_members_of_another_household_cannot_be_involved(self, world):
        stranger = world.other_household.members.get()
        with pytest.raises(ValidationError) as caught:
            services.contact_log(
                access=world.access(),
                household=world.household,
                kind=ContactKind.PHONE,
                date=timezone.localdate(),
                duration_minutes=10,
                member_ids=[stranger.id],
            )
        assert "members" in caught.value.error_dict

    def test_no_contacts_on_a_closed_household(self, world):
        household = HouseholdFactory(team=world.team, closed=True)
        with pytest.raises(ValidationError):
            services.contact_log(
                access=world.access(), household=household, kind="phone", date=timezone.localdate(), duration_minutes=5
            )


class TestMembersAndTasks:
    def test_adds_a_member_and_refuses_a_duplicate_bsn(self, world):
        services.household_member_add(access=world.access(), household=world.household, member=ADULT)
        with pytest.raises(ValidationError) as caught:
            services.household_member_add(access=world.access(), household=world.household, member=ADULT)
        assert "bsn" in caught.value.error_dict
        assert world.household.members.filter(bsn=VALID_BSN).count() == 1

    def test_completing_a_task_twice_is_refused(self, world):
        task = TaskFactory(household=world.household)
        services.task_complete(access=world.access(world.colleague), task=task)
        task.refresh_from_db()
        assert task.status == TaskStatus.DONE and task.done_by == world.colleague and task.done_at
        with pytest.raises(ValidationError):
            services.task_complete(access=world.access(), task=task)

    def test_member_with_invalid_bsn_is_refused(self, world):
        before = Person.objects.count()
        with pytest.raises(ValidationError):
            services.household_member_add(
                access=world.access(),
                household=world.household,
                member=services.MemberData("X", "Y", datetime.date(2000, 1, 1), "child", "111222334"),
            )
        assert Person.objects.count() == before


def test_a_status_change_based_on_a_stale_status_is_refused(world):
    stale = Household.objects.get(id=world.household.id)
    lifecycle.household_status_change(
        access=world.access(), household=world.household, to_status=HouseholdStatus.INTAKE, reason="eerste"
    )
    with pytest.raises(ValidationError) as caught:
        lifecycle.household_status_change(
            access=world.access(world.colleague), household=stale, to_status=HouseholdStatus.CLOSED, reason="tweede"
        )
    assert "zojuist" in messages_of(caught.value)["to_status"][0]
    assert list(world.household.status_changes.values_list("to_status", flat=True)) == ["intake"]
