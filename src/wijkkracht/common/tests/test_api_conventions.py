"""The API's conventions hold for every operation the schema names, not only for those someone remembered:

- **One error shape.** Every 400 (and 412) body is one flat object of field paths to lists of messages;
  nested input is named by dotted paths with list indexes (``members.1.bsn``). A walk sends every
  operation with a body a body of wrong values (nested lists of objects included) and every operation an
  unknown query parameter, and checks the answer's shape; the schema's ``FieldErrors`` says the same.
- **Every list paginated.** Every list in the schema answers pages of ``page_size`` records (at most 200),
  declares ``page`` and ``page_size`` once, and refuses a larger or non-numeric ``page_size`` with a 400
  that names only ``page_size``.
- **English names.** No Dutch resource names in paths, and the same field names for the same concept.
"""

import json
import re
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.test import APIClient

from wijkkracht.api_urls import router
from wijkkracht.casefile.tests.handover_helpers import start_handover
from wijkkracht.common.api import field_errors
from wijkkracht.common.pagination import MAX_PAGE_SIZE
from wijkkracht.common.tests.shared_world import shared_data
from wijkkracht.conftest import World, make_world
from wijkkracht.consent.tests.helpers import organization as consent_organization
from wijkkracht.consent.tests.helpers import record as consent_record_for_tests
from wijkkracht.diagnosis.models import Measurement
from wijkkracht.diagnosis.services import work_score_waiver_record
from wijkkracht.escalations.tests.helpers import escalation_records
from wijkkracht.households.models import Household, Person
from wijkkracht.households.tests.factories import ContactFactory, TaskFactory
from wijkkracht.mandate.tests.measure_helpers import measure_records
from wijkkracht.plans.tests.helpers import add_action, add_goal, household_with_diagnosis, start_plan
from wijkkracht.referrals.tests.helpers import send as referral_for_tests
from wijkkracht.socialmap.tests.helpers import service as socialmap_service


def openapi_schema() -> dict[str, Any]:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


