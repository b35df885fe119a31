import datetime

import pytest

from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.plans.models import Action, Goal, Plan, Suggestion
from wijkkracht.plans.tests.helpers import TODAY, add_action, add_goal, complete_intake, start_plan
from wijkkracht.privacy.models import CASE_ACTIONS, AccessLogEntry
from wijkkracht.security.testing import login_verified


def days_ago(days):
    return (TODAY() - datetime.timedelta(days=days)).isoformat()


def says(message, english, dutch):
    """New messages read Dutch once the lead compiles the translations; until then English."""
    return english in message or dutch in message


GOAL = {
    "domain": "wonen",
    "client_words": "Een dak boven ons hoofd",
    "what": "Huurachterstand oplossen",
    "indicator": "Huurcontract",
    "owner": "Anna",
}


class TestApi:
    def test_full_flow(self, world, api):
        measurement = complete_intake(world, date=TODAY() - datetime.timedelta(days=5))
        api.force_authenticate(world.worker)
        created = api.post(
            "/api/v1/plans/",
            {
                "household": world.household.id,
                "plan_date": days_ago(5),
                "evaluation_date": (TODAY() + datetime.timedelta(days=90)).isoformat(),
            },
            format="json",
        )
        assert created.status_code == 201, created.json()
        plan = created.json()
        assert plan["baseline"] == measurement.id  # the default starting point
        assert created["ETag"] == '"1"'
        housing = next(s for s in plan["suggestions"] if s["rule_code"] == "housing-first")
        assert housing["domain"] == "wonen"
        accepted = api.post(
            f"/api/v1/plans/{plan['id']}/goals/",
            GOAL | {"suggestion": housing["id"], "what": housing["text"], "deadline": TODAY().isoformat()},
            format="json",
        )
        assert accepted.status_code == 201, accepted.json()
        goal = accepted.json()
        assert goal["priority"] is True and goal["domain"] == "wonen" and goal["lock_version"] == 1
        assert accepted["ETag"] == '"1"'
        assert Suggestion.objects.get(id=housing["id"]).status == "accepted"
        with_action = api.post(
            f"/api/v1/plans/{plan['id']}/goals/{goal['id']}/actions/",
            {
                "description": "Bellen met corporatie",
                "owner_type": "partner",
                "owner_name": "Woonstede",
                "due_date": TODAY().isoformat(),
                "method": "sociale-activering",
            },
            format="json",
        )
        assert with_action.status_code == 201, with_action.json()
        action = with_action.json()
        assert action["owner"] == "Woonstede" and action["method"] == "sociale-activering"
        assert action["method_name"] and len(action["checklist"]) == 8
        ticked = api.patch(
            f"/api/v1/plans/{plan['id']}/actions/{action['id']}/",
            {"lock_version": 1, "status": "active", "done_steps": [0, 2]},
            format="json",
        )
        assert ticked.status_code == 200 and ticked["ETag"] == '"2"'
        assert [step["done"] for step in ticked.json()["checklist"]][:3] == [True, False, True]
        agreed = api.post(
            f"/api/v1/plans/{plan['id']}/agreement/",
            {
                "lock_version": 1,
                "discussed_on": TODAY().isoformat(),
                "agreed": True,
                "present_members": [world.household.members.get().id],
                "client_comment": "Goed zo",
            },
            format="json",
        )
        assert agreed.status_code == 200 and agreed.json()["agreed_on"] == TODAY().isoformat()
        later = take(world, "integrale-nulmeting", 2, date=TODAY() - datetime.timedelta(days=1))
        evaluated = api.post(
            f"/api/v1/plans/{plan['id']}/evaluate/",
            {
                "measurement": later.id,
                "evaluated_on": days_ago(1),
                "next_evaluation_date": (TODAY() + datetime.timedelta(days=60)).isoformat(),
                "outcomes": [{"goal": goal["id"], "outcome": "not_achieved", "reason": "Wachtlijst"}],
            },
            format="json",
            headers={"If-Match": agreed["ETag"]},
        )
        assert evaluated.status_code == 201, evaluated.json()
        next_version = evaluated.json()
        assert next_version["number"] == 2 and next_version["plan_date"] == days_ago(1)
        assert [g["what"] for g in next_version["goals"]] == [housing["text"]]
        assert next_version["goals"][0]["actions"][0]["checklist"][2]["done"] is True
        versions = api.get(f"/api/v1/plans/?household={world.household.id}").json()["results"]
        assert [(p["number"], p["status"]) for p in versions] == [(2, "active"), (1, "evaluated")]
        assert [p["number"] for p in api.get("/api/v1/plans/?active=true").json()["results"]] == [2]
        assert [p["number"] for p in api.get("/api/v1/plans/?active=false").json()["results"]] == [1]
        assert api.get("/api/v1/plans/?active=soms").status_code == 400

    def test_a_plan_before_the_intake_is_400_and_nothing_is_saved(self, world, api):
        api.force_authenticate(world.worker)
        response = api.post(
            "/api/v1/plans/",
            {"household": world.household.id, "plan_date": TODAY().isoformat(), "evaluation_date": TODAY().isoformat()},
            format="json",
        )
        assert response.status_code == 400
        assert says(response.json()["household"][0], "intake", "intake")
        assert not Plan.objects.exists()

    def test_an_evaluation_on_the_same_day_0_meting_is_400(self, world, api):
        measurement = complete_intake(world)
        plan = start_plan(world)
        goal = add_goal(world, plan)
        api.force_authenticate(world.worker)
        response = api.post(
            f"/api/v1/plans/{plan.id}/evaluate/",
            {
                "lock_version": 1,
                "measurement": measurement.id,
                "next_evaluation_date": TODAY().isoformat(),
                "outcomes": [{"goal": goal.id, "outcome": "achieved", "reason": "Gelukt"}],
            },
            format="json",
        )
        assert response.status_code == 400
        assert says(response.json()["measurement"][0], "after the plan's starting point", "na het startpunt")
        plan.refresh_from_db()
        assert plan.is_active and Plan.objects.count() == 1

    def test_an_outcome_error_names_its_place_in_the_body(self, world, api):
        complete_intake(world, date=TODAY() - datetime.timedelta(days=3))
        plan = start_plan(world, plan_date=TODAY() - datetime.timedelta(days=3))
        first, second = add_goal(world, plan), add_goal(world, plan, what="Tweede")
        later = take(world, "integrale-nulmeting", 2)
        api.force_authenticate(world.worker)
        response = api.post(
            f"/api/v1/plans/{plan.id}/evaluate/",
            {
                "lock_version": 1,
                "measurement": later.id,
                "next_evaluation_date": TODAY().isoformat(),
                "outcomes": [
                    {"goal": first.id, "outcome": "achieved", "reason": "Gelukt"},
                    {"goal": second.id, "outcome": "partly", "reason": " "},
                ],
            },
            format="json",
        )
        assert response.status_code == 400
        body = response.json()
        # The API's exception handler flattens nested errors; either way the path is outcomes → 1 → reason.
        flat = body.get("outcomes.1.reason") or body.get("outcomes", [{}, {}])[1].get("reason")
        assert flat, body
        assert Plan.objects.count() == 1

    def test_a_stale_goal_version_is_refused_with_what_changed(self, world, api):
        plan = start_plan(world)
        goal = add_goal(world, plan, what="Huur regelen")
        api.force_authenticate(world.worker)
        url = f"/api/v1/plans/{plan.id}/goals/{goal.id}/"
        read = api.get(url)
        assert read.status_code == 200 and read["ETag"] == '"1"' and read.json()["what"] == "Huur regelen"
        changed = api.patch(url, {"lock_version": 1, "what": "Via de API"}, format="json")
        assert changed.status_code == 200 and changed.json()["what"] == "Via de API" and changed["ETag"] == '"2"'
        assert changed.json()["domain"] == "wonen"  # fields left out keep their value
        api.force_authenticate(world.colleague)
        stale = api.patch(url, {"lock_version": 1, "what": "Iets anders"}, format="json")
        assert stale.status_code == 400
        assert "doel gewijzigd: Via de API" in stale.json()["lock_version"][0]
        precondition = api.patch(url, {"what": "Iets anders"}, format="json", headers={"If-Match": '"1"'})
        assert precondition.status_code == 412 and "Via de API" in precondition.json()["lock_version"][0]
        missing = api.patch(url, {"what": "Iets anders"}, format="json")
        assert missing.status_code == 400 and "lock_version" in missing.json()
        goal.refresh_from_db()
        assert goal.what == "Via de API" and goal.lock_version == 2

    def test_editing_another_goal_is_not_refused_after_a_tick(self, world, api):
        plan = start_plan(world)
        housing, work = add_goal(world, plan), add_goal(world, plan, domain_code="werk", what="Werk")
        action = add_action(world, work, method_code="sociale-activering")
        api.force_authenticate(world.worker)
        ticked = api.patch(
            f"/api/v1/plans/{plan.id}/actions/{action.id}/", {"lock_version": 1, "done_steps": [0]}, format="json"
        )
        assert ticked.status_code == 200
        api.force_authenticate(world.colleague)
        changed = api.patch(f"/api/v1/plans/{plan.id}/goals/{housing.id}/", {"lock_version": 1, "owner": "Bas"})
        assert changed.status_code == 200, changed.json()

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"domain": ""}, "domain"),
            ({"domain": "maan"}, "domain"),
            ({"deadline": "2000-01-01"}, "deadline"),
            ({"instrument": "horoscoop", "instrument_domain": "x", "target_score": 1}, "instrument"),
        ],
    )
    def test_bad_goal_input_is_400(self, world, api, payload, field):
        plan = start_plan(world)
        api.force_authenticate(world.worker)
        response = api.post(
            f"/api/v1/plans/{plan.id}/goals/", GOAL | {"deadline": TODAY().isoformat()} | payload, format="json"
        )
        assert response.status_code == 400 and field in response.json()
        assert not Goal.objects.exists()

    def test_action_owner_and_method_must_exist(self, world, api):
        plan = start_plan(world)
        goal = add_goal(world, plan)
        api.force_authenticate(world.worker)
        response = api.post(
            f"/api/v1/plans/{plan.id}/goals/{goal.id}/actions/",
            {
                "description": "Doen",
                "owner_type": "client",
                "owner_person": 999999,
                "due_date": TODAY().isoformat(),
                "method": "tarot",
            },
            format="json",
        )
        assert response.status_code == 400 and {"owner_person", "method"} <= set(response.json())
        assert not Action.objects.exists()

    def test_a_goal_or_action_of_another_plan_is_404(self, world, api):
        plan = start_plan(world)
        goal = add_goal(world, plan)
        action = add_action(world, goal)
        api.force_authenticate(world.worker)
        other = 999_999
        assert api.get(f"/api/v1/plans/{other}/goals/{goal.id}/").status_code == 404
        assert api.get(f"/api/v1/plans/{other}/actions/{action.id}/").status_code == 404
        assert api.get(f"/api/v1/plans/{plan.id}/goals/{other}/").status_code == 404

    def test_suggestions_are_refreshed_and_dismissed_without_a_version(self, world, api):
        complete_intake(world, dict.fromkeys(GOOD, 1), date=TODAY() - datetime.timedelta(days=2))
        plan = start_plan(world, plan_date=TODAY() - datetime.timedelta(days=2))
        take(world, "integrale-nulmeting", dict.fromkeys(GOOD, 1) | {"wonen": 4})
        api.force_authenticate(world.worker)
        refreshed = api.post(f"/api/v1/plans/{plan.id}/refresh-suggestions/", format="json")
        assert refreshed.status_code == 200
        assert [s["rule_code"] for s in refreshed.json()["suggestions"]] == ["housing-first"]
        suggestion = refreshed.json()["suggestions"][0]["id"]
        dismissed = api.post(
            f"/api/v1/plans/{plan.id}/dismiss-suggestion/", {"suggestion": suggestion, "reason": "Eigen huis"}
        )
        assert dismissed.status_code == 200 and dismissed.json()["suggestions"][0]["status"] == "dismissed"

    def test_methods_catalogue_is_readable_by_staff_and_paginated(self, world, api):
        api.force_authenticate(world.policy_officer)
        methods = api.get("/api/v1/methods/").json()
        assert methods["count"] == 11 and {m["level"] for m in methods["results"]} == {"eerste", "tweede"}


