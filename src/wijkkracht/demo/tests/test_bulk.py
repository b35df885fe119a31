"""The bulk part of a large demo city (issue 10): the same kind of data as the services write, every rule and
constraint holding. One checker walks the case files and asserts the rules; it runs on a demo built only
through the services (so the checker is proven on known-good data) and on one built mostly in bulk."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.tests.shared_world import shared_data
from wijkkracht.common.validation import validate_bsn
from wijkkracht.demo import bulk
from wijkkracht.demo.builder import build_demo
from wijkkracht.diagnosis.models import Measurement, Score
from wijkkracht.diagnosis.rules import is_adult
from wijkkracht.households.figures import figures_mismatches
from wijkkracht.households.models import (
    OPEN_STATUSES,
    Contact,
    ContactKind,
    Household,
    HouseholdStatus,
    IncomeWorkRecord,
    Person,
    StatusChange,
    Task,
    TaskStatus,
)
from wijkkracht.outcomes.maintenance import outcome_mismatches
from wijkkracht.plans.models import Action, Goal, Plan, PlanStatus
from wijkkracht.referrals.models import Referral
from wijkkracht.teams.models import Team, TeamMembership

SHOWCASE = 30

#: One worker builds the module's showcase once (`--dist loadgroup`), instead of each worker its own.
pytestmark = pytest.mark.xdist_group("demo-bulk")


def check_rules() -> dict[str, int]:
    """Assert every rule the services enforce on the case files in the database; return counts of what was
    checked (so a test can see the checks did not pass on nothing)."""
    today = timezone.localdate()
    checked: Counter[str] = Counter()
    team_members: dict[int, set[int]] = {}
    for membership in TeamMembership.objects.all():
        team_members.setdefault(membership.team_id, set()).add(membership.user_id)
    regisseurs = set(User.objects.filter(role=Role.SECOND_LINE_REGISSEUR).values_list("id", flat=True))
    households = {h.id: h for h in Household.objects.all()}
    people: dict[int, Person] = {p.id: p for p in Person.objects.all()}
    members_of: dict[int, set[int]] = {}
    for person in people.values():
        members_of.setdefault(person.household_id, set()).add(person.id)

    # Households: an open household has a contact person of its own team; one handed over has a regisseur;
    # its district is one its team serves; the status history ends in its status on its status date.
    team_wijken = {team.id: set(team.wijken.values_list("id", flat=True)) for team in Team.objects.all()}
    last_change: dict[int, StatusChange] = {}
    for change in StatusChange.objects.order_by("household_id", "date", "id"):
        previous = last_change.get(change.household_id)
        if previous is not None:
            assert change.from_status == previous.to_status, change
            assert change.date >= previous.date, change
        last_change[change.household_id] = change
    for household in households.values():
        checked["households"] += 1
        if household.status in OPEN_STATUSES:
            assert household.contact_person_id in team_members[household.team_id], household.id
        if household.status == HouseholdStatus.HANDED_OVER:
            assert household.second_line_regisseur_id in regisseurs, household.id
        assert household.wijk_id in team_wijken[household.team_id], household.id
        assert household.postcode[:4] in set(household.wijk.postcodes.values_list("digits", flat=True))
        change = last_change.get(household.id)
        if change is None:
            assert household.status == HouseholdStatus.REGISTERED, household.id
            assert household.status_since == household.registered_on
        else:
            assert change.to_status == household.status, household.id
            assert change.date == household.status_since, household.id
        assert members_of.get(household.id), household.id  # nobody registers an empty household

    # Members: BSNs pass the eleven test, and a BSN is in at most one open household.
    open_bsns: Counter[str] = Counter()
    for person in people.values():
        if person.bsn:
            validate_bsn(person.bsn)
            checked["bsns"] += 1
            if households[person.household_id].status in OPEN_STATUSES:
                open_bsns[person.bsn] += 1
    assert not [bsn for bsn, count in open_bsns.items() if count > 1]

    # Contacts: not before the registration, no-shows without duration and
    # not in the future, contacts that took place with a duration, involving only the household's members;
    # planned ones say so. A no-show gives a follow-up task.
    links = Contact.members.through.objects.values_list("contact_id", "person_id")
    contact_household = dict(Contact.objects.values_list("id", "household_id"))
    for contact_id, person_id in links:
        assert person_id in members_of[contact_household[contact_id]], contact_id
    for contact in Contact.objects.all():
        checked["contacts"] += 1
        household = households[contact.household_id]
        assert contact.date >= household.registered_on, contact.id
        if contact.kind == ContactKind.NO_SHOW:
            assert contact.duration_minutes is None and contact.date <= today, contact.id
        elif contact.date <= today:
            assert contact.duration_minutes is not None, contact.id
        assert contact.note.startswith("Gepland,") == (contact.date > today), contact.id
    for task in Task.objects.filter(household__isnull=False):
        checked["tasks"] += 1
        household = households[task.household_id]
        assert task.team_id == household.team_id, task.id
        assert task.assigned_to_id in team_members[household.team_id] | regisseurs, task.id
        if task.source_contact_id is not None:
            assert contact_household[task.source_contact_id] == task.household_id
        if household.status == HouseholdStatus.CLOSED:
            assert task.status != TaskStatus.OPEN, task.id  # closing decides every open task
    assert set(
        Contact.objects.filter(kind=ContactKind.NO_SHOW, household__status__in=OPEN_STATUSES).values_list(
            "id", flat=True
        )
    ) <= set(Task.objects.values_list("source_contact_id", flat=True))

    # Measurements of the household's own members; scores per measurement.
    for measurement in Measurement.objects.all():
        checked["measurements"] += 1
        if measurement.person_id is not None:
            assert measurement.person_id in members_of[measurement.household_id]
    assert Score.objects.filter(measurement__household__isnull=True).count() == 0

    # Plans: the evaluation after the plan date, one active plan while the household works on one, none
    # before the plan phase; goals and actions of the household's own members.
    active = Counter(Plan.objects.filter(status=PlanStatus.ACTIVE).values_list("household_id", flat=True))
    for plan in Plan.objects.all():
        checked["plans"] += 1
        assert plan.evaluation_date > plan.plan_date, plan.id
        if plan.evaluated_on is not None:
            assert plan.evaluated_on >= plan.plan_date, plan.id
        assert plan.plan_date >= households[plan.household_id].registered_on
    for household in households.values():
        if household.status in (HouseholdStatus.PLAN, HouseholdStatus.IN_PROGRESS):
            assert active[household.id] == 1, household.id
        elif household.status in (HouseholdStatus.REGISTERED, HouseholdStatus.INTAKE):
            assert active[household.id] == 0, household.id
        assert active[household.id] <= 1, household.id
    for goal in Goal.objects.select_related("plan"):
        checked["goals"] += 1
        if goal.person_id is not None:
            assert goal.person_id in members_of[goal.plan.household_id]
    for action in Action.objects.select_related("goal__plan"):
        checked["actions"] += 1
        if action.owner_person_id is not None:
            assert action.owner_person_id in members_of[action.goal.plan.household_id]

    # Referrals: about a member of the household, under a consent of that member for that organisation,
    # for an action of the household's own plan.
    for referral in Referral.objects.select_related("consent", "action__goal__plan"):
        checked["referrals"] += 1
        assert referral.person_id in members_of[referral.household_id]
        assert referral.consent.person_id == referral.person_id
        assert referral.consent.organization_id == referral.organization_id
        assert referral.action.goal.plan.household_id == referral.household_id

    # The intake rule: every adult of a household past the intake has an income and work situation, recorded
    # no later than the plan phase began, of a member of that household.
    plan_begun: dict[int, datetime.date] = {}
    for household_id, day in (
        StatusChange.objects.filter(to_status=HouseholdStatus.PLAN)
        .order_by("date", "id")
        .values_list("household_id", "date")
    ):
        plan_begun.setdefault(household_id, day)
    recorded: dict[int, datetime.date] = {}
    for record in IncomeWorkRecord.objects.order_by("recorded_on"):
        checked["income records"] += 1
        assert record.person_id in members_of[record.household_id], record.id
        assert record.recorded_on >= households[record.household_id].registered_on, record.id
        recorded.setdefault(record.person_id, record.recorded_on)
    for household_id, day in plan_begun.items():
        for person_id in members_of[household_id]:
            if is_adult(people[person_id], day):
                assert recorded.get(person_id, day + datetime.timedelta(days=1)) <= day, (household_id, person_id)

    # The stored caseload figures and search text match the case files, and so do the stored outcomes and
    # indicator cells (issue 11); every foreign key holds.
    assert figures_mismatches() == []
    assert outcome_mismatches() == []
    connection.check_constraints()
    return dict(checked)


CASE_FILE_APPS = {"households", "diagnosis", "plans", "consent", "referrals"}


def table_counts() -> dict[str, int]:
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in CASE_FILE_APPS
    }


def tables_with_rows() -> set[str]:
    return {table for table, count in table_counts().items() if count}


@pytest.fixture(scope="module")
def showcase(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The showcase (30 households through the services, seed 2026), built once for the module: building it
    was most of each test's time. Every test runs in a savepoint of it (`common.tests.shared_world`), so each
    starts from exactly the showcase, and what a test adds (bulk copies, more households) is gone after it.
    Tests that need an empty database live in `test_command.py`."""
    yield from shared_data(
        django_db_blocker,
        lambda: (
            build_demo(households=SHOWCASE, seed=2026, showcase=SHOWCASE),
            list(Household.objects.values_list("id", flat=True)),
        ),
    )


