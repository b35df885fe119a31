"""The outcomes dashboard and its API: values worked out by hand, the small-number rules as an attacker would
try them, who may look, bad input, and recording a conclusion about an outlier."""

import datetime
import itertools
from fractions import Fraction

import pytest
from freezegun import freeze_time

from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.households.models import HouseholdStatus
from wijkkracht.outcomes.models import OutlierConclusion
from wijkkracht.outcomes.tests.helpers import history, policy_with
from wijkkracht.privacy import disclosure
from wijkkracht.teams.tests.factories import TeamFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = "2026-06-15"
PERIOD = {"from": "2026-01", "until": "2026-06"}


def small_municipality(world):
    """Team Noord (worker) and Team Zuid (other_worker) (the world's Jansen and Pietersen are registered a week
    before the real today, after this period):

    - H1 (Noord): registered 10 January at the desk; contacts 15 January (60 min) and 10 February (30 min).
    - H2 (Noord): registered 1 February by a partner's signal; contact 11 February (45 min); closed 1 April.
    - H3 (Zuid): registered 1 March through outreach; contact 21 March (no minutes); handed over 1 May.
    """
    history(
        team=world.team,
        worker=world.worker,
        registered=D(2026, 1, 10),
        contacts=[(D(2026, 1, 15), 60), (D(2026, 2, 10), 30)],
        name="Een",
    )
    history(
        team=world.team,
        worker=world.worker,
        registered=D(2026, 2, 1),
        channel="partner_signal",
        contacts=[(D(2026, 2, 11), 45)],
        end=(D(2026, 4, 1), HouseholdStatus.CLOSED),
        name="Twee",
    )
    history(
        team=world.other_team,
        worker=world.other_worker,
        registered=D(2026, 3, 1),
        channel="outreach",
        contacts=[(D(2026, 3, 21), None)],
        end=(D(2026, 5, 1), HouseholdStatus.HANDED_OVER),
        name="Drie",
    )


def indicator(data, code):
    return next(item for item in data["indicators"] if item["code"] == code)


def by_label(item):
    return {unit["label"]: unit for unit in item["units"]}


