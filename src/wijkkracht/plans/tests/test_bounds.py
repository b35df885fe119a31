"""Deadlines, due dates and evaluation dates lie at most five years ahead; goal and action titles hold no
invisible characters. The same on the pages and in the API, and nothing saved."""

import datetime

from django.utils import timezone

from wijkkracht.common.validation import latest_ahead
from wijkkracht.plans.models import Action, Goal, Plan, PlanChange
from wijkkracht.plans.tests.helpers import add_goal, complete_intake, household_with_diagnosis, start_plan

TODAY = timezone.localdate


def too_far() -> str:
    return (latest_ahead() + datetime.timedelta(days=1)).isoformat()


def test_an_evaluation_date_more_than_five_years_ahead_is_refused(world, client, api):
    complete_intake(world)
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    data = {"plan_date": TODAY().isoformat(), "evaluation_date": too_far()}

    page = client.post(f"/huishoudens/{world.household.id}/plan/", data)
    response = api.post("/api/v1/plans/", data | {"household": world.household.id}, format="json")

    assert page.status_code == 200 and page.context["form"].errors["evaluation_date"]
    assert response.status_code == 400 and "5" in response.json()["evaluation_date"][0]
    assert not Plan.objects.exists()
    last_day = data | {"household": world.household.id, "evaluation_date": latest_ahead().isoformat()}
    assert api.post("/api/v1/plans/", last_day, format="json").status_code == 201


def test_a_goal_deadline_or_action_due_date_more_than_five_years_ahead_is_refused(world, client, api):
    household_with_diagnosis(world)
    plan = start_plan(world)
    goal = add_goal(world, plan)
    plan.refresh_from_db()
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    goal_data = {
        "domain": "wonen",
        "client_words": "Rust",
        "what": "Schulden regelen",
        "indicator": "Regeling",
        "owner": "Anna",
        "deadline": too_far(),
    }
    action_data = {
        "description": "Bellen met de bank",
        "owner_type": "network",
        "owner_name": "Buurman",
        "due_date": too_far(),
    }
    base = f"/huishoudens/{world.household.id}/plan/{plan.id}"
    changes = PlanChange.objects.count()

    goal_page = client.post(f"{base}/doelen/nieuw/", goal_data)
    goal_api = api.post(f"/api/v1/plans/{plan.id}/goals/", goal_data, format="json")
    action_page = client.post(f"{base}/doelen/{goal.id}/acties/nieuw/", action_data)
    action_api = api.post(f"/api/v1/plans/{plan.id}/goals/{goal.id}/actions/", action_data, format="json")

    assert goal_page.status_code == 200 and goal_page.context["form"].errors["deadline"]
    assert goal_api.status_code == 400 and goal_api.json()["deadline"]
    assert action_page.status_code == 200 and action_page.context["form"].errors["due_date"]
    assert action_api.status_code == 400 and action_api.json()["due_date"]
    assert (Goal.objects.count(), Action.objects.count()) == (1, 0)
    assert PlanChange.objects.count() == changes


def test_a_goal_title_with_a_right_to_left_override_is_refused(world, api):
    household_with_diagnosis(world)
    plan = start_plan(world)
    api.force_authenticate(world.worker)
    goal_data = {
        "domain": "wonen",
        "client_words": "Rust",
        "what": "Schulden \u202eregelen",
        "indicator": "Regeling",
        "owner": "Anna",
        "deadline": (TODAY() + datetime.timedelta(days=30)).isoformat(),
    }
    response = api.post(f"/api/v1/plans/{plan.id}/goals/", goal_data, format="json")
    assert response.status_code == 400 and "U+202E" in response.json()["what"][0]
    assert not Goal.objects.exists()