GOOD = ["veiligheid", "wonen", "opleiding", "werk", "opvoeden", "vrije-tijd", "zorg", "financien"]


class TestPages:
    def test_plan_page_orders_domains_by_severity_with_words(self, world, client):
        complete_intake(world)
        plan = start_plan(world)
        add_goal(
            world,
            plan,
            domain_code="vrije-tijd",
            what="Sporten",
            instrument_code="integrale-nulmeting",
            instrument_domain="financien",
            target_score=2,
        )
        client.force_login(world.worker)
        page = client.get(f"/huishoudens/{world.household.id}/plan/").url
        response = client.get(page)
        content = response.content.decode()
        codes = [column.domain.code for column in response.context["overview"].columns]
        assert codes.index("wonen") < codes.index("gezondheid") < codes.index("vrije-tijd")
        assert "Individuele voorzieningen" in content and "badge--overdue" in content
        assert "Integrale nulmeting – Financiën → 2 (Sociaal netwerk)" in content
        assert "financien → 2" not in content and "probleem in diagnose" not in content
        assert "Werk op meerdere sporen" in content and "Overnemen als doel" in content

    def test_the_action_shows_its_method_and_dates_in_words(self, world, client):
        plan = start_plan(world)
        goal = add_goal(world, plan, deadline=datetime.date(TODAY().year + 1, 12, 11))
        add_action(world, goal, method_code="sociale-activering")
        client.force_login(world.worker)
        content = client.get(f"/huishoudens/{world.household.id}/plan/{plan.id}/").content.decode()
        assert "Sociale activering" in content and f"11 december {TODAY().year + 1}" in content
        assert " Dec " not in content

    def test_plan_forms_have_no_dashes_and_conditional_fields_say_when(self, world, client):
        plan = start_plan(world)
        goal = add_goal(world, plan)
        client.force_login(world.worker)
        base = f"/huishoudens/{world.household.id}/plan/{plan.id}"
        for url in (
            f"/huishoudens/{world.household.id}/plan/",
            f"{base}/doelen/nieuw/",
            f"{base}/doelen/{goal.id}/",
            f"{base}/doelen/{goal.id}/acties/nieuw/",
            f"{base}/geen-werkdoel/",
            f"{base}/evaluatie/",
        ):
            response = client.get(url, follow=True)
            content = response.content.decode()
            assert "---------" not in content and ">–<" not in content, url
        action_form = client.get(f"{base}/doelen/{goal.id}/acties/nieuw/").context["form"]
        for name in ("owner_person", "owner_user", "owner_name"):
            assert action_form.fields[name].required_when  # its label says when, not "optional"
        assert action_form.fields["method"].required is False
        page = client.get(f"{base}/doelen/{goal.id}/acties/nieuw/").content.decode()
        assert page.count('class="optional"') == 4  # the three conditions and the method

    def test_stale_goal_edit_shows_the_conflict(self, world, client):
        plan = start_plan(world)
        goal = add_goal(world, plan, what="Eerste doel")
        data = {
            "expected_version": 1,
            "domain": "financien",
            "client_words": "x",
            "what": "Tweede",
            "indicator": "y",
            "owner": "z",
            "deadline": TODAY().isoformat(),
        }
        url = f"/huishoudens/{world.household.id}/plan/{plan.id}/doelen/{goal.id}/"
        client.force_login(world.worker)
        assert client.post(url, data | {"what": "Gewijzigd op de pagina"}).status_code == 302
        client.force_login(world.colleague)
        response = client.post(url, data)
        assert response.status_code == 200
        assert "doel gewijzigd: Gewijzigd op de pagina" in response.content.decode()
        goal.refresh_from_db()
        assert goal.what == "Gewijzigd op de pagina"

    def test_evaluation_page_takes_the_evaluation_date_and_maps_errors_to_the_goal(self, world, client):
        complete_intake(world, date=TODAY() - datetime.timedelta(days=3))
        plan = start_plan(world, plan_date=TODAY() - datetime.timedelta(days=3))
        goal = add_goal(world, plan)
        later = take(world, "integrale-nulmeting", 2, date=TODAY() - datetime.timedelta(days=1))
        client.force_login(world.worker)
        url = f"/huishoudens/{world.household.id}/plan/{plan.id}/evaluatie/"
        form = client.get(url).context["form"]
        assert [value for value, _label in form.fields["measurement"].choices] == ["", later.id]
        data = {
            "expected_version": 1,
            "measurement": later.id,
            "evaluated_on": (TODAY() + datetime.timedelta(days=1)).isoformat(),
            "next_evaluation_date": (TODAY() + datetime.timedelta(days=30)).isoformat(),
            f"outcome_{goal.id}": "achieved",
            f"reason_{goal.id}": "Gelukt",
        }
        refused = client.post(url, data)
        assert refused.status_code == 200 and refused.context["form"].errors["evaluated_on"]
        assert Plan.objects.count() == 1
        done = client.post(url, data | {"evaluated_on": (TODAY() - datetime.timedelta(days=1)).isoformat()})
        assert done.status_code == 302
        plan.refresh_from_db()
        assert plan.evaluated_on == TODAY() - datetime.timedelta(days=1)

    def test_print_page_is_plain_language_with_the_target(self, world, client):
        plan = start_plan(world)
        add_goal(world, plan)
        client.force_login(world.worker)
        content = client.get(f"/huishoudens/{world.household.id}/plan/{plan.id}/print/").content.decode()
        assert "Dit is uw plan" in content and "Wie doet wat" not in content  # no actions yet, so no table
        assert "Wat wilt u bereiken?" in content and "chart--target" in content

    def test_overdue_evaluation_appears_in_the_caseload(self, world, client):
        complete_intake(world, date=TODAY() - datetime.timedelta(days=7))
        plan = start_plan(
            world,
            plan_date=TODAY() - datetime.timedelta(days=7),
            evaluation_date=TODAY() - datetime.timedelta(days=1),
        )
        client.force_login(world.worker)
        rows = client.get("/huishoudens/mijn/?overdue=1").context["page"].object_list
        assert [h.plan_evaluation_date for h in rows] == [plan.evaluation_date]


