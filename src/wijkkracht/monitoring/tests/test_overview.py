import datetime

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import formats, timezone
from freezegun import freeze_time

from wijkkracht.households.models import OPEN_STATUSES, Contact, ContactKind, Household, HouseholdStatus
from wijkkracht.households.tests.factories import ContactFactory, HouseholdFactory
from wijkkracht.monitoring.models import OverviewSnapshot
from wijkkracht.monitoring.selectors import current_overview, team_overview
from wijkkracht.security.testing import login_verified
from wijkkracht.teams.models import Team


def test_policy_officer_sees_counts_without_personal_data(world, client):
    for _ in range(6):
        ContactFactory(household=HouseholdFactory(team=world.team, name="Geheimnaam"))
    client.force_login(world.policy_officer)
    response = client.get("/overzicht/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Geheimnaam" not in content and "Jansen" not in content and "Anna" not in content
    assert "Team Noord" in content and "Team Zuid" in content


def test_small_numbers_are_suppressed(world):
    figures = {f.team: f for f in team_overview()}
    assert figures["Team Zuid"].open_total.count == 1 and figures["Team Zuid"].open_total.suppressed
    for _ in range(5):
        HouseholdFactory(team=world.other_team)
    figures = {f.team: f for f in team_overview()}
    assert figures["Team Zuid"].open_total.count == 6 and not figures["Team Zuid"].open_total.suppressed


def test_small_numbers_are_suppressed_in_the_stored_snapshot_and_on_the_page(world, client):
    """The snapshot stores raw counts; suppression is applied when they are shown, exactly as before."""
    for _ in range(4):
        HouseholdFactory(team=world.team)  # Team Noord: 5 registered, Team Zuid: 1
    overview = {f.team: f for f in current_overview().teams}
    assert overview["Team Zuid"].open_total.count == 1 and overview["Team Zuid"].open_total.suppressed
    assert overview["Team Noord"].open_total.count == 5 and not overview["Team Noord"].open_total.suppressed
    assert [cell.suppressed for cell in overview["Team Zuid"].by_status] == [True, False, False, False, False, False]
    client.force_login(world.policy_officer)
    content = client.get("/overzicht/").content.decode()
    hidden = '<span class="hidden-cell">verborgen</span>'
    assert row_of(content, "Team Zuid") == [hidden, "0", "0", "0", "0", "0", hidden]  # registered, open
    assert row_of(content, "Team Noord") == ["5", "0", "0", "0", "0", "0", "5"]


def test_counts_per_status_and_contact_minutes(world):
    HouseholdFactory(team=world.team, closed=True)
    ContactFactory(household=world.household, duration_minutes=90)
    noord = next(f for f in team_overview() if f.team == "Team Noord")
    assert [cell.count for cell in noord.by_status] == [1, 0, 0, 0, 1, 0]
    assert noord.contact_minutes_last_30_days == 90 and noord.contacts_last_30_days.count == 1


def row_of(content: str, team: str) -> list[str]:
    """The cells of a team's row in the first table of the page, as shown."""
    row = content[content.index(f'<th scope="row">{team}</th>') :].split("</tr>")[0]
    return [cell.split("</td>")[0].strip() for cell in row.split('<td class="num">')[1:]]


def expected_by_hand(today: datetime.date) -> dict[str, tuple[list[int], int, int, int, int]]:
    """The figures per team counted in Python from every household and contact: (per status, open in total,
    registered in the last 90 days, contacts and minutes in the last 30 days)."""
    expected = {}
    households = list(Household.objects.all())
    contacts = list(Contact.objects.select_related("household"))
    for team in Team.objects.all():
        mine = [h for h in households if h.team_id == team.id]
        recent = [c for c in contacts if c.household.team_id == team.id and c.date >= today - datetime.timedelta(30)]
        expected[team.name] = (
            [sum(1 for h in mine if h.status == status) for status in HouseholdStatus.values],
            sum(1 for h in mine if h.status in OPEN_STATUSES),
            sum(1 for h in mine if h.registered_on >= today - datetime.timedelta(90)),
            len(recent),
            sum(c.duration_minutes or 0 for c in recent),
        )
    return expected


def as_tuples(teams) -> dict[str, tuple[list[int], int, int, int, int]]:  # type: ignore[no-untyped-def]
    return {
        f.team: (
            [cell.count for cell in f.by_status],
            f.open_total.count,
            f.registered_last_90_days.count,
            f.contacts_last_30_days.count,
            f.contact_minutes_last_30_days,
        )
        for f in teams
    }


def test_the_snapshot_equals_a_count_by_hand_of_a_sample(world):
    """Every status, registrations on both sides of the 90-day line, contacts on both sides of the 30-day line,
    no-shows, appointments still to come, a team without households: the stored figures are the ones counted
    by hand, and so are the ones counted on the spot."""
    today = timezone.localdate()
    Team.objects.create(name="Team Leeg")
    for index, status in enumerate(HouseholdStatus.values * 2):
        team = world.team if index % 3 else world.other_team
        household = HouseholdFactory(
            team=team,
            status=status,
            registered_on=today - datetime.timedelta(days=(89, 90, 91, 400)[index % 4]),
            second_line_regisseur=world.regisseur if status == HouseholdStatus.HANDED_OVER else None,
        )
        for days_ago, minutes, kind in ((0, 30, "home_visit"), (30, 45, "phone"), (31, 60, "office")):
            ContactFactory(
                household=household, date=today - datetime.timedelta(days=days_ago), duration_minutes=minutes, kind=kind
            )
        ContactFactory(
            household=household,
            date=today - datetime.timedelta(days=3),
            duration_minutes=None,
            kind=ContactKind.NO_SHOW,
        )
        ContactFactory(household=household, date=today + datetime.timedelta(days=5), duration_minutes=None)
    expected = expected_by_hand(today)
    assert expected["Team Noord"][0] != expected["Team Zuid"][0] and any(n for n in expected["Team Noord"][0][4:])
    assert as_tuples(team_overview(today=today)) == expected
    assert as_tuples(current_overview().teams) == expected
    assert list(as_tuples(current_overview().teams)) == ["Team Leeg", "Team Noord", "Team Zuid"]
    stored = OverviewSnapshot.objects.get()
    assert stored.day == today and as_tuples(current_overview().teams) == expected


def test_a_fresh_install_shows_correct_figures_at_the_first_view(world, client):
    """No cron has run: the first view counts, stores and shows; the next one only reads the snapshot."""
    assert not OverviewSnapshot.objects.exists()
    for _ in range(6):
        HouseholdFactory(team=world.team)
    client.force_login(world.policy_officer)
    content = client.get("/overzicht/").content.decode()
    assert row_of(content, "Team Noord") == ["7", "0", "0", "0", "0", "0", "7"]  # registered, open in total
    assert OverviewSnapshot.objects.count() == 1
    assert 'id="overview-as-of"' in content


def test_the_figures_are_counted_again_when_too_old_or_of_another_day(world, client):
    noord = lambda: next(f for f in current_overview().teams if f.team == "Team Noord")  # noqa: E731
    start = timezone.now().replace(hour=10, minute=0)
    with freeze_time(start):
        client.force_login(world.policy_officer)
        assert client.get("/overzicht/").status_code == 200
        first = OverviewSnapshot.objects.get()
        for _ in range(5):
            HouseholdFactory(team=world.team)
    with freeze_time(start + datetime.timedelta(minutes=9)), override_settings(MONITORING_OVERVIEW_MAX_AGE_MINUTES=10):
        assert noord().open_total.count == 1  # still the snapshot of 10:00
        content = client.get("/overzicht/").content.decode()
        assert formats.date_format(timezone.localtime(first.computed_at), "j F Y H:i") in content
        assert OverviewSnapshot.objects.get() == first
    with freeze_time(start + datetime.timedelta(minutes=11)), override_settings(MONITORING_OVERVIEW_MAX_AGE_MINUTES=10):
        assert noord().open_total.count == 6
        assert OverviewSnapshot.objects.get() != first  # replaced, not kept
    with freeze_time(start + datetime.timedelta(minutes=12)), override_settings(MONITORING_OVERVIEW_MAX_AGE_MINUTES=10):
        HouseholdFactory(team=world.team)
        assert noord().open_total.count == 6
    tomorrow = timezone.localtime(start).replace(hour=0, minute=1) + datetime.timedelta(days=1)
    with freeze_time(tomorrow), override_settings(MONITORING_OVERVIEW_MAX_AGE_MINUTES=24 * 60):
        assert noord().open_total.count == 7  # another day: the 30- and 90-day windows moved


def test_the_refresh_command_stores_the_current_figures(world, client, django_assert_num_queries):
    client.force_login(world.policy_officer)
    client.get("/overzicht/")
    for _ in range(5):
        HouseholdFactory(team=world.team)
    call_command("monitoring", "refresh")
    assert OverviewSnapshot.objects.count() == 1
    assert next(f for f in current_overview().teams if f.team == "Team Noord").open_total.count == 6
    with django_assert_num_queries(3):  # session, user, the snapshot: nothing counted
        assert client.get("/overzicht/").status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("worker", 403), ("coordinator", 200), ("policy_officer", 200), ("functional_admin", 403), ("regisseur", 403)],
)
def test_who_may_see_the_overview(world, client, who, status):
    login_verified(client, getattr(world, who))
    assert client.get("/overzicht/").status_code == status


