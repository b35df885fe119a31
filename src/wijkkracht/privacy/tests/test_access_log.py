"""Every view, list or change of a household's data leaves exactly the access-log rows it should; so do
refused attempts and sign-ins. (Every case URL at once: `test_every_case_url_is_logged.py`.)"""

import pytest
from django.test import override_settings
from django.utils import timezone

from wijkkracht.households.tests.factories import HouseholdFactory, TaskFactory
from wijkkracht.privacy.models import SIGN_IN_ACTIONS, AccessLogEntry
from wijkkracht.privacy.selectors import access_log_of_household, households_of

MISSING = 987654


def rows(household_id=None):
    """Case rows, one per household an entry is about (a list entry names several), or one without a
    household; sign-in events left out (`force_login` signs in, and that is logged too). With a household:
    what "who saw household X" answers, in the order written."""
    if household_id is not None:
        subjects = access_log_of_household(household_id=household_id).order_by("entry_id")
        return [(s.entry.action, s.entry.username, s.entry.role, s.household_id, s.entry.endpoint) for s in subjects]
    result = []
    for entry in AccessLogEntry.objects.exclude(action__in=SIGN_IN_ACTIONS).order_by("id"):
        for named in households_of(entry) or [None]:
            result.append((entry.action, entry.username, entry.role, named, entry.endpoint))
    return result


def test_viewing_a_household_page_writes_one_view_row(world, client):
    client.force_login(world.worker)
    client.get(f"/huishoudens/{world.household.id}/", HTTP_USER_AGENT="Firefox/140 " + "x" * 300)
    assert rows() == [
        ("view", "worker", "social_worker", world.household.id, f"GET /huishoudens/{world.household.id}/")
    ]
    entry = AccessLogEntry.objects.exclude(action__in=SIGN_IN_ACTIONS).get()
    assert entry.user == world.worker and entry.purpose and entry.at <= timezone.now()
    assert entry.ip == "127.0.0.1"
    assert entry.user_agent.startswith("Firefox/140 ") and len(entry.user_agent) == 200
    assert entry.teams == f"Team Noord ({world.team.id})"
    assert entry.person_id is None


def test_a_form_page_writes_a_view_row_and_its_post_only_the_change_row(world, client):
    client.force_login(world.worker)
    url = f"/huishoudens/{world.household.id}/status/"
    assert client.get(url).status_code == 200
    today = timezone.localdate().isoformat()
    client.post(url, {"to_status": "intake", "date": today, "reason": "Eerste gesprek"})
    assert [(action, endpoint) for action, _u, _r, _h, endpoint in rows(world.household.id)] == [
        ("view", f"GET {url}"),
        ("update", f"POST {url}"),
    ]


def test_a_page_about_one_member_names_the_member(world, client, api):
    anna = world.household.members.get()
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    client.get(f"/huishoudens/{world.household.id}/leden/{anna.id}/")
    api.get(f"/api/v1/persons/{anna.id}/")
    entries = AccessLogEntry.objects.filter(action="view").order_by("id")
    assert [(e.household_id, e.person_id, e.what) for e in entries] == [
        (world.household.id, anna.id, "member"),
        (world.household.id, anna.id, "member"),
    ]


def test_a_caseload_page_writes_one_list_entry_naming_each_household_shown(world, client):
    extra = HouseholdFactory(team=world.team, contact_person=world.colleague)
    client.force_login(world.coordinator)
    client.get("/huishoudens/team/")
    assert sorted(household_id for *_rest, household_id, _endpoint in rows()) == sorted([world.household.id, extra.id])
    assert {action for action, *_rest in rows()} == {"list"}
    [entry] = AccessLogEntry.objects.exclude(action__in=SIGN_IN_ACTIONS)
    assert entry.household_id is None and entry.user == world.coordinator
    assert households_of(entry) == sorted([world.household.id, extra.id])
    assert {s.at for s in entry.subjects.all()} == {entry.at}


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


def test_an_api_change_of_a_member_writes_the_change_row_only(world, api):
    anna = world.household.members.get()
    api.force_authenticate(world.worker)
    response = api.patch(
        f"/api/v1/persons/{anna.id}/", {"first_name": "Annie", "lock_version": anna.lock_version}, format="json"
    )
    assert response.status_code == 200, response.content
    assert [action for action, *_rest in rows(world.household.id)] == ["update"]


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


def refused():
    return list(
        AccessLogEntry.objects.filter(action="refused")
        .order_by("id")
        .values_list("username", "household_id", "person_id", "what", "endpoint")
    )


@pytest.mark.parametrize("url", ["/huishoudens/{id}/", "/api/v1/households/{id}/"])
@pytest.mark.parametrize("target", ["foreign", "missing"])
def test_a_foreign_or_missing_household_leaves_a_refused_row_with_the_id_asked_for(world, client, api, url, target):
    household_id = world.other_household.id if target == "foreign" else MISSING
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    path = url.format(id=household_id)
    assert (api if url.startswith("/api") else client).get(path).status_code == 404
    assert refused() == [("worker", household_id, None, f"404 household {household_id}", f"GET {path}")]
    assert rows() == [("refused", "worker", "social_worker", household_id, f"GET {path}")]


