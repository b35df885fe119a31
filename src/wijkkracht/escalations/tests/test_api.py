"""The escalations API: the same rules as the pages, schema-exact errors (400 with Dutch field messages),
isolation (another team, a partner, a policy officer, an administrator: nothing), and the manager's case file
under an open escalation, logged with the escalation as purpose."""

import pytest
from freezegun import freeze_time

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.escalations.models import Escalation, EscalationStatus
from wijkkracht.escalations.tests.helpers import forward_escalation, manager_of, raise_escalation
from wijkkracht.households.tests.factories import ContactFactory, HouseholdFactory
from wijkkracht.privacy.models import AccessLogEntry

URL = "/api/v1/escalations/"


@pytest.fixture
def manager(world):  # type: ignore[no-untyped-def]
    return manager_of(world.team)


def body(**overrides):  # type: ignore[no-untyped-def]
    return {"blocked": "Uitzetting", "blocked_by": "Corporatie", "needed": "Besluit", **overrides}


def test_raise_forward_resolve_and_read_the_case_file(world, api, manager):
    api.force_authenticate(world.worker)
    with freeze_time("2026-12-04 09:00:00"):
        created = api.post(URL, body(household=world.household.id), format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["level"], data["status"], data["respond_by"]) == ("coordinator", "open", "2026-12-08")
    assert created["ETag"] == '"1"'
    escalation_id = data["id"]
    with freeze_time("2026-12-08 09:00:00"):  # within the coordinator's time: the raiser may not forward
        early = api.post(f"{URL}{escalation_id}/forward/", {"reason": "Geen reactie", "lock_version": 1}, format="json")
        assert early.status_code == 400 and "non_field_errors" in early.json()
    with freeze_time("2026-12-09 09:00:00"):
        listed = api.get(URL, {"status": "open"}).json()
        assert [item["id"] for item in listed["results"]] == [escalation_id]
        assert listed["results"][0]["overdue"] is True and listed["results"][0]["working_days_overdue"] == 1
        forwarded = api.post(
            f"{URL}{escalation_id}/forward/", {"reason": "Geen reactie"}, format="json", HTTP_IF_MATCH='"1"'
        )
        assert forwarded.status_code == 200, forwarded.json()
        assert (forwarded.json()["level"], forwarded.json()["respond_by"]) == ("manager", "2026-12-16")
    api.force_authenticate(manager)
    ContactFactory(household=world.household, note="Brief van de corporatie")
    since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    case_file = api.get(f"{URL}{escalation_id}/case-file/")
    assert case_file.status_code == 200
    content = case_file.json()
    assert [m["first_name"] for m in content["members"]] == ["Anna"]
    assert content["contacts"][0]["note"] == "Brief van de corporatie"
    assert "bsn" not in content["members"][0]
    assert [(r.action, r.purpose) for r in AccessLogEntry.objects.filter(id__gt=since)] == [
        ("view", f"escalatie {escalation_id}")
    ]
    assert api.post(URL, body(household=world.household.id), format="json").status_code == 403  # managers don't raise
    resolved = api.post(f"{URL}{escalation_id}/resolve/", {"outcome": "Regeling", "lock_version": 2}, format="json")
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert api.get(f"{URL}{escalation_id}/case-file/").status_code == 404
    assert api.get(f"{URL}{escalation_id}/").json()["outcome"] == "Regeling"