FOREIGN = ["other_worker", "other_coordinator", "regisseur"]
ENDPOINTS = [
    ("get", "/huishoudens/{h}/plan/", None),
    ("post", "/huishoudens/{h}/plan/", {"plan_date": "{today}", "evaluation_date": "{today}"}),
    ("get", "/huishoudens/{h}/plan/{p}/", None),
    ("get", "/huishoudens/{h}/plan/{p}/print/", None),
    ("get", "/huishoudens/{h}/plan/{p}/doelen/nieuw/", None),
    ("post", "/huishoudens/{h}/plan/{p}/doelen/nieuw/", {"domain": "wonen"}),
    ("get", "/huishoudens/{h}/plan/{p}/doelen/{g}/", None),
    ("post", "/huishoudens/{h}/plan/{p}/doelen/{g}/acties/nieuw/", {"description": "x"}),
    ("post", "/huishoudens/{h}/plan/{p}/acties/{a}/", {"expected_version": "1", "status": "done"}),
    ("post", "/huishoudens/{h}/plan/{p}/suggesties/{s}/afwijzen/", {"reason": "x"}),
    ("post", "/huishoudens/{h}/plan/{p}/suggesties/vernieuwen/", {}),
    ("get", "/huishoudens/{h}/plan/{p}/afspraak/", None),
    ("get", "/huishoudens/{h}/plan/{p}/geen-werkdoel/", None),
    ("get", "/huishoudens/{h}/plan/{p}/evaluatie/", None),
    ("api-get", "/api/v1/plans/{p}/", None),
    ("api-post", "/api/v1/plans/", {"household": "{h}", "plan_date": "{today}", "evaluation_date": "{today}"}),
    ("api-post", "/api/v1/plans/{p}/goals/", GOAL | {"deadline": "{today}"}),
    ("api-get", "/api/v1/plans/{p}/goals/{g}/", None),
    ("api-patch", "/api/v1/plans/{p}/goals/{g}/", {"lock_version": 1, "what": "x"}),
    (
        "api-post",
        "/api/v1/plans/{p}/goals/{g}/actions/",
        {"description": "x", "owner_type": "partner", "owner_name": "y", "due_date": "{today}"},
    ),
    ("api-get", "/api/v1/plans/{p}/actions/{a}/", None),
    ("api-patch", "/api/v1/plans/{p}/actions/{a}/", {"lock_version": 1, "status": "done"}),
    ("api-post", "/api/v1/plans/{p}/dismiss-suggestion/", {"suggestion": "{s}", "reason": "x"}),
    ("api-post", "/api/v1/plans/{p}/refresh-suggestions/", {}),
    ("api-post", "/api/v1/plans/{p}/agreement/", {"lock_version": 1}),
    ("api-post", "/api/v1/plans/{p}/work-goal-reason/", {"lock_version": 1}),
    ("api-post", "/api/v1/plans/{p}/evaluate/", {"lock_version": 1}),
]


