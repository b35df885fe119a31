"""A worker's day: search in the caseload, sorting by the lifecycle, the contact-person filter, why a
household is overdue, "Mijn taken" with its week view, and a coordinator's workload."""

import datetime

import pytest
from django.utils import timezone

from wijkkracht.casefile.caseload import (
    household_is_overdue,
    overdue_reasons,
)
from wijkkracht.households.models import ContactKind, Household, HouseholdStatus, Task, TaskStatus
from wijkkracht.households.selectors import with_household_figures
from wijkkracht.households.tests.factories import ContactFactory, HouseholdFactory, PersonFactory, TaskFactory
from wijkkracht.privacy.models import AccessAction, AccessLogEntry
from wijkkracht.security.testing import login_verified

TODAY = timezone.localdate
BSN = "111222333"


def names(response):
    assert response.status_code == 200, response.content[:500]
    return [household.name for household in response.context["page"].object_list]


def api_names(response):
    assert response.status_code == 200, response.content[:500]
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def families(world):
    """A few households of the worker's team to search through, and one of the other team."""
    bakker = HouseholdFactory(team=world.team, name="Bakker", street="Lindelaan", postcode="9902AB")
    PersonFactory(household=bakker, first_name="Fatima", last_name="El Amrani", bsn=BSN)
    PersonFactory(household=bakker, first_name="Joost", last_name="Bakker")
    visser = HouseholdFactory(team=world.team, name="Visser", street="Kerkstraat", postcode="9903CD")
    PersonFactory(household=visser, first_name="Mila", last_name="Visser")
    foreign = HouseholdFactory(team=world.other_team, name="Bakker-Zuid", street="Lindelaan", postcode="9902AB")
    PersonFactory(household=foreign, first_name="Fatima", last_name="Zuid", bsn="123456782")
    return {"bakker": bakker, "visser": visser, "foreign": foreign}


# --- search -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bakker", ["Bakker"]),  # household name, case-insensitive
        ("FATIMA", ["Bakker"]),  # a member's first name
        ("amrani", ["Bakker"]),  # a member's last name
        ("mila visser", ["Visser"]),  # every word must match somewhere
        ("mila bakker", []),
        ("kerkstr", ["Visser"]),  # street
        ("9902 AB", ["Bakker"]),  # postcode with the space
        ("9902ab", ["Bakker"]),  # without, lower case
        ("9903", ["Visser"]),  # its four digits
        (BSN, ["Bakker"]),  # BSN, exact
        ("11122233", []),  # not a BSN, not a match of anything
        ("123456782", []),  # the other team's BSN finds nothing
    ],
)
def test_search_finds_households_by_what_a_worker_knows(world, client, families, query, expected):
    client.force_login(world.worker)
    assert names(client.get("/huishoudens/team/", {"q": query})) == expected


def test_search_by_reference_in_every_spelling(world, client, families):
    client.force_login(world.worker)
    visser = families["visser"]
    for query in (visser.reference, visser.reference.lower(), f"hh-{visser.id}", f"HH{visser.id}", str(visser.id)):
        assert names(client.get("/huishoudens/team/", {"q": query})) == ["Visser"], query
    foreign = families["foreign"]
    assert names(client.get("/huishoudens/team/", {"q": foreign.reference})) == []


def test_search_in_the_api_matches_the_page(world, api, families):
    api.force_authenticate(world.worker)
    assert api_names(api.get("/api/v1/households/", {"q": "fatima"})) == ["Bakker"]
    assert api_names(api.get("/api/v1/households/", {"q": "9902 ab"})) == ["Bakker"]
    assert api_names(api.get("/api/v1/households/", {"q": f"hh-{families['visser'].id}"})) == ["Visser"]


