"""Teams and districts in the API: English names (`districts`), paginated like every list."""

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.teams.models import Wijk


def test_a_team_names_its_districts_and_the_districts_resource_has_them(world, api):
    api.force_authenticate(world.worker)
    teams = api.get("/api/v1/teams/?page_size=200").json()
    noord = next(team for team in teams["results"] if team["id"] == world.team.id)
    assert sorted(noord["districts"]) == sorted(world.team.wijken.values_list("id", flat=True))
    assert "wijken" not in noord and noord["districts"]
    district = api.get(f"/api/v1/districts/{noord['districts'][0]}/").json()
    wijk = Wijk.objects.get(id=noord["districts"][0])
    assert (district["name"], district["code"]) == (wijk.name, wijk.code)
    listed = api.get("/api/v1/districts/").json()
    assert listed["count"] == Wijk.objects.count() and {"next", "previous", "results"} <= set(listed)


def test_the_dutch_resource_name_is_gone(world, api):
    api.force_authenticate(world.worker)
    assert api.get("/api/v1/wijken/").status_code == 404


def test_a_partner_reads_no_teams_staff(world, api):
    """Staff of a partner organisation see the municipality's districts, not its teams and their staff."""
    partner = UserFactory(username="partner-a", role=Role.PARTNER)
    api.force_authenticate(partner)
    teams = api.get("/api/v1/teams/").json()
    assert teams["count"] == 0 and world.worker.last_name not in str(teams)
    assert api.get(f"/api/v1/teams/{world.team.id}/").status_code == 404
    api.force_authenticate(world.worker)
    assert api.get("/api/v1/teams/").json()["count"] >= 1
