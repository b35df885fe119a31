"""The stored contributions and the indicator cells, worked out by hand for a small municipality, and kept
exact when households move, are deleted, or their case files change through any sequence of services.

The municipality (every date in 2025; 2025 is no leap year; Europe/Amsterdam):

- Team Noord (worker Wendy, district Noord) and Team Zuid (worker Bart, district Zuid).
- H1 Jansen: Noord, Wendy, district Noord, at the desk, registered Mon 6 January. Anna (adult) and Tim (15).
  Contacts, a first plan agreed and evaluated, ZRM and the ladder three times, a benefit ended by part-time
  work, a referral sent late on 31 March UTC (1 April in Amsterdam), closed on 15 September.
- H2 Bakker: signalled by a partner, registered 25 February at Noord with Wendy, handed over to the second line
  on 10 April, back to Team Zuid with Bart on 1 July (a return), closed again on 1 October.
- H3 Visser: outreach, Zuid, district Zuid, registered 10 March, closed 30 April without contact person;
  a 0-meting with two domains at 2 ("multiple"), a WW benefit that ended because the family moved.
- H4 De Vries: desk, Zuid, Bart, district Zuid, registered 3 March, two contacts in March.

The household facts are written with the ORM and then refreshed, as a service does in its transaction; that
every service does so is what the autouse check of `conftest` proves after every test, and
`test_random_service_sequences_keep_the_cells_exact` below.
"""

import datetime
import random
from collections import Counter, defaultdict
from datetime import date

import pytest
from django.utils import timezone

from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.casefile.models import Handover, HandoverDirection, HandoverStatus
from wijkkracht.consent.models import Consent, ConsentForm, ConsentGround, ConsentPurpose
from wijkkracht.diagnosis.models import Measurement, MeasurementStatus, Score
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import (
    Benefit,
    BenefitEndReason,
    ContactKind,
    Household,
    HouseholdStatus,
    IncomeWorkRecord,
    IntakeChannel,
    PersonRole,
    StatusChange,
    WorkSituation,
)
from wijkkracht.households.tests.factories import ContactFactory, HouseholdFactory, PersonFactory
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.outcomes.maintenance import (
    household_contributions,
    outcome_mismatches,
    outcomes_rebuild,
    outcomes_refresh,
)
from wijkkracht.outcomes.models import HouseholdContribution, HouseholdOutcomeState, IndicatorCell
from wijkkracht.plans.models import Action, Goal, GoalOutcome, Plan, PlanStatus
from wijkkracht.referrals.models import Referral
from wijkkracht.referrals.tests.helpers import organization, service
from wijkkracht.teams.models import Municipality
from wijkkracht.teams.tests.factories import TeamFactory, TeamMembershipFactory

ZRM = "zelfredzaamheidsmatrix"
LADDER = "participatieladder"
ZRM_DOMAINS = (
    "financien",
    "werk-opleiding",
    "tijdsbesteding",
    "huisvesting",
    "huiselijke-relaties",
    "geestelijke-gezondheid",
    "lichamelijke-gezondheid",
    "middelengebruik",
    "basale-adl",
    "instrumentele-adl",
    "sociaal-netwerk",
    "maatschappelijke-participatie",
    "justitie",
)


def measure(household, person, code, moment, day, scores, *, status=MeasurementStatus.COMPLETE, by=None):
    version = instrument_catalogue().get(code)
    measurement = Measurement.objects.create(
        household=household,
        person=person,
        instrument=version,
        instrument_code=code,
        moment=moment,
        date=day,
        status=status,
        completed_at=timezone.now() if status == MeasurementStatus.COMPLETE else None,
        created_by=by or household.contact_person,
    )
    Score.objects.bulk_create(Score(measurement=measurement, domain_code=c, value=v) for c, v in scores.items())
    return measurement


def zrm(default, **changed):
    return {code: changed.get(code.replace("-", "_"), default) for code in ZRM_DOMAINS}


def status_change(household, to_status, day, by):
    StatusChange.objects.create(
        household=household, from_status=household.status, to_status=to_status, date=day, reason="x", changed_by=by
    )
    household.status, household.status_since = to_status, day
    household.save(update_fields=["status", "status_since"])


