"""The measures API: the approve flow within and above the mandate and beyond the budget, bad input (400, nothing
saved), the optimistic lock, and isolation of every endpoint (another team, partner, policy officer, functional
administrator)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils.formats import date_format
from django.utils.translation import gettext
from rest_framework.test import APIClient

from wijkkracht.households.models import Task, TaskStatus
from wijkkracht.mandate import services
from wijkkracht.mandate.models import Measure, MeasureApproval, MeasureStatus
from wijkkracht.mandate.policy import forget_policy
from wijkkracht.mandate.tests.measure_helpers import add_managers, member, small_budget, snapshot, today, upload_policy
from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.referrals.tests.helpers import organization, partner

D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_policy():
    forget_policy()
    yield
    forget_policy()


def client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def body(world, **fields):
    values = {
        "household": world.household.id,
        "person": member(world).id,
        "kind": "bijzondere_bijstand",
        "reason": "Kapotte wasmachine, geen buffer",
        "start_date": today().isoformat(),
        "amount": "450",
    }
    values.update(fields)
    return values


def create(world, user=None, **fields):
    response = client(user or world.worker).post("/api/v1/measures/", body(world, **fields), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_450_above_the_workers_mandate_is_approved_by_the_coordinator(world):
    measure = create(world)
    assert measure["status"] == "proposed" and measure["within_mandate"] is False
    assert [(step["step"], step["role"], step["decision"]) for step in measure["approvals"]] == [
        ("mandate", "team_coordinator", "pending")
    ]
    assert Task.objects.filter(assigned_to=world.coordinator, status=TaskStatus.OPEN, dedupe_key__gt="").count() == 1

    coordinator = client(world.coordinator)
    waiting = coordinator.get("/api/v1/approvals/?pending=true").json()
    assert [item["measure"] for item in waiting["results"]] == [measure["id"]]
    assert client(world.worker).get("/api/v1/approvals/?pending=true").json()["count"] == 0
    approval_id = waiting["results"][0]["id"]
    response = coordinator.post(f"/api/v1/approvals/{approval_id}/approve/", {"note": "Akkoord"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["decision"] == "approved" and response.json()["measure_status"] == "approved"
    assert Measure.objects.get(id=measure["id"]).status == MeasureStatus.APPROVED
    assert coordinator.get("/api/v1/approvals/?pending=true").json()["count"] == 0
    assert coordinator.get("/api/v1/approvals/?pending=false").json()["count"] == 1


def test_sollicitatieplicht_within_the_mandate_is_approved_at_once(world):
    measure = create(
        world,
        kind="sollicitatieplicht_opschorten",
        amount=None,
        start_date=today().isoformat(),  # within a year of today, as every start must be
        end_date=(today() + datetime.timedelta(days=89)).isoformat(),
    )
    assert measure["status"] == "approved" and measure["approvals"] == []
    assert measure["legal_ground"] == "Participatiewet, artikel 9, tweede lid"


BAD = [
    ("end before start", {"start_date": "2026-12-10", "end_date": "2026-12-09"}, "end_date"),
    ("negative amount", {"amount": "-1"}, "amount"),
    ("three decimals", {"amount": "450.123"}, "amount"),
    ("not a number", {"amount": "veel"}, "amount"),
    ("unknown kind", {"kind": "iets"}, "kind"),
    ("blank reason", {"reason": ""}, "reason"),
    ("sanction without hearing", {"kind": "maatregel_uitkering", "amount": None, "percentage": "5"}, "hearing_date"),
    ("percentage above 100", {"kind": "maatregel_uitkering", "amount": None, "percentage": "101"}, "percentage"),
    ("no member", {"person": 10**12}, "person"),
]


@pytest.mark.parametrize(("case", "fields", "field"), BAD, ids=[case[0] for case in BAD])
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(world, case, fields, field):
    before = snapshot()
    response = client(world.worker).post("/api/v1/measures/", body(world, **fields), format="json")
    assert response.status_code == 400, response.content
    messages = response.json()
    assert field in messages and all(isinstance(m, str) and m for m in messages[field]), messages
    assert snapshot() == before


def test_above_the_mandate_without_anyone_to_approve_is_a_400(world):
    def no_above(raw):
        for rule in raw["mandates"]:
            if rule["role"] == "social_worker" and rule["kind"] == "bijzondere_bijstand":
                rule.pop("above")

    upload_policy(no_above)
    before = snapshot()
    response = client(world.worker).post("/api/v1/measures/", body(world), format="json")
    assert response.status_code == 400 and "kind" in response.json()
    assert snapshot() == before


def test_beyond_the_budget_without_a_manager_is_a_400(world):
    small_budget(world.team, residents=8)  # € 100.00
    before = snapshot()
    response = client(world.worker).post("/api/v1/measures/", body(world, amount="200"), format="json")
    assert response.status_code == 400 and "amount" in response.json()
    assert snapshot() == before


def test_four_eyes_in_the_api(world):
    measure = create(world)
    approval_id = measure["approvals"][0]["id"]
    before = snapshot()
    for user in (world.worker, world.colleague):  # the decider; a social worker for a coordinator's step
        response = client(user).post(f"/api/v1/approvals/{approval_id}/approve/", {}, format="json")
        assert response.status_code == 400 and "decision" in response.json(), (user, response.content)
    response = client(world.other_coordinator).post(f"/api/v1/approvals/{approval_id}/approve/", {}, format="json")
    assert response.status_code == 404
    response = client(world.coordinator).post(f"/api/v1/approvals/{approval_id}/reject/", {"note": ""}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    assert snapshot() == before
    response = client(world.coordinator).post(
        f"/api/v1/approvals/{approval_id}/reject/", {"note": "Eerst fonds"}, format="json"
    )
    assert response.status_code == 200 and response.json()["measure_status"] == "rejected"


def test_beyond_the_budget_the_manager_approves_and_sees_no_case_data(world):
    managers = add_managers(world)
    small_budget(world.team, residents=40)  # € 500.00
    create(world, user=world.coordinator, amount="300")
    measure = create(world)  # 450 > 200 remaining, and above the worker's mandate
    steps = {step["step"]: step["id"] for step in measure["approvals"]}
    coordinator = client(world.coordinator)
    assert coordinator.post(f"/api/v1/approvals/{steps['budget']}/approve/", {}, format="json").status_code == 400
    assert coordinator.post(f"/api/v1/approvals/{steps['mandate']}/approve/", {}, format="json").status_code == 200
    assert Measure.objects.get(id=measure["id"]).status == MeasureStatus.PROPOSED

    manager = client(managers.manager)
    waiting = manager.get("/api/v1/approvals/?pending=true").json()["results"]
    assert [item["id"] for item in waiting] == [steps["budget"]]
    assert waiting[0]["household"] is None and waiting[0]["amount"] == "450.00"
    seen = manager.get(f"/api/v1/measures/{measure['id']}/")
    assert seen.status_code == 200
    data = seen.json()
    assert all(data[field] is None for field in ("household", "person", "person_name", "reason", "goal"))
    assert "Kapotte" not in seen.content.decode() and member(world).last_name not in seen.content.decode()
    view = AccessLogEntry.objects.filter(user=managers.manager, action="view").get()
    assert view.purpose == "goedkeuring budget" and view.household_id == world.household.id
    assert manager.post("/api/v1/measures/", body(world), format="json").status_code == 403
    other = client(managers.other_manager)
    assert other.get(f"/api/v1/measures/{measure['id']}/").status_code == 404
    assert other.post(f"/api/v1/approvals/{steps['budget']}/approve/", {}, format="json").status_code == 404

    response = manager.post(f"/api/v1/approvals/{steps['budget']}/approve/", {}, format="json")
    assert response.status_code == 200, response.content
    assert Measure.objects.get(id=measure["id"]).status == MeasureStatus.APPROVED
    change = AccessLogEntry.objects.filter(user=managers.manager, action="update").get()
    assert change.purpose == "goedkeuring budget"


def test_withdraw_with_the_optimistic_lock(world):
    measure = create(world, amount="200")  # approved at once
    api = client(world.worker)
    url = f"/api/v1/measures/{measure['id']}/withdraw/"
    before = snapshot()
    stale = api.post(url, {"reason": "Weg"}, format="json", HTTP_IF_MATCH=f'"{measure["lock_version"] + 1}"')
    assert stale.status_code == 412 and list(stale.json()) == ["lock_version"]
    stale_body = api.post(url, {"reason": "Weg", "lock_version": measure["lock_version"] + 1}, format="json")
    assert stale_body.status_code == 400 and "lock_version" in stale_body.json()
    assert api.post(url, {"reason": "Weg"}, format="json").status_code == 400  # no version at all
    no_reason = api.post(url, {"reason": " ", "lock_version": measure["lock_version"]}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    assert snapshot() == before
    done = api.post(url, {"reason": "Weg"}, format="json", HTTP_IF_MATCH=f'"{measure["lock_version"]}"')
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    assert done["ETag"] == f'"{measure["lock_version"] + 1}"'


def test_pay_and_no_withdraw_once_paid(world):
    measure = create(world, amount="200")
    api = client(world.worker)
    future = api.post(
        f"/api/v1/measures/{measure['id']}/pay/", {"paid_on": (today() + datetime.timedelta(days=1)).isoformat()}
    )
    assert future.status_code == 400 and "paid_on" in future.json()
    paid = api.post(f"/api/v1/measures/{measure['id']}/pay/", {"paid_on": today().isoformat()}, format="json")
    assert paid.status_code == 200 and paid.json()["paid_on"] == today().isoformat()
    again = api.post(f"/api/v1/measures/{measure['id']}/pay/", {"paid_on": today().isoformat()}, format="json")
    assert again.status_code == 400 and "status" in again.json()
    refused = api.post(
        f"/api/v1/measures/{measure['id']}/withdraw/",
        {"reason": "Weg", "lock_version": paid.json()["lock_version"]},
        format="json",
    )
    assert refused.status_code == 400 and "status" in refused.json()
    assert Measure.objects.get(id=measure["id"]).status == MeasureStatus.APPROVED


def test_list_filters(world):
    expired = create(
        world,
        kind="sollicitatieplicht_opschorten",
        amount=None,
        start_date=(today() - datetime.timedelta(days=30)).isoformat(),
        end_date=(today() - datetime.timedelta(days=1)).isoformat(),
    )
    current = create(world, amount="100")
    proposed = create(world)
    api = client(world.worker)

    def ids(query):
        response = api.get(f"/api/v1/measures/{query}")
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["results"]}

    assert ids("?status=expired") == {expired["id"]}
    assert ids("?status=approved") == {current["id"]}
    assert ids("?status=proposed") == {proposed["id"]}
    assert ids(f"?household={world.household.id}") == {expired["id"], current["id"], proposed["id"]}
    assert ids(f"?household={world.other_household.id}") == set()
    assert api.get("/api/v1/measures/?status=verlopen").status_code == 400
    rows = AccessLogEntry.objects.filter(user=world.worker, action="list")
    assert rows.exists()


def test_the_mandate_rules(world):
    managers = add_managers(world)
    for user in (world.worker, world.coordinator, managers.manager, world.functional_admin):
        response = client(user).get("/api/v1/mandate/rules/")
        assert response.status_code == 200, user
        rules = response.json()
        assert {kind["code"] for kind in rules["kinds"]} >= {"bijzondere_bijstand", "maatregel_uitkering"}
        assert {
            "role": "social_worker",
            "kind": "bijzondere_bijstand",
            "up_to": {"amount": "250.00", "months": None, "percentage": None},
            "above": "team_coordinator",
        } in rules["mandates"]
        assert rules["financing"]["beyond_budget"] == "manager"
        assert {"level": "manager", "respond_within_working_days": 5} in rules["escalation"]
    for user in (world.policy_officer, partner(organization())):
        response = client(user).get("/api/v1/mandate/rules/")
        assert response.status_code == 403 and "bijzondere" not in response.content.decode()


# --- isolation of every endpoint ------------------------------------------------------------------------------


def endpoints(measure_id: int, approval_id: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", "/api/v1/measures/", {}),
        ("get", f"/api/v1/measures/{measure_id}/", {}),
        ("post", "/api/v1/measures/", {}),
        ("post", f"/api/v1/measures/{measure_id}/withdraw/", {"reason": "Weg", "lock_version": 1}),
        ("post", f"/api/v1/measures/{measure_id}/pay/", {"paid_on": "2026-11-30"}),
        ("get", "/api/v1/approvals/", {}),
        ("get", f"/api/v1/approvals/{approval_id}/", {}),
        ("post", f"/api/v1/approvals/{approval_id}/approve/", {}),
        ("post", f"/api/v1/approvals/{approval_id}/reject/", {"note": "Nee"}),
    ]


def test_another_team_gets_nothing(world):
    measure = create(world)
    approval_id = measure["approvals"][0]["id"]
    before = snapshot()
    for user in (world.other_worker, world.other_coordinator):
        api = client(user)
        for method, url, data in endpoints(measure["id"], approval_id):
            if url == "/api/v1/measures/" and method == "post":
                data = body(world)
            response = getattr(api, method)(url, data, format="json")
            text = response.content.decode()
            assert "Kapotte" not in text and member(world).last_name not in text, (user, url)
            if url.endswith("/measures/") or url.endswith("/approvals/"):
                if method == "get":
                    assert response.status_code == 200 and response.json()["count"] == 0, (user, url)
                else:
                    assert response.status_code == 404, (user, url, response.status_code)
            else:
                assert response.status_code == 404, (user, url, response.status_code)
    assert snapshot() == before


def test_partner_policy_officer_and_administrators_get_403(world):
    measure = create(world)
    approval_id = measure["approvals"][0]["id"]
    users = [world.policy_officer, world.functional_admin, partner(organization())]
    from wijkkracht.accounts.tests.factories import UserFactory

    users.append(UserFactory(privacy_officer=True))
    before = snapshot()
    for user in users:
        api = client(user)
        for method, url, data in endpoints(measure["id"], approval_id):
            if url == "/api/v1/measures/" and method == "post":
                data = body(world)
            response = getattr(api, method)(url, data, format="json")
            assert response.status_code == 403, (user.role, url, response.status_code)
            assert "Kapotte" not in response.content.decode()
            assert set(json.loads(response.content)) == {"detail"}
    assert snapshot() == before
    assert MeasureApproval.objects.filter(decision="").count() == 1


# --- found by the tester: numbers, zero, the start's window, broken JSON --------------------------------------

TWO_DECIMALS = "Give the amount with at most two decimals (whole cents)."


def post_raw(world, payload: str):
    return client(world.worker).post("/api/v1/measures/", payload, content_type="application/json")


@pytest.mark.parametrize("amount", ["12.345", "450.125"])
def test_three_decimals_are_refused_never_read_as_thousands(world, amount):
    """`12.345` as a JSON number (the raw body keeps it a number) and as a string: 400 with the service's
    message on two decimals, never € 12.345,00."""
    before = snapshot()
    for payload in (
        json.dumps(body(world, amount="__")).replace('"__"', amount),
        json.dumps(body(world, amount=amount)),
    ):
        response = post_raw(world, payload)
        assert response.status_code == 400, (payload, response.content)
        assert response.json() == {"amount": [gettext(TWO_DECIMALS)]}, payload
    assert snapshot() == before


@pytest.mark.parametrize(
    "amount", ["1e3", "1E3", "1.234,50", "450,50", "1,234.50", "€ 450", " 450", "1_000", "vier", True, [450], {}]
)
def test_an_amount_the_api_cannot_read_is_a_400_in_the_services_words(world, amount):
    before = snapshot()
    response = client(world.worker).post("/api/v1/measures/", body(world, amount=amount), format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {"amount": [services.api_number_message("amount")]}
    assert snapshot() == before


def test_plain_numbers_and_strings_are_read_as_written(world):
    assert create(world, amount=450.5)["amount"] == "450.50"
    assert create(world, amount="120.25")["amount"] == "120.25"
    assert create(world, amount=99)["amount"] == "99.00"
    assert sorted(Measure.objects.values_list("amount", flat=True)) == [
        Decimal("99.00"),
        Decimal("120.25"),
        Decimal("450.50"),
    ]


def test_a_percentage_takes_the_same_numbers(world):
    fields = {
        "kind": "maatregel_uitkering",
        "amount": None,
        "hearing_date": today().isoformat(),
        "hearing_statement": "Mevrouw was het er niet mee eens.",
        "end_date": (today() + datetime.timedelta(days=60)).isoformat(),
    }
    before = snapshot()
    for percentage, message in [
        ("1e1", services.api_number_message("percentage")),
        ("12,5", services.api_number_message("percentage")),
        (12.345, gettext("Give the percentage with at most two decimals.")),
        ("0", gettext("Give a percentage above 0, at most 100.")),
    ]:
        response = client(world.coordinator).post(
            "/api/v1/measures/", body(world, percentage=percentage, **fields), format="json"
        )
        assert response.status_code == 400 and response.json() == {"percentage": [message]}, percentage
    assert snapshot() == before
    assert create(world, user=world.coordinator, percentage=12.5, **fields)["percentage"] == "12.50"


@pytest.mark.parametrize("amount", [0, "0", "0.00", 0.0])
def test_an_amount_of_zero_is_a_400(world, amount):
    before = snapshot()
    response = client(world.worker).post("/api/v1/measures/", body(world, amount=amount), format="json")
    assert response.status_code == 400
    assert response.json() == {"amount": [gettext("The amount must be more than zero.")]}
    assert snapshot() == before


def test_a_start_more_than_a_year_back_or_ahead_is_a_400(world):
    earliest = today() - datetime.timedelta(days=366)
    latest = today() + datetime.timedelta(days=366)
    suspension = {"kind": "sollicitatieplicht_opschorten", "amount": None}
    before = snapshot()
    for start, end, named in [
        (D(2020, 1, 1), D(2020, 3, 1), earliest),  # the tester's: expired at once
        (earliest - datetime.timedelta(days=1), today(), earliest),
        (latest + datetime.timedelta(days=1), latest + datetime.timedelta(days=30), latest),
    ]:
        response = client(world.worker).post(
            "/api/v1/measures/",
            body(world, start_date=start.isoformat(), end_date=end.isoformat(), **suspension),
            format="json",
        )
        assert response.status_code == 400, response.content
        [message] = response.json()["start_date"]
        assert date_format(named, "j F Y") in message
    assert snapshot() == before


def test_broken_json_is_a_400_with_only_line_and_column(world):
    before = snapshot()
    for payload, line, column in [("oeps", 1, 1), ('{\n  "amount": 12,\n}', 3, 1), ("{'amount': 1}", 1, 2)]:
        response = post_raw(world, payload)
        assert response.status_code == 400
        [message] = response.json()["non_field_errors"]
        expected = gettext("The request body is not valid JSON: see line %(line)d, column %(column)d.") % {
            "line": line,
            "column": column,
        }
        assert message == expected, (payload, message)
        assert "Expecting" not in message and "char" not in message
    response = post_raw(world, '{"amount": NaN}')
    assert response.status_code == 400 and "Expecting" not in response.content.decode()
    assert snapshot() == before
