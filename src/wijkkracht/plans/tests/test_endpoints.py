import datetime

import pytest

from wijkkracht.plans.models import Action, Goal, Plan, Suggestion
from wijkkracht.plans.tests.helpers import TODAY, add_goal, household_with_diagnosis, start_plan
from wijkkracht.privacy.models import CASE_ACTIONS, AccessLogEntry
from wijkkracht.security.testing import login_verified


class TestApi:
    def test_full_flow(self, world, api):
        measurement = household_with_diagnosis(world)
        api.force_authenticate(world.worker)
        created = api.post(
            "/api/v1/plans/",
            {
                "household": world.household.id,
                "plan_date": TODAY().isoformat(),
                "evaluation_date": (TODAY() + datetime.timedelta(days=90)).isoformat(),
                "baseline": measurement.id,
            },
            format="json",
        )
        assert created.status_code == 201, created.json()
        plan = created.json()
        housing = next(s for s in plan["suggestions"] if s["rule_code"] == "housing-first")
        accepted = api.post(
            f"/api/v1/plans/{plan['id']}/goals/",
            {
                "expected_version": plan["lock_version"],
                "suggestion": housing["id"],
                "domain_code": "wonen",
                "client_words": "Een dak boven ons hoofd",
                "what": housing["text"],
                "indicator": "Huurcontract",
                "owner": "Anna",
                "deadline": (TODAY() + datetime.timedelta(days=30)).isoformat(),
            },
            format="json",
        ).json()
        goal = accepted["goals"][0]
        assert goal["priority"] is True
        assert next(s for s in accepted["suggestions"] if s["id"] == housing["id"])["status"] == "accepted"
        with_action = api.post(
            f"/api/v1/plans/{plan['id']}/actions/",
            {
                "expected_version": accepted["lock_version"],
                "goal": goal["id"],
                "description": "Bellen met corporatie",
                "owner_type": "partner",
                "owner_name": "Woonstede",
                "due_date": TODAY().isoformat(),
            },
            format="json",
        ).json()
        assert with_action["goals"][0]["actions"][0]["owner"] == "Woonstede"
        agreed = api.post(
            f"/api/v1/plans/{plan['id']}/agreement/",
            {
                "expected_version": with_action["lock_version"],
                "discussed_on": TODAY().isoformat(),
                "agreed": True,
                "present_members": [world.household.members.get().id],
                "client_comment": "Goed zo",
            },
            format="json",
        ).json()
        assert agreed["agreed_on"] == TODAY().isoformat()
        evaluated = api.post(
            f"/api/v1/plans/{plan['id']}/evaluate/",
            {
                "expected_version": agreed["lock_version"],
                "measurement": measurement.id,
                "next_evaluation_date": (TODAY() + datetime.timedelta(days=60)).isoformat(),
                "outcomes": [{"goal": goal["id"], "outcome": "not_achieved", "reason": "Wachtlijst"}],
            },
            format="json",
        )
        assert evaluated.status_code == 201 and evaluated.json()["number"] == 2
        assert [g["what"] for g in evaluated.json()["goals"]] == [housing["text"]]
        versions = api.get(f"/api/v1/plans/?household={world.household.id}").json()["results"]
        assert [(p["number"], p["status"]) for p in versions] == [(2, "active"), (1, "evaluated")]

    def test_stale_version_is_400_with_what_changed(self, world, api):
        plan = start_plan(world)
        add_goal(world, plan, what="Huur regelen", expected_version=1)
        api.force_authenticate(world.colleague)
        response = api.post(
            f"/api/v1/plans/{plan.id}/goals/",
            {
                "expected_version": 1,
                "domain_code": "financien",
                "client_words": "x",
                "what": "Schulden",
                "indicator": "y",
                "owner": "z",
                "deadline": TODAY().isoformat(),
            },
            format="json",
        )
        assert response.status_code == 400
        assert "doel toegevoegd: Huur regelen" in response.json()["version"][0]
        assert Goal.objects.count() == 1

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"domain_code": ""}, "domain_code"),
            ({"deadline": "2000-01-01"}, "deadline"),
            ({"expected_version": "x"}, "expected_version"),
        ],
    )
    def test_bad_goal_input_is_400(self, world, api, payload, field):
        plan = start_plan(world)
        api.force_authenticate(world.worker)
        base = {
            "expected_version": 1,
            "domain_code": "wonen",
            "client_words": "x",
            "what": "w",
            "indicator": "i",
            "owner": "o",
            "deadline": TODAY().isoformat(),
        }
        response = api.post(f"/api/v1/plans/{plan.id}/goals/", base | payload, format="json")
        assert response.status_code == 400 and field in response.json()
        assert not Goal.objects.exists()

    def test_action_owner_must_exist(self, world, api):
        plan = start_plan(world)
        goal = add_goal(world, plan)
        api.force_authenticate(world.worker)
        response = api.post(
            f"/api/v1/plans/{plan.id}/actions/",
            {
                "expected_version": 2,
                "goal": goal.id,
                "description": "Doen",
                "owner_type": "client",
                "owner_person": 999999,
                "due_date": TODAY().isoformat(),
            },
            format="json",
        )
        assert response.status_code == 400 and "owner_person" in response.json()
        assert not Action.objects.exists()

    def test_methods_catalogue_is_readable_by_staff(self, world, api):
        api.force_authenticate(world.policy_officer)
        methods = api.get("/api/v1/methods/").json()
        assert {m["level"] for m in methods} == {"eerste", "tweede"} and len(methods) == 11