def income(household, person, recorded_on, by, *, benefit, since=None, ended=None, reason="", work="none"):
    IncomeWorkRecord.objects.create(
        household=household,
        person=person,
        benefit=benefit,
        benefit_since=since,
        benefit_ended_on=ended,
        benefit_end_reason=reason,
        work=work,
        recorded_on=recorded_on,
        recorded_by=by,
    )


@pytest.fixture
def town(db):
    Municipality.objects.create(id=1, name="Testgemeente", code="GM0999", contact_norm_days=14)
    noord, zuid = TeamFactory(name="Team Noord"), TeamFactory(name="Team Zuid")
    wendy = TeamMembershipFactory(team=noord, user__username="wendy").user
    bart = TeamMembershipFactory(team=zuid, user__username="bart").user
    regisseur = UserFactory(username="regisseur", regisseur=True)

    # H1 Jansen ---------------------------------------------------------------------------------------------
    h1 = HouseholdFactory(
        team=noord, contact_person=wendy, name="Jansen", registered_on=date(2025, 1, 6), intake_channel="desk"
    )
    anna = PersonFactory(household=h1, first_name="Anna", date_of_birth=date(1980, 5, 1))
    tim = PersonFactory(household=h1, first_name="Tim", date_of_birth=date(2010, 3, 1), role=PersonRole.CHILD)
    ContactFactory(household=h1, date=date(2025, 1, 10), kind=ContactKind.HOME_VISIT, duration_minutes=60)
    ContactFactory(household=h1, date=date(2025, 1, 8), kind=ContactKind.NO_SHOW, duration_minutes=None)
    ContactFactory(household=h1, date=date(2025, 1, 20), kind=ContactKind.PHONE, duration_minutes=15)
    ContactFactory(household=h1, date=date(2025, 2, 3), kind=ContactKind.OFFICE, duration_minutes=30)
    ContactFactory(household=h1, date=date(2025, 2, 17), kind=ContactKind.DIGITAL, duration_minutes=None)
    # ZRM for Anna: 0-meting, a 1-meting (ignored: the latest counts), a 2-meting and an unfinished 3-meting.
    measure(h1, anna, ZRM, 0, date(2025, 1, 20), zrm(3, financien=1, werk_opleiding=2))
    measure(h1, anna, ZRM, 1, date(2025, 5, 15), zrm(4))
    measure(
        h1,
        anna,
        ZRM,
        2,
        date(2025, 8, 10),
        zrm(
            3,
            financien=4,
            werk_opleiding=3,
            huisvesting=2,
            huiselijke_relaties=4,
            geestelijke_gezondheid=4,
            lichamelijke_gezondheid=4,
            middelengebruik=4,
            basale_adl=4,
        ),
    )
    measure(h1, anna, ZRM, 3, date(2025, 9, 1), zrm(5), status=MeasurementStatus.DRAFT)
    measure(h1, tim, ZRM, 0, date(2025, 1, 20), zrm(4))
    measure(h1, anna, LADDER, 0, date(2025, 1, 20), {"participatie": 2})
    measure(h1, anna, LADDER, 1, date(2025, 8, 10), {"participatie": 4})
    measure(h1, tim, LADDER, 0, date(2025, 1, 20), {"participatie": 1})
    measure(h1, tim, LADDER, 1, date(2025, 8, 10), {"participatie": 3})
    first = Plan.objects.create(
        household=h1,
        number=1,
        status=PlanStatus.EVALUATED,
        plan_date=date(2025, 2, 10),
        evaluation_date=date(2025, 5, 10),
        agreed_on=date(2025, 2, 14),
        discussed_on=date(2025, 2, 14),
        evaluated_on=date(2025, 5, 20),
        created_by=wendy,
    )
    goals = {}
    for outcome in (GoalOutcome.ACHIEVED, GoalOutcome.PARTLY, GoalOutcome.NOT_ACHIEVED):
        goals[outcome] = Goal.objects.create(
            plan=first,
            domain_code="financien",
            client_words="x",
            what="x",
            indicator="x",
            owner="Anna",
            deadline=date(2025, 5, 1),
            outcome=outcome,
        )
    second = Plan.objects.create(
        household=h1,
        number=2,
        status=PlanStatus.ACTIVE,
        plan_date=date(2025, 5, 20),
        evaluation_date=date(2025, 9, 20),
        agreed_on=date(2025, 6, 2),
        created_by=wendy,
    )
    Goal.objects.create(
        plan=second,
        domain_code="werk",
        client_words="x",
        what="x",
        indicator="x",
        owner="Anna",
        deadline=date(2025, 9, 1),
        outcome=GoalOutcome.ACHIEVED,  # an outcome on a plan not evaluated: not counted
    )
    income(h1, anna, date(2025, 1, 20), wendy, benefit=Benefit.PARTICIPATIEWET, since=date(2023, 4, 1))
    income(
        h1,
        anna,
        date(2025, 7, 1),
        wendy,
        benefit=Benefit.PARTICIPATIEWET,
        since=date(2023, 4, 1),
        ended=date(2025, 6, 30),
        reason=BenefitEndReason.PARTIAL_WORK,
        work=WorkSituation.SUPPORTED_PAID,
    )
    org = organization()
    consent = Consent.objects.create(
        household=h1,
        person=anna,
        organization=org,
        purpose=ConsentPurpose.REFERRAL,
        domains=["financien"],
        ground=ConsentGround.CONSENT,
        given_how=ConsentForm.ORAL,
        valid_from=date(2025, 3, 1),
        recorded_by=wendy,
    )
    action = Action.objects.create(
        goal=goals[GoalOutcome.PARTLY], description="x", owner_type="partner", owner_name="x", due_date=date(2025, 4, 1)
    )
    svc = service(org)
    Referral.objects.create(
        household=h1,
        person=anna,
        action=action,
        service=svc,
        organization=org,
        consent=consent,
        domains=["financien"],
        question="x",
        sent_at=datetime.datetime(2025, 3, 31, 23, 30, tzinfo=datetime.UTC),  # 1 April, 01:30 in Amsterdam
        sent_by=wendy,
    )
    status_change(h1, HouseholdStatus.INTAKE, date(2025, 1, 10), wendy)
    status_change(h1, HouseholdStatus.CLOSED, date(2025, 9, 15), wendy)

    # H2 Bakker ---------------------------------------------------------------------------------------------
    h2 = HouseholdFactory(
        team=noord,
        contact_person=wendy,
        name="Bakker",
        registered_on=date(2025, 2, 25),
        intake_channel=IntakeChannel.PARTNER_SIGNAL,
    )
    PersonFactory(household=h2, first_name="Bert")
    ContactFactory(household=h2, date=date(2025, 3, 3), kind=ContactKind.HOME_VISIT, duration_minutes=45)
    Handover.objects.create(
        household=h2,
        direction=HandoverDirection.TO_SECOND_LINE,
        status=HandoverStatus.COMPLETED,
        team=noord,
        regisseur=regisseur,
        created_by=wendy,
        sent_at=timezone.now(),
        completed_on=date(2025, 4, 10),
    )
    status_change(h2, HouseholdStatus.HANDED_OVER, date(2025, 4, 10), wendy)
    Handover.objects.create(
        household=h2,
        direction=HandoverDirection.BACK_TO_TEAM,
        status=HandoverStatus.COMPLETED,
        team=zuid,
        regisseur=regisseur,
        contact_person=bart,
        created_by=regisseur,
        sent_at=timezone.now(),
        completed_on=date(2025, 7, 1),
    )
    status_change(h2, HouseholdStatus.INTAKE, date(2025, 7, 1), regisseur)
    Household.objects.filter(id=h2.id).update(team=zuid, contact_person=bart)
    ContactFactory(household=h2, date=date(2025, 7, 15), kind=ContactKind.PHONE, duration_minutes=20, worker=bart)
    status_change(h2, HouseholdStatus.CLOSED, date(2025, 10, 1), bart)

    # H3 Visser ---------------------------------------------------------------------------------------------
    h3 = HouseholdFactory(
        team=zuid,
        wijk=zuid.wijken.first(),
        contact_person=bart,
        name="Visser",
        registered_on=date(2025, 3, 10),
        intake_channel=IntakeChannel.OUTREACH,
    )
    kees = PersonFactory(household=h3, first_name="Kees")
    ContactFactory(household=h3, date=date(2025, 3, 12), kind=ContactKind.NO_SHOW, duration_minutes=None)
    measure(h3, kees, ZRM, 0, date(2025, 3, 20), zrm(4, financien=2, huisvesting=2))
    income(h3, kees, date(2025, 6, 1), bart, benefit=Benefit.WW, since=date(2024, 11, 1))
    income(
        h3, kees, date(2025, 6, 3), bart, benefit=Benefit.WW, since=date(2024, 11, 1), ended=date(2025, 5, 31),
        reason=BenefitEndReason.WORK,
    )  # fmt: skip
    income(
        h3,
        kees,
        date(2025, 6, 5),
        bart,
        benefit=Benefit.WW,
        since=date(2024, 11, 1),
        ended=date(2025, 5, 31),
        reason=BenefitEndReason.MOVED,
    )  # fmt: skip  (a correction: the latest record of the episode counts)
    income(h3, kees, date(2025, 6, 5), bart, benefit=Benefit.PARTICIPATIEWET, since=date(2025, 6, 1))
    status_change(h3, HouseholdStatus.CLOSED, date(2025, 4, 30), bart)
    Household.objects.filter(id=h3.id).update(contact_person=None)

    # H4 De Vries -------------------------------------------------------------------------------------------
    h4 = HouseholdFactory(
        team=zuid,
        wijk=zuid.wijken.first(),
        contact_person=bart,
        name="De Vries",
        registered_on=date(2025, 3, 3),
        intake_channel=IntakeChannel.DESK,
    )
    PersonFactory(household=h4, first_name="Els")
    ContactFactory(household=h4, date=date(2025, 3, 5), kind=ContactKind.OFFICE, duration_minutes=30)
    ContactFactory(household=h4, date=date(2025, 3, 20), kind=ContactKind.DIGITAL, duration_minutes=None)

    household_figures_refresh(household_ids=[h1.id, h2.id, h3.id, h4.id])
    return {
        "noord": noord,
        "zuid": zuid,
        "wendy": wendy,
        "bart": bart,
        "h1": h1,
        "h2": h2,
        "h3": h3,
        "h4": h4,
        "wijk_noord": noord.wijken.first(),
        "wijk_zuid": zuid.wijken.first(),
    }


