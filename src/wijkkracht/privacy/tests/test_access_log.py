"""Every view, list or change of a household's data leaves exactly the access-log rows it should."""

import pytest
from django.utils import timezone

from wijkkracht.households.tests.factories import HouseholdFactory, TaskFactory
from wijkkracht.privacy.models import AccessLogEntry


def rows(household_id=None):
    queryset = AccessLogEntry.objects.all()
    if household_id is not None:
        queryset = queryset.filter(household_id=household_id)
    return list(queryset.order_by("id").values_list("action", "username", "role", "household_id", "endpoint"))


def test_viewing_a_household_page_writes_one_view_row(world, client):
    client.force_login(world.worker)
    client.get(f"/huishoudens/{world.household.id}/")
    assert rows() == [
        ("view", "worker", "social_worker", world.household.id, f"GET /huishoudens/{world.household.id}/")
    ]
    entry = AccessLogEntry.objects.get()
    assert entry.user == world.worker and entry.purpose and entry.at <= timezone.now()


def test_a_caseload_page_writes_one_list_row_per_household_shown(world, client):
    extra = HouseholdFactory(team=world.team, contact_person=world.colleague)
    client.force_login(world.coordinator)
    client.get("/huishoudens/team/")
    assert sorted(household_id for *_rest, household_id, _endpoint in rows()) == sorted([world.household.id, extra.id])
    assert {action for action, *_rest in rows()} == {"list"}


def test_changes_write_one_row_each(world, client):
    client.force_login(world.worker)
    today = timezone.localdate().isoformat()
    client.post(
        f"/huishoudens/{world.household.id}/contacten/nieuw/", {"kind": "phone", "date": today, "duration_minutes": 5}
    )
    client.post(
        f"/huishoudens/{world.household.id}/status/", {"to_status": "intake", "date": today, "reason": "Eerste gesprek"}
    )
    task = TaskFactory(household=world.household)
    client.post(f"/huishoudens/taken/{task.id}/afronden/")
    assert [(action, endpoint) for action, _u, _r, _h, endpoint in rows(world.household.id)] == [
        ("create", f"POST /huishoudens/{world.household.id}/contacten/nieuw/"),
        ("update", f"POST /huishoudens/{world.household.id}/status/"),
        ("update", f"POST /huishoudens/taken/{task.id}/afronden/"),
    ]


def test_registering_writes_a_create_row(world, client):
    client.force_login(world.worker)
    postcode = world.team.wijken.first().postcodes.first().digits
    response = client.post(
        "/huishoudens/nieuw/",
        {
            "team": world.team.id,
            "name": "Bakker",
            "postcode": f"{postcode} XY",
            "house_number": "3",
            "intake_channel": "desk",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-0-first_name": "Els",
            "members-0-last_name": "Bakker",
            "members-0-date_of_birth": "1970-02-02",
            "members-0-role": "parent",
        },
    )
    household_id = int(response.url.rstrip("/").split("/")[-1])
    assert rows(household_id)[0][0] == "create"


def test_api_reads_are_logged_like_page_reads(world, api):
    api.force_authenticate(world.worker)
    api.get(f"/api/v1/households/{world.household.id}/")
    api.get("/api/v1/households/")
    api.get(f"/api/v1/contacts/?household={world.household.id}")
    assert [(action, endpoint) for action, _u, _r, _h, endpoint in rows(world.household.id)] == [
        ("view", f"GET /api/v1/households/{world.household.id}/"),
        ("list", "GET /api/v1/households/"),
    ]


def test_api_list_of_members_logs_each_household_once(world, api):
    api.force_authenticate(world.worker)
    api.post(
        "/api/v1/persons/",
        {
            "household": world.household.id,
            "first_name": "Bo",
            "last_name": "J",
            "date_of_birth": "2015-01-01",
            "role": "child",
        },
        format="json",
    )
    api.get("/api/v1/persons/")
    assert [action for action, *_rest in rows(world.household.id)] == ["create", "list"]


@pytest.mark.parametrize("url", ["/huishoudens/{id}/", "/api/v1/households/{id}/"])
def test_a_refused_read_leaves_no_row(world, client, api, url):
    client.force_login(world.other_worker)
    api.force_authenticate(world.other_worker)
    (api if url.startswith("/api") else client).get(url.format(id=world.household.id))
    assert rows() == []


def test_the_log_is_read_only_in_admin(world, client, admin_user):
    client.force_login(admin_user)
    assert client.get("/beheer/privacy/accesslogentry/").status_code == 200
    assert client.get("/beheer/privacy/accesslogentry/add/").status_code == 403