class TestPages:
    def test_plan_page_shows_goals_per_domain_side_by_side_and_warnings(self, world, client):
        household_with_diagnosis(world)
        plan = start_plan(world)
        add_goal(world, plan, domain_code="wonen", what="Huur regelen")
        client.force_login(world.worker)
        page = client.get(f"/huishoudens/{world.household.id}/plan/").url
        content = client.get(page).content.decode()
        assert content.count('class="card plan-column"') >= 3  # wonen plus the problem domains
        assert "Werk op meerdere sporen" in content and "Overnemen als doel" in content

    def test_stale_form_post_shows_the_conflict(self, world, client):
        plan = start_plan(world)
        add_goal(world, plan, what="Eerste doel", expected_version=1)
        client.force_login(world.colleague)
        response = client.post(
            f"/huishoudens/{world.household.id}/plan/{plan.id}/doelen/nieuw/",
            {
                "expected_version": 1,
                "domain_code": "financien",
                "client_words": "x",
                "what": "Tweede",
                "indicator": "y",
                "owner": "z",
                "deadline": TODAY().isoformat(),
            },
        )
        assert response.status_code == 200
        assert "Iemand anders heeft dit plan gewijzigd" in response.content.decode()
        assert "doel toegevoegd: Eerste doel" in response.content.decode()

    def test_print_page_is_plain_language_with_the_target(self, world, client):
        household_with_diagnosis(world)
        plan = start_plan(world)
        add_goal(world, plan)
        client.force_login(world.worker)
        content = client.get(f"/huishoudens/{world.household.id}/plan/{plan.id}/print/").content.decode()
        assert "Dit is uw plan" in content and "Wie doet wat" not in content  # no actions yet, so no table
        assert "Wat wilt u bereiken?" in content and "chart--target" in content

    def test_overdue_evaluation_appears_in_the_caseload(self, world, client):
        plan = start_plan(
            world,
            plan_date=TODAY() - datetime.timedelta(days=100),
            evaluation_date=TODAY() - datetime.timedelta(days=1),
        )
        client.force_login(world.worker)
        rows = client.get("/huishoudens/mijn/?overdue=1").context["page"].object_list
        assert [h.plan_evaluation_date for h in rows] == [plan.evaluation_date]
        Plan.objects.filter(id=plan.id).update(evaluation_date=TODAY() + datetime.timedelta(days=5))
        world.household.contacts.create(kind="phone", date=TODAY(), duration_minutes=5, worker=world.worker)
        assert not client.get("/huishoudens/mijn/?overdue=1").context["page"].object_list


