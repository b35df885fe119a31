import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wijkkracht.households.models import HouseholdStatus
from wijkkracht.households.tests.factories import ContactFactory, HouseholdFactory, PersonFactory, TaskFactory
from wijkkracht.teams.tests.factories import TeamMembershipFactory

TODAY = timezone.localdate


def make_households(world, count):
    for index in range(count):
        household = HouseholdFactory(team=world.team, contact_person=world.worker if index % 2 else world.colleague)
        PersonFactory(household=household, first_name="Anna")  # found by the searches below
        PersonFactory(household=household)
        ContactFactory.create_batch(2, household=household, worker=world.worker)
        TaskFactory(household=household, due_date=TODAY() - datetime.timedelta(days=1))
        TaskFactory(household=household, due_date=TODAY(), assigned_to=world.worker)
        ContactFactory(household=household, worker=world.worker, date=TODAY(), duration_minutes=None)
        if index % 3 == 0:
            TeamMembershipFactory(team=world.team)


def count_queries(client, url):
    """The queries of a request once the process is warm: the municipality's settings and the districts come
    from the cache after the first request (`teams.models`), so the first one is not counted."""
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


LIST_URLS = [
    "/huishoudens/team/",
    "/huishoudens/mijn/",
    "/huishoudens/team/?overdue=1&sort=-open_tasks",
    "/api/v1/households/",
    "/huishoudens/team/?q=anna&sort=status",
    "/huishoudens/team/?q=9999",
    "/api/v1/households/?q=anna&overdue=true",
    "/huishoudens/mijn-taken/",
    "/huishoudens/mijn-taken/week/",
    "/huishoudens/team/werkverdeling/",
    "/api/v1/workload/",
]


def test_list_pages_run_a_constant_number_of_queries(world, client, api, django_assert_max_num_queries):
    """Every list page counts its queries with 3 households and again with 30 more: the same number, and at
    most 12. The households are built once for all the pages (building them per page was most of the time)."""

    def signed_in(url):  # type: ignore[no-untyped-def]
        user = world.coordinator if "werkverdeling" in url or "workload" in url else world.worker
        client.force_login(user)
        api.force_authenticate(user)
        return api if url.startswith("/api") else client

    make_households(world, 3)
    small = {url: count_queries(signed_in(url), url) for url in LIST_URLS}
    make_households(world, 30)
    large = {url: count_queries(signed_in(url), url) for url in LIST_URLS}
    assert large == small, {url: (small[url], large[url]) for url in LIST_URLS if small[url] != large[url]}
    for url in LIST_URLS:
        fetch = signed_in(url)
        with django_assert_max_num_queries(12, info=url):
            fetch.get(url)


def test_household_page_runs_a_constant_number_of_queries(world, client):
    client.force_login(world.worker)
    ContactFactory(household=world.household)
    small = count_queries(client, f"/huishoudens/{world.household.id}/")
    PersonFactory.create_batch(5, household=world.household)
    ContactFactory.create_batch(10, household=world.household)
    TaskFactory.create_batch(5, household=world.household)
    assert count_queries(client, f"/huishoudens/{world.household.id}/") == small


def test_my_households_shows_only_those_i_am_contact_person_for(world, client):
    HouseholdFactory(team=world.team, contact_person=world.colleague, name="Collega")
    client.force_login(world.worker)
    names = [h.name for h in client.get("/huishoudens/mijn/").context["page"].object_list]
    assert names == ["Jansen"]
    team_names = {h.name for h in client.get("/huishoudens/team/").context["page"].object_list}
    assert team_names == {"Jansen", "Collega"}


def test_closed_households_leave_the_caseload_but_can_be_filtered(world, client):
    HouseholdFactory(team=world.team, closed=True, name="Klaar")
    client.force_login(world.worker)
    assert "Klaar" not in client.get("/huishoudens/team/").content.decode()
    assert "Klaar" in client.get("/huishoudens/team/?status=closed").content.decode()