@freeze_time(TODAY)
def test_every_indicator_by_hand_without_suppression(world, api, tmp_path):
    with policy_with(tmp_path, small_cell_threshold=1):
        small_municipality(world)
        api.force_authenticate(world.policy_officer)
        response = api.get("/api/v1/outcomes/benchmark/", PERIOD)
        assert response.status_code == 200, response.content
        data = response.json()

    # New households per channel: Noord desk 1 (H1) + partner 1; Zuid outreach 1.
    channels = data["intake_channels"]
    rows = {
        row["label"] if row["unit"] != "all" else "All": dict(zip([*channels, "total"], row["cells"], strict=True))
        for row in data["intake_channel_rows"]
    }
    zero = dict.fromkeys(channels, 0)
    assert rows["Team Noord"] == {**zero, "desk": 1, "partner_signal": 1, "total": 2}
    assert rows["Team Zuid"] == {**zero, "outreach": 1, "total": 1}
    assert rows["All"] == {**zero, "desk": 1, "partner_signal": 1, "outreach": 1, "total": 3}

    # Days to the first contact: Noord (5 + 10) / 2 = 7.5; Zuid 20; all (5 + 10 + 20) / 3.
    first = indicator(data, "days_to_first_contact")
    assert by_label(first)["Team Noord"]["value"] == pytest.approx(7.5)
    assert by_label(first)["Team Zuid"]["value"] == pytest.approx(20.0)
    assert first["all_units"] == {"value": pytest.approx(35 / 3), "n": 3}

    # Duration of first-line support: H2 1 Feb → 1 Apr = 59 days; H3 1 Mar → 1 May = 61 days.
    duration = indicator(data, "support_duration")
    assert by_label(duration)["Team Noord"]["value"] == pytest.approx(59.0)
    assert by_label(duration)["Team Zuid"]["value"] == pytest.approx(61.0)
    assert duration["all_units"]["value"] == pytest.approx(60.0)

    # Closed versus handed over: Noord 1 of 1 closed, Zuid 1 of 1 handed over.
    assert by_label(indicator(data, "share_closed"))["Team Noord"]["value"] == 1.0
    assert by_label(indicator(data, "share_second_line"))["Team Zuid"]["value"] == 1.0
    assert indicator(data, "share_second_line")["all_units"] == {"value": 0.5, "n": 2}

    # Months in care: Noord H1 Jan–Jun 6 + H2 Feb–Apr 3 = 9; Zuid H3 Mar–May 3.
    # Contacts: Noord 3 (60 + 30 + 45 = 135 minutes), Zuid 1 (no minutes).
    contacts = indicator(data, "contacts_per_household")
    assert by_label(contacts)["Team Noord"]["value"] == pytest.approx(3 / 9)
    assert by_label(contacts)["Team Noord"]["n"] == 9
    assert by_label(contacts)["Team Zuid"]["value"] == pytest.approx(1 / 3)
    assert contacts["all_units"] == {"value": pytest.approx(4 / 12), "n": 12}
    minutes = indicator(data, "minutes_per_household")
    assert by_label(minutes)["Team Noord"]["value"] == pytest.approx(15.0)
    assert by_label(minutes)["Team Zuid"]["value"] == pytest.approx(0.0)
    assert minutes["all_units"]["value"] == pytest.approx(135 / 12)

    # Demand and supply: nobody has a 0-meting, so every household is "not yet measured"; in care at the end
    # of June: H1 only (H2 and H3 ended).
    unknown = next(row for row in data["pyramid"] if row["level"] == "unknown")
    assert (unknown["households"], unknown["contacts"], unknown["minutes"]) == (1, 4, 135)
    assert all(row["households"] == 0 for row in data["pyramid"] if row["level"] != "unknown")


@freeze_time(TODAY)
def test_the_page_shows_the_same_numbers(world, client, tmp_path):
    with policy_with(tmp_path, small_cell_threshold=1):
        small_municipality(world)
        client.force_login(world.policy_officer)
        response = client.get("/uitkomsten/", {**PERIOD, "indicator": "days_to_first_contact"})
    assert response.status_code == 200
    board = response.context["board"]
    first = next(result for result in board.indicators if result.indicator.code == "days_to_first_contact")
    assert first.all_units.value == pytest.approx(35 / 3)
    html = response.content.decode()
    assert "7,5" in html  # Noord's mean in the funnel's table, Dutch decimal comma
    assert "<svg" in html


# --- the small-number rules, tried as an attacker would -----------------------------------------------------


def attacker_system(data):
    """What the API shows, as an attacker's system: each shown count is known, each hidden one unknown, and the
    sums the attacker knows hold (all = Σ units per channel, a unit's channels sum to its total)."""
    channels = [*data["intake_channels"], "total"]
    cells, equations = {}, []
    rows = data["intake_channel_rows"]
    labels = [row["label"] if row["unit"] != "all" else "All" for row in rows]
    for label, row in zip(labels, rows, strict=True):
        for channel, value in zip(channels, row["cells"], strict=True):
            cells[(label, channel)] = value
    units = [label for label in labels if label != "All"]
    for channel in channels:
        equations.append((("All", channel), [(unit, channel) for unit in units]))
    for label in labels:
        equations.append(((label, "total"), [(label, channel) for channel in channels[:-1]]))
    return cells, equations


def many_teams(world, registrations):
    """Teams with the given numbers of desk registrations in March 2026 (one team per number)."""
    teams = []
    for index, (desk, outreach) in enumerate(registrations):
        team = TeamFactory(name=f"Team {chr(65 + index)}")
        worker = TeamMembershipFactory(team=team).user
        for number in range(desk):
            history(team=team, worker=worker, registered=D(2026, 3, 2), name=f"D{index}-{number}")
        for number in range(outreach):
            history(team=team, worker=worker, registered=D(2026, 3, 3), channel="outreach", name=f"O{index}-{number}")
        teams.append(team)
    return teams


