"""System tasks (issue 12: approve a measure, respond to an escalation) close only when their matter is decided
(`system_tasks_close`): no one completes or cancels them by hand, not on a page and not in the API, and the task
lists offer no button for it. A task made by hand keeps its buttons."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from wijkkracht.households import services
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import Task, TaskStatus
from wijkkracht.households.tests.factories import TaskFactory
from wijkkracht.privacy.access import AccessContext


def system_task(world, assigned_to=None) -> Task:
    task = services.system_task_create(
        household=world.household,
        assigned_to=assigned_to or world.coordinator,
        title="Maatregel goedkeuren: bijzondere bijstand",
        due_date=timezone.localdate() + datetime.timedelta(days=2),
        key="measure-approval:1",
    )
    assert task is not None
    household_figures_refresh(household_ids=[world.household.id])  # the caller's part
    return task


def state(task: Task) -> tuple[str, object, object, str]:
    current = Task.objects.get(id=task.id)
    return current.status, current.done_at, current.done_by_id, current.reason


OPEN = (TaskStatus.OPEN, None, None, "")


def test_a_system_task_is_marked_and_a_task_made_by_hand_is_not(world):
    task = system_task(world)
    assert task.closes_by_itself and len(task.dedupe_key) <= 64
    assert not TaskFactory(household=world.household).closes_by_itself
    assert (
        services.system_task_create(  # once per matter and worker while open
            household=world.household,
            assigned_to=world.coordinator,
            title="x",
            due_date=task.due_date,
            key="measure-approval:1",
        )
        is None
    )


def test_the_services_refuse_to_close_a_system_task_by_hand(world):
    task = system_task(world)
    access = AccessContext(user=world.coordinator, endpoint="test", method="POST")
    refusal = services.system_task_refusal()
    with pytest.raises(ValidationError) as raised:
        services.task_complete(access=access, task=task)
    assert raised.value.message_dict == {"status": [refusal]}
    with pytest.raises(ValidationError) as raised:
        services.task_cancel(access=access, task=task, reason="Niet meer nodig")
    assert raised.value.message_dict == {"status": [refusal]}
    assert state(task) == OPEN


def test_only_its_matter_closes_a_system_task(world):
    task = system_task(world)
    other = system_task(world, assigned_to=world.worker)
    with_other_key = services.system_task_create(
        household=world.household,
        assigned_to=world.coordinator,
        title="Reageer op de escalatie",
        due_date=task.due_date,
        key="escalation:1",
    )
    assert with_other_key is not None
    closed = services.system_tasks_close(
        household_id=world.household.id, key="measure-approval:1", by=world.coordinator
    )
    assert closed == 2
    household_figures_refresh(household_ids=[world.household.id])
    assert Task.objects.get(id=task.id).status == Task.objects.get(id=other.id).status == TaskStatus.DONE
    assert Task.objects.get(id=with_other_key.id).status == TaskStatus.OPEN


def test_the_api_refuses_to_complete_or_cancel_a_system_task(world):
    task = system_task(world)
    api = APIClient()
    api.force_authenticate(world.coordinator)
    refusal = services.system_task_refusal()
    response = api.post(f"/api/v1/tasks/{task.id}/complete/")
    assert response.status_code == 400 and response.json()["status"] == [refusal], response.content
    response = api.post(f"/api/v1/tasks/{task.id}/cancel/", {"reason": "Niet meer nodig"}, format="json")
    assert response.status_code == 400 and response.json()["status"] == [refusal], response.content
    assert state(task) == OPEN
    hand_made = TaskFactory(household=world.household, assigned_to=world.coordinator)
    assert api.post(f"/api/v1/tasks/{hand_made.id}/complete/").status_code == 200  # the rest keeps working


def test_the_pages_refuse_to_complete_or_cancel_a_system_task(world, client):
    task = system_task(world)
    client.force_login(world.coordinator)
    refusal = services.system_task_refusal()
    back = reverse("casefile:household", args=[world.household.id])

    response = client.post(reverse("households:task_complete", args=[task.id]), follow=True)
    assert refusal in response.content.decode()
    response = client.post(reverse("households:task_complete", args=[task.id]), HTTP_HX_REQUEST="true")
    assert refusal in response.content.decode()
    response = client.post(reverse("casefile:my_task_complete", args=[task.id]), follow=True)
    assert refusal in response.content.decode()
    response = client.get(reverse("households:task_cancel", args=[task.id]))
    assert response.status_code == 302 and response.url == back
    response = client.post(reverse("households:task_cancel", args=[task.id]), {"reason": "Weg"}, follow=True)
    assert refusal in response.content.decode()
    assert state(task) == OPEN


def test_the_task_lists_offer_no_buttons_for_a_system_task(world, client):
    task = system_task(world)
    hand_made = TaskFactory(household=world.household, assigned_to=world.coordinator, title="Bellen met school")
    client.force_login(world.coordinator)
    for url in (reverse("casefile:household", args=[world.household.id]), reverse("casefile:my_tasks")):
        page = client.get(url).content.decode()
        assert task.title in page and hand_made.title in page, url
        assert (
            reverse("households:task_complete", args=[hand_made.id]) in page
            or reverse("casefile:my_task_complete", args=[hand_made.id]) in page
        ), url
        for name in ("households:task_complete", "households:task_cancel", "casefile:my_task_complete"):
            assert reverse(name, args=[task.id]) not in page, (url, name)
