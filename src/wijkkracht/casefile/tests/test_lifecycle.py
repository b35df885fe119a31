"""The household's lifecycle: closing and handing over decide every open task and close the active plan in
one step; a closed household is reopened only by a coordinator of its team, with a reason, back to intake.
Through the service and the API; bad input is refused with a Dutch message and nothing is saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wijkkracht.casefile import services
from wijkkracht.casefile.services import TaskOutcome
from wijkkracht.casefile.tests.handover_helpers import hand_over
from wijkkracht.diagnosis import services as diagnosis_services
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.households.models import (
    ContactPersonChange,
    HouseholdStatus,
    StatusChange,
    Task,
    TaskStatus,
)
from wijkkracht.households.tests.factories import (
    HouseholdFactory,
    IncomeWorkRecordFactory,
    PersonFactory,
    TaskFactory,
)
from wijkkracht.plans import services as plan_services
from wijkkracht.plans.models import Plan, PlanStatus
from wijkkracht.plans.tests.helpers import add_goal, start_plan
from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.teams.models import TeamMembership

TODAY = timezone.localdate


def _close(world, household=None, user=None, **kwargs):
    household = household or world.household
    household.refresh_from_db()
    kwargs.setdefault("to_status", HouseholdStatus.CLOSED)
    kwargs.setdefault("reason", "Doelen bereikt")
    return services.household_status_change(access=world.access(user), household=household, **kwargs)


def _snapshot(household):
    """Everything a refused lifecycle step must leave as it was."""
    household.refresh_from_db()
    return (
        household.status,
        household.status_since,
        household.contact_person_id,
        household.second_line_regisseur_id,
        StatusChange.objects.filter(household=household).count(),
        ContactPersonChange.objects.filter(household=household).count(),
        sorted(Task.objects.filter(household=household).values_list("id", "status")),
        sorted(Plan.objects.filter(household=household).values_list("id", "status")),
    )


@pytest.fixture
def with_plan_and_tasks(world):
    plan = start_plan(world)
    call = TaskFactory(household=world.household, title="Terugbellen")
    visit = TaskFactory(household=world.household, title="Huisbezoek plannen")
    TaskFactory(household=world.other_household, title="Van het andere team")
    world.household.refresh_from_db()
    return plan, call, visit


# --- closing ----------------------------------------------------------------------------------------------


def test_closing_decides_every_open_task_and_closes_the_active_plan(world, with_plan_and_tasks):
    plan, call, visit = with_plan_and_tasks
    _close(world, task_outcomes=[TaskOutcome(call.id, "done"), TaskOutcome(visit.id, "cancelled")])

    world.household.refresh_from_db()
    assert world.household.status == HouseholdStatus.CLOSED
    call.refresh_from_db()
    visit.refresh_from_db()
    assert (call.status, visit.status) == (TaskStatus.DONE, TaskStatus.CANCELLED)
    assert call.done_by == world.worker and visit.done_at is not None and visit.reason == "Doelen bereikt"
    plan.refresh_from_db()
    assert (plan.status, plan.closed_on, plan.closed_reason) == (PlanStatus.CLOSED, TODAY(), "Doelen bereikt")
    change = StatusChange.objects.filter(household=world.household).latest("id")
    assert (change.to_status, change.reason, change.changed_by) == ("closed", "Doelen bereikt", world.worker)
    # The other team's task is untouched.
    assert Task.objects.get(title="Van het andere team").status == TaskStatus.OPEN


def test_closing_without_deciding_every_task_is_refused_and_nothing_is_saved(world, with_plan_and_tasks):
    _plan, call, _visit = with_plan_and_tasks
    before = _snapshot(world.household)
    with pytest.raises(ValidationError) as refused:
        _close(world, task_outcomes=[TaskOutcome(call.id, "done")])
    assert "Huisbezoek plannen" in refused.value.message_dict["tasks"][0]
    assert _snapshot(world.household) == before


def test_task_decisions_are_named_by_their_index(world, with_plan_and_tasks):
    _plan, call, visit = with_plan_and_tasks
    foreign = Task.objects.get(title="Van het andere team")
    before = _snapshot(world.household)
    with pytest.raises(ValidationError) as refused:
        _close(
            world,
            task_outcomes=[
                TaskOutcome(call.id, "maybe"),
                TaskOutcome(visit.id, "done"),
                TaskOutcome(foreign.id, "done"),
                TaskOutcome(visit.id, "cancelled"),
            ],
        )
    errors = refused.value.message_dict
    assert set(errors) == {"tasks.0.outcome", "tasks.2.task", "tasks.3.task"}
    assert "Terugbellen" in errors["tasks.0.outcome"][0]
    assert _snapshot(world.household) == before


def test_a_household_without_tasks_or_plan_closes_with_an_empty_decision_list(world):
    _close(world)
    world.household.refresh_from_db()
    assert world.household.status == HouseholdStatus.CLOSED


def test_task_decisions_belong_to_closing_only(world):
    task = TaskFactory(household=world.household)
    before = _snapshot(world.household)
    with pytest.raises(ValidationError) as refused:
        _close(world, to_status=HouseholdStatus.INTAKE, task_outcomes=[TaskOutcome(task.id, "done")])
    assert set(refused.value.message_dict) == {"tasks"}
    assert _snapshot(world.household) == before


def test_the_household_cannot_close_before_its_active_plan_started(world, with_plan_and_tasks):
    _plan, call, visit = with_plan_and_tasks
    before = _snapshot(world.household)
    with pytest.raises(ValidationError) as refused:
        _close(
            world,
            date=TODAY() - datetime.timedelta(days=1),
            task_outcomes=[TaskOutcome(call.id, "done"), TaskOutcome(visit.id, "done")],
        )
    assert set(refused.value.message_dict) == {"date"}
    assert _snapshot(world.household) == before


def test_a_handover_is_no_plain_status_change_any_more(world, with_plan_and_tasks):
    """Deliberately replaced (issue 9): handing over to the second line was a status change that closed
    the plan and the tasks and left the household read-only; now it is the warm handover
    (`casefile.handover_services`, tested in test_handover.py), and a status change to it is refused."""
    plan, call, visit = with_plan_and_tasks
    decisions = [TaskOutcome(call.id, "done"), TaskOutcome(visit.id, "cancelled")]
    before = _snapshot(world.household)
    with pytest.raises(ValidationError) as refused:
        _close(world, to_status=HouseholdStatus.HANDED_OVER, regisseur_id=world.regisseur.id, task_outcomes=decisions)
    assert set(refused.value.message_dict) == {"to_status", "tasks"}
    assert "handover" in str(refused.value) or "overdracht" in str(refused.value)
    assert _snapshot(world.household) == before
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_a_closed_household_gets_no_plan_changes(world, with_plan_and_tasks):
    plan, call, visit = with_plan_and_tasks
    _close(world, task_outcomes=[TaskOutcome(call.id, "done"), TaskOutcome(visit.id, "done")])
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        add_goal(world, plan)
    assert not plan.goals.exists()
    with pytest.raises(ValidationError):
        _close(world, to_status=HouseholdStatus.INTAKE)


def test_plan_close_refuses_a_plan_that_is_not_active(world):
    plan = start_plan(world)
    plan_services.plan_close(access=world.access(), plan=plan, on=TODAY(), reason="Gesloten")
    with pytest.raises(ValidationError):
        plan_services.plan_close(access=world.access(), plan=plan, on=TODAY(), reason="Nog eens")
    with pytest.raises(ValidationError) as refused:
        plan_services.plan_close(access=world.access(), plan=start_plan(world), on=TODAY(), reason=" ")
    assert set(refused.value.message_dict) == {"reason"}


# --- reopening --------------------------------------------------------------------------------------------


def test_a_coordinator_reopens_a_closed_household_back_to_intake_and_a_new_plan_can_start(world):
    first = start_plan(world)
    _close(world)
    world.household.refresh_from_db()
    services.household_reopen(access=world.access(world.coordinator), household=world.household, reason="Terugval")

    world.household.refresh_from_db()
    assert (world.household.status, world.household.contact_person) == (HouseholdStatus.INTAKE, world.worker)
    change = StatusChange.objects.filter(household=world.household).latest("id")
    assert (change.from_status, change.to_status, change.reason, change.changed_by) == (
        "closed",
        "intake",
        "Terugval",
        world.coordinator,
    )
    first.refresh_from_db()
    assert first.status == PlanStatus.CLOSED  # stays closed: a new plan starts after the new intake
    second = start_plan(world)
    assert (second.number, second.status) == (2, PlanStatus.ACTIVE)


@pytest.mark.parametrize(
    ("who", "reason"),
    [("worker", "Terugval"), ("other_coordinator", "Terugval"), ("regisseur", "Terugval"), ("coordinator", "  ")],
)
def test_reopening_needs_a_coordinator_of_the_team_and_a_reason(world, who, reason):
    _close(world)
    before = _snapshot(world.household)
    with pytest.raises(ValidationError):
        services.household_reopen(access=world.access(getattr(world, who)), household=world.household, reason=reason)
    assert _snapshot(world.household) == before


def test_an_open_household_is_not_reopened(world):
    before = _snapshot(world.household)
    with pytest.raises(ValidationError) as refused:
        services.household_reopen(access=world.access(world.coordinator), household=world.household, reason="Waarom")
    assert "non_field_errors" in refused.value.message_dict
    assert _snapshot(world.household) == before


def test_reopening_a_handover_ends_the_second_lines_access(world):
    hand_over(world)
    services.household_reopen(access=world.access(world.coordinator), household=world.household, reason="Terug")
    world.household.refresh_from_db()
    assert world.household.second_line_regisseur is None


def test_reopening_after_the_contact_person_left_names_a_new_one_and_records_the_change(world):
    _close(world)
    TeamMembership.objects.filter(team=world.team, user=world.worker).delete()
    before = _snapshot(world.household)
    with pytest.raises(ValidationError) as refused:
        services.household_reopen(access=world.access(world.coordinator), household=world.household, reason="Terug")
    assert set(refused.value.message_dict) == {"contact_person"}
    with pytest.raises(ValidationError):  # someone of another team
        services.household_reopen(
            access=world.access(world.coordinator),
            household=world.household,
            reason="Terug",
            contact_person_id=world.other_worker.id,
        )
    assert _snapshot(world.household) == before

    services.household_reopen(
        access=world.access(world.coordinator),
        household=world.household,
        reason="Terug",
        contact_person_id=world.colleague.id,
    )
    world.household.refresh_from_db()
    assert world.household.contact_person == world.colleague
    change = ContactPersonChange.objects.get(household=world.household)
    assert (change.from_user, change.to_user, change.reason) == (world.worker, world.colleague, "Terug")


# --- API --------------------------------------------------------------------------------------------------


def _status_url(household):
    return f"/api/v1/households/{household.id}/status/"


def test_the_api_closes_with_task_decisions_and_the_plan(world, api, with_plan_and_tasks):
    plan, call, visit = with_plan_and_tasks
    api.force_authenticate(world.worker)
    body = {
        "to_status": "closed",
        "reason": "Doelen bereikt",
        "tasks": [{"task": call.id, "outcome": "done"}, {"task": visit.id, "outcome": "cancelled"}],
    }
    response = api.post(_status_url(world.household), body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    assert set(Task.objects.filter(household=world.household).values_list("status", flat=True)) == {
        "done",
        "cancelled",
    }


@pytest.mark.parametrize(
    ("tasks", "key"),
    [
        ([], "tasks"),
        ([{"task": "CALL", "outcome": "later"}, {"task": "VISIT", "outcome": "done"}], "tasks.0.outcome"),
        ([{"task": "CALL", "outcome": "done"}, {"task": "VISIT"}], "tasks.1.outcome"),
        ([{"task": "CALL", "outcome": "done"}, {"task": 999999, "outcome": "done"}], "tasks.1.task"),
    ],
)
def test_the_api_refuses_undecided_tasks_by_field_path_and_saves_nothing(world, api, with_plan_and_tasks, tasks, key):
    _plan, call, visit = with_plan_and_tasks
    ids = {"CALL": call.id, "VISIT": visit.id}
    tasks = [{**item, "task": ids.get(item.get("task"), item.get("task"))} for item in tasks]
    api.force_authenticate(world.worker)
    before = _snapshot(world.household)
    response = api.post(
        _status_url(world.household), {"to_status": "closed", "reason": "Klaar", "tasks": tasks}, format="json"
    )
    assert response.status_code == 400
    assert key in response.json(), response.json()
    assert _snapshot(world.household) == before


def test_the_api_reopens_for_a_coordinator_only(world, api):
    _close(world)
    url = f"/api/v1/households/{world.household.id}/reopen/"
    before = _snapshot(world.household)
    for user, code in [
        (world.worker, 403),
        (world.other_coordinator, 404),
        (world.policy_officer, 403),
        (world.functional_admin, 403),
    ]:
        api.force_authenticate(user)
        assert api.post(url, {"reason": "Terug"}, format="json").status_code == code, user
    api.force_authenticate(world.coordinator)
    response = api.post(url, {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert _snapshot(world.household) == before

    response = api.post(url, {"reason": "Terugval"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "intake"
    response = api.post(url, {"reason": "Nog eens"}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_the_api_says_what_the_intake_still_misses_and_which_reasons_are_recorded(world, api):
    parent = world.household.members.get()
    partner = PersonFactory(household=world.household, first_name="Bram")
    IncomeWorkRecordFactory(person=partner)  # the waiver replaces the scores, not the income and work situation
    world.household.status = HouseholdStatus.INTAKE
    world.household.save()
    take(world, "integrale-nulmeting", 2)
    diagnosis_services.work_score_waiver_record(access=world.access(), person=partner, reason="Mantelzorger")
    api.force_authenticate(world.worker)
    url = f"/api/v1/households/{world.household.id}/intake/"
    since = AccessLogEntry.objects.count()
    response = api.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "intake" and body["has_complete_measurement"] is True and body["complete"] is False
    assert len(body["gaps"]) == 1 and parent.first_name in body["gaps"][0]
    assert [(w["person"], w["reason"]) for w in body["waivers"]] == [(partner.id, "Mantelzorger")]
    rows = AccessLogEntry.objects.order_by("id")[since:]
    assert [(row.action, row.household_id) for row in rows] == [("view", world.household.id)]

    take(world, "leefgebiedenmatrix", 1, person=parent)
    take(world, "participatieladder", 3, person=parent)
    body = api.get(url).json()
    assert (body["gaps"], body["complete"]) == ([], True)


def test_the_api_status_history_lists_status_and_contact_person_changes_newest_first_in_pages(world, api):
    services.household_status_change(
        access=world.access(), household=world.household, to_status="intake", reason="Intake gepland"
    )
    ContactPersonChange.objects.create(
        household=world.household,
        from_user=world.worker,
        to_user=world.colleague,
        reason="Ziekte",
        changed_by=world.coordinator,
    )
    api.force_authenticate(world.worker)
    url = f"/api/v1/households/{world.household.id}/status-history/"
    since = AccessLogEntry.objects.count()
    body = api.get(url).json()
    assert [row.action for row in AccessLogEntry.objects.order_by("id")[since:]] == ["view"]
    assert body["count"] == 2
    assert [(e["kind"], e["reason"]) for e in body["results"]] == [
        ("contact_person", "Ziekte"),
        ("status", "Intake gepland"),
    ]
    contact, status = body["results"]
    assert (contact["from_user"], contact["to_user"], contact["to_status"]) == (
        world.worker.id,
        world.colleague.id,
        None,
    )
    assert (status["from_status"], status["to_status"], status["from_user"]) == ("registered", "intake", None)
    page = api.get(url, {"page_size": 1, "page": 2}).json()
    assert [e["reason"] for e in page["results"]] == ["Intake gepland"] and page["next"] is None
    assert api.get(url, {"page_size": 100000}).status_code == 400
    assert api.get(url, {"sort": "x"}).status_code == 400


@pytest.mark.parametrize("path", ["intake", "status-history"])
def test_other_teams_policy_officers_and_administrators_get_nothing(world, api, path):
    url = f"/api/v1/households/{world.household.id}/{path}/"
    for user, code in [(world.other_worker, 404), (world.policy_officer, 403), (world.functional_admin, 403)]:
        api.force_authenticate(user)
        response = api.get(url)
        assert response.status_code == code, (user, response.content)
        assert world.household.name not in response.content.decode()
    api.force_authenticate(world.other_worker)
    assert api.post(_status_url(world.household), {"to_status": "intake", "reason": "x"}).status_code == 404
    world.household.refresh_from_db()
    assert world.household.status == HouseholdStatus.REGISTERED


def test_a_household_of_another_team_cannot_be_closed_through_the_api(world, api):
    other = HouseholdFactory(team=world.other_team)
    api.force_authenticate(world.worker)
    assert api.post(_status_url(other), {"to_status": "closed", "reason": "x"}, format="json").status_code == 404
    other.refresh_from_db()
    assert other.status == HouseholdStatus.REGISTERED


def test_a_household_is_not_reopened_while_a_member_is_in_another_open_household(world):
    """One person, one open household: reopening would make two; the coordinator is told which team knows
    the member (and nothing else of that household), and nothing changes."""
    person = PersonFactory(household=world.household, bsn="999990019")
    _close(world)
    PersonFactory(household=world.other_household, bsn=person.bsn)  # meanwhile registered by the other team
    before = _snapshot(world.household)
    with pytest.raises(ValidationError) as refused:
        services.household_reopen(access=world.access(world.coordinator), household=world.household, reason="Terug")
    messages = refused.value.message_dict["non_field_errors"]
    assert any(person.full_name in message and world.other_team.name in message for message in messages)
    assert not any(world.other_household.name in message for message in messages)
    assert _snapshot(world.household) == before

    # once the other team's household is closed, reopening goes ahead
    world.other_household.status = HouseholdStatus.CLOSED
    world.other_household.save(update_fields=["status"])
    services.household_reopen(access=world.access(world.coordinator), household=world.household, reason="Terug")
    world.household.refresh_from_db()
    assert world.household.status == HouseholdStatus.INTAKE