@freeze_time(TODAY)
def test_a_hidden_count_cannot_be_worked_out_from_totals(world, api):
    # Team A: 3 at the desk (a small cell) and 7 through outreach; its row total (10) and the column totals are
    # shown, which in the old overview gave the 3 away by subtraction.
    many_teams(world, [(3, 7), (8, 6), (9, 5)])
    api.force_authenticate(world.policy_officer)
    data = api.get("/api/v1/outcomes/benchmark/", {"from": "2026-03", "until": "2026-03"}).json()
    cells, equations = attacker_system(data)
    assert cells[("Team A", "desk")] is None  # the small cell is hidden…
    hidden = {key for key, value in cells.items() if value is None}
    assert len(hidden) > 1  # …and at least one other with it
    # Every subtraction: the attacker's exact solver finds no hidden value (zeros are shown, so hidden ≥ 1).
    truth = {"Team A": (3, 7), "Team B": (8, 6), "Team C": (9, 5)}
    full = {}
    for (label, channel), value in cells.items():
        if value is not None:
            full[(label, channel)] = value
        elif label == "All":
            index = {"desk": 0, "outreach": 1}.get(channel)
            full[(label, channel)] = sum(sum(t) if index is None else t[index] for t in truth.values())
        else:
            index = {"desk": 0, "outreach": 1}.get(channel)
            full[(label, channel)] = sum(truth[label]) if index is None else truth[label][index]
    assert disclosure.determined(full, equations, hidden) == frozenset()
    # and literally: no equation has exactly one hidden member
    for total, parts in equations:
        assert sum(1 for key in (total, *parts) if key in hidden) != 1


@freeze_time(TODAY)
def test_no_hidden_month_can_be_worked_out_by_subtracting_periods(world, api):
    # Team A registers 6 in January, 2 in February (small), 7 in March: every period the API answers for it,
    # subtracted from every other, must not give away February.
    team = TeamFactory(name="Team A")
    worker = TeamMembershipFactory(team=team).user
    for month, count in ((1, 6), (2, 2), (3, 7)):
        for number in range(count):
            history(team=team, worker=worker, registered=D(2026, month, 5), name=f"A{month}-{number}")
    api.force_authenticate(world.policy_officer)
    months = ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]
    shown: dict[tuple[int, int], int | None] = {}
    for (i, start), (j, end) in itertools.combinations_with_replacement(list(enumerate(months)), 2):
        data = api.get("/api/v1/outcomes/benchmark/", {"from": start, "until": end}).json()
        row = next(row for row in data["intake_channel_rows"] if row["label"] == "Team A")
        shown[(i, j)] = row["cells"][-1]
    # Unknowns: the five months; equations: every shown period total. Exact rational elimination.
    counts = [0, 6, 2, 7, 0]
    rows = [
        [Fraction(1 if i <= m <= j else 0) for m in range(5)] for (i, j), total in shown.items() if total is not None
    ]
    for (i, j), total in shown.items():
        if total is not None:
            assert total == sum(counts[i : j + 1])
    assert not _determinable(rows, 2), "February (2) could be worked out from the periods shown"


