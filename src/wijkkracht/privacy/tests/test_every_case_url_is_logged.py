"""Every URL of a household or a record of one writes an access-log row: one test walks them all.

The URL patterns come from Django's resolver (pages and API, with and without a format suffix); nothing
here lists them. Every pattern with an id keyword argument is either filled with real records of a
household of the worker's own team, or named in NOT_CASE_DATA with a reason. A new page or endpoint
that takes an id therefore fails this test until it is logged (or is shown not to be about a case).

Per pattern, with a GET:
- a case worker of the team: 200 or a redirect, and at least one view/list row for that household (and the
  member's id where the URL names a member), no row for any other household; or 405 for an endpoint that
  only takes POST. A 405 writes no row at all, for anyone: no access decision was taken, nothing was shown
  (Django's `require_POST` answers before any check; the API checks the role first, see below);
- a worker of another team, and a worker asking for ids that do not exist: 404 and one `refused` row with
  the household id that was asked for (the same for foreign and missing), or 405 and no row;
- a policy officer (no case access): 403 and one `refused` row, or 405 and no row.
API list endpoints of case data write one `list` row per household shown.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from wijkkracht.casefile.tests.handover_helpers import start_handover
from wijkkracht.common.tests.shared_world import shared_data
from wijkkracht.conftest import World, make_world
from wijkkracht.consent.tests.helpers import organization as consent_organization
from wijkkracht.consent.tests.helpers import record as consent_record_for_tests
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.escalations.tests.helpers import escalation_records
from wijkkracht.households.tests.factories import ContactFactory, HouseholdFactory, PersonFactory, TaskFactory
from wijkkracht.mandate.tests.measure_helpers import measure_records
from wijkkracht.plans.models import Suggestion
from wijkkracht.plans.tests.helpers import add_goal, household_with_diagnosis, start_plan
from wijkkracht.privacy.models import SIGN_IN_ACTIONS, AccessLogEntry, AccessLogSubject
from wijkkracht.referrals.tests.helpers import send as referral_for_tests

#: Patterns with an id argument that are not about a household, by URL name, with the reason.
NOT_CASE_DATA = {
    "password_reset_confirm": "the one-time link to choose a password: the account holder's own, no case data",
    "api_token_revoke": "the user's own API key; no case data",
    "team-detail": "teams are configuration",
    "district-detail": "districts (wijken) are configuration",
    "instrument-detail": "instrument definitions are policy data",
    "organization-detail": "the social map: organisations and their services, no personal data",
    "service-detail": "the social map: a service of an organisation, no personal data",
    "budget-detail": "a team's budget: amounts of the team (per kind of measure at most), no household's data",
}
#: The management site (admin) holds configuration only; the test below checks no case model is in it.
NOT_CASE_NAMESPACES = {
    "admin": "configuration and staff accounts; no case model is registered in the admin",
    # Case data, but not a case worker's: every case role gets 403 there. A partner's read of a referral is a
    # `disclose` row, its refusals 404 rows: common/tests/test_partner_isolation.py walks them.
    "partner": "a partner organisation's pages (role partner only); logged and walked by test_partner_isolation.py",
    "socialmap": "the social map (sociale kaart): organisations and services, no personal data",
}
#: API lists that are not case data.
NOT_CASE_LISTS = {
    "team-list": "configuration",
    "district-list": "configuration",
    "instrument-list": "policy data",
    "method-list": "policy data",
    "organization-list": "the social map: no personal data",
    "service-list": "the social map: no personal data",
    "api-root": "an index of links",
    "workload-list": "figures per worker (counts), no household's data; for team coordinators only",
    "outcomes-indicator-list": "policy data (the indicators' definitions)",
    "outcomes-conclusion-list": "what meetings concluded about outliers: aggregates, no household's data",
    "budget-list": "the budgets of the user's teams: amounts of a team, no household's data",
}
CASE_APPS = {"households", "diagnosis", "plans"}
MISSING = 987_654_321
PERSON_KWARGS = {"person_id"}


@dataclass(frozen=True)
class Route:
    route: str
    name: str  # namespace:name
    pattern: URLPattern

    @property
    def kwargs(self) -> list[str]:
        return list(self.pattern.pattern.regex.groupindex)

    @property
    def url_name(self) -> str:
        return self.pattern.name or ""

    @property
    def id_kwargs(self) -> list[str]:
        return [name for name in self.kwargs if name != "format"]

    @property
    def basename(self) -> str:
        return self.url_name.split("-")[0]

    def __str__(self) -> str:
        return f"{self.name}{'.format' if 'format' in self.kwargs else ''}"


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[Route]:
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            routes += walk(entry, prefix + str(entry.pattern), inner)
        else:
            routes.append(Route(prefix + str(entry.pattern), f"{namespace}:{entry.name}".strip(":"), entry))
    return routes


ROUTES = walk(get_resolver())


def namespace_of(route: Route) -> str:
    return route.name.split(":")[0] if ":" in route.name else ""


def is_allowed_without_log(route: Route) -> bool:
    return route.url_name in NOT_CASE_DATA or namespace_of(route) in NOT_CASE_NAMESPACES


CASE_ROUTES = [route for route in ROUTES if route.id_kwargs and not is_allowed_without_log(route)]
API_LISTS = [route for route in ROUTES if route.url_name.endswith("-list") or route.url_name == "api-root"]


@dataclass
class Case:
    """A household of the worker's own team with one record of every kind."""

    ids: dict[str, int]
    household_id: int
    person_id: int

    def fill(self, route: Route, missing: bool = False) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in route.kwargs:
            if name == "format":
                values[name] = "json"
                continue
            kind = route.basename if name == "pk" else name.removesuffix("_id")
            if kind not in self.ids:
                raise AssertionError(
                    f"{route}: the keyword argument {name!r} names no record this test knows. Add a record of "
                    "that kind to the `case` fixture (and make the page log its read), or add the pattern to "
                    "NOT_CASE_DATA with the reason it shows no case data."
                )
            values[name] = MISSING if missing else self.ids[kind]
        return values

    def names_person(self, route: Route) -> bool:
        return bool(PERSON_KWARGS & set(route.kwargs)) or (
            "pk" in route.kwargs and route.basename in {"person", "measurement", "income"}
        )


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The world and its case household, built once for the module's hundred URL patterns; each test runs
    in a savepoint of it (see `common.tests.shared_world`), so each still starts from exactly this data."""

    def build() -> tuple[World, Case]:
        world = make_world()
        return world, build_case(world)

    yield from shared_data(django_db_blocker, build)


@pytest.fixture
def world(shared, db) -> World:  # type: ignore[no-untyped-def]
    return shared[0]


@pytest.fixture
def case(shared, db) -> Case:  # type: ignore[no-untyped-def]
    return shared[1]


def build_case(world: World) -> Case:
    household = world.household
    anna = household.members.get()
    PersonFactory(household=household, first_name="Bas")
    measurement = household_with_diagnosis(world)
    take(world, "integrale-nulmeting", 3)
    take(world, "participatieladder", 2, person=anna)
    ladder = take(world, "participatieladder", 3, person=anna)  # a member's measurement, with progress
    plan = start_plan(world, baseline_id=measurement.id)
    goal = add_goal(world, plan)
    plan.refresh_from_db()
    from wijkkracht.plans import services as plan_services

    action = plan_services.action_add(
        access=world.access(),
        goal=goal,
        description="Bellen",
        owner_type="partner",
        owner_name="Corporatie",
        due_date=goal.deadline,
    )
    suggestion = Suggestion.objects.filter(plan=plan).first()
    assert suggestion is not None
    from wijkkracht.diagnosis import services as diagnosis_services

    diagnosis_services.work_score_waiver_record(access=world.access(), person=anna, reason="Mantelzorger")
    ids = {
        "household": household.id,
        "person": anna.id,
        "contact": ContactFactory(household=household).id,
        "task": TaskFactory(household=household).id,
        "measurement": ladder.id,
        "plan": plan.id,
        "goal": goal.id,
        "action": action.id,
        "suggestion": suggestion.id,
        "consent": consent_record_for_tests(world, consent_organization(), person_id=anna.id).id,
        "referral": referral_for_tests(world, action=action, person=anna).id,
        "handover": start_handover(world).id,
        "income": anna.income_work_records.get().id,  # income-work-record-detail; recorded by `make_world`
    }
    ids |= measure_records(world)  # measure-detail, approval-detail
    ids |= escalation_records(world)  # the escalation pages and escalation-detail
    # A second household of the team, so that a row for the wrong household would show.
    HouseholdFactory(team=world.team, contact_person=world.worker)
    return Case(ids=ids, household_id=household.id, person_id=anna.id)


def new_rows(since: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(id__gt=since).exclude(action__in=SIGN_IN_ACTIONS).order_by("id"))


def named_households(rows: list[AccessLogEntry]) -> list[int]:
    """The households the rows name in the per-household index (what "who saw household X" reads): the
    household of an entry about one, every household of a list entry; each (entry, household) once."""
    subjects = AccessLogSubject.objects.filter(entry__in=[row.id for row in rows])
    return sorted(subjects.values_list("household_id", flat=True))


def named_persons(rows: list[AccessLogEntry]) -> set[int | None]:
    return set(AccessLogSubject.objects.filter(entry__in=[row.id for row in rows]).values_list("person_id", flat=True))


def last_id() -> int:
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def get(client, api, route: Route, values: dict[str, Any]):
    path = reverse(route.name, kwargs=values)
    return path, (api if path.startswith("/api/") else client).get(path)


def test_the_walk_finds_the_case_urls():
    """The walk sees pages and API (guards the walker itself)."""
    names = {route.name for route in CASE_ROUTES}
    assert {"casefile:household", "households:member_edit", "plans:goal_edit", "diagnosis:work_waiver"} <= names
    assert {"household-detail", "person-detail", "measurement-progress", "plan-goals"} <= names
    assert len(CASE_ROUTES) >= 30


def test_no_case_model_is_in_the_management_site():
    """The reason the admin's id patterns need no access log (NOT_CASE_NAMESPACES)."""
    registered = {model._meta.app_label for model in admin.site._registry}
    assert not registered & CASE_APPS