@pytest.fixture
def planned(world):
    complete_intake(world)
    plan = start_plan(world)
    goal = add_goal(world, plan)
    action = add_action(world, goal)
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


def state():
    return (
        Plan.objects.count(),
        Goal.objects.count(),
        Action.objects.count(),
        list(Plan.objects.values_list("lock_version", flat=True)),
        list(Goal.objects.values_list("lock_version", "what")),
        list(Action.objects.values_list("lock_version", "status")),
        list(Suggestion.objects.values_list("status", flat=True)),
    )


def call(client, api, user, method, url, data):
    if method.startswith("api-"):
        api.force_authenticate(user)
        return getattr(api, method[4:])(url, data, format="json")
    client.force_login(user)
    return getattr(client, method)(url, data or None)


@pytest.mark.parametrize("who", FOREIGN)
@pytest.mark.parametrize(("method", "url", "payload"), ENDPOINTS)
def test_other_teams_get_a_404_and_change_nothing(world, planned, client, api, who, method, url, payload):
    url = url.format(**planned)
    data = {key: fill(value, planned) for key, value in (payload or {}).items()}
    before = state()
    log_before = AccessLogEntry.objects.filter(action__in=CASE_ACTIONS).count()
    response = call(client, api, getattr(world, who), method, url, data)
    assert response.status_code == 404, response.content[:300]
    assert state() == before
    assert AccessLogEntry.objects.filter(action__in=CASE_ACTIONS).count() == log_before  # a refused row only