def m(year_month: str) -> date:
    year, month = year_month.split("-")
    return date(int(year), int(month), 1)


# Each household's contributions, worked out by hand: (month, measure) → (n, total, total_sq).
H1 = {
    ("2025-01", "registered.desk"): (1, 0, 0),
    ("2025-01", "care_start"): (1, 0, 0),
    # Contacts: 10 Jan 60 min and 20 Jan 15 min (the no-show of 8 Jan is no contact); 3 Feb 30 min, 17 Feb no
    # duration (0). January: 60 + 15 = 75, 60² + 15² = 3600 + 225 = 3825. February: 30 + 0, 900 + 0.
    ("2025-01", "contacts"): (2, 75, 3825),
    ("2025-02", "contacts"): (2, 30, 900),
    # First contact 10 Jan, registered 6 Jan: 4 days, 16.
    ("2025-01", "first_contact"): (1, 4, 16),
    # First agreed plan 14 Feb: 25 days left of January + 14 = 39 days; 39² = 1521 (plan 2, 2 June, not first).
    ("2025-02", "plan_agreed"): (1, 39, 1521),
    # Plan 1 evaluated 20 May: three goals, one achieved (plan 2's goal is not evaluated).
    ("2025-05", "goals_evaluated"): (3, 0, 0),
    ("2025-05", "goals_achieved"): (1, 0, 0),
    # Anna's ZRM: 0-meting financien 1, werk 2, the rest 3; 2-meting (10 Aug) financien 4 (+3), werk 3 (+1),
    # huisvesting 2 (−1), five domains 4 (+1 each), five domains 3 (0): 3 + 1 − 1 + 5 = 8 over 13 domains =
    # 0.61538… steps → 615 thousandths; 615² = 378225. Tim has one ZRM only: nothing.
    ("2025-08", "self_reliance"): (1, 615, 378225),
    # The ladder: Anna (45 on 10 Aug) from 2 to 4: up; Tim (15) is no adult: nothing.
    ("2025-08", "ladder"): (1, 0, 0),
    ("2025-08", "ladder_up"): (1, 0, 0),
    # Participatiewet since April 2023 ended 30 June for partial work.
    ("2025-06", "benefit_ended"): (1, 0, 0),
    ("2025-06", "benefit_to_work"): (1, 0, 0),
    # Sent 31 March 23:30 UTC = 1 April 01:30 in Amsterdam (summer time).
    ("2025-04", "referrals"): (1, 0, 0),
    # Closed 15 September: Jan 6 → Sep 6 is 31+28+31+30+31+30+31+31 = 243 days, + 9 = 252; 252² = 63504.
    ("2025-09", "ended"): (1, 252, 63504),
    ("2025-09", "ended_closed"): (1, 0, 0),
    ("2025-10", "care_end"): (1, 0, 0),
}
#: Level of H1: Anna's 0-meting has financien 1 → "crisis" (Tim's all 4 would be "general"; the heaviest wins).

