"""The caseload's figures are stored on the household (issue 10) and must stay exactly what the case file
says after every kind of change: a contact, an appointment, a no-show, a task made, done or cancelled, a
member, a correction, a plan started, evaluated or closed, a status change, a handover there and back, and
the day an appointment comes. Each step asserts the figure it moves by its expected value, and that no
household's figures differ from a fresh computation (`figures_mismatches`). Every other test checks the
latter too, after it ran (`conftest.stored_figures_stay_current`)."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from wijkkracht.casefile import services as lifecycle
from wijkkracht.casefile.caseload import CaseloadFilters, caseload_queryset
from wijkkracht.casefile.services import TaskOutcome
from wijkkracht.casefile.tests.handover_helpers import hand_over
from wijkkracht.households import services
from wijkkracht.households.figures import figures_mismatches, fold, household_figures_refresh
from wijkkracht.households.models import Contact, ContactKind, Household, HouseholdStatus, PersonRole, Task
from wijkkracht.households.services import MemberData
from wijkkracht.households.tests.factories import HouseholdFactory
from wijkkracht.plans.tests.helpers import start_plan

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def figures(household: Household) -> Household:
    assert figures_mismatches() == []
    return Household.objects.get(id=household.id)


def test_the_check_finds_figures_that_were_not_refreshed(world):
    """The consistency check can fail: a contact written past the services leaves the figures behind."""
    Contact.objects.create(
        household=world.household, kind=ContactKind.PHONE, date=today(), duration_minutes=10, worker=world.worker
    )
    problems = figures_mismatches()
    assert any("last_contact_date" in problem for problem in problems)
    household_figures_refresh(household_ids=[world.household.id])
    assert figures_mismatches() == []


def test_contacts_appointments_and_no_shows_move_the_contact_figures(world):
    access, household = world.access(), world.household
    assert figures(household).last_contact_date is None
    services.contact_log(access=access, household=household, kind=ContactKind.PHONE, date=today(), duration_minutes=15)
    assert figures(household).last_contact_date == today()

    later = today() + datetime.timedelta(days=3)
    services.contact_log(access=access, household=household, kind=ContactKind.HOME_VISIT, date=later)
    stored = figures(household)
    assert (stored.last_contact_date, stored.next_appointment_on) == (today(), later)

    services.contact_log(access=access, household=household, kind=ContactKind.NO_SHOW, date=today())
    stored = figures(household)
    follow_up = Task.objects.get(household=household, source_contact__kind=ContactKind.NO_SHOW)
    assert stored.last_contact_date == today()  # a no-show is no contact
    assert (stored.open_task_count, stored.first_open_task_due_on) == (1, follow_up.due_date)


def test_tasks_made_done_and_cancelled_move_the_task_figures(world):
    access, household = world.access(), world.household
    soon, later = today() + datetime.timedelta(days=2), today() + datetime.timedelta(days=9)
    first = services.task_create(
        access=access, household=household, title="Bellen", due_date=later, assigned_to_id=world.worker.id
    )
    second = services.task_create(
        access=access, household=household, title="Brief", due_date=soon, assigned_to_id=world.worker.id
    )
    stored = figures(household)
    assert (stored.open_task_count, stored.first_open_task_due_on) == (2, soon)
    services.task_complete(access=access, task=second)
    stored = figures(household)
    assert (stored.open_task_count, stored.first_open_task_due_on) == (1, later)
    services.task_cancel(access=access, task=first, reason="Niet meer nodig")
    stored = figures(household)
    assert (stored.open_task_count, stored.first_open_task_due_on) == (0, None)


def test_members_and_corrections_move_the_member_count_and_the_search_text(world):
    access, household = world.access(), world.household
    before = figures(household).member_count
    person = services.household_member_add(
        access=access,
        household=household,
        member=MemberData(
            first_name="Zoë", last_name="Öztürk", date_of_birth=datetime.date(2015, 5, 1), role=PersonRole.CHILD
        ),
    )
    stored = figures(household)
    assert stored.member_count == before + 1
    assert "zoe" in stored.search_text.split() and "ozturk" in stored.search_text.split()

    person.refresh_from_db()
    services.person_update(
        access=access,
        person=person,
        expected_version=person.lock_version,
        member=MemberData(
            first_name="Zoë", last_name="Çelik", date_of_birth=datetime.date(2015, 5, 1), role=PersonRole.CHILD
        ),
    )
    assert "celik" in figures(household).search_text.split()
    assert "ozturk" not in figures(household).search_text.split()

    household.refresh_from_db()
    services.household_address_update(
        access=access,
        household=household,
        expected_version=household.lock_version,
        name=household.name,
        postcode=household.postcode,
        house_number=household.house_number,
        street="Ĳsselstraße",
        wijk_id=household.wijk_id,
    )
    assert fold("Ĳsselstraße") in figures(household).search_text


def test_the_plan_and_the_status_change_move_the_evaluation_date_and_close_the_tasks(world):
    plan = start_plan(world, evaluation_date=today() + datetime.timedelta(days=60))
    assert figures(world.household).plan_evaluation_date == plan.evaluation_date
    task = services.task_create(
        access=world.access(),
        household=world.household,
        title="Afronden",
        due_date=today(),
        assigned_to_id=world.worker.id,
    )
    world.household.refresh_from_db()
    lifecycle.household_status_change(
        access=world.access(),
        household=world.household,
        to_status=HouseholdStatus.CLOSED,
        reason="Doelen bereikt",
        task_outcomes=[TaskOutcome(task.id, "done")],
    )
    stored = figures(world.household)
    assert (stored.plan_evaluation_date, stored.open_task_count, stored.first_open_task_due_on) == (None, 0, None)


def test_a_handover_there_and_back_keeps_the_figures_current(world):
    services.task_create(
        access=world.access(),
        household=world.household,
        title="Overdracht voorbereiden",
        due_date=today(),
        assigned_to_id=world.worker.id,
    )
    hand_over(world)
    world.household.refresh_from_db()
    assert world.household.status == HouseholdStatus.HANDED_OVER
    assert (
        figures(world.household).open_task_count
        == Task.objects.filter(household=world.household, status="open").count()
    )


def test_an_appointment_becomes_the_last_contact_when_its_day_comes(world, client):
    start = today()
    services.contact_log(
        access=world.access(), household=world.household, kind=ContactKind.PHONE, date=start, duration_minutes=10
    )
    first, second = start + datetime.timedelta(days=2), start + datetime.timedelta(days=4)
    for day in (first, second):
        services.contact_log(access=world.access(), household=world.household, kind=ContactKind.HOME_VISIT, date=day)
    assert Household.objects.get(id=world.household.id).last_contact_date == start
    with freeze_time(start + datetime.timedelta(days=5)):
        # Both appointments' days have come without anyone writing: the list sees the later one.
        listed = caseload_queryset(access=world.access(), scope="team", filters=CaseloadFilters()).get(
            id=world.household.id
        )
        assert (listed.last_contact_date, listed.next_appointment_on) == (second, None)
        client.force_login(world.worker)
        page = client.get("/huishoudens/team/?sort=-last_contact")
        assert page.status_code == 200
        row = next(h for h in page.context["page"].object_list if h.id == world.household.id)
        assert row.last_contact_date == second


def test_search_finds_names_with_or_without_accents_on_the_page_and_in_the_api(world, client, api):
    household = HouseholdFactory(team=world.team, contact_person=world.worker, name="Öztürk", street="Ĳsselmeerweg")
    for user_client in (client, api):
        if user_client is api:
            api.force_authenticate(world.worker)
        else:
            client.force_login(world.worker)
    for typed in ("ozturk", "ÖZTÜRK", "öztürk ijsselmeer"):
        page = client.get("/huishoudens/team/", {"q": typed})
        assert [h.id for h in page.context["page"].object_list] == [household.id], typed
        listed = api.get("/api/v1/households/", {"q": typed}).json()
        assert [row["id"] for row in listed["results"]] == [household.id], typed
    assert list(client.get("/huishoudens/team/", {"q": "ozturk noord"}).context["page"].object_list) == []
