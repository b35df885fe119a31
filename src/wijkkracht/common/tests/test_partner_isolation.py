"""A partner organisation's staff member never sees a household: one test walks every URL of the project.

The URL patterns come from Django's resolver (pages and API); nothing here lists them. Each pattern is filled
with real records of household H (`referrals/tests/partner_world.py`): its member, contact, task,
measurement, plan, goal, action, consent, and the referral to the partner's own organisation, accepted. A
pattern whose id names a kind of record this test does not know is filled from the record of that model
belonging to H, or fails with a message saying what to add. Then, signed in as the partner (pages and API):

- every pattern answers 403, 404 or 405 (a page that only takes POST), unless it is on PARTNER_MAY_OPEN
  with the reason a partner may open it (their own pages, account pages, the API's schema);
- no answer, whatever its status, contains any of H's data outside what the consent covers (the street, the
  other member, the BSN, contacts, tasks, goals of uncovered domains, the family's own words), and only the
  partner's own referral pages (DISCLOSING) contain what the consent covers (the member's name, the question,
  the housing goal and action);
- once the consent is withdrawn, no answer contains any of H's data at all, also the referral's own page;
- another organisation's referral gives 404 on every pattern that names a referral, pages and API (a team's
  page that refuses the partner's role for its own referral as well may answer 403 instead);
- a POST to any pattern that is not the partner's own is refused (403, 404 or 405) and changes nothing.

A page added later that forgets the rule (a 200 with case data for a partner) fails this test.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from wijkkracht.households.models import Contact, Household, Person, Task
from wijkkracht.plans.models import Goal
from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.referrals.models import Referral, ReferralStatus
from wijkkracht.referrals.tests.partner_world import DISCLOSED, NEVER, OTHER_QUESTION, PartnerWorld, make_partner_world

#: Patterns a partner may open (200 or a redirect), by namespaced name, with the reason. Their answers are
#: still checked for H's data.
PARTNER_MAY_OPEN = {
    "home": "redirects to the partner's referrals",
    "healthz": "the load balancer's health check; no data",
    "set_language": "the language switch; no data",
    "login": "the sign-in page (redirects a signed-in user home)",
    "logout": "signing out (POST only)",
    "password_reset": "forgotten password; the account holder's own",
    "password_reset_done": "forgotten password; the account holder's own",
    "password_reset_confirm": "the one-time link to choose a password; the account holder's own",
    "password_reset_complete": "forgotten password; the account holder's own",
    "security:two_factor": "the user's own two-step verification",
    "security:two_factor_verify": "the user's own two-step verification",
    "security:two_factor_setup": "the user's own two-step verification",
    "security:recovery_codes": "the user's own two-step verification",
    "security:api_tokens": "the user's own API keys",
    "partner:referrals": "the referrals addressed to the partner's organisation, without personal data",
    "partner:referral": "the partner's own referral: only what the consent covers, while it is in force",
    "partner:referral_status": "the partner's answer to its own referral (POST only)",
    "referral-list": "the API's list of the partner's referrals, without personal data",
    "referral-detail": "the API's view of the partner's own referral: only what the consent covers, while in force",
    "referral-status": "the partner's answer to its own referral through the API (POST only)",
    "api-root": "an index of links",
    # Configuration and policy data that every signed-in account may read through the API (no case data).
    "team-list": "answers an empty list to a partner: the teams' staff are not theirs to read",
    "district-list": "configuration: districts (wijken) and their postcodes",
    "district-detail": "configuration: a district (wijk) and its postcodes",
    "instrument-list": "policy data: the instruments' definitions",
    "instrument-detail": "policy data: an instrument's definition",
    "method-list": "policy data: the methods",
    "api-schema": "the API's description; no data",
    "api-docs": "the API's documentation; no data",
}
#: Patterns that show what the consent covers for the partner's own referral (and nothing once withdrawn).
DISCLOSING = {"partner:referral", "referral-detail"}
#: The management site lets only staff in; no partner account is staff (asserted below).
STAFF_ONLY_NAMESPACES = {"admin"}
MISSING = 987_654_321
#: Keyword arguments that are not record ids, with a value of the right form.
NOT_IDS = {"uidb64": "MQ", "token": "set-password", "code": "integrale-nulmeting"}


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name
    pattern: URLPattern

    @property
    def kwargs(self) -> list[str]:
        return list(self.pattern.pattern.regex.groupindex)

    @property
    def url_name(self) -> str:
        return self.pattern.name or ""

    @property
    def namespace(self) -> str:
        return self.name.split(":")[0] if ":" in self.name else ""

    @property
    def basename(self) -> str:
        return self.url_name.split("-")[0]

    def kind_of(self, kwarg: str) -> str:
        return self.basename if kwarg == "pk" else kwarg.removesuffix("_id")

    @property
    def names_referral(self) -> bool:
        return any(self.kind_of(kwarg) == "referral" for kwarg in self.kwargs)

    def __str__(self) -> str:
        return self.name


def walk(resolver: URLResolver, namespace: str = "") -> list[Route]:
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            routes += walk(entry, inner)
        elif entry.name:
            routes.append(Route(f"{namespace}:{entry.name}".strip(":"), entry))
    return routes


ROUTES = [route for route in walk(get_resolver()) if route.namespace not in STAFF_ONLY_NAMESPACES]


def record_of_household(kind: str, household: Household) -> int | None:
    """The id of a record of model `kind` (by model name, underscores ignored) that belongs to the household."""
    wanted = kind.replace("_", "").replace("-", "")
    for model in apps.get_models():
        if model._meta.model_name != wanted:
            continue
        fields = {field.name for field in model._meta.get_fields()}
        queryset: models.QuerySet[Any] = model._default_manager.order_by("pk")
        if "household" in fields:
            queryset = queryset.filter(household=household)
        elif "plan" in fields:
            queryset = queryset.filter(plan__household=household)
        elif "referral" in fields:
            queryset = queryset.filter(referral__household=household)
        return queryset.values_list("pk", flat=True).first()
    return None


def fill(route: Route, pw: PartnerWorld, *, referral_id: int | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for kwarg in route.kwargs:
        kind = route.kind_of(kwarg)
        if kwarg in NOT_IDS:
            values[kwarg] = NOT_IDS[kwarg]
        elif kind == "referral" and referral_id is not None:
            values[kwarg] = referral_id
        elif kind in pw.ids:
            values[kwarg] = pw.ids[kind]
        elif kind == "token":  # the user's own API key: POST only
            values[kwarg] = MISSING
        else:
            found = record_of_household(kind, pw.household)
            if found is None:
                raise AssertionError(
                    f"{route}: the keyword argument {kwarg!r} names a kind of record ({kind!r}) of which household "
                    "H has none. Add one to referrals/tests/partner_world.py so this test can check that a "
                    "partner gets nothing there."
                )
            values[kwarg] = found
    return values


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode("utf-8", errors="replace")


def leaks(body: str, markers: dict[str, str]) -> list[str]:
    lowered = body.lower()
    return [what for what, marker in markers.items() if marker.lower() in lowered]


@pytest.fixture
def pw(world) -> PartnerWorld:  # type: ignore[no-untyped-def]
    partner_world = make_partner_world(world)
    partner_world.set_status(ReferralStatus.ACCEPTED)
    return partner_world


@pytest.fixture
def as_partner(pw, client):  # type: ignore[no-untyped-def]
    client.force_login(pw.partner)
    api = APIClient()
    api.force_authenticate(pw.partner)
    return client, api


def get(clients, route: Route, values: dict[str, Any]):  # type: ignore[no-untyped-def]
    client, api = clients
    path = reverse(route.name, kwargs=values)
    return path, (api if path.startswith("/api/") else client).get(path)


def test_the_walk_finds_pages_and_api():
    names = {route.name for route in ROUTES}
    assert {"casefile:household", "plans:detail", "household-detail", "person-list", "partner:referral"} <= names
    assert len(ROUTES) >= 60


def test_no_partner_is_staff_so_the_management_site_is_closed(pw, client):
    """The reason the admin's patterns are not walked: the management site sends a partner to its sign-in."""
    assert not pw.partner.is_staff
    client.force_login(pw.partner)
    for path in (reverse("admin:index"), reverse("admin:accounts_user_changelist")):
        response = client.get(path)
        assert response.status_code == 302 and "/beheer/login/" in response["Location"], path