def as_user(client, api, user) -> None:
    client.force_login(user)
    api.force_authenticate(user)


@pytest.mark.parametrize("route", CASE_ROUTES, ids=str)
def test_every_case_url_logs_reads_and_refusals(world, case, client, api, route):
    """One household fixture per URL pattern, four GETs: the team's worker, a worker of another team,
    the worker asking for ids that do not exist, and a policy officer."""
    # The team's own case worker: a view (or list) row for this household, naming the member if any.
    as_user(client, api, world.worker)
    since = last_id()
    path, response = get(client, api, route, case.fill(route))
    rows = new_rows(since)
    if response.status_code == 405:
        assert rows == [], f"GET {path}: a 405 writes no row"
    else:
        assert response.status_code in (200, 302), f"GET {path}: {response.status_code} {response.content[:300]!r}"
        assert rows, f"GET {path} showed case data and wrote no access-log row"
        assert set(named_households(rows)) == {case.household_id}, f"GET {path}: rows for other households"
        assert {row.action for row in rows} <= {"view", "list"}, f"GET {path}: {[row.action for row in rows]}"
        assert all(row.endpoint == f"GET {path}" and row.user_id == world.worker.id for row in rows)
        if case.names_person(route):
            assert case.person_id in {row.person_id for row in rows}, f"GET {path} is about one member: name them"
            assert case.person_id in named_persons(rows), f"GET {path}: the member is in the per-household index"

    # Another team's worker, and ids that do not exist: the same 404 and the same kind of refused row.
    for who, user, missing in [("another team", world.other_worker, False), ("missing ids", world.worker, True)]:
        as_user(client, api, user)
        values = case.fill(route, missing=missing)
        since = last_id()
        path, response = get(client, api, route, values)
        rows = new_rows(since)
        if response.status_code == 405:
            assert rows == [], f"GET {path} ({who}): a 405 writes no row"
            continue
        assert response.status_code == 404, f"GET {path} ({who}): {response.status_code}"
        assert [(row.action, row.user_id, row.endpoint) for row in rows] == [("refused", user.id, f"GET {path}")]
        asked = values.get("household_id", values.get("pk") if route.basename == "household" else None)
        assert rows[0].household_id == asked, f"GET {path} ({who}): the refused row names the household asked for"
        assert named_households(rows) == ([] if asked is None else [asked]), f"GET {path} ({who}): indexed"
        assert rows[0].what.startswith("404 ")

    # A role without case access: 403 and a refused row.
    as_user(client, api, world.policy_officer)
    since = last_id()
    path, response = get(client, api, route, case.fill(route))
    rows = new_rows(since)
    if response.status_code == 405:
        assert rows == [], f"GET {path} (policy officer): a 405 writes no row"
    else:
        assert response.status_code == 403, f"GET {path} as policy officer: {response.status_code}"
        assert [(row.action, row.user_id, row.what[:4]) for row in rows] == [
            ("refused", world.policy_officer.id, "403 ")
        ]


#: API lists only a team coordinator may ask for (anyone else: 403).
COORDINATOR_LISTS = {"workload-list", "outcomes-indicator-list", "outcomes-conclusion-list"}


@pytest.mark.parametrize("route", API_LISTS, ids=str)
def test_an_api_list_of_case_data_logs_every_household_shown(world, case, api, route):
    api.force_authenticate(world.coordinator if route.url_name in COORDINATOR_LISTS else world.worker)
    values = {"format": "json"} if "format" in route.kwargs else {}
    path = reverse(route.name, kwargs=values)
    since = last_id()
    response = api.get(path)
    assert response.status_code == 200, f"GET {path}: {response.status_code}"
    rows = new_rows(since)
    if route.url_name in NOT_CASE_LISTS:
        assert rows == []
        return
    body = response.json()
    items = body["results"] if isinstance(body, dict) else body
    assert items, f"GET {path}: the case fixture should give this list something to show"
    shown = {item["id"] if route.basename == "household" else item["household"] for item in items}
    assert named_households(rows) == sorted(shown), f"GET {path}: the list names every household shown, once"
    assert {row.action for row in rows} == {"list"}