def test_a_bsn_search_is_access_logged_as_such(world, client, api, families):
    client.force_login(world.worker)
    client.get("/huishoudens/team/", {"q": BSN})
    client.get("/huishoudens/team/", {"q": "bakker"})
    api.force_authenticate(world.worker)
    api.get("/api/v1/households/", {"q": BSN})
    rows = AccessLogEntry.objects.filter(subjects__household_id=families["bakker"].id, action=AccessAction.LIST)
    assert sorted(rows.values_list("what", flat=True)) == [
        "caseload",
        "caseload (api), search by BSN",
        "caseload, search by BSN",
    ]


def test_a_search_of_a_thousand_characters_is_refused_and_nothing_is_shown_or_logged(world, client, api, families):
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    before = AccessLogEntry.objects.count()
    response = client.get("/huishoudens/team/", {"q": "a" * 1000})
    assert response.status_code == 400
    assert response.context["page"] is None
    assert "100" in response.content.decode() and "Bakker" not in response.content.decode()
    response = api.get("/api/v1/households/", {"q": "a" * 1000})
    assert response.status_code == 400
    assert set(response.json()) == {"q"} and "100" in response.json()["q"][0]
    assert AccessLogEntry.objects.count() == before
    assert names(client.get("/huishoudens/team/", {"q": "b" * 100})) == []  # 100 is allowed


def test_htmx_gets_the_message_in_the_table_area(world, client, families):
    client.force_login(world.worker)
    response = client.get("/huishoudens/team/", {"q": "a" * 101}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert "<html" not in response.content.decode()


# --- sorting and the contact-person filter --------------------------------------------------------------


def test_sorting_by_status_follows_the_lifecycle(world, client, api):
    for status in (HouseholdStatus.IN_PROGRESS, HouseholdStatus.PLAN, HouseholdStatus.INTAKE):
        HouseholdFactory(team=world.team, status=status, name=f"Gezin {status}")
    client.force_login(world.worker)
    lifecycle = ["registered", "intake", "plan", "in_progress"]
    statuses = [h.status for h in client.get("/huishoudens/team/?sort=status").context["page"].object_list]
    assert statuses == lifecycle  # alphabetical would put in_progress before intake
    statuses = [h.status for h in client.get("/huishoudens/team/?sort=-status").context["page"].object_list]
    assert statuses == lifecycle[::-1]
    api.force_authenticate(world.worker)
    rows = api.get("/api/v1/households/", {"sort": "status"}).json()["results"]
    assert [row["status"] for row in rows] == lifecycle


def test_filter_by_contact_person_on_the_page_and_in_the_api(world, client, api):
    HouseholdFactory(team=world.team, contact_person=world.colleague, name="VanCollega")
    client.force_login(world.coordinator)
    url = f"/huishoudens/team/?contact_person={world.colleague.id}"
    assert names(client.get(url)) == ["VanCollega"]
    api.force_authenticate(world.coordinator)
    assert api_names(api.get("/api/v1/households/", {"contact_person": world.colleague.id})) == ["VanCollega"]


def test_a_contact_person_of_another_team_is_refused(world, client, api):
    client.force_login(world.coordinator)
    before = AccessLogEntry.objects.count()
    response = client.get(f"/huishoudens/team/?contact_person={world.other_worker.id}")
    assert response.status_code == 400 and response.context["page"] is None
    api.force_authenticate(world.coordinator)
    response = api.get("/api/v1/households/", {"contact_person": world.other_worker.id})
    assert response.status_code == 400 and set(response.json()) == {"contact_person"}
    assert api.get("/api/v1/households/", {"status": "unknown"}).status_code == 400
    assert AccessLogEntry.objects.count() == before


# --- why overdue ----------------------------------------------------------------------------------------


def test_overdue_reasons_say_why_in_words(world, settings):
    settings.LANGUAGE_CODE = "en"
    today = TODAY()
    household = HouseholdFactory(team=world.team, registered_on=today - datetime.timedelta(days=60))
    ContactFactory(household=household, date=today - datetime.timedelta(days=19))
    TaskFactory(household=household, title="Bel school", due_date=today - datetime.timedelta(days=3))
    TaskFactory(household=household, title="Later", due_date=today + datetime.timedelta(days=3))
    annotated = with_household_figures(Household.objects.filter(id=household.id), today)
    reasons = overdue_reasons(annotated.get(), today, 14)
    assert reasons == ["19 days without contact, norm 14", "task “Bel school” 3 days past its date"]
    quiet = HouseholdFactory(team=world.team, registered_on=today - datetime.timedelta(days=1))
    assert overdue_reasons(with_household_figures(Household.objects.filter(id=quiet.id), today).get(), today, 14) == []


def test_overdue_reasons_name_the_evaluation_date_in_dutch_words(world):
    from django.utils import translation

    from wijkkracht.plans.tests.helpers import start_plan

    today = TODAY()
    evaluation = today - datetime.timedelta(days=2)
    start_plan(world, plan_date=today - datetime.timedelta(days=40), evaluation_date=evaluation)
    household = with_household_figures(Household.objects.filter(id=world.household.id), today).get()
    with translation.override("nl"):
        reasons = overdue_reasons(household, today, 14)
    month = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
             "november", "december"][evaluation.month - 1]  # fmt: skip
    assert any(f"{evaluation.day} {month} {evaluation.year}" in reason for reason in reasons), reasons


