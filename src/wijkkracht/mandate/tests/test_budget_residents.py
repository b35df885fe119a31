"""The functional administrator enters the residents per district in `/beheer/` (the budget's base): a number of
0 to a million; anything else is refused with a Dutch message and nothing is saved; the budget follows."""

from decimal import Decimal

import pytest
from django.test import Client

from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.mandate.budget import team_budget
from wijkkracht.mandate.tests.budget_helpers import AS_OF, YEAR, hand_policy
from wijkkracht.security.testing import login_verified
from wijkkracht.teams.models import Wijk
from wijkkracht.teams.tests.factories import TeamFactory, WijkFactory, WijkPostcodeFactory

pytestmark = pytest.mark.django_db


def change(client: Client, wijk: Wijk, residents: str):  # type: ignore[no-untyped-def]
    postcode = wijk.postcodes.get()
    return client.post(
        f"/beheer/teams/wijk/{wijk.id}/change/",
        {
            "name": wijk.name,
            "code": wijk.code,
            "residents": residents,
            "postcodes-TOTAL_FORMS": "1",
            "postcodes-INITIAL_FORMS": "1",
            "postcodes-0-id": str(postcode.id),
            "postcodes-0-wijk": str(wijk.id),
            "postcodes-0-digits": postcode.digits,
        },
    )


@pytest.fixture
def admin_client(client: Client) -> Client:
    login_verified(client, UserFactory(functional_admin=True))
    return client


def test_the_administrator_enters_residents_and_the_budget_follows(admin_client: Client) -> None:
    wijk = WijkPostcodeFactory(wijk=WijkFactory(residents=100)).wijk
    team = TeamFactory(wijken=[wijk])
    assert team_budget(team, YEAR, AS_OF, hand_policy()).total == Decimal("1250.00")  # 100 × 12.50
    response = change(admin_client, wijk, "2400")
    assert response.status_code == 302, response.content.decode()
    assert Wijk.objects.get(id=wijk.id).residents == 2400
    assert team_budget(team, YEAR, AS_OF, hand_policy()).total == Decimal("30000.00")  # 2,400 × 12.50


@pytest.mark.parametrize("residents", ["-1", "1000001", "12,5", "veel", ""])
def test_a_wrong_number_of_residents_is_refused(admin_client: Client, residents: str) -> None:
    wijk = WijkPostcodeFactory(wijk=WijkFactory(residents=100)).wijk
    response = change(admin_client, wijk, residents)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert Wijk.objects.get(id=wijk.id).residents == 100


def test_the_residents_field_says_what_it_is_for(admin_client: Client) -> None:
    wijk = WijkPostcodeFactory(wijk=WijkFactory()).wijk
    page = admin_client.get(f"/beheer/teams/wijk/{wijk.id}/change/").content.decode()
    assert 'max="1000000"' in page and 'min="0"' in page
