"""The escalation chain and its rules, through the services: response times in working days, who may forward
and resolve, bad input (a Dutch message, nothing changed: read back), the access log, the constraints."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from freezegun import freeze_time

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.escalations import selectors, services
from wijkkracht.escalations.models import Escalation, EscalationLevel, EscalationStatus
from wijkkracht.escalations.tests.helpers import forward_escalation, manager_of, raise_escalation
from wijkkracht.households.models import Task, TaskStatus
from wijkkracht.households.tests.factories import HouseholdFactory
from wijkkracht.privacy.models import AccessLogEntry

FRIDAY = "2026-12-04 09:00:00"  # Friday 4 December 2026
TUESDAY = datetime.date(2026, 12, 8)  # 2 working days later: the coordinator's deadline
WEDNESDAY = "2026-12-09 09:00:00"


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return {field: [str(m) for m in errors] for field, errors in error.message_dict.items()}


def snapshot(escalation: Escalation) -> dict[str, object]:
    row = Escalation.objects.filter(id=escalation.id).values().get()
    return row


@pytest.fixture
def manager(world):  # type: ignore[no-untyped-def]
    return manager_of(world.team)


def test_the_chain_with_its_response_times(world, manager):
    with freeze_time(FRIDAY):
        escalation = raise_escalation(world)
        assert escalation.level == EscalationLevel.COORDINATOR
        assert escalation.respond_by == TUESDAY == escalation.coordinator_respond_by
        assert escalation.team_id == world.team.id
        assert not escalation.is_overdue(timezone.localdate())
    with freeze_time("2026-12-08 16:00:00"):  # the deadline itself: not overdue, the raiser may not forward yet
        escalation.refresh_from_db()
        assert not escalation.is_overdue(timezone.localdate())
        with pytest.raises(ValidationError) as refused:
            forward_escalation(world, escalation, user=world.worker)
        assert "9 december 2026" in str(refused.value) or "December 9, 2026" in str(refused.value)
        assert Escalation.objects.get(id=escalation.id).level == EscalationLevel.COORDINATOR
    with freeze_time(WEDNESDAY):  # the day after: overdue by one working day; now the raiser may forward
        escalation.refresh_from_db()
        assert escalation.is_overdue(timezone.localdate())
        assert escalation.working_days_overdue(timezone.localdate()) == 1
        forwarded = forward_escalation(world, escalation, user=world.worker)
        assert forwarded.level == EscalationLevel.MANAGER
        assert forwarded.forwarded_by == world.worker
        assert forwarded.respond_by == datetime.date(2026, 12, 16)  # the manager's 5 working days
        assert forwarded.coordinator_respond_by == TUESDAY  # kept for the chain
        assert forwarded.lock_version == escalation.lock_version + 1
    with freeze_time("2026-12-21 09:00:00"):  # Monday: 3 working days past the manager's deadline
        forwarded.refresh_from_db()
        assert forwarded.working_days_overdue(timezone.localdate()) == 3
        resolved = services.escalation_resolve(
            access=world.access(manager),
            escalation_id=escalation.id,
            outcome="Betalingsregeling afgesproken met de corporatie",
            lock_version=forwarded.lock_version,
        )
        assert resolved.status == EscalationStatus.RESOLVED
        assert resolved.resolved_by == manager
        assert not resolved.is_overdue(timezone.localdate())


def test_a_coordinator_forwards_at_any_time_and_a_colleague_never(world, manager):
    escalation = raise_escalation(world)
    with pytest.raises(ValidationError) as refused:
        forward_escalation(world, escalation, user=world.colleague)
    assert "non_field_errors" in refused.value.message_dict
    assert Escalation.objects.get(id=escalation.id).level == EscalationLevel.COORDINATOR
    forwarded = forward_escalation(world, escalation)
    assert forwarded.level == EscalationLevel.MANAGER and forwarded.forwarded_by == world.coordinator


def test_forwarding_needs_a_manager_in_the_team_and_a_reason(world):
    escalation = raise_escalation(world)
    before = snapshot(escalation)
    with pytest.raises(ValidationError) as refused:
        services.escalation_forward(
            access=world.access(world.coordinator), escalation_id=escalation.id, reason="  ", lock_version=1
        )
    errors = messages_of(refused.value)
    assert set(errors) == {"non_field_errors", "reason"}
    assert snapshot(escalation) == before
    manager_of(world.other_team, username="other_manager")  # a manager of another team does not count
    with pytest.raises(ValidationError):
        forward_escalation(world, escalation)
    assert snapshot(escalation) == before


def test_the_level_that_holds_it_resolves_it(world, manager):
    escalation = raise_escalation(world)
    # At the coordinator's level: not the worker, not the manager (who does not even see it yet).
    with pytest.raises(ValidationError):
        services.escalation_resolve(access=world.access(), escalation_id=escalation.id, outcome="x", lock_version=1)
    with pytest.raises(Http404):
        services.escalation_resolve(
            access=world.access(manager), escalation_id=escalation.id, outcome="x", lock_version=1
        )
    forwarded = forward_escalation(world, escalation)
    before = snapshot(forwarded)
    # At the manager's level: not the coordinator any more.
    with pytest.raises(ValidationError):
        services.escalation_resolve(
            access=world.access(world.coordinator), escalation_id=escalation.id, outcome="x", lock_version=2
        )
    assert snapshot(forwarded) == before
    resolved = services.escalation_resolve(
        access=world.access(manager), escalation_id=escalation.id, outcome="Besloten", lock_version=2
    )
    assert resolved.status == EscalationStatus.RESOLVED


def test_a_coordinator_resolves_at_the_coordinators_level(world):
    escalation = raise_escalation(world)
    resolved = services.escalation_resolve(
        access=world.access(world.coordinator), escalation_id=escalation.id, outcome="Opgelost", lock_version=1
    )
    assert (resolved.status, resolved.level, resolved.outcome) == ("resolved", "coordinator", "Opgelost")
    # A new escalation of the same household may follow once this one is resolved.
    assert raise_escalation(world).status == EscalationStatus.OPEN


@pytest.mark.parametrize(
    "role",
    [Role.POLICY_OFFICER, Role.FUNCTIONAL_ADMIN, Role.PARTNER, Role.PRIVACY_OFFICER, Role.MANAGER],
)
def test_roles_without_case_access_raise_nothing_and_see_nothing(world, role):
    user = UserFactory(role=role)
    world.team.memberships.create(user=user)  # even as a member of the team
    with pytest.raises(ValidationError):
        raise_escalation(world, user=user)
    assert not Escalation.objects.exists()
    escalation = raise_escalation(world)
    visible = selectors.visible_escalations(user)
    assert list(visible) == []
    for call in (
        lambda: selectors.escalation_get(access=world.access(user), escalation_id=escalation.id),
        lambda: selectors.escalation_case_file(access=world.access(user), escalation_id=escalation.id),
        lambda: forward_escalation(world, escalation, user=user),
    ):
        with pytest.raises(Http404):
            call()


def test_another_team_sees_nothing_and_changes_nothing(world, manager):
    escalation = raise_escalation(world)
    with pytest.raises(Http404):
        raise_escalation(world, user=world.other_worker)  # the household is not theirs
    other_manager = manager_of(world.other_team, username="other_manager")
    forward_escalation(world, escalation)
    before = snapshot(escalation)
    for user in (world.other_worker, world.other_coordinator, other_manager):
        assert not selectors.visible_escalations(user).exists()
        with pytest.raises(Http404):
            selectors.escalation_case_file(access=world.access(user), escalation_id=escalation.id)
        with pytest.raises(Http404):
            services.escalation_resolve(
                access=world.access(user), escalation_id=escalation.id, outcome="x", lock_version=2
            )
    assert snapshot(escalation) == before


def test_a_closed_household_cannot_be_escalated(world):
    closed = HouseholdFactory(team=world.team, contact_person=world.worker, closed=True)
    with pytest.raises(ValidationError) as refused:
        raise_escalation(world, household=closed)
    errors = messages_of(refused.value)
    assert list(errors) == ["household"]
    assert "gesloten" in errors["household"][0] or "closed" in errors["household"][0]
    assert not Escalation.objects.exists()


def test_empty_and_too_long_fields_are_refused_all_at_once(world):
    with pytest.raises(ValidationError) as refused:
        services.escalation_raise(
            access=world.access(),
            household_id=world.household.id,
            blocked="",
            blocked_by="x" * 301,
            needed="wacht\u200bop",  # a zero-width space
        )
    assert set(messages_of(refused.value)) == {"blocked", "blocked_by", "needed"}
    assert not Escalation.objects.exists()


def test_one_open_escalation_per_household(world):
    first = raise_escalation(world)
    with pytest.raises(ValidationError) as refused:
        raise_escalation(world, user=world.colleague)
    assert list(messages_of(refused.value)) == ["household"]
    assert list(Escalation.objects.values_list("id", flat=True)) == [first.id]
    # The database keeps it too, whatever a service might forget.
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(
            household=world.household,
            team=world.team,
            raised_by=world.worker,
            raised_at=timezone.now(),
            blocked="a",
            blocked_by="b",
            needed="c",
            respond_by=timezone.localdate(),
        )


def test_a_stale_version_and_resolving_twice_change_nothing(world, manager):
    escalation = raise_escalation(world)
    forwarded = forward_escalation(world, escalation)
    before = snapshot(forwarded)
    with pytest.raises(ValidationError) as stale:
        services.escalation_resolve(
            access=world.access(manager), escalation_id=escalation.id, outcome="Besloten", lock_version=1
        )
    assert list(messages_of(stale.value)) == ["lock_version"]
    assert snapshot(forwarded) == before
    services.escalation_resolve(
        access=world.access(manager), escalation_id=escalation.id, outcome="Eerst", lock_version=2
    )
    after = snapshot(forwarded)
    with pytest.raises(ValidationError) as twice:
        services.escalation_resolve(
            access=world.access(manager), escalation_id=escalation.id, outcome="Nogmaals", lock_version=2
        )
    assert "non_field_errors" in messages_of(twice.value)
    assert snapshot(forwarded) == after and after["outcome"] == "Eerst"
    with pytest.raises(ValidationError):  # nor forward a resolved one
        forward_escalation(world, Escalation.objects.get(id=escalation.id))
    assert snapshot(forwarded) == after


def test_changes_are_logged_and_a_managers_with_the_escalation_as_purpose(world, manager):
    escalation = raise_escalation(world)
    raised = AccessLogEntry.objects.filter(household_id=world.household.id, action="create").get()
    assert raised.what == f"escalation {escalation.id} raised to the coordinator"
    assert raised.user == world.worker
    forward_escalation(world, escalation)
    since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    selectors.escalation_case_file(access=world.access(manager), escalation_id=escalation.id)
    services.escalation_resolve(
        access=world.access(manager), escalation_id=escalation.id, outcome="Klaar", lock_version=2
    )
    rows = list(AccessLogEntry.objects.filter(id__gt=since).order_by("id"))
    assert [(row.action, row.user_id, row.household_id, row.purpose) for row in rows] == [
        ("view", manager.id, world.household.id, f"escalatie {escalation.id}"),
        ("update", manager.id, world.household.id, f"escalatie {escalation.id}"),
    ]


def test_the_case_file_grant_ends_when_resolved(world, manager):
    escalation = raise_escalation(world)
    with pytest.raises(Http404):  # not yet forwarded: the manager sees nothing
        selectors.escalation_case_file(access=world.access(manager), escalation_id=escalation.id)
    forward_escalation(world, escalation)
    case_file = selectors.escalation_case_file(access=world.access(manager), escalation_id=escalation.id)
    assert case_file.household == world.household
    assert [member.first_name for member in case_file.members] == ["Anna"]
    services.escalation_resolve(
        access=world.access(manager), escalation_id=escalation.id, outcome="Klaar", lock_version=2
    )
    with pytest.raises(Http404):
        selectors.escalation_case_file(access=world.access(manager), escalation_id=escalation.id)
    # The manager still sees the escalation itself (its outcome), not the case file.
    assert selectors.escalation_get(access=world.access(manager), escalation_id=escalation.id).outcome == "Klaar"


def test_a_manager_without_a_forwarded_escalation_reads_no_case_file(world, manager):
    open_at_coordinator = raise_escalation(world)
    assert not selectors.visible_escalations(manager).exists()
    with pytest.raises(Http404):
        selectors.escalation_case_file(access=world.access(manager), escalation_id=open_at_coordinator.id)
    refused_rows = AccessLogEntry.objects.filter(user=manager, household_id=world.household.id)
    assert not refused_rows.exists()


def test_the_list_puts_the_most_overdue_first_and_the_summary_counts(world):
    with freeze_time("2026-12-01 09:00:00"):
        older = raise_escalation(world)
    second = HouseholdFactory(team=world.team, contact_person=world.worker)
    with freeze_time(FRIDAY):
        newer = raise_escalation(world, household=second)
    third = HouseholdFactory(team=world.team, contact_person=world.worker)
    with freeze_time("2026-11-20 09:00:00"):
        done = raise_escalation(world, household=third)
        services.escalation_resolve(
            access=world.access(world.coordinator), escalation_id=done.id, outcome="Klaar", lock_version=1
        )
    with freeze_time(WEDNESDAY):
        listed = list(selectors.escalation_list(access=world.access(world.coordinator)))
        assert [e.id for e in listed] == [older.id, newer.id, done.id]
        summary = selectors.escalation_summary(world.coordinator)
        assert (summary.open, summary.overdue) == (2, 2)
        assert selectors.escalation_summary(world.worker).open == 0  # counts are the coordinator's
        assert [e.id for e in selectors.escalation_list(access=world.access(world.coordinator), status="resolved")] == [
            done.id
        ]


def test_the_coordinator_gets_a_task_closed_when_forwarded(world, manager):
    escalation = raise_escalation(world)
    task = Task.objects.get(household=world.household, assigned_to=world.coordinator, status=TaskStatus.OPEN)
    assert task.due_date == escalation.respond_by
    assert world.household.name in task.title
    forward_escalation(world, escalation)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_by == world.coordinator
    # A coordinator who escalates gets no task of their own escalation.
    other = HouseholdFactory(team=world.team, contact_person=world.worker)
    raise_escalation(world, household=other, user=world.coordinator)
    assert not Task.objects.filter(household=other).exists()
