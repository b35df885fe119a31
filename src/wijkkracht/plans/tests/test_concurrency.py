"""Two colleagues starting the household's plan at the same moment, in real threads with connections of
their own: one plan, one clear message, never a server error (the database keeps one active plan)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from wijkkracht.common.tests.concurrency import parallel_db, run_together  # noqa: F401 (a fixture)
from wijkkracht.plans.models import Plan

#: The world of each test on a database that parallel connections can write to (see `parallel_db`).
pytestmark = pytest.mark.usefixtures("parallel_db")


def test_parallel_plan_starts_through_the_api_give_one_plan(world):
    today = timezone.localdate()
    payload = {
        "household": world.household.id,
        "plan_date": today.isoformat(),
        "evaluation_date": (today + datetime.timedelta(days=90)).isoformat(),
    }
    worker, colleague = APIClient(), APIClient()
    worker.force_authenticate(world.worker)
    colleague.force_authenticate(world.colleague)

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