def test_a_partner_gets_nothing_of_the_household_on_any_url(pw, as_partner):
    """Consent in force, referral accepted: 403/404/405 everywhere but the allow-list; H's data outside the
    consent nowhere; what the consent covers only on the partner's own referral page."""
    problems = []
    for route in ROUTES:
        path, response = get(as_partner, route, fill(route, pw))
        body = text_of(response)
        if route.name not in PARTNER_MAY_OPEN and response.status_code not in (403, 404, 405):
            problems.append(f"GET {path}: {response.status_code} for a partner (expected 403/404/405)")
        if found := leaks(body, NEVER):
            problems.append(f"GET {path}: shows {found}")
        if route.name not in DISCLOSING and (found := leaks(body, DISCLOSED)):
            problems.append(f"GET {path}: shows {found} outside the referral's own page")
    assert not problems, "\n".join(problems)


def test_the_referral_page_shows_what_the_consent_covers(pw, as_partner):
    """The reason DISCLOSING is needed at all: those pages do show the covered data (and the walk above would
    not notice one that showed nothing)."""
    routes = [route for route in ROUTES if route.name in DISCLOSING]
    assert {route.name for route in routes} == DISCLOSING
    for route in routes:
        path, response = get(as_partner, route, fill(route, pw))
        assert response.status_code == 200, path
        assert leaks(text_of(response), DISCLOSED) == list(DISCLOSED), path