def _determinable(rows, column):
    """Whether the unit vector of `column` lies in the row space of `rows` (exact)."""
    matrix = [row[:] for row in rows]
    pivots = []
    r = 0
    for c in range(5):
        pivot = next((k for k in range(r, len(matrix)) if matrix[k][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        matrix[r] = [value / matrix[r][c] for value in matrix[r]]
        for k in range(len(matrix)):
            if k != r and matrix[k][c] != 0:
                factor = matrix[k][c]
                matrix[k] = [a - factor * b for a, b in zip(matrix[k], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
    target = [Fraction(1 if c == column else 0) for c in range(5)]
    for row, c in zip(matrix[:r], pivots, strict=True):
        factor = target[c]
        if factor:
            target = [a - factor * b for a, b in zip(target, row, strict=True)]
    return all(value == 0 for value in target)


# --- who may look ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["worker", "regisseur", "functional_admin", "partner", "privacy_officer"])
def test_only_policy_officers_and_coordinators_see_the_benchmark(world, api, client, role):
    user = {
        "partner": lambda: UserFactory(role="partner"),
        "privacy_officer": lambda: UserFactory(privacy_officer=True),
    }.get(role, lambda: getattr(world, role))()
    for url in ("/api/v1/outcomes/benchmark/", "/api/v1/outcomes/indicators/", "/api/v1/outcomes/conclusions/"):
        api.force_authenticate(user)
        assert api.get(url).status_code == 403, url
    client.force_login(user)
    for url in ("/uitkomsten/", "/uitkomsten/conclusies/", "/uitkomsten/bespreken/"):
        response = client.get(url)
        # Staff accounts (administrator, privacy officer) are first sent to set up two-step verification.
        assert response.status_code == 403 or "/tweestapsverificatie/" in response.get("Location", ""), url


def test_signed_out_gets_nothing(api, client):
    assert api.get("/api/v1/outcomes/benchmark/").status_code in (401, 403)
    assert client.get("/uitkomsten/").status_code == 302


@pytest.mark.parametrize("user", ["policy_officer", "coordinator"])
def test_policy_officers_and_coordinators_do(world, api, client, user):
    api.force_authenticate(getattr(world, user))
    assert api.get("/api/v1/outcomes/benchmark/").status_code == 200
    client.force_login(getattr(world, user))
    assert client.get("/uitkomsten/").status_code == 200


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2026-05", "until": "2026-01"}, "until", "eindigt voor"),
        ({"from": "2010-01", "until": "2026-01"}, "until", "tien jaar"),
        ({"from": "2026-13"}, "from", "jaar en maand"),
        ({"compare": "worker"}, "team", "team"),
        ({"compare": "worker", "team": 999999}, "team", "team"),
        ({"indicator": "happiness"}, "indicator", "indicator"),
    ],
)
def test_bad_input_is_a_clear_400(world, api, client, query, field, message):
    api.force_authenticate(world.policy_officer)
    response = api.get("/api/v1/outcomes/benchmark/", query, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400
    assert field in response.json()
    client.force_login(world.policy_officer)
    page = client.get("/uitkomsten/", query)
    assert page.status_code == 400


@freeze_time(TODAY)
def test_a_case_mix_on_too_few_households_is_refused_with_a_message(world, api):
    small_municipality(world)
    api.force_authenticate(world.policy_officer)
    response = api.get(
        "/api/v1/outcomes/benchmark/", {**PERIOD, "indicator": "days_to_first_contact", "case_mix": "true"}
    )
    assert response.status_code == 400
    assert "case_mix" in response.json()


# --- the list to discuss, and what was concluded -----------------------------------------------------------


def slow_team(world):
    """Three teams of six households each, every household registered on 1 March 2026 with its first contact in
    March: Team A after 20 or 21 days, Teams B and C after 3–4 and 4–5 days. A lies far outside the limits."""
    teams = []
    for name, days in (("Team A", 20), ("Team B", 3), ("Team C", 4)):
        team = TeamFactory(name=name)
        worker = TeamMembershipFactory(team=team).user
        for number in range(6):
            registered = D(2026, 3, 1)
            history(
                team=team,
                worker=worker,
                registered=registered,
                contacts=[(registered + datetime.timedelta(days=days + number % 2), 30)],
                name=f"{name}-{number}",
            )
        teams.append(team)
    return teams


@freeze_time(TODAY)
def test_an_outlier_is_listed_and_a_conclusion_recorded(world, api):
    team_a, *_ = slow_team(world)
    api.force_authenticate(world.policy_officer)
    query = {"from": "2026-03", "until": "2026-03"}
    data = api.get("/api/v1/outcomes/benchmark/", query).json()
    flagged = [o for o in data["outliers"] if o["indicator"] == "days_to_first_contact"]
    assert ("Team A", "high") in [(o["label"], o["direction"]) for o in flagged]
    response = api.post(
        "/api/v1/outcomes/conclusions/",
        {
            **query,
            "indicator": "days_to_first_contact",
            "unit": team_a.pk,
            "conclusion": "Twee zieken; inhaalslag gepland.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    saved = OutlierConclusion.objects.get()
    assert (saved.unit_label, saved.households, saved.recorded_by) == ("Team A", 6, world.policy_officer)
    again = api.get("/api/v1/outcomes/benchmark/", query).json()
    assert [o["conclusion"] for o in again["outliers"] if o["label"] == "Team A"] == [
        "Twee zieken; inhaalslag gepland."
    ]


@freeze_time(TODAY)
def test_a_conclusion_about_a_unit_that_is_not_flagged_is_refused(world, api, client):
    teams = slow_team(world)
    api.force_authenticate(world.policy_officer)
    response = api.post(
        "/api/v1/outcomes/conclusions/",
        {
            "from": "2026-03",
            "until": "2026-03",
            "indicator": "days_to_first_contact",
            "unit": world.team.pk,  # no first contacts in March: not in the funnel, so not flagged
            "conclusion": "x",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "unit" in response.json()
    client.force_login(world.policy_officer)
    page = client.post(
        f"/uitkomsten/bespreken/?from=2026-03&until=2026-03&indicator=days_to_first_contact&unit={teams[0].pk}",
        {"conclusion": ""},
    )
    assert page.status_code == 400
    assert not OutlierConclusion.objects.exists()


@freeze_time(TODAY)
def test_the_page_records_a_conclusion(world, client):
    team_a, *_ = slow_team(world)
    client.force_login(world.coordinator)
    url = f"/uitkomsten/bespreken/?from=2026-03&until=2026-03&indicator=days_to_first_contact&unit={team_a.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"conclusion": "Vacature ingevuld per april."})
    assert response.status_code == 302
    assert OutlierConclusion.objects.get().conclusion == "Vacature ingevuld per april."


def test_a_worker_cannot_record_a_conclusion(world, api):
    api.force_authenticate(world.worker)
    response = api.post("/api/v1/outcomes/conclusions/", {"conclusion": "x"}, format="json")
    assert response.status_code == 403
    assert not OutlierConclusion.objects.exists()


@freeze_time(TODAY)
def test_the_trend_hides_each_month_exactly_as_the_dashboard_of_that_month(world):
    """The trend checks one indicator per month (`disclose(indicators=[…])`); the dashboard of that one month
    checks all of them at once. Both must hide the same: a count shown in one and hidden in the other would be
    a leak."""
    from wijkkracht.outcomes.figures import ALL, cells_read, counted_measures, disclose, indicator_value, measures_of
    from wijkkracht.outcomes.periods import Period
    from wijkkracht.outcomes.policy import outcome_policy
    from wijkkracht.outcomes.selectors import _trend

    many_teams(world, [(3, 7), (8, 6), (1, 12)])
    small_municipality(world)
    policy = outcome_policy()
    period = Period(D(2026, 1, 1), D(2026, 6, 1))
    _counts, rests = counted_measures(policy.indicators)
    figures = cells_read(kind="team", end=period.end, measures=measures_of(policy), rests=rests)
    unit_keys = sorted(key for key in figures if key != ALL)
    compared = 0
    for indicator in policy.indicators:
        for scope in [ALL, *unit_keys]:
            trend = _trend(indicator, figures, policy, period, unit_keys, scope)
            for point in trend:
                month = Period(point.month, point.month)
                full = disclose(figures, policy, month, unit_keys=unit_keys)
                expected = indicator_value(indicator, figures[scope], month, full, scope).value
                assert point.value == expected, (indicator.code, scope, point.month)
                compared += expected is not None
    assert compared > 10  # the municipality gives the trend something to show