FOREIGN = ["other_worker", "other_coordinator", "regisseur"]
ENDPOINTS = [
    ("get", "/huishoudens/{h}/plan/", None),
    ("post", "/huishoudens/{h}/plan/", {"plan_date": "{today}", "evaluation_date": "{today}"}),
    ("get", "/huishoudens/{h}/plan/{p}/", None),
    ("get", "/huishoudens/{h}/plan/{p}/print/", None),
    ("get", "/huishoudens/{h}/plan/{p}/doelen/nieuw/", None),
    ("post", "/huishoudens/{h}/plan/{p}/doelen/nieuw/", {"expected_version": "2", "domain_code": "wonen"}),
    ("post", "/huishoudens/{h}/plan/{p}/doelen/{g}/acties/nieuw/", {"expected_version": "2"}),
    ("post", "/huishoudens/{h}/plan/{p}/acties/{a}/", {"expected_version": "3", "status": "done"}),
    ("post", "/huishoudens/{h}/plan/{p}/suggesties/{s}/afwijzen/", {"expected_version": "3", "reason": "x"}),
    ("post", "/huishoudens/{h}/plan/{p}/suggesties/vernieuwen/", {"expected_version": "3"}),
    ("get", "/huishoudens/{h}/plan/{p}/afspraak/", None),
    ("get", "/huishoudens/{h}/plan/{p}/geen-werkdoel/", None),
    ("get", "/huishoudens/{h}/plan/{p}/evaluatie/", None),
    ("api-get", "/api/v1/plans/{p}/", None),
    ("api-post", "/api/v1/plans/", {"household": "{h}", "plan_date": "{today}", "evaluation_date": "{today}"}),
    ("api-post", "/api/v1/plans/{p}/goals/", {"expected_version": 3}),
    ("api-post", "/api/v1/plans/{p}/actions/", {"expected_version": 3}),
    ("api-post", "/api/v1/plans/{p}/action-update/", {"expected_version": 3, "action": "{a}", "status": "done"}),
    ("api-post", "/api/v1/plans/{p}/dismiss-suggestion/", {"expected_version": 3, "suggestion": "{s}", "reason": "x"}),
    ("api-post", "/api/v1/plans/{p}/agreement/", {"expected_version": 3}),
    ("api-post", "/api/v1/plans/{p}/work-goal-reason/", {"expected_version": 3}),
    ("api-post", "/api/v1/plans/{p}/evaluate/", {"expected_version": 3}),
]


@pytest.fixture
def planned(world):
    household_with_diagnosis(world)
    plan = start_plan(world)
    goal = add_goal(world, plan)
    plan.refresh_from_db()
    from wijkkracht.plans import services

    action = services.action_add(
        access=world.access(),
        goal=goal,
        expected_version=plan.lock_version,
        description="Bellen",
        owner_type="partner",
        owner_name="Corporatie",
        due_date=TODAY(),
    )
    return {
        "h": world.household.id,
        "p": plan.id,
        "g": goal.id,
        "a": action.id,
        "s": Suggestion.objects.filter(plan=plan, status="open").first().id,
        "today": TODAY().isoformat(),
    }


def fill(value, ids):
    if isinstance(value, str):
        formatted = value.format(**ids)
        return int(formatted) if formatted.isdigit() and value.startswith("{") and value != "{today}" else formatted
    return value


@pytest.mark.parametrize("who", FOREIGN)
@pytest.mark.parametrize(("method", "url", "payload"), ENDPOINTS)
def test_other_teams_get_a_404_and_change_nothing(world, planned, client, api, who, method, url, payload):
    user = getattr(world, who)
    url = url.format(**planned)
    data = {key: fill(value, planned) for key, value in (payload or {}).items()}
    before = (
        Plan.objects.count(),
        Goal.objects.count(),
        Action.objects.count(),
        list(Plan.objects.values_list("lock_version", flat=True)),
        list(Suggestion.objects.values_list("status", flat=True)),
    )
    log_before = AccessLogEntry.objects.filter(action__in=CASE_ACTIONS).count()
    if method.startswith("api-"):
        api.force_authenticate(user)
        response = getattr(api, method[4:])(url, data, format="json")
    else:
        client.force_login(user)
        response = getattr(client, method)(url, data or None)
    assert response.status_code == 404, response.content[:300]
    after = (
        Plan.objects.count(),
        Goal.objects.count(),
        Action.objects.count(),
        list(Plan.objects.values_list("lock_version", flat=True)),
        list(Suggestion.objects.values_list("status", flat=True)),
    )
    assert after == before
    assert AccessLogEntry.objects.filter(action__in=CASE_ACTIONS).count() == log_before  # a refused row only