def test_days_since_last_contact_open_tasks_and_overdue_flags(world, client):
    quiet = HouseholdFactory(team=world.team, name="Stil", registered_on=TODAY() - datetime.timedelta(days=60))
    ContactFactory(household=quiet, date=TODAY() - datetime.timedelta(days=20))
    busy = HouseholdFactory(team=world.team, name="Druk")
    ContactFactory(household=busy, date=TODAY() - datetime.timedelta(days=1))
    TaskFactory(household=busy, due_date=TODAY() + datetime.timedelta(days=3))
    late = HouseholdFactory(team=world.team, name="Laat")
    ContactFactory(household=late, date=TODAY())
    TaskFactory(household=late, due_date=TODAY() - datetime.timedelta(days=1))
    client.force_login(world.worker)

    page = {h.name: h for h in client.get("/huishoudens/team/").context["page"].object_list}
    assert page["Stil"].last_contact_date == TODAY() - datetime.timedelta(days=20)
    assert (page["Druk"].open_task_count, page["Druk"].overdue_task_count) == (1, 0)
    assert (page["Laat"].open_task_count, page["Laat"].overdue_task_count) == (1, 1)

    overdue = {h.name for h in client.get("/huishoudens/team/?overdue=1").context["page"].object_list}
    assert overdue == {"Stil", "Laat"}  # no contact within the 14-day norm / an overdue task; Jansen is 7 days old


def test_sorting_by_days_since_last_contact_puts_the_longest_silence_first(world, client):
    for days, name in [(3, "B"), (30, "A"), (10, "C")]:
        ContactFactory(
            household=HouseholdFactory(team=world.team, name=name), date=TODAY() - datetime.timedelta(days=days)
        )
    client.force_login(world.worker)
    names = [h.name for h in client.get("/huishoudens/team/?sort=last_contact").context["page"].object_list]
    assert names.index("A") < names.index("C") < names.index("B")
    names = [h.name for h in client.get("/huishoudens/team/?sort=-name").context["page"].object_list]
    assert names == sorted(names, reverse=True)


def test_filters_by_status_district_and_search(world, client):
    HouseholdFactory(team=world.team, status=HouseholdStatus.INTAKE, name="Intaker")
    client.force_login(world.worker)
    assert [h.name for h in client.get("/huishoudens/team/?status=intake").context["page"].object_list] == ["Intaker"]
    assert [h.name for h in client.get("/huishoudens/team/?q=jans").context["page"].object_list] == ["Jansen"]
    wijk = world.team.wijken.first()
    assert len(client.get(f"/huishoudens/team/?wijk={wijk.id}").context["page"].object_list) == 2


def test_pagination_keeps_filters_and_htmx_gets_only_the_table(world, client):
    make_households(world, 30)
    client.force_login(world.worker)
    response = client.get("/huishoudens/team/?sort=name")
    assert response.context["page"].paginator.num_pages == 2
    assert "sort=name&amp;page=2" in response.content.decode()
    partial = client.get("/huishoudens/team/?page=2&sort=name", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "<table" in partial.content.decode()


def test_my_households_of_a_regisseur_are_those_handed_over_to_them(world, client):
    handed = HouseholdFactory(team=world.team, status=HouseholdStatus.HANDED_OVER, name="Overgedragen")
    handed.second_line_regisseur = world.regisseur
    handed.save(update_fields=["second_line_regisseur"])
    HouseholdFactory(team=world.team, status=HouseholdStatus.HANDED_OVER, name="Ander")
    client.force_login(world.regisseur)
    assert [h.name for h in client.get("/huishoudens/mijn/").context["page"].object_list] == ["Overgedragen"]


def test_the_overdue_badge_and_the_overdue_filter_agree(world):
    """The rule exists twice (SQL for the filter, Python for the badge); they must say the same."""
    from wijkkracht.casefile.selectors import household_is_overdue, overdue_condition
    from wijkkracht.households.models import Household
    from wijkkracht.households.selectors import with_household_figures
    from wijkkracht.plans.tests.helpers import start_plan

    today = TODAY()
    for days_ago, contact_days_ago, task_due_in in [
        (60, None, None),
        (60, 20, None),
        (3, None, None),
        (30, 1, -2),
        (30, 1, 3),
    ]:
        household = HouseholdFactory(team=world.team, registered_on=today - datetime.timedelta(days=days_ago))
        if contact_days_ago is not None:
            ContactFactory(household=household, date=today - datetime.timedelta(days=contact_days_ago))
        if task_due_in is not None:
            TaskFactory(household=household, due_date=today + datetime.timedelta(days=task_due_in))
    start_plan(world, plan_date=today - datetime.timedelta(days=40), evaluation_date=today - datetime.timedelta(days=1))
    annotated = with_household_figures(Household.objects.all(), today)
    by_sql = set(annotated.filter(overdue_condition(today, 14)).values_list("id", flat=True))
    by_python = {h.id for h in annotated if household_is_overdue(h, today, 14)}
    assert by_sql == by_python and 0 < len(by_sql) < annotated.count()