def test_a_foreign_member_is_refused_with_household_and_member(world, client):
    piet = world.other_household.members.get()
    client.force_login(world.worker)
    path = f"/huishoudens/{world.other_household.id}/leden/{piet.id}/"
    assert client.get(path).status_code == 404
    assert refused() == [
        (
            "worker",
            world.other_household.id,
            piet.id,
            f"404 person {piet.id}, household {world.other_household.id}",
            f"GET {path}",
        ),
    ]


def test_a_record_of_a_foreign_household_is_refused_without_revealing_its_household(world, api):
    task = TaskFactory(household=world.other_household)
    api.force_authenticate(world.worker)
    assert api.get(f"/api/v1/tasks/{task.id}/").status_code == 404
    assert refused() == [("worker", None, None, f"404 task {task.id}", f"GET /api/v1/tasks/{task.id}/")]


def test_a_foreign_household_in_a_request_body_is_refused_with_its_id(world, api):
    api.force_authenticate(world.worker)
    today = timezone.localdate().isoformat()
    payload = {"household": world.other_household.id, "kind": "phone", "date": today, "duration_minutes": 5}
    assert api.post("/api/v1/contacts/", payload, format="json").status_code == 404
    assert refused() == [
        (
            "worker",
            world.other_household.id,
            None,
            f"404 household {world.other_household.id}",
            "POST /api/v1/contacts/",
        )
    ]
    assert rows(world.other_household.id) == [
        ("refused", "worker", "social_worker", world.other_household.id, "POST /api/v1/contacts/")
    ]


@pytest.mark.parametrize("url", ["/huishoudens/{id}/", "/api/v1/households/{id}/", "/huishoudens/team/"])
def test_a_role_without_case_access_leaves_a_refused_row(world, client, api, url):
    client.force_login(world.policy_officer)
    api.force_authenticate(world.policy_officer)
    path = url.format(id=world.household.id)
    assert (api if url.startswith("/api") else client).get(path).status_code == 403
    [(username, household_id, person_id, what, endpoint)] = refused()
    assert (username, person_id, endpoint) == ("policy", None, f"GET {path}")
    if "{id}" in url:
        assert (household_id, what) == (world.household.id, f"403 household {world.household.id}")
    else:
        assert (household_id, what) == (None, "403 casefile:team")


def test_anonymous_requests_and_unknown_urls_leave_no_row(world, client, api):
    assert client.get(f"/huishoudens/{world.household.id}/").status_code == 302
    assert api.get(f"/api/v1/households/{world.household.id}/").status_code == 401
    client.force_login(world.worker)
    assert client.get("/huishoudens/bestaat-niet/").status_code == 404
    assert rows() == []


def test_a_get_of_a_post_only_endpoint_leaves_no_row(world, client, api):
    task = TaskFactory(household=world.household)
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    assert client.get(f"/huishoudens/taken/{task.id}/afronden/").status_code == 405
    assert api.get(f"/api/v1/tasks/{task.id}/complete/").status_code == 405
    assert rows() == []


def sign_in_rows():
    return list(
        AccessLogEntry.objects.filter(action__in=SIGN_IN_ACTIONS)
        .order_by("id")
        .values_list("action", "user", "username", "household_id", "ip", "user_agent")
    )


def test_sign_in_failed_sign_in_and_sign_out_are_logged(world, client):
    world.worker.set_password("een-lang-wachtwoord")
    world.worker.save()
    agent = {"HTTP_USER_AGENT": "Testbrowser", "REMOTE_ADDR": "192.0.2.7"}
    client.post("/inloggen/", {"username": "worker", "password": "fout"}, **agent)
    client.post("/inloggen/", {"username": "niemand", "password": "fout"}, **agent)
    assert (
        client.post("/inloggen/", {"username": "worker", "password": "een-lang-wachtwoord"}, **agent).status_code == 302
    )
    client.post("/uitloggen/", **agent)
    assert sign_in_rows() == [
        ("login_failed", None, "worker", None, "192.0.2.7", "Testbrowser"),
        ("login_failed", None, "niemand", None, "192.0.2.7", "Testbrowser"),
        ("login", world.worker.id, "worker", None, "192.0.2.7", "Testbrowser"),
        ("logout", world.worker.id, "worker", None, "192.0.2.7", "Testbrowser"),
    ]
    assert AccessLogEntry.objects.get(action="login").teams == f"Team Noord ({world.team.id})"


@pytest.mark.parametrize(
    ("header", "meta", "expected"),
    [
        ("", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "192.0.2.1"),  # not configured: the header is ignored
        ("X-Forwarded-For", {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9"}, "203.0.113.9"),
        ("HTTP_X_REAL_IP", {"HTTP_X_REAL_IP": "2001:db8::1"}, "2001:db8::1"),
        ("X-Forwarded-For", {"HTTP_X_FORWARDED_FOR": "onzin"}, "192.0.2.1"),  # not an address: REMOTE_ADDR
        ("X-Forwarded-For", {}, "192.0.2.1"),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxy_header_only_when_configured(
    world, client, header, meta, expected
):
    client.force_login(world.worker)
    with override_settings(ACCESS_LOG_CLIENT_IP_HEADER=header):
        client.get(f"/huishoudens/{world.household.id}/", REMOTE_ADDR="192.0.2.1", **meta)
    assert AccessLogEntry.objects.get(action="view").ip == expected