def test_a_no_show_keeps_the_household_overdue_with_its_reason(world, client):
    """Depends on households counting a no-show as no contact (issue 8, part 1)."""
    today = TODAY()
    household = HouseholdFactory(team=world.team, name="Stil", registered_on=today - datetime.timedelta(days=40))
    ContactFactory(household=household, date=today - datetime.timedelta(days=17))
    ContactFactory(household=household, date=today, kind=ContactKind.NO_SHOW, duration_minutes=None)
    client.force_login(world.worker)
    response = client.get("/huishoudens/team/?overdue=1")
    assert names(response) == ["Stil"]
    assert "17" in response.content.decode()


def test_the_reasons_agree_with_the_badge_and_the_filter(world):
    from wijkkracht.casefile.caseload import overdue_condition
    from wijkkracht.plans.tests.helpers import start_plan

    today = TODAY()
    for days_ago, contact_days_ago, task_due_in in [(60, None, None), (60, 20, None), (3, None, None), (30, 1, -2)]:
        household = HouseholdFactory(team=world.team, registered_on=today - datetime.timedelta(days=days_ago))
        if contact_days_ago is not None:
            ContactFactory(household=household, date=today - datetime.timedelta(days=contact_days_ago))
        if task_due_in is not None:
            TaskFactory(household=household, due_date=today + datetime.timedelta(days=task_due_in))
    start_plan(world, plan_date=today - datetime.timedelta(days=40), evaluation_date=today - datetime.timedelta(days=1))
    annotated = with_household_figures(Household.objects.all(), today)
    by_sql = set(annotated.filter(overdue_condition(today, 14)).values_list("id", flat=True))
    by_reasons = {h.id for h in annotated if overdue_reasons(h, today, 14)}
    by_badge = {h.id for h in annotated if household_is_overdue(h, today, 14)}
    assert by_sql == by_reasons == by_badge and 0 < len(by_sql) < annotated.count()


def test_the_caseload_shows_the_reasons_next_to_the_badge_and_the_api_lists_them(world, client, api):
    today = TODAY()
    household = HouseholdFactory(team=world.team, name="Laat")
    TaskFactory(household=household, title="Huisbezoek plannen", due_date=today - datetime.timedelta(days=3))
    client.force_login(world.worker)
    content = client.get("/huishoudens/team/").content.decode()
    assert "Huisbezoek plannen" in content and 'class="overdue-reasons"' in content
    api.force_authenticate(world.worker)
    rows = {row["name"]: row for row in api.get("/api/v1/households/").json()["results"]}
    assert len(rows["Laat"]["overdue_reasons"]) == 1 and "Huisbezoek plannen" in rows["Laat"]["overdue_reasons"][0]
    assert rows["Jansen"]["overdue_reasons"] == []


# --- Mijn taken -----------------------------------------------------------------------------------------