H2 = {
    ("2025-02", "registered.partner_signal"): (1, 0, 0),
    ("2025-02", "care_start"): (1, 0, 0),
    # First contact 3 March, registered 25 February: 3 days of February + 3 = 6; 36.
    ("2025-03", "first_contact"): (1, 6, 36),
    ("2025-03", "contacts"): (1, 45, 2025),
    ("2025-07", "contacts"): (1, 20, 400),
    # Handed over 10 April: Feb 25 → Mar 25 is 28 days, + 16 = 44; 1936. The later closing (1 October) is
    # not a second end: first-line support ended on the first change to closed or handed over.
    ("2025-04", "ended"): (1, 44, 1936),
    ("2025-04", "ended_handed_over"): (1, 0, 0),
    ("2025-05", "care_end"): (1, 0, 0),
    # Back to the team on 1 July (the handover to the second line is no return).
    ("2025-07", "returned"): (1, 0, 0),
}
#: Level of H2: no measurement, "" (unknown).

H3 = {
    ("2025-03", "registered.outreach"): (1, 0, 0),
    ("2025-03", "care_start"): (1, 0, 0),
    # Only a no-show: no first contact, no contacts. Closed 30 April: 21 days of March + 30 = 51; 2601.
    ("2025-04", "ended"): (1, 51, 2601),
    ("2025-04", "ended_closed"): (1, 0, 0),
    ("2025-05", "care_end"): (1, 0, 0),
    # WW ended 31 May; first recorded as work, corrected to "moved": no outflow to work. The Participatiewet
    # since June has not ended.
    ("2025-05", "benefit_ended"): (1, 0, 0),
}
#: Level of H3: financien 2 and huisvesting 2, no 1 → "multiple".

