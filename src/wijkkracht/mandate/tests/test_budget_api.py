"""The budgets API: `GET /api/v1/budgets/` and `GET /api/v1/budgets/{team_id}/` for the hand-made team of
`budget_helpers` (numbers worked out in `test_budget.py`), with the page's access rules."""

import datetime
import json

import pytest
from rest_framework.test import APIClient

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.mandate.tests.budget_helpers import BudgetWorld, make_budget_world, upload_hand_policy
from wijkkracht.teams.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/budgets/"


def detail(team_id: int) -> str:
    return f"/api/v1/budgets/{team_id}/"


@pytest.fixture
def bw() -> BudgetWorld:
    world = make_budget_world()
    upload_hand_policy()
    return world


@pytest.mark.skipif(datetime.date.today() < datetime.date(2026, 7, 1), reason="the hand-made contacts lie in 2026")
@pytest.mark.parametrize("who", ["coordinator", "worker", "manager"])
def test_the_budgets_of_the_users_teams(bw: BudgetWorld, api: APIClient, who: str) -> None:
    api.force_authenticate(getattr(bw, who))
    response = api.get(LIST, {"year": 2026})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    budget = body["results"][0]
    # Five contacts up to today (four of the first half year and 1 July): 68,750.00 + 5 × 50.00 = 69,000.00.
    assert {key: budget[key] for key in ("team", "year", "residents", "contacts", "total")} == {
        "team": bw.team.id,
        "year": 2026,
        "residents": "5500.00",
        "contacts": 5,
        "total": "69000.00",
    }
    assert (budget["base"], budget["direct_help"], budget["contact_payments"]) == ("55000.00", "13750.00", "250.00")
    assert (budget["committed"], budget["spent"], budget["remaining"]) == ("750.00", "1200.00", "67050.00")
    assert budget["rates"] == {"per_resident": "10.00", "per_contact": "50.00", "direct_help_per_resident": "2.50"}
    assert budget["warning"] is False and budget["exhausted"] is False
    assert [(k["kind"], k["committed"], k["spent"]) for k in budget["kinds"]] == [
        ("bijzondere_bijstand", "450.00", "1200.00"),
        ("inzet_specialist", "300.00", "0.00"),
    ]
    assert "months" not in budget


@pytest.mark.skipif(datetime.date.today() < datetime.date(2026, 7, 1), reason="the hand-made contacts lie in 2026")
def test_one_budget_with_its_months(bw: BudgetWorld, api: APIClient) -> None:
    api.force_authenticate(bw.manager)
    response = api.get(detail(bw.team.id), {"year": 2026})
    assert response.status_code == 200, response.content
    months = response.json()["months"]
    assert [m["month"] for m in months] == list(range(1, 13))
    # Planned: 68,750.00 × m / 12 + 50.00 × contacts so far (Jan 1, Mar 3, Jul 5 contacts).
    assert [months[i]["planned"] for i in (0, 2, 6, 11)] == ["5779.17", "17337.50", "40354.17", "69000.00"]
    assert [(months[i]["committed"], months[i]["spent"]) for i in (0, 1, 2, 3)] == [
        ("300.00", "0.00"),
        ("750.00", "0.00"),
        ("1950.00", "0.00"),
        ("750.00", "1200.00"),
    ]
    assert [m["contacts"] for m in months] == [1, 0, 2, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    # No household's data in the answer.
    text = json.dumps(response.json())
    for secret in (bw.household.name, "Anna", "Kapotte wasmachine"):
        assert secret not in text


def test_a_year_without_rates(bw: BudgetWorld, api: APIClient) -> None:
    api.force_authenticate(bw.coordinator)
    budget = api.get(detail(bw.team.id), {"year": 2027}).json()
    assert budget["rates"] is None and budget["total"] == "0.00"


def test_the_year_defaults_to_this_year(bw: BudgetWorld, api: APIClient) -> None:
    api.force_authenticate(bw.coordinator)
    assert api.get(detail(bw.team.id)).json()["year"] == datetime.date.today().year
    assert api.get(LIST).json()["results"][0]["year"] == datetime.date.today().year


@pytest.mark.parametrize("query", [{"year": 1999}, {"year": 2101}, {"year": "x"}, {"jaar": 2026}])
def test_bad_query_parameters(bw: BudgetWorld, api: APIClient, query: dict[str, object]) -> None:
    api.force_authenticate(bw.coordinator)
    for url in (LIST, detail(bw.team.id)):
        response = api.get(url, query)
        assert response.status_code == 400, url
        assert set(response.json()) == set(query)


def test_another_team_gets_nothing(bw: BudgetWorld, api: APIClient) -> None:
    other_coordinator = TeamMembershipFactory(team=bw.other_team, user=UserFactory(coordinator=True)).user
    for user in (bw.other_manager, other_coordinator):
        api.force_authenticate(user)
        missing = api.get(detail(987654321))
        foreign = api.get(detail(bw.team.id))
        assert foreign.status_code == missing.status_code == 404
        assert foreign.json() == missing.json()
        assert [b["team"] for b in api.get(LIST).json()["results"]] == [bw.other_team.id]


@pytest.mark.parametrize("role", [Role.POLICY_OFFICER, Role.FUNCTIONAL_ADMIN, Role.PRIVACY_OFFICER, Role.PARTNER])
def test_other_roles_get_nothing(bw: BudgetWorld, api: APIClient, role: str) -> None:
    user = TeamMembershipFactory(team=bw.team, user=UserFactory(role=role)).user if role != Role.PARTNER else None
    api.force_authenticate(user or UserFactory(role=role))
    for url in (LIST, detail(bw.team.id)):
        response = api.get(url)
        assert response.status_code == 403, url
        assert set(response.json()) == {"detail"}


def test_signed_out(bw: BudgetWorld, api: APIClient) -> None:
    assert api.get(LIST).status_code in (401, 403)
    assert api.get(detail(bw.team.id)).status_code in (401, 403)
