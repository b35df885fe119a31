"""The functional administrator manages configuration, never case content."""

import pytest

from wijkkracht.security.testing import login_verified
from wijkkracht.teams.models import TeamMembership, Wijk


def test_functional_admin_manages_districts_and_teams(world, client):
    login_verified(client, world.functional_admin)
    assert client.get("/beheer/").status_code == 200
    for url in ["/beheer/teams/wijk/", "/beheer/teams/team/", "/beheer/accounts/user/", "/beheer/teams/municipality/"]:
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/beheer/teams/wijk/add/",
        {
            "name": "Nieuwbouw",
            "code": "WK099977",
            "residents": "1200",
            "postcodes-TOTAL_FORMS": "1",
            "postcodes-INITIAL_FORMS": "0",
            "postcodes-0-digits": "9977",
        },
    )
    assert response.status_code == 302
    assert Wijk.objects.get(code="WK099977").postcodes.get().digits == "9977"


def test_a_bad_district_code_is_refused(world, client):
    login_verified(client, world.functional_admin)
    response = client.post(
        "/beheer/teams/wijk/add/",
        {
            "name": "Fout",
            "code": "WIJK1",
            "residents": "1",
            "postcodes-TOTAL_FORMS": "0",
            "postcodes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and "WK gevolgd door zes cijfers" in response.content.decode()
    assert not Wijk.objects.filter(name="Fout").exists()


def test_case_content_is_not_in_admin(world, client):
    login_verified(client, world.functional_admin)
    assert client.get("/beheer/households/household/").status_code == 404
    assert b"Jansen" not in client.get("/beheer/").content
    assert client.get("/beheer/privacy/accesslogentry/").status_code == 403


@pytest.mark.parametrize("who", ["worker", "policy_officer"])
def test_other_roles_do_not_manage(world, client, who):
    client.force_login(getattr(world, who))
    assert client.get("/beheer/teams/wijk/").status_code in (302, 403)


def test_a_contact_person_cannot_be_removed_from_the_team(world, client):
    membership = TeamMembership.objects.get(team=world.team, user=world.worker)
    memberships = list(world.team.memberships.order_by("id"))
    data = {
        "name": world.team.name,
        "wijken": [w.id for w in world.team.wijken.all()],
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
    }
    for index, item in enumerate(memberships):
        data |= {
            f"memberships-{index}-id": str(item.id),
            f"memberships-{index}-team": str(world.team.id),
            f"memberships-{index}-user": str(item.user_id),
        }
        if item.id == membership.id:
            data[f"memberships-{index}-DELETE"] = "on"
    login_verified(client, world.functional_admin)
    response = client.post(f"/beheer/teams/team/{world.team.id}/change/", data)
    assert response.status_code == 200
    assert "lopend huishouden van dit team: wijs dat eerst aan iemand anders toe" in response.content.decode()
    assert TeamMembership.objects.filter(id=membership.id).exists()