H4 = {
    ("2025-03", "registered.desk"): (1, 0, 0),
    ("2025-03", "care_start"): (1, 0, 0),
    # First contact 5 March, registered 3 March: 2 days, 4. Contacts: 30 minutes and none: 30, 900.
    ("2025-03", "first_contact"): (1, 2, 4),
    ("2025-03", "contacts"): (2, 30, 900),
}
#: Level of H4: "".


def stored_contributions(household):
    return {
        (f"{c.month:%Y-%m}", c.measure): (c.n, c.total, c.total_sq)
        for c in HouseholdContribution.objects.filter(household=household)
    }


def cells_of(unit_kind, unit_id):
    return {
        (f"{c.month:%Y-%m}", c.measure, c.level): (c.n, c.total, c.total_sq)
        for c in IndicatorCell.objects.filter(unit_kind=unit_kind, unit_id=unit_id)
    }


def expected_cells(*households):
    """The cells of a unit holding these (contributions, level) pairs: their sum per month, measure, level."""
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for contributions, level in households:
        for (month, measure), sums in contributions.items():
            for i in range(3):
                cells[(month, measure, level)][i] += sums[i]
    return {key: tuple(value) for key, value in cells.items()}


def test_every_measure_of_the_hand_made_municipality(town):
    assert stored_contributions(town["h1"]) == H1
    assert stored_contributions(town["h2"]) == H2
    assert stored_contributions(town["h3"]) == H3
    assert stored_contributions(town["h4"]) == H4
    states = {s.household_id: (s.team_id, s.worker_id, s.wijk_id, s.level) for s in HouseholdOutcomeState.objects.all()}
    noord, zuid, wendy, bart = town["noord"].id, town["zuid"].id, town["wendy"].id, town["bart"].id
    wn, wz = town["wijk_noord"].id, town["wijk_zuid"].id
    assert states == {
        town["h1"].id: (noord, wendy, wn, "crisis"),
        town["h2"].id: (zuid, bart, wn, ""),  # the current team and contact person after the return
        town["h3"].id: (zuid, None, wz, "multiple"),
        town["h4"].id: (zuid, bart, wz, ""),
    }

    assert cells_of("team", noord) == expected_cells((H1, "crisis"))
    assert cells_of("worker", wendy) == expected_cells((H1, "crisis"))
    assert cells_of("team", zuid) == expected_cells((H2, ""), (H3, "multiple"), (H4, ""))
    assert cells_of("worker", bart) == expected_cells((H2, ""), (H4, ""))  # H3 has no contact person
    assert cells_of("wijk", wn) == expected_cells((H1, "crisis"), (H2, ""))
    assert cells_of("wijk", wz) == expected_cells((H3, "multiple"), (H4, ""))
    # Cells that add two households, by hand: Team Zuid, March, level "": H2 + H4.
    team_zuid = cells_of("team", zuid)
    assert team_zuid[("2025-03", "first_contact", "")] == (2, 8, 40)  # 6 + 2 days, 36 + 4
    assert team_zuid[("2025-03", "contacts", "")] == (3, 75, 2925)  # 1 + 2 contacts, 45 + 30, 2025 + 900
    assert team_zuid[("2025-04", "ended", "")] == (1, 44, 1936)  # H2 only: H3 ended in April too, but "multiple"
    assert team_zuid[("2025-04", "ended", "multiple")] == (1, 51, 2601)  # H3 in its own level
    assert cells_of("wijk", wn)[("2025-03", "contacts", "")] == (1, 45, 2025)  # H2; H1 had none in March
    assert cells_of("wijk", wz)[("2025-04", "ended", "multiple")] == (1, 51, 2601)
    assert IndicatorCell.objects.count() == sum(
        len(cells) for cells in (cells_of("team", noord), cells_of("team", zuid))
    ) + sum(len(cells_of("worker", u)) for u in (wendy, bart)) + sum(len(cells_of("wijk", u)) for u in (wn, wz))
    assert outcome_mismatches() == []


