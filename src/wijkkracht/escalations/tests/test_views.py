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
        assert world.household.name not in text(client.get("/escalaties/?status=all"))
    assert Escalation.objects.get().status == EscalationStatus.OPEN


def test_menu_shows_escalations_to_coordinators_and_managers(world, client, manager):
    for user, shown in ((world.coordinator, True), (manager, True), (world.worker, False)):
        client.force_login(user)
        response = client.get("/escalaties/")
        assert ('href="/escalaties/"' in text(response)) is shown
