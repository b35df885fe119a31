import pytest

from wijkkracht.households.tests.factories import ContactFactory, HouseholdFactory
from wijkkracht.monitoring.selectors import team_overview
from wijkkracht.security.testing import login_verified


def test_policy_officer_sees_counts_without_personal_data(world, client):
    for _ in range(6):
        ContactFactory(household=HouseholdFactory(team=world.team, name="Geheimnaam"))
    client.force_login(world.policy_officer)
    response = client.get("/overzicht/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Geheimnaam" not in content and "Jansen" not in content and "Anna" not in content
    assert "Team Noord" in content and "Team Zuid" in content


def test_small_numbers_are_suppressed(world):
    figures = {f.team: f for f in team_overview()}
    assert figures["Team Zuid"].open_total.count == 1 and figures["Team Zuid"].open_total.suppressed
    for _ in range(5):
        HouseholdFactory(team=world.other_team)
    figures = {f.team: f for f in team_overview()}
    assert figures["Team Zuid"].open_total.count == 6 and not figures["Team Zuid"].open_total.suppressed


def test_counts_per_status_and_contact_minutes(world):
    HouseholdFactory(team=world.team, closed=True)
    ContactFactory(household=world.household, duration_minutes=90)
    noord = next(f for f in team_overview() if f.team == "Team Noord")
    assert [cell.count for cell in noord.by_status] == [1, 0, 0, 0, 1, 0]
    assert noord.contact_minutes_last_30_days == 90 and noord.contacts_last_30_days.count == 1


@pytest.mark.parametrize(("who", "status"), [("worker", 403), ("coordinator", 200), ("functional_admin", 403)])
def test_who_may_see_the_overview(world, client, who, status):
    login_verified(client, getattr(world, who))
    assert client.get("/overzicht/").status_code == status


def test_overview_runs_a_constant_number_of_queries(world, client, django_assert_max_num_queries):
    client.force_login(world.policy_officer)
    for _ in range(10):
        ContactFactory(household=HouseholdFactory(team=world.team))
    with django_assert_max_num_queries(8):
        client.get("/overzicht/")