def test_my_tasks_lists_my_open_tasks_overdue_first_including_team_tasks(world, client):
    today = TODAY()
    TaskFactory(household=world.household, title="Later", due_date=today + datetime.timedelta(days=5))
    TaskFactory(household=world.household, title="Te laat", due_date=today - datetime.timedelta(days=2))
    Task.objects.create(team=world.team, assigned_to=world.worker, title="Teamoverleg", due_date=today)
    TaskFactory(household=world.household, title="Van collega", assigned_to=world.colleague)
    TaskFactory(household=world.other_household, title="Ander team", assigned_to=world.worker)
    Task.objects.create(team=world.other_team, assigned_to=world.worker, title="Ander teamtaak", due_date=today)
    client.force_login(world.worker)
    response = client.get("/huishoudens/mijn-taken/")
    assert response.status_code == 200
    assert [task.title for task in response.context["page"].object_list] == ["Te laat", "Teamoverleg", "Later"]
    assert [task.title for task in response.context["overdue"]] == ["Te laat"]
    rows = AccessLogEntry.objects.filter(what="my tasks")
    assert list(rows.values_list("subjects__household_id", flat=True)) == [world.household.id]


def test_completing_a_task_from_my_tasks_confirms_in_place_and_without_javascript(world, client):
    task = TaskFactory(household=world.household, title="Bellen")
    other = TaskFactory(household=world.household, title="Mailen")
    client.force_login(world.worker)
    response = client.post(f"/huishoudens/mijn-taken/{task.id}/afronden/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="my-task-{task.id}"' in response.content.decode() and "<html" not in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_by == world.worker
    response = client.post(f"/huishoudens/mijn-taken/{other.id}/afronden/")
    assert response.status_code == 302 and response["Location"] == "/huishoudens/mijn-taken/"
    assert Task.objects.get(id=other.id).status == TaskStatus.DONE


def test_another_team_a_policy_officer_and_an_administrator_cannot_complete_my_task(world, client):
    task = TaskFactory(household=world.household)
    client.force_login(world.other_worker)
    assert client.post(f"/huishoudens/mijn-taken/{task.id}/afronden/").status_code == 404
    for user in (world.policy_officer, world.functional_admin):
        login_verified(client, user)
        assert client.post(f"/huishoudens/mijn-taken/{task.id}/afronden/").status_code == 403
    assert Task.objects.get(id=task.id).status == TaskStatus.OPEN


def test_the_week_shows_appointments_and_tasks_per_day(world, client):
    today = TODAY()
    monday = today - datetime.timedelta(days=today.weekday())
    next_monday = monday + datetime.timedelta(days=7)
    ContactFactory(household=world.household, date=next_monday + datetime.timedelta(days=2), duration_minutes=None)
    TaskFactory(household=world.household, title="Rapport", due_date=next_monday + datetime.timedelta(days=4))
    TaskFactory(household=world.household, title="Volgende maand", due_date=next_monday + datetime.timedelta(days=30))
    client.force_login(world.worker)
    response = client.get(
        "/huishoudens/mijn-taken/week/", {"week": (next_monday + datetime.timedelta(days=3)).isoformat()}
    )
    assert response.status_code == 200
    days = response.context["days"]
    assert [day.date for day in days] == [next_monday + datetime.timedelta(days=n) for n in range(7)]
    assert [len(day.appointments) for day in days] == [0, 0, 1, 0, 0, 0, 0]
    assert [[task.title for task in day.tasks] for day in days][4] == ["Rapport"]
    assert f"week={monday.isoformat()}" in response.content.decode()  # previous week
    this_week = client.get("/huishoudens/mijn-taken/week/")
    assert 'aria-current="date"' in this_week.content.decode()


def test_the_week_refuses_a_date_it_cannot_read(world, client):
    client.force_login(world.worker)
    for bad in ("morgen", "2026-13-01", "9999-12-31"):
        response = client.get("/huishoudens/mijn-taken/week/", {"week": bad})
        assert response.status_code == 400 and 'role="alert"' in response.content.decode()


# --- workload -------------------------------------------------------------------------------------------


def test_the_workload_counts_per_worker_of_my_team(world, client, api):
    today = TODAY()
    late = HouseholdFactory(
        team=world.team, contact_person=world.colleague, registered_on=today - datetime.timedelta(days=40)
    )
    HouseholdFactory(team=world.team, contact_person=world.colleague)
    TaskFactory(household=late, assigned_to=world.colleague, due_date=today - datetime.timedelta(days=1))
    TaskFactory(household=world.household, assigned_to=world.colleague)
    HouseholdFactory(team=world.team, contact_person=world.colleague, closed=True)
    client.force_login(world.coordinator)
    response = client.get("/huishoudens/team/werkverdeling/")
    assert response.status_code == 200
    rows = {row.worker.username: row for row in response.context["rows"]}
    assert set(rows) == {"worker", "colleague", "coordinator"}
    colleague = rows["colleague"]
    assert (colleague.open_households, colleague.overdue_households) == (2, 1)
    assert (colleague.open_tasks, colleague.overdue_tasks) == (2, 1)
    assert f"/huishoudens/team/?contact_person={world.colleague.id}&amp;overdue=1" in response.content.decode()
    api.force_authenticate(world.coordinator)
    body = api.get("/api/v1/workload/").json()
    by_worker = {row["worker"]: row for row in body["results"]}
    assert by_worker[world.colleague.id]["open_households"] == 2 and by_worker[world.colleague.id]["overdue_tasks"] == 1
    assert world.other_worker.id not in by_worker


def test_a_teams_manager_is_neither_in_the_workload_nor_a_contact_person_to_filter_by(world, client):
    """A manager (issue 12) is a member of the team for its budget and escalations, never anyone's contact
    person: the coordinator's workload and the caseload's contact-person filter list the case workers only."""
    from wijkkracht.accounts.models import Role
    from wijkkracht.accounts.tests.factories import UserFactory
    from wijkkracht.teams.models import TeamMembership

    manager = UserFactory(username="manager", role=Role.MANAGER)
    TeamMembership.objects.create(team=world.team, user=manager)
    client.force_login(world.coordinator)
    rows = client.get("/huishoudens/team/werkverdeling/").context["rows"]
    assert {row.worker.username for row in rows} == {"worker", "colleague", "coordinator"}
    from wijkkracht.casefile.caseload import contact_person_choices

    choices = list(contact_person_choices(world.coordinator))
    assert manager not in choices and world.colleague in choices


def test_the_workload_is_for_coordinators_only(world, client, api):
    HouseholdFactory(team=world.team, contact_person=world.colleague)
    for user, status in [
        (world.worker, 403),
        (world.policy_officer, 403),
        (world.functional_admin, 403),
        (world.regisseur, 403),
    ]:
        login_verified(client, user)
        assert client.get("/huishoudens/team/werkverdeling/").status_code == status, user
        api.force_authenticate(user)
        assert api.get("/api/v1/workload/").status_code == 403, user
    client.force_login(world.other_coordinator)
    rows = client.get("/huishoudens/team/werkverdeling/").context["rows"]
    assert {row.worker.username for row in rows} == {"other_worker", "other_coordinator"}
    api.force_authenticate(world.other_coordinator)
    ids = {row["worker"] for row in api.get("/api/v1/workload/").json()["results"]}
    assert ids == {world.other_worker.id, world.other_coordinator.id}


def test_new_pages_give_other_roles_nothing(world, client):
    TaskFactory(household=world.household, title="Geheim")
    for user in (world.policy_officer, world.functional_admin):
        login_verified(client, user)
        for url in ("/huishoudens/mijn-taken/", "/huishoudens/mijn-taken/week/"):
            assert client.get(url).status_code == 403, (user, url)
    client.force_login(world.other_worker)
    for url in ("/huishoudens/mijn-taken/", "/huishoudens/mijn-taken/week/"):
        response = client.get(url)
        assert response.status_code == 200 and "Geheim" not in response.content.decode()
