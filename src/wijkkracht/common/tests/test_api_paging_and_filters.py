"""API lists filter and page as asked, counted from a fresh `world` (the modules that walk every operation,
`test_api_contract.py` and `test_api_conventions.py`, share richer data built once per module)."""

import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from wijkkracht.common.pagination import DEFAULT_PAGE_SIZE
from wijkkracht.households.tests.factories import TaskFactory


def test_known_query_parameters_still_filter(world):
    api = APIClient()
    api.force_authenticate(world.worker)
    TaskFactory(household=world.household)
    assert api.get(f"/api/v1/tasks/?household={world.household.id}&status=open&page=1").json()["count"] == 1
    assert api.get(f"/api/v1/tasks/?household={world.other_household.id}").json()["count"] == 0
    mine = api.get("/api/v1/households/?mine=true&sort=name").json()
    assert [row["id"] for row in mine["results"]] == [world.household.id]


def test_page_size_sets_the_number_per_page(world):
    api = APIClient()
    api.force_authenticate(world.worker)
    for day in range(3):
        TaskFactory(household=world.household, due_date=timezone.localdate() + datetime.timedelta(days=day))
    first = api.get("/api/v1/tasks/?page_size=2").json()
    assert (first["count"], len(first["results"])) == (3, 2)
    assert "page=2" in first["next"] and "page_size=2" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert len(api.get("/api/v1/tasks/").json()["results"]) == 3 <= DEFAULT_PAGE_SIZE