@pytest.mark.parametrize("who", ["policy_officer", "functional_admin"])
@pytest.mark.parametrize(("method", "url", "payload"), ENDPOINTS)
def test_roles_without_case_access_are_refused(world, planned, client, api, who, method, url, payload):
    user = getattr(world, who)
    url = url.format(**planned)
    data = {key: fill(value, planned) for key, value in (payload or {}).items()}
    before = state()
    if not method.startswith("api-"):
        login_verified(client, user)
        response = getattr(client, method)(url, data or None)
    else:
        response = call(client, api, user, method, url, data)
    assert response.status_code == 403, response.content[:300]
    assert state() == before


def test_other_teams_see_no_plans_in_the_list(world, planned, api):
    api.force_authenticate(world.other_worker)
    assert api.get("/api/v1/plans/").json()["count"] == 0


def test_viewing_a_plan_goal_and_action_is_access_logged(world, planned, client, api):
    since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0  # append-only
    client.force_login(world.worker)
    client.get(f"/huishoudens/{planned['h']}/plan/{planned['p']}/")
    api.force_authenticate(world.worker)
    api.get(f"/api/v1/plans/{planned['p']}/")
    api.get(f"/api/v1/plans/{planned['p']}/goals/{planned['g']}/")
    api.get(f"/api/v1/plans/{planned['p']}/actions/{planned['a']}/")
    api.get("/api/v1/plans/")
    new_rows = AccessLogEntry.objects.filter(id__gt=since, action__in=CASE_ACTIONS)
    assert list(new_rows.order_by("id").values_list("action", "what")) == [
        ("view", "plan 1"),
        ("view", "plan 1"),
        ("view", "goal"),
        ("view", "action"),
        ("list", "plans (api)"),
    ]


def test_a_closed_household_shows_its_last_plan_read_only(world, client):
    from wijkkracht.households.models import HouseholdStatus

    plan = start_plan(world)
    add_goal(world, plan, what="Huur regelen")
    world.household.status = HouseholdStatus.CLOSED
    world.household.save(update_fields=["status"])
    Plan.objects.filter(id=plan.id).update(status="evaluated", evaluated_on=TODAY())
    household_figures_refresh(household_ids=[world.household.id])  # as the services would
    client.force_login(world.worker)
    response = client.get(f"/huishoudens/{world.household.id}/plan/", follow=True)
    assert response.redirect_chain[-1][0] == f"/huishoudens/{world.household.id}/plan/{plan.id}/"
    content = response.content.decode()
    assert "Huur regelen" in content and "Doel toevoegen" not in content
