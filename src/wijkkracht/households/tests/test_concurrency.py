"""No lost updates: two colleagues changing the same household, member or task at the same moment, in
real threads with connections of their own (SQLite serialises them with BEGIN IMMEDIATE and its busy
timeout, PostgreSQL with the row lock of the conditional UPDATE). Exactly one wins; the other is told
what changed meanwhile and by whom, and nothing of theirs is saved."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from wijkkracht.common.tests.concurrency import parallel_db, run_together  # noqa: F401 (a fixture)
from wijkkracht.households.models import DetailChange, Household, Person, Task, TaskStatus
from wijkkracht.households.tests.factories import TaskFactory

ROUNDS = 3

#: The world of each test on a database that parallel connections can write to (see `parallel_db`).
pytestmark = pytest.mark.usefixtures("parallel_db")


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_parallel_household_edits_through_the_api_give_one_success(world, round_number):
    url = f"/api/v1/households/{world.household.id}/"
    worker, colleague = api_as(world.worker), api_as(world.colleague)

    first, second = run_together(
        lambda: worker.patch(url, {"name": "Jansen-Bakker", "lock_version": 1}, format="json"),
        lambda: colleague.patch(url, {"street": "Kerkstraat", "lock_version": 1}, format="json"),
    )

    assert first.ok and second.ok, (first.error, second.error)
    codes = sorted([first.value.status_code, second.value.status_code])
    assert codes == [200, 400]
    winner, loser = (first, second) if first.value.status_code == 200 else (second, first)
    winner_user, field = (world.worker, "name") if winner is first else (world.colleague, "street")
    message = loser.value.json()["lock_version"][0]
    assert str(winner_user) in message and str(Household._meta.get_field(field).verbose_name) in message
    household = Household.objects.get(id=world.household.id)
    assert household.lock_version == 2 and winner.value["ETag"] == '"2"'
    # Only the winner's change is in the database: the loser's field kept its old value.
    assert (household.name, household.street) in (("Jansen-Bakker", ""), ("Jansen", "Kerkstraat"))
    assert DetailChange.objects.filter(household=household).count() == 1


def test_parallel_household_edits_with_if_match_answer_412(world):
    url = f"/api/v1/households/{world.household.id}/"
    worker, colleague = api_as(world.worker), api_as(world.colleague)

    first, second = run_together(
        lambda: worker.patch(url, {"house_number": 7}, format="json", HTTP_IF_MATCH='"1"'),
        lambda: colleague.patch(url, {"house_number": 8}, format="json", HTTP_IF_MATCH='"1"'),
    )

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [200, 412]
    household = Household.objects.get(id=world.household.id)
    assert household.house_number in (7, 8) and household.lock_version == 2


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_parallel_member_edits_give_one_success(world, round_number):
    anna = world.household.members.get()
    url = f"/api/v1/persons/{anna.id}/"
    worker, colleague = api_as(world.worker), api_as(world.colleague)

    first, second = run_together(
        lambda: worker.patch(url, {"last_name": "Jansen-Smit", "lock_version": 1}, format="json"),
        lambda: colleague.patch(url, {"bsn": "111222333", "lock_version": 1}, format="json"),
    )

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [200, 400]
    loser = first.value if first.value.status_code == 400 else second.value
    assert list(loser.json()) == ["lock_version"]
    anna.refresh_from_db()
    assert (anna.last_name, anna.bsn) in (("Jansen-Smit", ""), (world.household.name, "111222333"))
    assert anna.lock_version == 2


def test_parallel_member_edits_on_the_page_give_one_success_and_a_message(world):
    anna = world.household.members.get()
    url = f"/huishoudens/{world.household.id}/leden/{anna.id}/"
    data = {"first_name": "Anna", "last_name": "Jansen", "date_of_birth": "1985-03-14", "role": "parent"}
    data |= {"expected_version": "1"}
    worker, colleague = page_as(world.worker), page_as(world.colleague)

    first, second = run_together(
        lambda: worker.post(url, data | {"first_name": "Annie"}),
        lambda: colleague.post(url, data | {"first_name": "Anne"}),
    )

    assert first.ok and second.ok, (first.error, second.error)
    codes = sorted([first.value.status_code, second.value.status_code])
    assert codes == [200, 302]
    loser = first.value if first.value.status_code == 200 else second.value
    assert "Iemand anders" in loser.content.decode() or "Someone else" in loser.content.decode()
    anna.refresh_from_db()
    assert anna.first_name in ("Annie", "Anne") and anna.lock_version == 2


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_a_task_completed_twice_in_parallel_is_completed_once(world, round_number):
    task = TaskFactory(household=world.household)
    url = f"/api/v1/tasks/{task.id}/complete/"
    worker, colleague = api_as(world.worker), api_as(world.colleague)

    first, second = run_together(lambda: worker.post(url), lambda: colleague.post(url))

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [200, 400]
    loser = first.value if first.value.status_code == 400 else second.value
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and str(task.done_by) in loser.json()["status"][0]


def test_a_task_completed_twice_on_the_page_gives_one_success_and_a_message(world):
    task = TaskFactory(household=world.household)
    url = f"/huishoudens/taken/{task.id}/afronden/"
    worker, colleague = page_as(world.worker), page_as(world.colleague)

    first, second = run_together(
        lambda: worker.post(url, follow=True),
        lambda: colleague.post(url, follow=True),
    )

    assert first.ok and second.ok, (first.error, second.error)
    pages = [first.value.content.decode(), second.value.content.decode()]
    done_by = str(Task.objects.get(id=task.id).done_by)
    assert sum(done_by in page and ("al afgerond" in page or "already been completed" in page) for page in pages) == 1
    assert Task.objects.filter(id=task.id, status=TaskStatus.DONE).count() == 1


def test_person_versions_are_independent_of_the_household(world):
    """Two colleagues changing two different records at once both succeed: the lock is per record."""
    anna = world.household.members.get()
    worker, colleague = api_as(world.worker), api_as(world.colleague)

    first, second = run_together(
        lambda: worker.patch(
            f"/api/v1/households/{world.household.id}/", {"city": "Utrecht", "lock_version": 1}, format="json"
        ),
        lambda: colleague.patch(f"/api/v1/persons/{anna.id}/", {"first_name": "Ann", "lock_version": 1}, format="json"),
    )

    assert first.ok and second.ok, (first.error, second.error)
    assert (first.value.status_code, second.value.status_code) == (200, 200)
    assert Household.objects.get(id=world.household.id).city == "Utrecht"
    assert Person.objects.get(id=anna.id).first_name == "Ann"


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_parallel_registrations_of_one_person_in_two_teams_give_one_household(world, round_number):
    """The check "is this BSN in another open household?" and the write that follows hold the
    municipality's lock: of two teams registering the same person at the same moment, one succeeds and the
    other is refused on that member's BSN (and both coordinators get their task)."""
    from wijkkracht.households.tests.test_api import household_payload

    bsn = "111222333"
    ours = household_payload(world)
    theirs = household_payload(world, team=world.other_team.id)
    theirs["postcode"] = f"{world.other_team.wijken.first().postcodes.first().digits} AB"
    for payload in (ours, theirs):
        payload["members"] = [payload["members"][0] | {"bsn": bsn}]

    first, second = run_together(
        lambda: api_as(world.worker).post("/api/v1/households/", ours, format="json"),
        lambda: api_as(world.other_worker).post("/api/v1/households/", theirs, format="json"),
    )

    assert first.ok and second.ok, (first.error, second.error)
    assert sorted([first.value.status_code, second.value.status_code]) == [201, 400]
    loser = first if first.value.status_code == 400 else second
    assert list(loser.value.json()) == ["members.0.bsn"]
    assert Person.objects.filter(bsn=bsn).count() == 1
    assert Task.objects.filter(status=TaskStatus.OPEN).count() == 2
