"""The escalation pages: raise from the case file, the list, the chain with its forms, the manager's view of
the case file under the escalation, the coordinator's team page and the manager's home."""

import pytest
from freezegun import freeze_time

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.escalations.models import Escalation, EscalationLevel, EscalationStatus
from wijkkracht.escalations.tests.helpers import forward_escalation, manager_of, raise_escalation
from wijkkracht.households.tests.factories import ContactFactory, HouseholdFactory
from wijkkracht.privacy.models import AccessLogEntry


@pytest.fixture
def manager(world):  # type: ignore[no-untyped-def]
    return manager_of(world.team)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_a_worker_escalates_from_the_case_file(world, client):
    client.force_login(world.worker)
    page = client.get(f"/huishoudens/{world.household.id}/")
    assert f"/huishoudens/{world.household.id}/escaleren/" in text(page)
    form = client.get(f"/huishoudens/{world.household.id}/escaleren/")
    assert form.status_code == 200
    response = client.post(
        f"/huishoudens/{world.household.id}/escaleren/",
        {"blocked": "Uitzetting", "blocked_by": "Corporatie", "needed": "Besluit"},
    )
    escalation = Escalation.objects.get()
    assert response.status_code == 302 and response.url == f"/escalaties/{escalation.id}/"
    assert (escalation.raised_by, escalation.blocked) == (world.worker, "Uitzetting")
    page = client.get(f"/huishoudens/{world.household.id}/")
    assert f"/escalaties/{escalation.id}/" in text(page)
    assert f"/huishoudens/{world.household.id}/escaleren/" not in text(page)  # one open at a time


