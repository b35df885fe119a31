"""The request's memo of the user's teams (issue 10): one query for the teams per request, and a change of
membership seen on the next request — and within a request as soon as it is made."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wijkkracht.common.request_memo import RequestMemoMiddleware
from wijkkracht.privacy.access import memberships_of, team_ids_of, visible_households
from wijkkracht.teams.models import TeamMembership
from wijkkracht.teams.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.django_db


def team_queries(queries):
    """The queries that ask which teams someone is in (not the ones that join a team to something else)."""
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT")
        and ('FROM "teams_team" ' in query["sql"] or 'FROM "teams_teammembership" ' in query["sql"])
        and 'teams_teammembership"."user_id" = ' in query["sql"]
    ]


def test_a_caseload_page_asks_for_the_users_teams_once(world, client):
    client.force_login(world.worker)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/huishoudens/team/")
    assert response.status_code == 200
    assert len(team_queries(queries)) == 1
    assert "Team Noord (" in response.context["request"]._access_trail.teams


def test_the_household_page_asks_for_the_users_teams_once(world, client):
    client.force_login(world.coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/huishoudens/{world.household.id}/")
    assert response.status_code == 200
    assert response.context["can_reassign"] and response.context["can_hand_over"]
    assert len(team_queries(queries)) == 1


def test_leaving_a_team_is_seen_on_the_next_request(world, client):
    client.force_login(world.worker)
    url = f"/huishoudens/{world.household.id}/"
    assert client.get(url).status_code == 200
    TeamMembership.objects.filter(user=world.worker, team=world.team).delete()
    assert client.get(url).status_code == 404
    TeamMembershipFactory(user=world.worker, team=world.team)
    assert client.get(url).status_code == 200


def test_outside_a_request_nothing_is_remembered(world):
    assert list(visible_households(world.worker)) == [world.household]
    TeamMembership.objects.filter(user=world.worker).delete()
    assert list(visible_households(world.worker)) == []


def test_within_a_request_a_membership_change_forgets_the_memo(world, rf):
    seen = {}

    def view(request):
        seen["before"] = team_ids_of(world.worker)
        seen["cached"] = team_ids_of(world.worker)
        TeamMembershipFactory(user=world.worker, team=world.other_team)
        seen["after_join"] = team_ids_of(world.worker)
        world.other_team.members.remove(world.worker)
        seen["after_m2m_remove"] = team_ids_of(world.worker)
        return None

    with CaptureQueriesContext(connection) as queries:
        RequestMemoMiddleware(view)(rf.get("/"))
    assert seen["before"] == seen["cached"] == [world.team.id]
    assert sorted(seen["after_join"]) == sorted([world.team.id, world.other_team.id])
    assert seen["after_m2m_remove"] == [world.team.id]
    assert len(team_queries(queries)) == 3
    # and the memo ends with the request
    TeamMembership.objects.filter(user=world.worker).delete()
    assert memberships_of(world.worker) == ()
