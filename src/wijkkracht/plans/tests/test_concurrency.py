"""Colleagues working on one plan at the same moment, in real threads with connections of their own.

Locking is at the level of what is edited: ticking a step of one action and editing another goal both
go through; two edits of the same goal are one saved and one refused with what changed, by whom; an
evaluation and a new goal never leave a goal without an outcome; one plan is started, never two."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from wijkkracht.common.tests.concurrency import parallel_db, run_together  # noqa: F401 (a fixture)
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.plans.models import Goal, Plan
from wijkkracht.plans.tests.helpers import add_action, add_goal, complete_intake, start_plan

#: The world of each test on a database that parallel connections can write to (see `parallel_db`).
pytestmark = pytest.mark.usefixtures("parallel_db")


def clients(world):
    worker, colleague = APIClient(), APIClient()
    worker.force_authenticate(world.worker)
    colleague.force_authenticate(world.colleague)
    return worker, colleague


def test_parallel_plan_starts_through_the_api_give_one_plan(world):
    complete_intake(world)
    today = timezone.localdate()
    payload = {
        "household": world.household.id,
        "plan_date": today.isoformat(),
        "evaluation_date": (today + datetime.timedelta(days=90)).isoformat(),
    }
    worker, colleague = clients(world)

    first, second = run_together(
        lambda: worker.post("/api/v1/plans/", payload, format="json"),
        lambda: colleague.post("/api/v1/plans/", payload, format="json"),
    )

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [201, 400]
    loser = first.value if first.value.status_code == 400 else second.value
    assert "household" in loser.json()
    assert Plan.objects.filter(household=world.household).count() == 1


def test_parallel_plan_starts_on_the_page_give_one_plan_and_a_message(world):
    complete_intake(world)
    today = timezone.localdate()
    data = {"plan_date": today.isoformat(), "evaluation_date": (today + datetime.timedelta(days=90)).isoformat()}
    url = f"/huishoudens/{world.household.id}/plan/"
    worker, colleague = Client(), Client()
    worker.force_login(world.worker)
    colleague.force_login(world.colleague)

    first, second = run_together(lambda: worker.post(url, data), lambda: colleague.post(url, data))

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [200, 302]
    loser = first.value if first.value.status_code == 200 else second.value
    assert loser.context["form"].non_field_errors()
    assert Plan.objects.filter(household=world.household).count() == 1


def test_ticking_a_step_and_editing_another_goal_at_once_both_succeed(world):
    plan = start_plan(world)
    housing = add_goal(world, plan, what="Huur regelen")
    work = add_goal(world, plan, domain_code="werk", what="Werk zoeken")
    action = add_action(world, work, method_code="sociale-activering")
    worker, colleague = clients(world)

    tick, edit = run_together(
        lambda: worker.patch(
            f"/api/v1/plans/{plan.id}/actions/{action.id}/", {"lock_version": 1, "done_steps": [0]}, format="json"
        ),
        lambda: colleague.patch(
            f"/api/v1/plans/{plan.id}/goals/{housing.id}/", {"lock_version": 1, "owner": "Bas"}, format="json"
        ),
    )

    assert tick.ok and edit.ok, (tick.error, edit.error)
    assert (tick.value.status_code, edit.value.status_code) == (200, 200), (tick.value.json(), edit.value.json())
    action.refresh_from_db()
    housing.refresh_from_db()
    assert action.checklist[0]["done"] and action.lock_version == 2
    assert housing.owner == "Bas" and housing.lock_version == 2


def test_two_edits_of_the_same_goal_at_once_one_is_refused_with_what_changed(world):
    plan = start_plan(world)
    goal = add_goal(world, plan, what="Huur regelen")
    worker, colleague = clients(world)
    url = f"/api/v1/plans/{plan.id}/goals/{goal.id}/"

    first, second = run_together(
        lambda: worker.patch(url, {"lock_version": 1, "what": "Van de werker"}, format="json"),
        lambda: colleague.patch(url, {"lock_version": 1, "what": "Van de collega"}, format="json"),
    )

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [200, 400]
    winner, loser = (first.value, second.value) if first.value.status_code == 200 else (second.value, first.value)
    goal.refresh_from_db()
    assert goal.what == winner.json()["what"] and goal.lock_version == 2
    message = loser.json()["lock_version"][0]
    assert f"doel gewijzigd: {goal.what}" in message


def test_an_evaluation_and_a_new_goal_at_once_leave_no_goal_without_an_outcome(world):
    complete_intake(world, date=timezone.localdate() - datetime.timedelta(days=3))
    plan = start_plan(world, plan_date=timezone.localdate() - datetime.timedelta(days=3))
    goal = add_goal(world, plan)
    later = take(world, "integrale-nulmeting", 2)
    worker, colleague = clients(world)
    today = timezone.localdate().isoformat()

    evaluation, addition = run_together(
        lambda: worker.post(
            f"/api/v1/plans/{plan.id}/evaluate/",
            {
                "lock_version": 1,
                "measurement": later.id,
                "next_evaluation_date": today,
                "outcomes": [{"goal": goal.id, "outcome": "partly", "reason": "Loopt"}],
            },
            format="json",
        ),
        lambda: colleague.post(
            f"/api/v1/plans/{plan.id}/goals/",
            {
                "domain": "financien",
                "client_words": "x",
                "what": "Schulden",
                "indicator": "y",
                "owner": "z",
                "deadline": today,
            },
            format="json",
        ),
    )

    assert evaluation.ok and addition.ok, (evaluation.error, addition.error)
    codes = (evaluation.value.status_code, addition.value.status_code)
    assert codes in {(201, 400), (400, 201)}, (evaluation.value.json(), addition.value.json())
    plan.refresh_from_db()
    if evaluation.value.status_code == 201:  # the evaluation first: the version closed, the goal refused
        assert not plan.is_active and not Goal.objects.filter(plan=plan, outcome="").exists()
        assert plan.goals.count() == 1
    else:  # the goal first: the evaluation is refused, nothing evaluated
        assert plan.is_active and plan.goals.count() == 2
        # Seen before its checks ("give an outcome for …") or only under the plan's lock ("a goal was added").
        assert {"outcomes", "lock_version"} & set(evaluation.value.json())
