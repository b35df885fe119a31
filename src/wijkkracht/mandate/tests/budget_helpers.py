"""A hand-made team whose budget is worked out by hand in `test_budget.py` (and shown by the page tests).

Team Oost serves district A (4,000 residents, Oost only) and district B (3,000 residents, shared with Team West:
1,500 count for Oost): 5,500 residents. Rates of 2026 (the test policy): € 10.00 per resident, € 2.50 direct
help per resident, € 50.00 per client contact; 2027 has no rates. Warn below 15 %.

Contacts of Oost's households in 2026 up to 30 June 2026: 15 January (home visit), 10 March (phone), 20 March
(digital, the second household), 30 June (office): 4. Not counted: a no-show on 1 February, a contact on 1 July
(after the day of reckoning), one on 31 December 2025, one on 5 January 2027 and West's contact of 1 March.

Measures of Oost that spend from 2026 (the year of their start):
- € 300.00 inzet specialist, approved 20 December 2025, start 5 January 2026: committed from January;
- € 450.00 bijzondere bijstand, approved 10 February: committed from February;
- € 1,200.00 bijzondere bijstand, approved 5 March, paid 15 April: committed in March, spent from April.
Counting nothing: € 999.00 started and paid in 2025, € 5,000.00 withdrawn, € 7,000.00 rejected, € 800.00 still
proposed, € 2,000.00 of West, and an approved measure that spends nothing (sollicitatieplicht opgeschort).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from wijkkracht.accounts.models import Role, User
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.households.models import ContactKind, Household
from wijkkracht.households.tests.factories import ContactFactory, HouseholdFactory, PersonFactory
from wijkkracht.instruments.definitions import read_file
from wijkkracht.mandate.models import MandateFile
from wijkkracht.mandate.policy import SHIPPED_FILE, MandatePolicy, parse_policy
from wijkkracht.mandate.tests.factories import MeasureFactory
from wijkkracht.teams.models import Municipality, Team
from wijkkracht.teams.tests.factories import TeamFactory, TeamMembershipFactory, WijkFactory, WijkPostcodeFactory

YEAR = 2026
AS_OF = datetime.date(2026, 6, 30)
D = datetime.date


def policy_raw(**financing: Any) -> dict[str, Any]:
    """The shipped policy file with the test's rates (2026 only) instead of the shipped ones."""
    raw = read_file(SHIPPED_FILE)
    raw["financing"] = {
        "years": {YEAR: {"per_resident": 10.00, "per_contact": 50.00, "direct_help_per_resident": 2.50}},
        "warn_below_share": 0.15,
        "beyond_budget": "manager",
        **financing,
    }
    return raw


def hand_policy() -> MandatePolicy:
    return parse_policy(policy_raw(), "test")


def upload_hand_policy() -> MandateFile:
    """Put the test policy in force (an active upload wins over the shipped file)."""
    import yaml

    return MandateFile.objects.create(name="test.yaml", content=yaml.safe_dump(policy_raw()), is_active=True)


@dataclass
class BudgetWorld:
    team: Team
    other_team: Team
    coordinator: User
    worker: User
    manager: User
    other_manager: User
    household: Household
    second_household: Household


def make_budget_world() -> BudgetWorld:
    Municipality.objects.get_or_create(id=1, defaults={"name": "Testgemeente", "code": "GM0999"})
    district_a = WijkPostcodeFactory(wijk=WijkFactory(name="Wijk A", residents=4000)).wijk
    district_b = WijkPostcodeFactory(wijk=WijkFactory(name="Wijk B", residents=3000)).wijk
    district_c = WijkPostcodeFactory(wijk=WijkFactory(name="Wijk C", residents=8000)).wijk
    team = TeamFactory(name="Team Oost", wijken=[district_a, district_b])
    other_team = TeamFactory(name="Team West", wijken=[district_c, district_b])
    coordinator = TeamMembershipFactory(team=team, user=UserFactory(username="coordinator", coordinator=True)).user
    worker = TeamMembershipFactory(team=team, user__username="worker").user
    manager = TeamMembershipFactory(team=team, user=UserFactory(username="manager", role=Role.MANAGER)).user
    other_manager = TeamMembershipFactory(
        team=other_team, user=UserFactory(username="other_manager", role=Role.MANAGER)
    ).user
    other_worker = TeamMembershipFactory(team=other_team, user__username="other_worker").user
    registered = D(2025, 1, 2)
    household = HouseholdFactory(team=team, wijk=district_a, contact_person=worker, registered_on=registered)
    second = HouseholdFactory(team=team, wijk=district_b, contact_person=worker, registered_on=registered)
    other_household = HouseholdFactory(
        team=other_team, wijk=district_c, contact_person=other_worker, registered_on=registered
    )
    person = PersonFactory(household=household, first_name="Anna")
    other_person = PersonFactory(household=other_household, first_name="Piet")

    def contact(on: datetime.date, kind: str = ContactKind.HOME_VISIT, of: Household = household) -> None:
        ContactFactory(household=of, date=on, kind=kind, duration_minutes=None if kind == ContactKind.NO_SHOW else 30)

    contact(D(2026, 1, 15))
    contact(D(2026, 3, 10), ContactKind.PHONE)
    contact(D(2026, 3, 20), ContactKind.DIGITAL, of=second)
    contact(D(2026, 6, 30), ContactKind.OFFICE)
    contact(D(2026, 2, 1), ContactKind.NO_SHOW)
    contact(D(2026, 7, 1))
    contact(D(2025, 12, 31))
    contact(D(2027, 1, 5))
    contact(D(2026, 3, 1), of=other_household)

    specialist = {"kind_code": "inzet_specialist", "kind_name": "Inzet specialist of test"}
    MeasureFactory(
        person=person, amount=Decimal("300.00"), start_date=D(2026, 1, 5), approved=True,
        approved_on=D(2025, 12, 20), **specialist,
    )  # fmt: skip
    MeasureFactory(person=person, amount=Decimal("450.00"), start_date=D(2026, 2, 10), approved=True)
    MeasureFactory(
        person=person, amount=Decimal("1200.00"), start_date=D(2026, 3, 5), paid=True, paid_on=D(2026, 4, 15)
    )
    MeasureFactory(person=person, amount=Decimal("999.00"), start_date=D(2025, 11, 1), paid=True)
    MeasureFactory(person=person, amount=Decimal("5000.00"), start_date=D(2026, 2, 1), withdrawn=True)
    MeasureFactory(person=person, amount=Decimal("7000.00"), start_date=D(2026, 2, 1), rejected=True)
    MeasureFactory(person=person, amount=Decimal("800.00"), start_date=D(2026, 5, 1))
    MeasureFactory(person=other_person, amount=Decimal("2000.00"), start_date=D(2026, 2, 1), approved=True)
    MeasureFactory(
        person=person, kind_code="sollicitatieplicht_opschorten", kind_name="Opschorten sollicitatieplicht",
        spends_budget=False, amount=None, start_date=D(2026, 2, 1), end_date=D(2026, 7, 31), approved=True,
    )  # fmt: skip
    return BudgetWorld(
        team=team,
        other_team=other_team,
        coordinator=coordinator,
        worker=worker,
        manager=manager,
        other_manager=other_manager,
        household=household,
        second_household=second,
    )