def test_other_teams_see_no_plans_in_the_list(world, planned, api):
    api.force_authenticate(world.other_worker)
    assert api.get("/api/v1/plans/").json()["count"] == 0


@pytest.mark.parametrize("who", ["policy_officer", "functional_admin"])
def test_roles_without_case_access_are_refused(world, planned, client, api, who):
    api.force_authenticate(getattr(world, who))
    assert api.get(f"/api/v1/plans/{planned['p']}/").status_code == 403
    login_verified(client, getattr(world, who))
    assert client.get(f"/huishoudens/{planned['h']}/plan/{planned['p']}/").status_code == 403


def test_viewing_a_plan_is_access_logged(world, planned, client, api):
    since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0  # append-only
    client.force_login(world.worker)
    client.get(f"/huishoudens/{planned['h']}/plan/{planned['p']}/")
    api.force_authenticate(world.worker)
    api.get(f"/api/v1/plans/{planned['p']}/")
    api.get("/api/v1/plans/")
    new_rows = AccessLogEntry.objects.filter(id__gt=since, action__in=CASE_ACTIONS)
    assert list(new_rows.order_by("id").values_list("action", "what")) == [
        ("view", "plan 1"),
        ("view", "plan 1"),
        ("list", "plans (api)"),
    ]


def test_goal_can_be_changed_on_the_page_and_through_the_api(world, client, api):
    plan = start_plan(world)
    goal = add_goal(world, plan)
    client.force_login(world.worker)
    url = f"/huishoudens/{world.household.id}/plan/{plan.id}/doelen/{goal.id}/"
    form = client.get(url).context["form"]
    assert form.initial["what"] == goal.what
    data = {
        "expected_version": 2,
        "domain_code": "wonen",
        "client_words": "x",
        "what": "Gewijzigd op de pagina",
        "indicator": "y",
        "owner": "z",
        "deadline": TODAY().isoformat(),
    }
    assert client.post(url, data).status_code == 302
    api.force_authenticate(world.worker)
    response = api.post(
        f"/api/v1/plans/{plan.id}/goal-update/",
        data | {"goal": goal.id, "expected_version": 3, "what": "Via de API"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["goals"][0]["what"] == "Via de API"
    stale = api.post(
        f"/api/v1/plans/{plan.id}/goal-update/", data | {"goal": goal.id, "expected_version": 3}, format="json"
    )
    assert stale.status_code == 400 and "doel gewijzigd: Via de API" in stale.json()["version"][0]
    api.force_authenticate(world.other_worker)
    assert (
        api.post(
            f"/api/v1/plans/{plan.id}/goal-update/", data | {"goal": goal.id, "expected_version": 4}, format="json"
        ).status_code
        == 404
    )
    client.force_login(world.other_worker)
    assert client.get(url).status_code == 404


def test_a_closed_household_shows_its_last_plan_read_only(world, client):
    from wijkkracht.households.models import HouseholdStatus

    plan = start_plan(world)
    add_goal(world, plan, what="Huur regelen")
    world.household.status = HouseholdStatus.CLOSED
    world.household.save(update_fields=["status"])
    Plan.objects.filter(id=plan.id).update(status="evaluated", evaluated_on=TODAY())
    client.force_login(world.worker)
    response = client.get(f"/huishoudens/{world.household.id}/plan/", follow=True)
    assert response.redirect_chain[-1][0] == f"/huishoudens/{world.household.id}/plan/{plan.id}/"
    content = response.content.decode()
    assert "Huur regelen" in content and "Doel toevoegen" not in content