def test_once_the_consent_is_withdrawn_no_url_shows_anything_of_the_household(pw, world, as_partner):
    pw.withdraw(by=world.worker)
    problems = []
    for route in ROUTES:
        path, response = get(as_partner, route, fill(route, pw))
        if route.name not in PARTNER_MAY_OPEN and response.status_code not in (403, 404, 405):
            problems.append(f"GET {path}: {response.status_code} for a partner (expected 403/404/405)")
        if found := leaks(text_of(response), DISCLOSED | NEVER):
            problems.append(f"GET {path}: shows {found} after the consent was withdrawn")
    assert not problems, "\n".join(problems)
    # The referral itself stays listed, saying why there is nothing to see.
    client, _api = as_partner
    response = client.get(reverse("partner:referral", kwargs={"referral_id": pw.referral.id}))
    assert response.status_code == 200 and 'id="no-disclosure"' in text_of(response)


def test_another_organisations_referral_is_a_404_on_every_url_that_names_one(pw, as_partner):
    routes = [route for route in ROUTES if route.names_referral]
    assert {"partner:referral", "partner:referral_status"} <= {route.name for route in routes}
    problems = []
    for route in routes:
        # A team's page refuses the partner's role outright (403 for its own referral too): that tells nothing.
        _own_path, own = get(as_partner, route, fill(route, pw))
        refused_by_role = own.status_code == 403
        since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        path, response = get(as_partner, route, fill(route, pw, referral_id=pw.other_referral.id))
        if response.status_code not in ((403, 404, 405) if refused_by_role else (404, 405)):
            problems.append(f"GET {path}: {response.status_code} for another organisation's referral")
        if OTHER_QUESTION.lower() in text_of(response).lower():
            problems.append(f"GET {path}: shows the other organisation's referral")
        if response.status_code in (403, 404):
            rows = list(AccessLogEntry.objects.filter(id__gt=since).values_list("action", flat=True))
            if rows != ["refused"]:
                problems.append(f"GET {path}: logged {rows}, expected one refused row")
    assert not problems, "\n".join(problems)


def _fingerprint(pw: PartnerWorld) -> tuple[object, ...]:
    """What a POST could change of H and of the referrals."""
    return (
        list(Household.objects.filter(id=pw.household.id).values()),
        list(Person.objects.filter(household=pw.household).values()),
        list(Contact.objects.filter(household=pw.household).values()),
        list(Task.objects.filter(household=pw.household).values()),
        list(Goal.objects.filter(plan__household=pw.household).values()),
        list(Referral.objects.order_by("id").values()),
    )


def test_a_partner_cannot_change_anything_of_the_household(pw, as_partner):
    """An empty POST to every pattern that is not the partner's own: refused, and nothing changed."""
    client, api = as_partner
    before = _fingerprint(pw)
    problems = []
    for route in ROUTES:
        if route.name in PARTNER_MAY_OPEN:
            continue
        path = reverse(route.name, kwargs=fill(route, pw))
        response = api.post(path, {}, format="json") if path.startswith("/api/") else client.post(path, {})
        if response.status_code not in (403, 404, 405):
            problems.append(f"POST {path}: {response.status_code} for a partner (expected 403/404/405)")
    assert not problems, "\n".join(problems)
    assert _fingerprint(pw) == before