def test_a_refused_role_gets_no_figures_and_makes_no_snapshot(world, client):
    login_verified(client, world.worker)
    response = client.get("/overzicht/")
    assert response.status_code == 403 and "Team Zuid" not in response.content.decode()
    assert not OverviewSnapshot.objects.exists()


def test_overview_runs_a_constant_number_of_queries(world, client, django_assert_max_num_queries):
    """Counting (first view) and reading (later views) each take a fixed number of queries, whatever the data."""
    client.force_login(world.policy_officer)
    for _ in range(10):
        ContactFactory(household=HouseholdFactory(team=world.team))
    with django_assert_max_num_queries(10):
        client.get("/overzicht/")
    for _ in range(10):
        ContactFactory(household=HouseholdFactory(team=world.other_team))
    with django_assert_max_num_queries(3):
        client.get("/overzicht/")


def test_a_hidden_count_cannot_be_worked_out_from_the_open_total(world):
    """Issue 11: the old overview showed "<5" beside an exact "open in total", so 3 was worked out by subtraction.
    Team Zuid: 1 (the world's) + 2 registered and 6 in intake, open in total 9."""
    from wijkkracht.households.models import HouseholdStatus
    from wijkkracht.privacy.disclosure import determined

    for _ in range(2):
        HouseholdFactory(team=world.other_team)
    for _ in range(6):
        HouseholdFactory(team=world.other_team, status=HouseholdStatus.INTAKE)
    zuid = {f.team: f for f in current_overview().teams}["Team Zuid"]
    statuses = dict(zip(HouseholdStatus.values, zuid.by_status, strict=True))
    assert statuses["registered"].count == 3 and statuses["registered"].suppressed
    cells = {status: cell.count for status, cell in statuses.items()} | {"open": zuid.open_total.count}
    hidden = {status for status, cell in statuses.items() if cell.suppressed} | (
        {"open"} if zuid.open_total.suppressed else set()
    )
    assert len(hidden) >= 2  # the 3 and a complement
    open_statuses = ["registered", "intake", "plan", "in_progress"]
    assert determined(cells, [("open", open_statuses)], hidden) == frozenset()
