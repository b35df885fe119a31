"""The API keeps its contract: no server error on any input, and every answer is what the schema says.

- Schemathesis generates requests over the whole OpenAPI schema (valid and invalid ones) as a case worker
  whose team has a household with a measurement, a plan, a contact and a task, so ids in the schema's
  examples hit real records. Any 5xx, or any answer whose status, content type or body the schema does not
  document, fails the test. Bounded and deterministic: a few examples per operation, derandomized.
- Every URL of the API router is walked with ids that are no number or too large a number: a JSON 404,
  never a server error or an HTML page.
- The regressions schemathesis once found (integers past 64 bits, a house number past 2^31, JSON nested
  100,000 deep) answer 400 with a field message and save nothing.
"""

import json
import logging
import re
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient

from wijkkracht.api_urls import router
from wijkkracht.common.api import INT_MAX, MAX_ID, SMALLINT_MAX
from wijkkracht.common.parsers import MAX_DEPTH
from wijkkracht.common.tests.shared_world import shared_data
from wijkkracht.conftest import World, make_world
from wijkkracht.diagnosis.models import Measurement
from wijkkracht.households.models import Contact, Household
from wijkkracht.households.tests.factories import ContactFactory, TaskFactory
from wijkkracht.plans.tests.helpers import add_goal, household_with_diagnosis, start_plan

CSRF = "schemathesisschemathesisschemat1"  # a CSRF secret of the right form, sent as cookie and header


def openapi_schema() -> dict[str, Any]:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


#: The schema's example ids: each stands for a record of the worker's team, which the test creates and
#: puts in its place (ids differ per run and per database), so the examples phase reaches real records.
PATH_EXAMPLES = {
    "households": 900_000_001,
    "persons": 900_000_002,
    "contacts": 900_000_003,
    "tasks": 900_000_004,
    "measurements": 900_000_005,
    "plans": 900_000_006,
    "teams": 900_000_007,
    "districts": 900_000_008,
}
FIELD_EXAMPLES = {
    "household": PATH_EXAMPLES["households"],
    "team": PATH_EXAMPLES["teams"],
    "district": PATH_EXAMPLES["districts"],
    "person": PATH_EXAMPLES["persons"],
    "baseline": PATH_EXAMPLES["measurements"],
    "measurement": PATH_EXAMPLES["measurements"],
    "goal": 900_000_009,
    "contact_person": 900_000_010,
}


def with_examples(schema: dict[str, Any]) -> dict[str, Any]:
    """Give every `{id}` in a path, and the id fields of request bodies and query strings, an example."""
    for route, operations in schema["paths"].items():
        collection = route.removeprefix("/api/v1/").split("/")[0]
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id" and collection in PATH_EXAMPLES:
                    parameter["example"] = PATH_EXAMPLES[collection]
                if parameter["in"] == "query" and parameter["name"] in FIELD_EXAMPLES:
                    parameter["example"] = FIELD_EXAMPLES[parameter["name"]]
    for component in schema["components"]["schemas"].values():
        for name, field in component.get("properties", {}).items():
            if name in FIELD_EXAMPLES and not field.get("readOnly") and field.get("type") == "integer":
                field["example"] = FIELD_EXAMPLES[name]
    return schema