@pytest.fixture
def showcase_ids(showcase, db) -> set[int]:  # type: ignore[no-untyped-def]
    return set(showcase[1])


def test_the_checker_holds_on_a_demo_built_through_the_services(showcase_ids):
    checked = check_rules()
    assert checked["households"] == SHOWCASE and checked["contacts"] > SHOWCASE and checked["plans"] > 5


def test_bulk_households_obey_every_rule_and_are_the_same_kind_of_data(showcase_ids):
    services_tables = tables_with_rows()
    services_counts = table_counts()
    assert set(Household.objects.values_list("id", flat=True)) == showcase_ids
    services_per_household = {
        "members": Person.objects.count() / SHOWCASE,
        "contacts": Contact.objects.count() / SHOWCASE,
        "plans": Plan.objects.count() / SHOWCASE,
    }
    services_statuses = set(Household.objects.values_list("status", flat=True)) - {HouseholdStatus.HANDED_OVER}

    # 80 more households, in bulk, in a city of teams of 20 households (so new teams and districts too).
    result = build_demo(households=SHOWCASE + 80, seed=2026, showcase=SHOWCASE, households_per_team=20)
    assert result.bulk_batches == 1 and result.created_households == 80
    checked = check_rules()
    assert checked["households"] == SHOWCASE + 80

    copied = Household.objects.exclude(id__in=showcase_ids)
    assert copied.count() == 80
    # The same kind of data: every table the services fill got rows for the copies too, in about the same
    # amounts per household, and copies in every status the showcase has (handovers aside).
    grown = {table for table, count in table_counts().items() if count > services_counts.get(table, 0)}
    assert grown == services_tables, services_tables - grown
    assert set(copied.values_list("status", flat=True)) <= services_statuses
    assert len(set(copied.values_list("status", flat=True))) >= 3
    members = Person.objects.filter(household__in=copied).count() / 80
    contacts = Contact.objects.filter(household__in=copied).count() / 80
    plans = Plan.objects.filter(household__in=copied).count() / 80
    assert 0.6 * services_per_household["members"] <= members <= 1.6 * services_per_household["members"]
    # a large city's files are longer: the copies get ~4.5 extra contacts each
    assert services_per_household["contacts"] <= contacts <= services_per_household["contacts"] + bulk.EXTRA_CONTACTS
    assert 0.4 * services_per_household["plans"] <= plans <= 2 * services_per_household["plans"]

    # A city: 120 households in teams of ~20 → 6 teams, each with its coordinator and workers, every team
    # with households; the copies are new families, not the showcase's names again at the same address.
    assert Team.objects.count() == 6
    for team in Team.objects.all():
        assert team.households.exists()
        assert User.objects.filter(memberships__team=team, role=Role.TEAM_COORDINATOR).exists()
        assert User.objects.filter(memberships__team=team, role=Role.SOCIAL_WORKER).count() >= 3
    showcase_addresses = set(
        Household.objects.filter(id__in=showcase_ids).values_list("postcode", "house_number", "name")
    )
    assert not showcase_addresses & set(copied.values_list("postcode", "house_number", "name"))