def test_rebuild_gives_the_same_cells(town):
    before = sorted(
        IndicatorCell.objects.values_list("unit_kind", "unit_id", "month", "measure", "level", "n", "total")
    )
    IndicatorCell.objects.all().delete()
    HouseholdContribution.objects.filter(household=town["h1"]).delete()
    seen = []
    assert outcomes_rebuild(progress=lambda done, total: seen.append((done, total))) == 4
    assert seen == [(4, 4)]
    after = sorted(IndicatorCell.objects.values_list("unit_kind", "unit_id", "month", "measure", "level", "n", "total"))
    assert after == before
    assert stored_contributions(town["h1"]) == H1


def test_a_changed_fact_moves_only_its_cells(town, django_assert_max_num_queries):
    h4, zuid = town["h4"], town["zuid"].id
    ContactFactory(household=h4, date=date(2025, 3, 28), kind=ContactKind.PHONE, duration_minutes=10)
    # The one extra contact of 10 minutes: Team Zuid's March contacts of level "" go from (3, 75, 2925) to
    # (4, 85, 3025); the first contact stays.
    assert cells_of("team", zuid)[("2025-03", "contacts", "")] == (4, 85, 3025)
    assert cells_of("team", zuid)[("2025-03", "first_contact", "")] == (2, 8, 40)
    # Refreshing without a change writes nothing and reads a fixed number of times.
    with django_assert_max_num_queries(16):
        outcomes_refresh(household_ids=[h4.id])