def test_bad_input_on_the_form_is_a_400_and_nothing_saved(world, client):
    client.force_login(world.worker)
    response = client.post(
        f"/huishoudens/{world.household.id}/escaleren/", {"blocked": "", "blocked_by": "", "needed": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"blocked", "blocked_by", "needed"}
    assert not Escalation.objects.exists()
    closed = HouseholdFactory(team=world.team, contact_person=world.worker, closed=True)
    response = client.post(f"/huishoudens/{closed.id}/escaleren/", {"blocked": "a", "blocked_by": "b", "needed": "c"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Escalation.objects.exists()
    page = client.get(f"/huishoudens/{closed.id}/")
    assert f"/huishoudens/{closed.id}/escaleren/" not in text(page)


def test_the_chain_on_the_pages(world, client, manager):
    with freeze_time("2026-12-04 09:00:00"):
        escalation = raise_escalation(world)
    with freeze_time("2026-12-09 09:00:00"):
        client.force_login(world.worker)
        detail = client.get(f"/escalaties/{escalation.id}/")
        assert detail.context["is_overdue"] and detail.context["overdue_days"] == 1
        assert detail.context["forward_form"] is not None  # the raiser may forward now
        assert detail.context["resolve_form"] is None
        client.force_login(world.coordinator)
        team_page = client.get("/huishoudens/team/")
        assert 'id="escalation-summary"' in text(team_page) and "/escalaties/" in text(team_page)
        listing = client.get("/escalaties/")
        assert 'class="row--overdue"' in text(listing)
        refused = client.post(f"/escalaties/{escalation.id}/doorzetten/", {"reason": "", "lock_version": 1})
        assert refused.status_code == 400
        assert Escalation.objects.get().level == EscalationLevel.COORDINATOR
        response = client.post(
            f"/escalaties/{escalation.id}/doorzetten/", {"reason": "Geen reactie", "lock_version": 1}
        )
        assert response.status_code == 302
    with freeze_time("2026-12-10 09:00:00"):
        client.force_login(manager)
        assert client.get("/").url == "/escalaties/"
        listing = client.get("/escalaties/")
        assert f"/escalaties/{escalation.id}/" in text(listing)
        detail = client.get(f"/escalaties/{escalation.id}/")
        assert detail.context["resolve_form"] is not None and detail.context["forward_form"] is None
        assert f"/escalaties/{escalation.id}/dossier/" in text(detail)
        ContactFactory(household=world.household, note="Huisbezoek: brief van de corporatie gelezen")
        since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
        case_file = client.get(f"/escalaties/{escalation.id}/dossier/")
        assert case_file.status_code == 200
        assert "Anna" in text(case_file) and "brief van de corporatie gelezen" in text(case_file)
        rows = AccessLogEntry.objects.filter(id__gt=since)
        assert {(row.action, row.purpose, row.household_id) for row in rows} == {
            ("view", f"escalatie {escalation.id}", world.household.id)
        }
        stale = client.post(f"/escalaties/{escalation.id}/afhandelen/", {"outcome": "x", "lock_version": 1})
        assert stale.status_code == 400
        assert Escalation.objects.get().status == EscalationStatus.OPEN
        done = client.post(
            f"/escalaties/{escalation.id}/afhandelen/", {"outcome": "Regeling getroffen", "lock_version": 2}
        )
        assert done.status_code == 302
        assert client.get(f"/escalaties/{escalation.id}/dossier/").status_code == 404
        assert client.get(f"/huishoudens/{world.household.id}/").status_code == 403  # no case access of its own
    client.force_login(world.worker)
    page = client.get(f"/huishoudens/{world.household.id}/")
    assert "Regeling getroffen" in text(page)


@pytest.mark.parametrize("role", [Role.POLICY_OFFICER, Role.FUNCTIONAL_ADMIN, Role.PARTNER, Role.PRIVACY_OFFICER])
def test_other_roles_get_nothing(world, client, role):
    escalation = raise_escalation(world)
    user = UserFactory(role=role)  # (staff accounts first have to set up two-factor sign-in)
    client.force_login(user)
    for url in ("/escalaties/", f"/escalaties/{escalation.id}/", f"/escalaties/{escalation.id}/dossier/"):
        response = client.get(url)
        # An administrator's session first has to pass two-factor sign-in; the API test checks their 403.
        assert response.status_code == 403 or "tweestapsverificatie" in response.get("Location", ""), url
        assert "Uitzetting" not in text(response) and world.household.name not in text(response)


def test_another_team_and_its_manager_get_404(world, client, manager):
    escalation = raise_escalation(world)
    forward_escalation(world, escalation)
    other_manager = manager_of(world.other_team, username="other_manager")
    for user in (world.other_worker, world.other_coordinator, other_manager):
        client.force_login(user)
        for url in (f"/escalaties/{escalation.id}/", f"/escalaties/{escalation.id}/dossier/"):
            assert client.get(url).status_code == 404, (user, url)
        assert world.household.name not in text(client.get("/escalaties/?status=alle"))
    assert Escalation.objects.get().status == EscalationStatus.OPEN


def test_menu_shows_escalations_to_coordinators_and_managers(world, client, manager):
    for user, shown in ((world.coordinator, True), (manager, True), (world.worker, False)):
        client.force_login(user)
        response = client.get("/escalaties/")
        assert ('href="/escalaties/"' in text(response)) is shown


# --- what waits on the start pages, the list's Dutch status filter, unique ids (issue 12, tester's findings) ---


def _propose(world, user, amount: str):  # type: ignore[no-untyped-def]
    from wijkkracht.mandate.services import measure_propose
    from wijkkracht.mandate.tests.measure_helpers import access, member, today

    return measure_propose(
        access=access(user),
        household_id=world.household.id,
        person_id=member(world).id,
        kind_code="bijzondere_bijstand",
        reason="Kapotte wasmachine",
        start_date=today(),
        amount=amount,
    )


def _between(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</p>", start)]


@pytest.mark.parametrize(
    ("paid", "shown"),
    [("100.00", None), ("480.00", "warning"), ("520.00", "used up")],
)
def test_the_coordinators_team_page_says_what_waits(world, client, paid, shown):
    from decimal import Decimal

    from django.utils import timezone

    from wijkkracht.mandate.tests.factories import MeasureFactory
    from wijkkracht.mandate.tests.measure_helpers import member, small_budget

    _propose(world, world.worker, "450")  # above the worker's mandate: a step for the coordinator
    small_budget(world.team)  # € 500.00 this year with the shipped rates
    MeasureFactory(person=member(world), amount=Decimal(paid), paid=True)
    client.force_login(world.coordinator)
    html = text(client.get("/huishoudens/team/"))
    waiting = _between(html, "approvals-waiting")
    assert 'href="/maatregelen/goedkeuren/"' in waiting and '">1 ' in waiting  # one measure waits
    notice = f"budget-notice-{world.team.id}"
    if shown is None:
        assert f'id="{notice}"' not in html  # € 400.00 (80 %) left: nothing to say
    else:
        line = _between(html, notice)
        year = timezone.localdate().year
        assert f'href="/budget/?team={world.team.id}&amp;jaar={year}"' in line
        assert "€\u00a020,00" in line and "-" not in line.replace("budget-notice-", "")  # 20.00 left or short
        assert ("<strong>" in line) is (shown == "used up")
    # The worker's team page has none of it; nor has another team's coordinator.
    for user in (world.worker, world.other_coordinator):
        client.force_login(user)
        other = text(client.get("/huishoudens/team/"))
        assert 'id="approvals-waiting"' not in other and f'id="{notice}"' not in other


def test_the_coordinators_team_page_runs_a_constant_number_of_queries(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wijkkracht.households.tests.factories import PersonFactory

    def count() -> int:
        client.get("/huishoudens/team/")  # warm: the municipality and districts come from the cache after this
        with CaptureQueriesContext(connection) as context:
            assert client.get("/huishoudens/team/").status_code == 200
        return len(context)

    client.force_login(world.coordinator)
    _propose(world, world.worker, "450")
    small = count()
    for _index in range(10):
        household = HouseholdFactory(team=world.team, contact_person=world.worker)
        ContactFactory(household=household, worker=world.worker)
        PersonFactory(household=household)
    _propose(world, world.worker, "300")
    assert count() == small


def test_the_managers_start_page_counts_what_waits_for_them(world, client, manager):
    client.force_login(manager)
    assert 'id="approvals-waiting"' not in text(client.get("/escalaties/"))
    _propose(world, world.coordinator, "2000")  # above the coordinator's mandate: a step for a manager
    _propose(world, world.worker, "450")  # a step for the coordinator: not the manager's
    html = text(client.get("/escalaties/"))
    waiting = _between(html, "approvals-waiting")
    assert 'href="/maatregelen/goedkeuren/"' in waiting and "<p>1 " in waiting  # one approval waits
    # Not for a coordinator on the same list, nor for another team's manager.
    for user in (world.coordinator, manager_of(world.other_team, username="other_manager")):
        client.force_login(user)
        assert 'id="approvals-waiting"' not in text(client.get("/escalaties/"))


def test_the_status_filter_speaks_dutch(world, client, manager):
    escalation = raise_escalation(world)
    done = raise_escalation(world, household=HouseholdFactory(team=world.team, contact_person=world.worker))
    from wijkkracht.escalations import services

    services.escalation_resolve(
        access=world.access(world.coordinator), escalation_id=done.id, outcome="Geregeld", lock_version=1
    )
    client.force_login(world.coordinator)

    def listed(query: str) -> set[int]:
        response = client.get(f"/escalaties/{query}")
        assert response.status_code == 200
        return {escalation.id for escalation, _days in response.context["rows"]}

    assert listed("") == listed("?status=open") == {escalation.id}
    assert listed("?status=afgehandeld") == {done.id}
    assert listed("?status=alle") == {escalation.id, done.id}
    page = text(client.get("/escalaties/"))
    assert 'href="?status=afgehandeld"' in page and 'href="?status=alle"' in page and '?status=all"' not in page
    # An unknown value (the English ones too) says so and lists nothing, without a read of case data.
    for value in ("resolved", "all", "gesloten"):
        since = AccessLogEntry.objects.count()
        response = client.get("/escalaties/", {"status": value})
        assert response.status_code == 400
        assert 'id="status-error"' in text(response) and value in text(response)
        assert world.household.name not in text(response)
        assert AccessLogEntry.objects.count() == since


def test_the_detail_page_has_unique_ids(world, client):
    import re
    from collections import Counter

    escalation = raise_escalation(world)
    client.force_login(world.coordinator)  # may forward and resolve: both forms on the page
    response = client.get(f"/escalaties/{escalation.id}/")
    assert response.context["forward_form"] is not None and response.context["resolve_form"] is not None
    ids = Counter(re.findall(r'\sid="([^"]+)"', text(response)))
    assert [name for name, count in ids.items() if count > 1] == []
    assert ids["forward_lock_version"] == ids["resolve_lock_version"] == 1
    # The forms still post under the same names.
    response = client.post(f"/escalaties/{escalation.id}/afhandelen/", {"outcome": "", "lock_version": 1})
    assert response.status_code == 400 and 'id="resolve_outcome"' in text(response)
    assert Escalation.objects.get().status == EscalationStatus.OPEN