def city_snapshot():
    return sorted(
        (
            h.name,
            h.postcode,
            h.house_number,
            h.status,
            h.team.name,
            tuple(h.members.order_by("id").values_list("first_name", "last_name", "bsn")),
            tuple(h.contacts.order_by("date", "id").values_list("date", "kind", "note")),
        )
        for h in Household.objects.select_related("team")
    )


def test_the_same_seed_gives_the_same_city(showcase_ids):
    """The bulk copies: the same seed gives the same copies, another seed others (the showcase's households,
    through the services, are checked the same way in `test_demo.test_the_same_seed_gives_the_same_municipality`)."""
    build_demo(households=SHOWCASE + 30, seed=5, showcase=SHOWCASE)
    first = city_snapshot()
    Household.objects.exclude(id__in=showcase_ids).delete()
    build_demo(households=SHOWCASE + 30, seed=5, showcase=SHOWCASE)
    assert city_snapshot() == first
    Household.objects.exclude(id__in=showcase_ids).delete()
    build_demo(households=SHOWCASE + 30, seed=6, showcase=SHOWCASE)
    assert city_snapshot() != first


def test_extending_the_city_adds_only_what_is_missing(showcase_ids):
    build_demo(households=SHOWCASE + 10, seed=5, showcase=SHOWCASE)
    first = city_snapshot()
    result = build_demo(households=SHOWCASE + 25, seed=5, showcase=SHOWCASE)
    assert result.created_households == 15 and Household.objects.count() == SHOWCASE + 25
    assert set(first) <= set(city_snapshot())
    check_rules()


def test_progress_shows_households_per_second_and_time_to_go(showcase_ids):
    # The command builds its households through the services up to 300: five more on the showcase.
    out = StringIO()
    call_command("demo", households=SHOWCASE + 5, stdout=out, verbosity=2)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("  huishoudens")]
    assert lines and lines[-1].startswith(f"  huishoudens [{'#' * 30}] {SHOWCASE + 5}/{SHOWCASE + 5} ")
    assert "/s, nog 0:00" in lines[-1]