def test_moving_a_household_and_back_and_deleting_one_keeps_the_cells_exact(town):
    h1, noord, zuid, wendy, bart = town["h1"], town["noord"].id, town["zuid"].id, town["wendy"].id, town["bart"].id
    wn, wz = town["wijk_noord"].id, town["wijk_zuid"].id
    before = cells_of("team", noord), cells_of("team", zuid), cells_of("worker", wendy), cells_of("worker", bart)

    # H1 moves to Team Zuid, contact person Bart, district Zuid: all its contributions move along.
    Household.objects.filter(id=h1.id).update(team_id=zuid, contact_person_id=bart, wijk_id=wz)
    outcomes_refresh(household_ids=[h1.id])
    assert cells_of("team", noord) == {}
    assert cells_of("worker", wendy) == {}
    assert cells_of("team", zuid) == expected_cells((H1, "crisis"), (H2, ""), (H3, "multiple"), (H4, ""))
    assert cells_of("worker", bart) == expected_cells((H1, "crisis"), (H2, ""), (H4, ""))
    assert cells_of("wijk", wn) == expected_cells((H2, ""))
    assert outcome_mismatches() == []

    # …and back.
    Household.objects.filter(id=h1.id).update(team_id=noord, contact_person_id=wendy, wijk_id=wn)
    outcomes_refresh(household_ids=[h1.id])
    assert (cells_of("team", noord), cells_of("team", zuid), cells_of("worker", wendy), cells_of("worker", bart)) == (
        before
    )

    # Anna's 0-meting deleted: H1 has Tim's (all 4) as its only first measurement → level "general".
    Measurement.objects.filter(household=h1, instrument_code=ZRM, person__first_name="Anna", moment=0).delete()
    outcomes_refresh(household_ids=[h1.id])
    assert not any(level == "crisis" for (_, _, level) in cells_of("team", noord))
    assert cells_of("team", noord)[("2025-01", "care_start", "general")] == (1, 0, 0)

    # Deleting a household takes it out of every cell; cells left at zero are gone.
    town["h4"].delete()
    assert cells_of("team", zuid) == expected_cells((H2, ""), (H3, "multiple"))
    assert cells_of("wijk", wz) == expected_cells((H3, "multiple"))
    assert not IndicatorCell.objects.filter(n=0, total=0, total_sq=0).exists()
    assert outcome_mismatches() == []


def test_the_check_finds_a_wrong_cell_and_a_stale_contribution(town):
    cell = IndicatorCell.objects.filter(unit_kind="team", measure="contacts").first()
    IndicatorCell.objects.filter(id=cell.id).update(n=cell.n + 1)
    ContactFactory._meta.model.objects.create(
        household=town["h4"], date=date(2025, 3, 29), kind=ContactKind.PHONE, duration_minutes=5, worker=town["bart"]
    )  # written past the services: no refresh
    problems = outcome_mismatches()
    assert any(p.startswith(f"cell team {cell.unit_id} {cell.month:%Y-%m} contacts") for p in problems), problems
    assert any(p.startswith(f"HH-{town['h4'].id:06d} contacts 2025-03: stored (2, 30, 900)") for p in problems)
    outcomes_rebuild()
    assert outcome_mismatches() == []
    household_figures_refresh(household_ids=[town["h4"].id])  # the caseload figures too, for the autouse check


def test_contributions_of_a_batch_take_a_fixed_number_of_queries(town, django_assert_num_queries):
    ids = [town[h].id for h in ("h1", "h2", "h3", "h4")]
    household_contributions(ids[:1])  # the policy and the instrument catalogue are read once
    with django_assert_num_queries(9) as one:
        household_contributions(ids[:1])
    with django_assert_num_queries(len(one.captured_queries)):
        household_contributions(ids)


# Random sequences of the real services. ---------------------------------------------------------------------


def test_random_service_sequences_keep_the_cells_exact(world):
    """Random changes through the services (contacts, measurements, plans agreed and evaluated, reassignment,
    income, referrals, corrections, then a closing or a handover and a return): after each, the stored
    contributions equal a fresh count and the cells the sum of the contributions."""
    for seed in range(3):
        _random_sequence(world, seed)


