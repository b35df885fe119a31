"""Fixtures shared by every app: a small municipality with two teams, so each test can check that a
worker of the other team gets nothing."""

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from wijkkracht.accounts.models import User
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.common.tests.browser import CHROMIUM, CHROMIUM_ARGS
from wijkkracht.households.figures import figures_mismatches
from wijkkracht.households.models import Household
from wijkkracht.households.tests.factories import (
    HouseholdFactory,
    IncomeWorkRecordFactory,
    PersonFactory,
    figures_refreshed_once,
)
from wijkkracht.outcomes.maintenance import outcome_mismatches
from wijkkracht.outcomes.models import IndicatorCell
from wijkkracht.privacy.access import AccessContext
from wijkkracht.privacy.testing import transactional_db  # noqa: F401  (empties the append-only log before flush)
from wijkkracht.teams.models import Municipality, Team, forget_cached_settings
from wijkkracht.teams.tests.factories import TeamFactory, TeamMembershipFactory

# Property tests check behaviour, not speed: no deadline, so a busy CI machine cannot make them flaky.
hypothesis_settings.register_profile("wijkkracht", deadline=None, derandomize=False)
hypothesis_settings.load_profile("wijkkracht")


@pytest.fixture(autouse=True)
def no_cached_settings_between_tests() -> Iterator[None]:
    """Each test's database starts again (rolled back or flushed), so the cached municipality and districts
    (`teams.models.Municipality.current`) do too."""
    forget_cached_settings()
    yield
    forget_cached_settings()


@pytest.fixture(autouse=True)
def stored_figures_stay_current(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test that used the database (not the live-server ones), the households' stored caseload
    figures must match their case files: a service that changes a contact, task, member or plan without
    refreshing them fails here, in whichever test first exercises it (issue 10)."""
    uses_db = "db" in request.fixturenames and "transactional_db" not in request.fixturenames
    if uses_db:
        request.getfixturevalue("db")
    yield
    if uses_db and (Household.objects.exists() or IndicatorCell.objects.exists()):
        # (No household and no cell: nothing can be out of date, and two cheap queries say so. Contributions
        # and outcome states belong to a household and go with it.)
        problems = figures_mismatches()
        assert not problems, "stored caseload figures out of date:\n" + "\n".join(problems[:20])
        # The outcomes' stored contributions equal a fresh count of every case file, and every indicator
        # cell the sum of the contributions (issue 11: precomputed aggregates proven exact after every test).
        problems = outcome_mismatches()
        assert not problems, "stored outcome contributions or indicator cells out of date:\n" + "\n".join(problems[:20])


@dataclass
class World:
    team: Team
    other_team: Team
    worker: User
    colleague: User
    coordinator: User
    other_worker: User
    other_coordinator: User
    regisseur: User
    policy_officer: User
    functional_admin: User
    household: Household
    other_household: Household

    def access(self, user: User | None = None, endpoint: str = "test") -> AccessContext:
        return AccessContext(user=user or self.worker, endpoint=endpoint)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def make_world() -> World:
    """The `world` fixture's data (also built once per module by `common.tests.shared_world`)."""
    Municipality.objects.create(id=1, name="Testgemeente", code="GM0999", contact_norm_days=14)
    team, other_team = TeamFactory(name="Team Noord"), TeamFactory(name="Team Zuid")
    worker = TeamMembershipFactory(team=team, user__username="worker").user
    colleague = TeamMembershipFactory(team=team, user__username="colleague").user
    coordinator = TeamMembershipFactory(team=team, user=UserFactory(username="coordinator", coordinator=True)).user
    other_worker = TeamMembershipFactory(team=other_team, user__username="other_worker").user
    other_coordinator = TeamMembershipFactory(
        team=other_team, user=UserFactory(username="other_coordinator", coordinator=True)
    ).user
    with figures_refreshed_once():  # both households' figures refreshed once, at the end (most of its time)
        household = HouseholdFactory(team=team, contact_person=worker, name="Jansen")
        # Both adults have their income and work situation recorded ("no benefit, no work"), as the intake asks.
        IncomeWorkRecordFactory(person=PersonFactory(household=household, first_name="Anna"))
        other_household = HouseholdFactory(team=other_team, contact_person=other_worker, name="Pietersen")
        IncomeWorkRecordFactory(person=PersonFactory(household=other_household, first_name="Piet"))
    household.refresh_from_db()
    other_household.refresh_from_db()
    return World(
        team=team,
        other_team=other_team,
        worker=worker,
        colleague=colleague,
        coordinator=coordinator,
        other_worker=other_worker,
        other_coordinator=other_coordinator,
        regisseur=UserFactory(username="regisseur", regisseur=True),
        policy_officer=UserFactory(username="policy", policy_officer=True),
        functional_admin=UserFactory(username="beheer", functional_admin=True),
        household=household,
        other_household=other_household,
    )


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Debian chromium for the whole run; browser tests are skipped where it is not installed."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); `make test` installs it")
    # Playwright's sync API runs an event loop in this thread; the test thread still owns the database.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
