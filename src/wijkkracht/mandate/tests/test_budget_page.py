"""The budget page `/budget/`: the hand-made team of `budget_helpers` (worked out in `test_budget.py`), who sees
it, the warning before the budget runs out, a year without rates, and that no household's data is on it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.mandate.tests.budget_helpers import BudgetWorld, make_budget_world, upload_hand_policy
from wijkkracht.mandate.tests.factories import MeasureFactory
from wijkkracht.teams.tests.factories import TeamFactory, TeamMembershipFactory, WijkFactory, WijkPostcodeFactory

pytestmark = pytest.mark.django_db

URL = "/budget/"
NBSP = "\u00a0"


@pytest.fixture
def bw() -> BudgetWorld:
    world = make_budget_world()
    upload_hand_policy()
    return world


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return match.group(1).strip()


@pytest.mark.skipif(datetime.date.today() < datetime.date(2026, 7, 1), reason="the hand-made contacts lie in 2026")
@pytest.mark.parametrize("who", ["coordinator", "worker", "manager"])
def test_members_and_managers_see_their_teams_budget(bw: BudgetWorld, client: Client, who: str) -> None:
    client.force_login(getattr(bw, who))
    response = client.get(URL, {"team": bw.team.id, "jaar": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    # Contacts up to today: the four of the first half year and the one of 1 July (see budget_helpers).
    # 55,000.00 + 13,750.00 + 5 × 50.00 = 69,000.00; remaining 69,000.00 − 750.00 − 1,200.00 = 67,050.00.
    assert text_of(html, "budget-total") == f"€{NBSP}69.000,00"
    assert text_of(html, "budget-committed") == f"€{NBSP}750,00"
    assert text_of(html, "budget-spent") == f"€{NBSP}1.200,00"
    assert text_of(html, "budget-remaining").startswith(f"€{NBSP}67.050,00")
    parts = html[html.index('id="budget-parts"') : html.index("</table>", html.index('id="budget-parts"'))]
    assert "5.500 " in parts and f"€{NBSP}10,00" in parts  # residents: 4,000 + 3,000 / 2; rate per resident
    # The picture, accessible and without inline style, with its table.
    svg = re.search(r"<svg[^>]*chart--budget[^>]*>", html)
    assert (
        svg
        and 'role="img"' in svg.group(0)
        and 'aria-labelledby="budget-chart-title budget-chart-desc"' in svg.group(0)
    )
    assert "style=" not in html
    assert html.count('<tr><th scope="row">', html.index('id="budget-months"')) >= 12
    assert 'id="budget-warning"' not in html and 'id="budget-alert"' not in html
    # No household's data: names, members, reasons.
    for secret in (bw.household.name, "Anna", "Kapotte wasmachine", bw.second_household.name):
        assert secret not in html
    # The way to ask beyond the budget: the approvals page for those who approve.
    beyond = html[html.index('id="budget-beyond"') : html.index("</p>", html.index('id="budget-beyond"'))]
    assert ('href="/maatregelen/goedkeuren/"' in beyond) == (who in ("coordinator", "manager"))


def test_without_a_team_named_the_first_own_team_is_shown(bw: BudgetWorld, client: Client) -> None:
    client.force_login(bw.manager)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["team"] == bw.team
    assert response.context["year"] == datetime.date.today().year


@pytest.mark.parametrize("who", ["other_manager", "other_coordinator"])
def test_another_teams_budget_is_not_found(bw: BudgetWorld, client: Client, who: str) -> None:
    if who == "other_coordinator":
        user = TeamMembershipFactory(team=bw.other_team, user=UserFactory(coordinator=True)).user
    else:
        user = bw.other_manager
    client.force_login(user)
    assert client.get(URL, {"team": bw.team.id}).status_code == 404
    assert client.get(URL, {"team": 987654321}).status_code == 404
    assert client.get(URL, {"team": bw.other_team.id}).status_code == 200


@pytest.mark.parametrize("role", [Role.POLICY_OFFICER, Role.FUNCTIONAL_ADMIN, Role.PRIVACY_OFFICER, Role.PARTNER])
def test_other_roles_get_nothing(bw: BudgetWorld, client: Client, role: str) -> None:
    # Even as a member of the team (an administrator in a team's list of members sees no budget either).
    user = TeamMembershipFactory(team=bw.team, user=UserFactory(role=role)).user if role != Role.PARTNER else None
    client.force_login(user or UserFactory(role=role))
    response = client.get(URL, {"team": bw.team.id})
    assert response.status_code == 403 or "/tweestapsverificatie/" in response.get("Location", "")
    assert b"69.000" not in response.content


def test_signed_out_is_sent_to_sign_in(bw: BudgetWorld, client: Client) -> None:
    response = client.get(URL, {"team": bw.team.id})
    assert response.status_code == 302 and "team" not in response.get("Location", "").split("?")[0]


@pytest.mark.parametrize("query", [{"team": "abc"}, {"team": "0"}, {"jaar": "1999"}, {"jaar": "twee"}])
def test_a_bad_query_is_not_found(bw: BudgetWorld, client: Client, query: dict[str, str]) -> None:
    client.force_login(bw.coordinator)
    assert client.get(URL, query).status_code == 404


def test_a_year_without_rates_says_so(bw: BudgetWorld, client: Client) -> None:
    client.force_login(bw.coordinator)
    html = client.get(URL, {"team": bw.team.id, "jaar": 2027}).content.decode()
    assert 'id="budget-no-rates"' in html
    assert text_of(html, "budget-total") == f"€{NBSP}0,00"
    assert 'id="budget-alert"' not in html  # no rates is not "used up"


def _small_team(client: Client, spent: str) -> str:
    """100 residents × 12.50 = € 1,250.00 in 2026; warn below 15 % (€ 187.50)."""
    upload_hand_policy()
    team = TeamFactory(wijken=[WijkPostcodeFactory(wijk=WijkFactory(residents=100)).wijk])
    coordinator = TeamMembershipFactory(team=team, user=UserFactory(coordinator=True)).user
    MeasureFactory(person__household__team=team, amount=Decimal(spent), start_date=datetime.date(2026, 2, 1), paid=True)
    client.force_login(coordinator)
    return client.get(URL, {"jaar": 2026}).content.decode()


@pytest.mark.django_db
def test_the_warning_before_the_budget_runs_out(client: Client) -> None:
    html = _small_team(client, "1100.00")
    warning = text_of(html, "budget-warning")
    # "Let op: nog € 150,00 (12,0 %) van het budget over." (or the English msgid before translations compile)
    assert f"€{NBSP}150,00" in warning and f"12,0{NBSP}%" in warning
    assert 'id="budget-alert"' not in html


@pytest.mark.django_db
def test_an_alert_when_the_budget_is_used_up(client: Client) -> None:
    html = _small_team(client, "1300.00")
    assert re.search(r'id="budget-alert" role="alert"', html)
    # 1,250.00 − 1,300.00: "Het budget van 2026 is op: € 50,00 tekort." — no minus sign in a sentence.
    alert = text_of(html, "budget-alert")
    assert f"€{NBSP}50,00" in alert and "-" not in alert and "−" not in alert
    remaining = text_of(html, "budget-remaining")
    assert remaining.startswith(f"€{NBSP}50,00") and "-" not in remaining
    assert 'id="budget-warning"' not in html
    # In the monthly table a minus sign for the eye and "short" for a screen reader.
    rows = html[html.index('id="budget-months"') :]
    assert re.search(r'<span aria-hidden="true">−</span>€\u00a050,00<span class="visually-hidden"> \w+', rows)
    assert "€\u00a0-50,00" not in html


@pytest.mark.django_db
def test_no_warning_with_enough_left(client: Client) -> None:
    html = _small_team(client, "1000.00")  # 250.00 = 20 % left
    assert 'id="budget-warning"' not in html and 'id="budget-alert"' not in html


def _team_of(client: Client, residents: int, *measures: dict[str, object]) -> tuple[str, int]:
    upload_hand_policy()  # € 12.50 per resident in 2026
    team = TeamFactory(wijken=[WijkPostcodeFactory(wijk=WijkFactory(residents=residents)).wijk])
    coordinator = TeamMembershipFactory(team=team, user=UserFactory(coordinator=True)).user
    for fields in measures:
        MeasureFactory(person__household__team=team, start_date=datetime.date(2026, 2, 1), **fields)
    client.force_login(coordinator)
    return client.get(URL, {"jaar": 2026}).content.decode(), team.id


def _rects(svg: str, kind: str) -> list[dict[str, float]]:
    return [
        {name: float(value) for name, value in re.findall(r'(x|y|width|height)="([\d.]+)"', rect)}
        for rect in re.findall(rf'<rect class="bar bar--{kind}"[^>]*>', svg)
    ]


@pytest.mark.django_db
def test_the_used_bar_shows_normal_spending_on_a_large_budget(client: Client) -> None:
    # 16,000 residents × 12.50 = € 200,000.00; € 180.00 spent and € 450.00 committed: 0.3 % used.
    html, _team = _team_of(
        client, 16_000, {"amount": Decimal("180.00"), "paid": True}, {"amount": Decimal("450.00"), "approved": True}
    )
    used = text_of(html, "budget-used")
    for part in (f"€{NBSP}630,00", f"0,3{NBSP}%", f"€{NBSP}450,00", f"€{NBSP}180,00"):
        assert part in used, part
    bar = html[html.index('class="chart chart--used"') : html.index("</svg>", html.index('class="chart chart--used"'))]
    assert 'role="img"' in html[html.rindex("<svg", 0, html.index("chart--used")) :][:300]
    (spent,) = _rects(bar, "spent")
    (committed,) = _rects(bar, "committed")
    assert spent["width"] >= 4 and committed["width"] >= 2  # 0.09 % and 0.2 % of 756 units: drawn wider
    assert committed["x"] > spent["x"] + spent["width"] - 1  # after each other, not on top
    # The monthly picture: a bar for each month since February, at least 4 units high.
    chart = html[html.index('class="chart chart--budget"') :]
    chart = chart[: chart.index("</svg>")]
    assert _rects(chart, "spent") and all(rect["height"] >= 4 for rect in _rects(chart, "spent"))
    # Fewer, larger labels on a phone: every other label is minor (hidden there by wijkkracht.css).
    assert 'class="chart-text tick--minor"' in chart and 'class="chart-text"' in chart
    assert "style=" not in html


@pytest.mark.django_db
def test_a_tiny_share_is_not_rounded_to_nothing(client: Client) -> None:
    html, _team = _team_of(client, 16_000, {"amount": Decimal("50.00"), "paid": True})  # 0.025 %
    assert f"<{NBSP}0,1{NBSP}%" in text_of(html, "budget-used").replace("&lt;", "<")


@pytest.mark.django_db
def test_the_tables_fit_a_phone(client: Client) -> None:
    html, _team = _team_of(client, 100, {"amount": Decimal("100.00"), "paid": True})
    for table in ("budget-parts", "budget-months", "budget-kinds"):
        tag = re.search(rf'<table id="{table}"[^>]*>', html)
        assert tag and 'class="stack"' in tag.group(0), table  # rows become labelled cards under 48rem
    months = html[html.index('id="budget-months"') : html.index("</table>", html.index('id="budget-months"'))]
    assert months.count("data-label=") >= 12 * 2
    assert 'aria-describedby="budget-months-note"' in months and 'id="budget-months-note"' in html


@pytest.mark.parametrize(("year", "period"), [(2025, "past"), (2026, "current"), (2027, "future")])
def test_past_and_future_years_say_which_contacts_count(
    bw: BudgetWorld, client: Client, year: int, period: str
) -> None:
    client.force_login(bw.coordinator)
    html = client.get(URL, {"team": bw.team.id, "jaar": year}).content.decode()
    assert html.count('id="budget-parts-hint"') == 1
    hint = text_of(html, "budget-parts-hint")
    as_of = text_of(html, "budget-as-of")
    if year == datetime.date.today().year:
        assert str(year) not in hint and ("today" in hint or "vandaag" in hint)  # "this year up to today"
    else:
        # The whole year (past) or "once the year has begun" (future): the year is named, "today" is not.
        assert str(year) in hint and str(year) in as_of, (period, hint, as_of)
        assert "today" not in hint and "vandaag" not in hint