def build_real_ids(world: World) -> dict[int, int]:
    """A household of the worker's team with a member, a measurement, a plan with a goal, a contact and a
    task; maps each example id of the schema onto the record it stands for."""
    measurement = household_with_diagnosis(world)
    plan = start_plan(world, baseline_id=measurement.id)
    goal = add_goal(world, plan)
    records = {
        "households": world.household.id,
        "persons": world.household.members.first().id,
        "contacts": ContactFactory(household=world.household, worker=world.worker).id,
        "tasks": TaskFactory(household=world.household).id,
        "measurements": measurement.id,
        "plans": plan.id,
        "teams": world.team.id,
        "districts": world.team.wijken.first().id,
    }
    mapping = {PATH_EXAMPLES[name]: record for name, record in records.items()}
    mapping[FIELD_EXAMPLES["goal"]] = goal.id
    mapping[FIELD_EXAMPLES["contact_person"]] = world.worker.id
    world.household.refresh_from_db()  # the tests below send its lock_version as it is stored now
    return mapping


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The world and its records, built once for the module's hundred-odd operations; each test runs in a
    savepoint of it (see `common.tests.shared_world`), so each still starts from exactly this data. Tests
    that count records from a fresh `world` live in `test_api_query_filters.py`."""

    def build() -> tuple[World, dict[int, int]]:
        world = make_world()
        return world, build_real_ids(world)

    yield from shared_data(django_db_blocker, build)


@pytest.fixture
def world(shared, db) -> World:  # type: ignore[no-untyped-def]
    return shared[0]


@pytest.fixture
def real_ids(shared, db) -> dict[int, int]:  # type: ignore[no-untyped-def]
    return shared[1]


@pytest.fixture
def in_process_requests():
    """Requests go through Django's WSGI handler in the test's thread, inside the test's transaction: like
    Django's test client, keep the handler from closing that connection at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def session_cookies(world, client, in_process_requests) -> dict[str, str]:
    """Signed in as a case worker through the session (CSRF cookie and header as a browser sends them)."""
    client.force_login(world.worker)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 7,
        "headers": {"X-CSRFToken": CSRF},
        "generation": {"max-examples": 6, "deterministic": True, "database": "none", "no-shrink": True},
        "phases": {
            "examples": {"enabled": True},
            # Boundaries and just-outside values of every parameter and field: where overflows live.
            "coverage": {"enabled": True, "unexpected-methods": ["DELETE"]},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "checks": {
            # A request the schema allows may still break a business rule (a date in the future, a member
            # of another household): a documented 400, not a failure.
            "positive_data_acceptance": {"enabled": False},
            # DRF's CharField takes a number as its text ("last_name": 0 becomes "0"): lenient, not unsafe.
            "negative_data_rejection": {"enabled": False},
            # Signing in is the session's cookie, passed on every call; the security tests cover sign-in.
            "ignored_auth": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_dict(with_examples(openapi_schema()), config=CONFIG)
schema.app = WSGIHandler()


def put_real_ids(values: Any, real_ids: dict[int, int]) -> None:
    if isinstance(values, dict):
        for key, value in values.items():
            if isinstance(value, int) and value in real_ids:
                values[key] = real_ids[value]


@schema.parametrize()
@settings(max_examples=6, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_api_answer_keeps_the_schema(case, real_ids, session_cookies):
    """Not a server error, status code documented, content type and body as documented, invalid input
    refused: over every operation, as a case worker of the household's team."""
    for values in (case.path_parameters, case.query, case.body):
        put_real_ids(values, real_ids)
    case.call_and_validate(cookies=session_cookies)


# --- walking every URL ---------------------------------------------------------------------------------

BAD_IDS = ["abc", "false", "-1", "1.5", "9" * 19, "9" * 30, "%C2%84"]


def router_urls_with_an_id() -> list[str]:
    """Every API URL with a numeric id, with the placeholder 4242 where the id goes."""
    urls = []
    for pattern in router.urls:
        groups = pattern.pattern.regex.groupindex
        if pattern.name is not None and "pk" in groups and "format" not in groups:
            urls.append(reverse(pattern.name, kwargs=dict.fromkeys(groups, "4242")))  # nested ids too
    return sorted(set(urls))


def test_the_walk_covers_every_detail_route():
    urls = router_urls_with_an_id()
    assert "/api/v1/tasks/4242/complete/" in urls and "/api/v1/contacts/4242/" in urls
    assert len(urls) >= 20


@pytest.mark.parametrize("method", ["get", "post", "patch", "put", "delete"])
def test_every_api_url_answers_json_404_for_an_id_that_is_no_small_number(world, method):
    api = APIClient()
    api.force_authenticate(world.worker)
    for url in router_urls_with_an_id():
        for bad in BAD_IDS:
            bad_url = url.replace("4242", bad)
            response = getattr(api, method)(bad_url, {}, format="json")
            assert response.status_code == 404, (method, bad_url, response.status_code)
            assert response["Content-Type"].startswith("application/json"), (bad_url, response["Content-Type"])
            assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("method", ["get", "post", "patch"])
def test_an_id_of_18_digits_reaches_the_view_and_is_not_found(world, method):
    api = APIClient()
    api.force_authenticate(world.worker)
    for url in router_urls_with_an_id():
        response = getattr(api, method)(url.replace("4242", "9" * 18), {}, format="json")
        assert response.status_code in (404, 405), (url, response.status_code)
        assert response["Content-Type"].startswith("application/json")


def test_every_viewset_has_a_bounded_lookup():
    for _prefix, viewset, _basename in router.registry:
        # A bounded number of characters: numeric ids fit the id column, codes their field.
        assert re.search(r"\{\d*,\d+\}$", viewset.lookup_value_regex), viewset


@pytest.mark.parametrize("code", ["%C2%84", "x" * 41, "ABC", "1abc"])
def test_an_instrument_code_that_cannot_exist_is_json_404(world, code):
    api = APIClient()
    api.force_authenticate(world.worker)
    response = api.get(f"/api/v1/instruments/{code}/")
    assert response.status_code == 404 and isinstance(response.json()["detail"], str)


def test_unknown_api_url_is_json_404_for_anyone(client, db):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json() == {"detail": "Niet gevonden."}


def test_pages_outside_the_api_keep_their_html_404(client, db):
    response = client.get("/huishoudens/abc/")
    assert response.status_code == 404 and not response["Content-Type"].startswith("application/json")


# --- query parameters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/households/?district=99999999999999999999", "district"),
        ("/api/v1/households/?team=-1", "team"),
        ("/api/v1/households/?status=nonsense", "status"),
        ("/api/v1/households/?mine=perhaps", "mine"),
        ("/api/v1/households/?q=" + "x" * 101, "q"),
        ("/api/v1/households/?colour=red", "colour"),
        ("/api/v1/households/?page=0", "page"),
        ("/api/v1/households/?page=abc", "page"),
        ("/api/v1/contacts/?household=694827406435681566720", "household"),
        ("/api/v1/contacts/?household=1&household=2", "household"),
        ("/api/v1/tasks/?status=later", "status"),
        ("/api/v1/measurements/?household=abc", "household"),
        ("/api/v1/plans/?household=575335583907598575861760", "household"),
        ("/api/v1/persons/?household=false", "household"),
        ("/api/v1/teams/?format=xml", "format"),
        ("/api/v1/instruments/?page=0", "page"),
        ("/api/v1/teams/?page_size=0", "page_size"),
        ("/api/v1/households/{household}/?household=1", "household"),
        ("/api/v1/tasks/{task}/?status=open", "status"),
    ],
)
def test_unknown_or_ill_typed_query_parameters_are_400_with_a_field_message(world, url, field):
    api = APIClient()
    api.force_authenticate(world.worker)
    task = TaskFactory(household=world.household)
    response = api.get(url.format(household=world.household.id, task=task.id))
    assert response.status_code == 400, response.content
    assert isinstance(response.json()[field][0], str)


# --- bodies: integers past their column, deep JSON ------------------------------------------------------


def test_an_integer_past_64_bits_in_an_id_list_is_400_and_nothing_is_saved(world):
    api = APIClient()
    api.force_authenticate(world.worker)
    before = Contact.objects.count()
    response = api.post(
        "/api/v1/contacts/",
        {
            "household": world.household.id,
            "kind": "home_visit",
            "date": timezone.localdate().isoformat(),
            "duration_minutes": 30,
            "members": [10**22],
        },
    )
    assert response.status_code == 400 and "members.0" in response.json(), response.content
    assert Contact.objects.count() == before


def test_participants_past_64_bits_are_400_and_no_measurement_is_started(world):
    api = APIClient()
    api.force_authenticate(world.worker)
    before = Measurement.objects.count()
    response = api.post(
        "/api/v1/measurements/",
        {
            "household": world.household.id,
            "instrument": "integrale-nulmeting",
            "date": timezone.localdate().isoformat(),
            "participants": [int(1e22)],
        },
    )
    assert response.status_code == 400 and "participants.0" in response.json(), response.content
    assert Measurement.objects.count() == before


def test_a_household_id_past_64_bits_in_a_body_is_400(world):
    api = APIClient()
    api.force_authenticate(world.worker)
    response = api.post(
        "/api/v1/persons/",
        {
            "household": 2**64,
            "first_name": "A",
            "last_name": "B",
            "date_of_birth": "1980-01-01",
            "role": "parent",
        },
    )
    assert response.status_code == 400 and "household" in response.json()


def test_a_house_number_past_2_to_the_31_is_400_and_the_address_is_unchanged(world):
    api = APIClient()
    api.force_authenticate(world.worker)
    response = api.patch(
        f"/api/v1/households/{world.household.id}/",
        {"house_number": 2**31, "lock_version": world.household.lock_version},
    )
    assert response.status_code == 400 and "house_number" in response.json()
    assert Household.objects.get(id=world.household.id).house_number == world.household.house_number


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 100_000])
def test_json_nested_too_deeply_is_400_not_a_recursion_error(world, depth):
    api = APIClient()
    api.force_authenticate(world.worker)
    before = Contact.objects.count()
    body = "[" * depth + "]" * depth
    response = api.post("/api/v1/contacts/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["The request body is nested too deeply."]
    assert Contact.objects.count() == before


def test_a_body_that_is_not_json_is_400_or_415_in_the_error_shape(world):
    api = APIClient()
    api.force_authenticate(world.worker)
    broken = api.post("/api/v1/contacts/", "{not json", content_type="application/json")
    assert broken.status_code == 400 and isinstance(broken.json()["non_field_errors"][0], str)
    nan = api.post("/api/v1/contacts/", '{"household": NaN}', content_type="application/json")
    assert nan.status_code == 400
    form = api.post("/api/v1/contacts/", "household=1", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415 and isinstance(form.json()["detail"], str)


def test_every_integer_the_api_accepts_fits_its_column():
    """Structural: a new integer field without bounds (or with bounds past a 32-bit column, unless it is an
    id) fails here, before PostgreSQL or SQLite can overflow on it."""
    schema = openapi_schema()
    found = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "integer" and not node.get("readOnly"):
                found.append((where, node.get("minimum"), node.get("maximum")))
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")

    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                walk(parameter.get("schema", {}), f"{method} {route} {parameter['name']}")
    for name, component in schema["components"]["schemas"].items():
        if name.endswith("Request"):
            walk(component, name)
    assert found
    for where, minimum, maximum in found:
        assert minimum is not None and maximum is not None, f"{where} has no bounds"
        assert maximum == MAX_ID or maximum <= INT_MAX, f"{where}: maximum {maximum} overflows a 32-bit column"
        assert minimum >= -INT_MAX - 1, where
    assert any(maximum <= SMALLINT_MAX for _where, _minimum, maximum in found)


# --- the last resort -----------------------------------------------------------------------------------


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("unexpected")


urlpatterns = [path("api/v1/test-boom/", boom), path("", include("wijkkracht.urls"))]


@pytest.mark.urls(__name__)
def test_an_unexpected_error_outside_the_api_views_is_a_json_500_and_logged(world, client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/test-boom/")
    assert response.status_code == 500 and response.json() == {"detail": "Er is een serverfout opgetreden."}
    assert any(record.exc_info and record.exc_info[0] is RuntimeError for record in caplog.records)


def test_an_unexpected_error_in_an_api_view_is_a_json_500_and_logged(world, caplog, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):  # Django's cursor, not our code: the database fails mid-request
        if re.search(r"households_task", sql):
            raise RuntimeError("database gone")
        return original(self, sql, params)

    original = CursorWrapper.execute
    api = APIClient()
    api.force_authenticate(world.worker)
    monkeypatch.setattr(CursorWrapper, "execute", broken)
    with caplog.at_level(logging.ERROR):
        response = api.get("/api/v1/tasks/")
    monkeypatch.undo()
    assert response.status_code == 500 and response.json() == {"detail": "Er is een serverfout opgetreden."}
    assert any(record.exc_info and record.exc_info[0] is RuntimeError for record in caplog.records)