def test_bad_input_is_a_400_in_dutch_and_nothing_is_saved(world, api, manager):
    api.force_authenticate(world.worker)
    empty = api.post(URL, body(household=world.household.id, blocked=" ", needed=""), format="json")
    assert empty.status_code == 400
    assert set(empty.json()) == {"blocked", "needed"}
    closed = HouseholdFactory(team=world.team, contact_person=world.worker, closed=True)
    refused = api.post(URL, body(household=closed.id), format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["household"]
    assert not Escalation.objects.exists()
    escalation = raise_escalation(world)
    again = api.post(URL, body(household=world.household.id), format="json")
    assert again.status_code == 400 and list(again.json()) == ["household"]
    assert Escalation.objects.count() == 1
    forward_escalation(world, escalation)
    api.force_authenticate(manager)
    stale = api.post(f"{URL}{escalation.id}/resolve/", {"outcome": "x", "lock_version": 1}, format="json")
    assert stale.status_code == 400 and list(stale.json()) == ["lock_version"]
    stale_header = api.post(f"{URL}{escalation.id}/resolve/", {"outcome": "x"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale_header.status_code == 412
    no_version = api.post(f"{URL}{escalation.id}/resolve/", {"outcome": "x"}, format="json")
    assert no_version.status_code == 400
    assert Escalation.objects.get().status == EscalationStatus.OPEN
    assert (
        api.post(f"{URL}{escalation.id}/resolve/", {"outcome": "Klaar", "lock_version": 2}, format="json").status_code
        == 200
    )
    twice = api.post(f"{URL}{escalation.id}/resolve/", {"outcome": "Nog eens", "lock_version": 2}, format="json")
    assert twice.status_code == 400
    assert Escalation.objects.get().outcome == "Klaar"


@pytest.mark.parametrize("role", [Role.POLICY_OFFICER, Role.FUNCTIONAL_ADMIN, Role.PARTNER, Role.PRIVACY_OFFICER])
def test_roles_without_access_get_403_and_nothing(world, api, role, manager):
    escalation = raise_escalation(world)
    forward_escalation(world, escalation)
    user = UserFactory(role=role, is_staff=role in (Role.FUNCTIONAL_ADMIN, Role.PRIVACY_OFFICER))
    world.team.memberships.create(user=user)
    api.force_authenticate(user)
    for response in (
        api.get(URL),
        api.get(f"{URL}{escalation.id}/"),
        api.get(f"{URL}{escalation.id}/case-file/"),
        api.post(URL, body(household=world.household.id), format="json"),
        api.post(f"{URL}{escalation.id}/resolve/", {"outcome": "x", "lock_version": 2}, format="json"),
    ):
        assert response.status_code == 403
        assert "Uitzetting" not in response.content.decode()
    assert Escalation.objects.get().status == EscalationStatus.OPEN


def test_another_team_and_its_manager_get_nothing(world, api, manager):
    escalation = raise_escalation(world)
    forward_escalation(world, escalation)
    other_manager = manager_of(world.other_team, username="other_manager")
    for user in (world.other_worker, world.other_coordinator, other_manager):
        api.force_authenticate(user)
        assert api.get(URL).json()["results"] == []
        assert api.get(URL, {"household": world.household.id}).json()["results"] == []
        assert api.get(f"{URL}{escalation.id}/").status_code == 404
        assert api.get(f"{URL}{escalation.id}/case-file/").status_code == 404
        resolve = api.post(f"{URL}{escalation.id}/resolve/", {"outcome": "x", "lock_version": 2}, format="json")
        assert resolve.status_code == 404
    api.force_authenticate(world.other_worker)
    assert api.post(URL, body(household=world.household.id), format="json").status_code == 404
    assert Escalation.objects.get().status == EscalationStatus.OPEN


def test_a_manager_without_a_forwarded_escalation_sees_nothing(world, api, manager):
    escalation = raise_escalation(world)
    api.force_authenticate(manager)
    assert api.get(URL).json()["results"] == []
    assert api.get(f"{URL}{escalation.id}/").status_code == 404
    assert api.get(f"{URL}{escalation.id}/case-file/").status_code == 404
    assert api.get(f"/api/v1/households/{world.household.id}/").status_code in (403, 404)


def test_the_list_filters_and_logs_the_households_shown(world, api):
    first = raise_escalation(world)
    second_household = HouseholdFactory(team=world.team, contact_person=world.worker)
    second = raise_escalation(world, household=second_household)
    api.force_authenticate(world.coordinator)
    since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    listed = api.get(URL, {"household": second_household.id}).json()["results"]
    assert [item["id"] for item in listed] == [second.id]
    rows = list(AccessLogEntry.objects.filter(id__gt=since))
    assert [row.action for row in rows] == ["list"]
    assert api.get(URL, {"status": "resolved"}).json()["results"] == []
    assert api.get(URL, {"status": "gesloten"}).status_code == 400
    assert api.get(URL, {"unknown": "1"}).status_code == 400
    assert {item["id"] for item in api.get(URL).json()["results"]} == {first.id, second.id}