SCHEMA = openapi_schema()
OPERATIONS = [
    (method.upper(), route, operation)
    for route, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
    if method in {"get", "post", "put", "patch", "delete"}
]


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SCHEMA["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in node:
            options = [resolve(option) for option in node[combinator]]
            return next((option for option in options if option.get("type") != "null" and option), options[0])
    return node


def is_paginated(operation: dict[str, Any]) -> bool:
    ok = operation["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
    return "results" in resolve(ok).get("properties", {})


#: GETs without an id that answer one object, not a list (registered as paths, not on the router).
SINGLE_ANSWERS = {
    "/api/v1/outcomes/benchmark/": "the benchmark of a period: aggregates in one answer",
    "/api/v1/mandate/rules/": "the mandate policy in force: one document",
}
LISTS = [
    (route, operation)
    for method, route, operation in OPERATIONS
    if method == "GET" and "{" not in route and route not in SINGLE_ANSWERS
]


def assert_flat(body: Any, where: str) -> None:
    assert isinstance(body, dict) and body, f"{where}: {body!r}"
    for key, messages in body.items():
        assert isinstance(key, str) and key, f"{where}: key {key!r}"
        assert " " not in key and "[" not in key, f"{where}: key {key!r} is not a dotted path"
        assert isinstance(messages, list) and messages, f"{where}: {key}: {messages!r}"
        assert all(isinstance(message, str) and message for message in messages), f"{where}: {key}: {messages!r}"


# --- the error shape, in the schema ---------------------------------------------------------------------


def test_the_field_errors_component_is_flat_lists_of_strings():
    component = SCHEMA["components"]["schemas"]["FieldErrors"]
    assert component["additionalProperties"] == {"type": "array", "items": {"type": "string"}, "minItems": 1}
    assert "properties" not in component


def test_every_400_and_412_the_schema_documents_is_field_errors_and_every_other_error_is_detail():
    seen_412 = 0
    for method, route, operation in OPERATIONS:
        for code, response in operation["responses"].items():
            if int(code) < 400:
                continue
            ref = response["content"]["application/json"]["schema"]["$ref"]
            expected = "FieldErrors" if code in {"400", "412"} else "Error"
            assert ref.endswith(f"/{expected}"), (method, route, code, ref)
            seen_412 += code == "412"
        assert "400" in operation["responses"], (method, route)
    assert seen_412 >= 3  # the versioned PATCHes


# --- the error shape, as answered -----------------------------------------------------------------------


def test_nested_errors_become_dotted_paths_with_list_indexes():
    drf_errors = {
        "members": {1: {"bsn": ["Invalid."], "non_field_errors": ["About member 2."]}},
        "outcomes": [{}, {"reason": ["Required."]}],
        "participants": {2: ["Too large."]},
        "scores": [{"value": [{"deeper": ["x"]}]}],
        "non_field_errors": ["About the request."],
        "members.0.bsn": ["From a service."],
    }
    assert field_errors(drf_errors) == {
        "members.1.bsn": ["Invalid."],
        "members.1": ["About member 2."],
        "outcomes.1.reason": ["Required."],
        "participants.2": ["Too large."],
        "scores.0.value.0.deeper": ["x"],
        "non_field_errors": ["About the request."],
        "members.0.bsn": ["From a service."],
    }
    assert field_errors(["a", "b"]) == {"non_field_errors": ["a", "b"]}
    assert field_errors({"detail": "Nope."}) == {"non_field_errors": ["Nope."]}


def build_records(world: World) -> dict[str, int]:
    """Real ids of the worker's team for every `{id}` in a path, by collection."""
    measurement = household_with_diagnosis(world)
    for person in world.household.members.all():  # the intake is complete without a work score then
        work_score_waiver_record(access=world.access(), person=person, reason="Mantelzorger")
    plan = start_plan(world, baseline_id=measurement.id)
    goal = add_goal(world, plan)
    social_map_service = socialmap_service()
    records = {
        "goal": goal.id,
        "action": add_action(world, goal).id,
        "households": world.household.id,
        "persons": world.household.members.first().id,
        "contacts": ContactFactory(household=world.household, worker=world.worker).id,
        "tasks": TaskFactory(household=world.household).id,
        "measurements": measurement.id,
        "plans": plan.id,
        "teams": world.team.id,
        "team": world.team.id,  # {team_id}: /api/v1/budgets/{team_id}/
        "districts": world.team.wijken.first().id,
        "consents": consent_record_for_tests(world, consent_organization()).id,
        "referrals": referral_for_tests(world).id,
        "handovers": start_handover(world).id,
        "income-work-records": world.household.members.first().income_work_records.first().id,
        "organizations": social_map_service.organization_id,
        "services": social_map_service.id,
    }
    records |= measure_records(world)
    records |= escalation_records(world)
    world.household.refresh_from_db()  # as it is stored now (its lock_version, its figures)
    return records


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The world and a record of every kind, built once for the module's few hundred operations; each test
    runs in a savepoint of it (see `common.tests.shared_world`), so each still starts from exactly this
    data. Tests that count records from a fresh `world` live in `test_api_paging_and_filters.py`."""

    def build() -> tuple[World, dict[str, int]]:
        world = make_world()
        return world, build_records(world)

    yield from shared_data(django_db_blocker, build)


@pytest.fixture
def world(shared, db) -> World:  # type: ignore[no-untyped-def]
    return shared[0]


@pytest.fixture
def records(shared, db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Real ids of the worker's team for every `{id}` in a path, by collection."""
    return shared[1]


def concrete(route: str, records: dict[str, int]) -> str:
    """The route with real ids: `{id}` of its collection, `{goal_id}` and the like of their kind."""
    collection = route.removeprefix("/api/v1/").split("/")[0]
    if "{id}" in route:
        route = route.replace("{id}", str(records[collection]))
    filled = route.replace("{code}", "participatieladder")
    return re.sub(r"\{(\w+)_id\}", lambda match: str(records[match.group(1)]), filled)


def wrong(node: dict[str, Any]) -> Any:
    """A value of the wrong kind for a schema node; lists of objects get an empty item and a wrong one,
    so that the answer has messages per index and per field of an item."""
    node = resolve(node)
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return {name: wrong(field) for name, field in node.get("properties", {}).items() if not field.get("readOnly")}
    if kind == "array":
        item = resolve(node.get("items", {}))
        if item.get("type") == "object" or "properties" in item:
            return [{}, wrong(item)]
        return [wrong(item), wrong(item)]
    if kind in {"integer", "number"}:
        return "not a number"
    if kind == "boolean":
        return "perhaps"
    if "enum" in node or node.get("format") in {"date", "date-time"}:
        return "no-such-value"
    return {"not": "a string"}


BODY_OPERATIONS = [(method, route, operation) for method, route, operation in OPERATIONS if "requestBody" in operation]


@pytest.mark.parametrize(
    ("method", "route", "operation"), BODY_OPERATIONS, ids=[f"{m} {r}" for m, r, _o in BODY_OPERATIONS]
)
def test_every_body_of_wrong_values_is_a_flat_400(world, records, method, route, operation):
    api = APIClient()
    api.force_authenticate(world.coordinator)  # a case role that may do everything
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    body = wrong(schema)
    households, measurements = Household.objects.count(), Measurement.objects.count()
    response = getattr(api, method.lower())(concrete(route, records), body, format="json")
    assert response.status_code == 400, (method, route, body, response.status_code, response.content)
    assert_flat(response.json(), f"{method} {route}")
    assert (Household.objects.count(), Measurement.objects.count()) == (households, measurements)


def test_the_walk_meets_nested_input(world, records):
    """Guards the walk above: it reaches nested lists of objects, whose messages carry an index."""
    nested = [
        route
        for method, route, op in BODY_OPERATIONS
        if '"type": "array"' in json.dumps(resolve(op["requestBody"]["content"]["application/json"]["schema"]))
    ]
    assert "/api/v1/households/" in nested and "/api/v1/measurements/" in nested


@pytest.mark.parametrize(("method", "route", "operation"), OPERATIONS, ids=[f"{m} {r}" for m, r, _o in OPERATIONS])
def test_every_unknown_query_parameter_is_a_flat_400_naming_it(world, records, method, route, operation):
    api = APIClient()
    api.force_authenticate(world.coordinator)  # a case role that may do everything
    response = getattr(api, method.lower())(f"{concrete(route, records)}?colour=red", {}, format="json")
    assert response.status_code == 400, (method, route, response.status_code)
    assert response.json() == {"colour": [response.json()["colour"][0]]}
    assert_flat(response.json(), f"{method} {route}")


def test_a_second_members_bad_bsn_is_named_members_1_bsn_and_nothing_is_saved(world):
    api = APIClient()
    api.force_authenticate(world.worker)
    member = {"first_name": "Anna", "last_name": "Vos", "date_of_birth": "1980-01-01", "role": "parent"}
    before = Household.objects.count(), Person.objects.count()
    response = api.post(
        "/api/v1/households/",
        {
            "team": world.team.id,
            "name": "Vos",
            "postcode": "9901 AB",
            "house_number": 1,
            "intake_channel": "desk",
            "members": [member, member | {"first_name": "Bo", "bsn": "123456780"}, {"role": "child"}],
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert_flat(body, "households")
    assert "members.1.bsn" in body and "members.2.first_name" in body, body
    assert not any(key.startswith("members.0") for key in body), body
    assert (Household.objects.count(), Person.objects.count()) == before


def test_a_stale_if_match_is_a_412_in_the_same_flat_shape(world):
    api = APIClient()
    api.force_authenticate(world.worker)
    person = world.household.members.get()
    first = api.patch(f"/api/v1/persons/{person.id}/", {"first_name": "Anne"}, HTTP_IF_MATCH=f'"{person.lock_version}"')
    assert first.status_code == 200
    stale = api.patch(f"/api/v1/persons/{person.id}/", {"first_name": "Ans"}, HTTP_IF_MATCH=f'"{person.lock_version}"')
    assert stale.status_code == 412
    assert_flat(stale.json(), "412")
    assert list(stale.json()) == ["lock_version"]
    assert Person.objects.get(id=person.id).first_name == "Anne"


# --- pages ----------------------------------------------------------------------------------------------


def test_every_list_of_the_router_is_in_the_walk_and_paginated():
    routes = {route for route, _operation in LISTS}
    prefixes = {f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry}
    assert prefixes == routes, prefixes ^ routes
    for route, operation in LISTS:
        assert is_paginated(operation), f"{route} answers a bare array"
        parameters = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        assert parameters.count("page") == 1 and parameters.count("page_size") == 1, (route, parameters)
        page_size = next(p for p in operation["parameters"] if p["name"] == "page_size")
        assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, MAX_PAGE_SIZE)


@pytest.mark.parametrize("route", [route for route, _operation in LISTS])
def test_every_list_takes_page_size_up_to_200_and_refuses_more_with_a_400_naming_only_page_size(world, route):
    api = APIClient()
    api.force_authenticate(world.coordinator)  # a case role that may do everything
    largest = api.get(f"{route}?page_size={MAX_PAGE_SIZE}")
    assert largest.status_code == 200, largest.content
    assert set(largest.json()) == {"count", "next", "previous", "results"}
    for bad in [MAX_PAGE_SIZE + 1, 100_000, 0, -1, "abc", "1.5", "9" * 30]:
        response = api.get(f"{route}?page_size={bad}")
        assert response.status_code == 400, (route, bad, response.status_code)
        body = response.json()
        assert list(body) == ["page_size"] and len(body["page_size"]) == 1, (route, bad, body)
        assert str(MAX_PAGE_SIZE) in body["page_size"][0]


def test_page_size_message_is_dutch(world):
    api = APIClient()
    api.force_authenticate(world.worker)
    body = api.get("/api/v1/teams/?page_size=201", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body == {"page_size": ["Give page_size as a whole number from 1 to 200 (the number of records per page)."]}


# --- names ----------------------------------------------------------------------------------------------

DUTCH_WORDS = {
    "wijk", "wijken", "huishouden", "huishoudens", "meting", "metingen", "taak", "taken", "lid", "leden",
    "plannen", "regisseur", "naam", "datum", "reden", "aanspreekpunt", "doel", "doelen", "actie", "acties",
    "contactpersoon", "werk", "gemeente", "medewerker", "verslag", "notitie", "heropenen", "sluiten",
}  # fmt: skip
#: Dutch names still in the households resources (households/api.py, casefile/api.py), to be renamed there
#: (`district`; `case_director` as in docs/glossary.md). Remove a name here once it is gone.
DUTCH_NAMES_PENDING: set[str] = set()


def schema_names() -> set[str]:
    """Every property, query parameter and path segment name of the schema."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SCHEMA["components"])
    for route, _operations in SCHEMA["paths"].items():
        names.update(segment for segment in route.split("/") if segment and "{" not in segment)
    for _method, _route, operation in OPERATIONS:
        names.update(parameter["name"] for parameter in operation.get("parameters", []))
    return names


def test_the_same_concept_has_the_same_name_everywhere():
    """An instrument is `instrument` (its code), a domain `domain`: never `instrument_code` or `domain_code`."""
    names = schema_names()
    assert {"instrument", "domain"} <= names
    assert not {"instrument_code", "domain_code", "domain_label", "code_domain"} & names


def test_field_parameter_and_path_names_are_english():
    names = schema_names()
    dutch = {name for name in names if set(name.replace("-", "_").split("_")) & DUTCH_WORDS}
    assert dutch <= DUTCH_NAMES_PENDING, f"Dutch names in the API: {sorted(dutch - DUTCH_NAMES_PENDING)}"
    gone = DUTCH_NAMES_PENDING - names
    assert not gone, f"{sorted(gone)} no longer in the API: remove from DUTCH_NAMES_PENDING"


def test_resource_names_are_english():
    for prefix, _viewset, basename in router.registry:
        assert not set(prefix.split("-")) & DUTCH_WORDS, prefix
        assert not set(basename.split("-")) & DUTCH_WORDS, basename
    assert "/api/v1/districts/" in SCHEMA["paths"] and "/api/v1/wijken/" not in SCHEMA["paths"]
    team = resolve({"$ref": "#/components/schemas/Team"})
    assert "districts" in team["properties"] and "wijken" not in team["properties"]


def property_names(component: str) -> set[str]:
    def walk(node: Any) -> set[str]:
        found: set[str] = set()
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(resolve(node)) if node["$ref"].rsplit("/", 1)[1] != component else set()
            found |= set(node.get("properties", {}))
            for value in node.values():
                found |= walk(value)
        elif isinstance(node, list):
            for value in node:
                found |= walk(value)
        return found

    return walk(SCHEMA["components"]["schemas"][component])


@pytest.mark.parametrize(
    "component",
    [
        "Measurement",
        "MeasurementInputRequest",
        "PatchedMeasurementUpdateRequest",
        "Progress",
        "Instrument",
        "WorkWaiver",
    ],
)
def test_diagnosis_and_instruments_name_instrument_and_domain_alike(component):
    names = property_names(component)
    assert not {"instrument_code", "domain_code", "code_domain", "domain_label"} & names, (component, names)