def _random_sequence(world, seed):
    from django.core.exceptions import ValidationError

    from wijkkracht.casefile import handover_services
    from wijkkracht.casefile import services as lifecycle
    from wijkkracht.casefile.tests.handover_helpers import hand_over
    from wijkkracht.diagnosis.tests.helpers import take
    from wijkkracht.households import services as households
    from wijkkracht.plans import services as plans
    from wijkkracht.plans.tests.helpers import add_goal, complete_intake
    from wijkkracht.referrals.tests.helpers import send

    today = timezone.localdate()
    rng = random.Random(seed)
    done: Counter[str] = Counter()
    household = HouseholdFactory(team=world.team, contact_person=world.worker, registered_on=today)
    adult = PersonFactory(household=household, first_name="Anna", date_of_birth=date(1990, 1, 1))
    world.household = household
    complete_intake(world)

    def fresh():
        household.refresh_from_db()
        return household

    def active_plan():
        plan = Plan.objects.filter(household=household, status=PlanStatus.ACTIVE).first()
        return plan or plans.plan_start(
            access=world.access(),
            household=fresh(),
            plan_date=today,
            evaluation_date=today + datetime.timedelta(days=90),
        )

    def contact():
        kind = rng.choice([ContactKind.HOME_VISIT, ContactKind.PHONE, ContactKind.NO_SHOW])
        households.contact_log(
            access=world.access(),
            household=fresh(),
            kind=kind,
            date=today,
            duration_minutes=None if kind == ContactKind.NO_SHOW else rng.randint(5, 90),
        )

    def measurement():
        take(world, ZRM, rng.randint(1, 5), person=adult)
        take(world, LADDER, rng.randint(1, 6), person=adult)

    def plan_agree():
        plan = active_plan()
        plans.plan_agreement_record(
            access=world.access(),
            plan=plan,
            expected_version=plan.lock_version,
            discussed_on=today,
            agreed=rng.random() < 0.8,
            present_member_ids=[adult.id],
            client_comment="",
        )

    def plan_evaluate():
        plan = active_plan()
        goal = add_goal(world, plan)
        plan.refresh_from_db()
        plans.plan_evaluate(
            access=world.access(),
            plan=plan,
            expected_version=plan.lock_version,
            measurement_id=None,
            outcomes={goal.id: (rng.choice(GoalOutcome.values), "Besproken")},
            next_evaluation_date=today + datetime.timedelta(days=60),
            evaluated_on=today,
        )

    def reassign():
        target = world.colleague if fresh().contact_person_id == world.worker.id else world.worker
        households.household_contact_person_assign(
            access=world.access(world.coordinator), household=fresh(), contact_person_id=target.id, reason="Ziek"
        )

    def income():
        ended = rng.random() < 0.6
        households.income_work_record(
            access=world.access(),
            person=adult,
            benefit=Benefit.PARTICIPATIEWET,
            benefit_since=date(2024, 1, 1),
            benefit_ended_on=today if ended else None,
            benefit_end_reason=rng.choice(BenefitEndReason.values) if ended else "",
            work=WorkSituation.NONE,
            recorded_on=today,
        )

    def referral():
        send(world, person=adult)

    def correct_birth_date():
        adult.refresh_from_db()
        households.person_update(
            access=world.access(),
            person=adult,
            expected_version=adult.lock_version,
            member=households.MemberData(
                first_name=adult.first_name,
                last_name=adult.last_name,
                date_of_birth=rng.choice([date(1990, 1, 1), today.replace(year=today.year - 16)]),
                bsn=adult.bsn,
                role=adult.role,
            ),
        )

    steps = [contact, measurement, plan_agree, plan_evaluate, reassign, income, referral, correct_birth_date]
    for _ in range(12):
        step = rng.choice(steps)
        try:
            step()
        except ValidationError:
            pass  # a refusal by a service changes nothing
        else:
            done[step.__name__] += 1
        assert outcome_mismatches() == [], step.__name__
    assert len(done) >= 4, done

    # The end of first-line support: closed, or handed over and back to the other team.
    if seed % 2 == 0:
        lifecycle.household_status_change(
            access=world.access(),
            household=fresh(),
            to_status=HouseholdStatus.CLOSED,
            date=today,
            reason="Doelen bereikt",
            task_outcomes=[lifecycle.TaskOutcome(task.id, "cancelled") for task in lifecycle.open_tasks_of(fresh())],
        )
    else:
        hand_over(world, household)
        assert outcome_mismatches() == []
        handover_services.handover_back(
            access=world.access(world.regisseur),
            household=fresh(),
            team_id=world.other_team.id,
            contact_person_id=world.other_worker.id,
            reason="Stabiel",
        )
    assert outcome_mismatches() == []
    measures = set(HouseholdContribution.objects.filter(household=household).values_list("measure", flat=True))
    assert {"care_start", "care_end", "ended"} <= measures
