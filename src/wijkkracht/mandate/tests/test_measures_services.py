"""The measure services: the mandate, four eyes, the hearing rule, the budget step, withdraw and pay, and that a
refused change saves nothing (read back from the database)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from wijkkracht.households.models import Task, TaskStatus
from wijkkracht.households.tests.factories import PersonFactory
from wijkkracht.mandate import selectors, services
from wijkkracht.mandate.budget import team_budget
from wijkkracht.mandate.models import ApprovalDecision, ApprovalStep, Measure, MeasureApproval, MeasureStatus
from wijkkracht.mandate.policy import forget_policy
from wijkkracht.mandate.tests.measure_helpers import (
    access,
    add_managers,
    member,
    small_budget,
    snapshot,
    today,
    upload_policy,
)
from wijkkracht.privacy.models import AccessLogEntry

D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_policy():
    forget_policy()
    yield
    forget_policy()


def propose(world, user=None, **fields):
    values = {
        "household_id": world.household.id,
        "person_id": member(world).id,
        "kind_code": "bijzondere_bijstand",
        "reason": "Kapotte wasmachine, geen buffer",
        "start_date": today(),
        "amount": "450",
    }
    values.update(fields)
    return services.measure_propose(access=access(user or world.worker), **values)


def errors_of(raised: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return raised.value.message_dict


# --- within and above the mandate ---------------------------------------------------------------------------


def test_sollicitatieplicht_three_months_by_a_social_worker_is_approved_at_once(world):
    start = (today().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)  # next month (within a year)
    measure = propose(
        world,
        kind_code="sollicitatieplicht_opschorten",
        amount=None,
        start_date=start,
        end_date=start + datetime.timedelta(days=89),  # three months
    )
    measure = Measure.objects.get(id=measure.id)
    assert measure.status == MeasureStatus.APPROVED and measure.approved_at is not None
    assert measure.within_mandate and not measure.approvals.exists()
    assert measure.legal_ground == "Participatiewet, artikel 9, tweede lid"  # the kind's, as none was given
    assert measure.mandate_rule["up_to"] == {"months": 6}
    row = AccessLogEntry.objects.get(action="create")
    assert row.household_id == world.household.id and row.what.startswith(f"measure {measure.id}")
    assert not Task.objects.filter(household=world.household, dedupe_key__gt="").exists()


def test_450_bijzondere_bijstand_waits_for_the_coordinator_who_approves_it(world):
    before = team_budget(world.team, today().year, today())
    measure = propose(world)
    measure = Measure.objects.get(id=measure.id)
    assert measure.status == MeasureStatus.PROPOSED and not measure.within_mandate
    step = MeasureApproval.objects.get(measure=measure)
    assert (step.step, step.role, step.proposer_id, step.decision) == (
        ApprovalStep.MANDATE,
        "team_coordinator",
        world.worker.id,
        ApprovalDecision.PENDING,
    )
    task = Task.objects.get(household=world.household, status=TaskStatus.OPEN, assigned_to=world.coordinator)
    assert "Bijzondere bijstand" in task.title
    assert list(selectors.pending_approvals(access=access(world.coordinator, method="GET"))) == [step]
    assert not selectors.pending_approvals(access=access(world.worker, method="GET")).exists()
    assert team_budget(world.team, today().year, today()).committed == before.committed  # not yet committed

    services.measure_approve(access=access(world.coordinator), measure_id=measure.id, note="Akkoord")

    measure.refresh_from_db()
    step.refresh_from_db()
    task.refresh_from_db()
    assert measure.status == MeasureStatus.APPROVED and measure.approved_at is not None
    assert (step.decision, step.decided_by_id, step.note) == ("approved", world.coordinator.id, "Akkoord")
    assert task.status == TaskStatus.DONE and task.done_by_id == world.coordinator.id
    after = team_budget(world.team, today().year, today())
    assert after.committed == before.committed + Decimal("450.00")
    assert after.remaining == before.remaining - Decimal("450.00")
    assert not selectors.pending_approvals(access=access(world.coordinator, method="GET")).exists()


def test_every_coordinator_of_the_team_gets_the_task_and_all_close_on_the_decision(world):
    from wijkkracht.accounts.tests.factories import UserFactory
    from wijkkracht.teams.tests.factories import TeamMembershipFactory

    second = TeamMembershipFactory(team=world.team, user=UserFactory(username="coord2", coordinator=True)).user
    measure = propose(world)
    open_tasks = Task.objects.filter(household=world.household, status=TaskStatus.OPEN, dedupe_key__gt="")
    assert sorted(open_tasks.values_list("assigned_to_id", flat=True)) == sorted([world.coordinator.id, second.id])
    services.measure_approve(access=access(second), measure_id=measure.id)
    assert not open_tasks.exists()


# --- four eyes ------------------------------------------------------------------------------------------------


def test_the_decider_never_approves_their_own_measure(world):
    measure = propose(world)
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        services.measure_approve(access=access(world.worker), measure_id=measure.id)
    assert "four eyes" in errors_of(raised)["decision"][0] or "vier ogen" in errors_of(raised)["decision"][0]
    assert snapshot() == before


def test_a_social_worker_cannot_approve_a_coordinator_step(world):
    measure = propose(world)
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        services.measure_approve(access=access(world.colleague), measure_id=measure.id)
    assert "decision" in errors_of(raised)
    assert snapshot() == before


def test_a_coordinator_of_another_team_cannot_approve_or_even_find_it(world):
    measure = propose(world)
    before = snapshot()
    for user in (world.other_coordinator, world.policy_officer, world.functional_admin):
        with pytest.raises(Http404):
            services.measure_approve(access=access(user), measure_id=measure.id)
        with pytest.raises(Http404):
            services.measure_reject(access=access(user), measure_id=measure.id, note="Nee")
    assert snapshot() == before


def test_the_database_refuses_an_approval_by_the_decider(world):
    measure = propose(world)
    step = MeasureApproval.objects.get(measure=measure)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureApproval.objects.filter(id=step.id).update(
            decision=ApprovalDecision.APPROVED, decided_by=world.worker, decided_at=timezone.now()
        )
    assert MeasureApproval.objects.get(id=step.id).decision == ApprovalDecision.PENDING


def test_reject_needs_a_reason_and_ends_the_measure(world):
    measure = propose(world)
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        services.measure_reject(access=access(world.coordinator), measure_id=measure.id, note="  ")
    assert "note" in errors_of(raised)
    assert snapshot() == before
    services.measure_reject(access=access(world.coordinator), measure_id=measure.id, note="Eerst fonds proberen")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.REJECTED and measure.end_reason == "Eerst fonds proberen"
    assert measure.approvals.get().decision == ApprovalDecision.REJECTED
    assert not Task.objects.filter(household=world.household, status=TaskStatus.OPEN, dedupe_key__gt="").exists()
    with pytest.raises(ValidationError):  # decided: nothing waits any more
        services.measure_approve(access=access(world.coordinator), measure_id=measure.id)


# --- the budget step ------------------------------------------------------------------------------------------


def test_beyond_the_budget_the_manager_decides_not_the_coordinator(world):
    managers = add_managers(world)
    small_budget(world.team)  # € 500.00
    propose(world, user=world.coordinator, amount="300")  # within the coordinator's mandate: commits 300
    assert team_budget(world.team, today().year, today()).remaining == Decimal("200.00")
    measure = propose(world, amount="450")
    steps = {step.step: step for step in MeasureApproval.objects.filter(measure=measure)}
    assert steps[ApprovalStep.MANDATE].role == "team_coordinator"
    assert steps[ApprovalStep.BUDGET].role == "manager"
    # The manager has no task list: only the coordinator got a task.
    assert set(
        Task.objects.filter(household=world.household, status=TaskStatus.OPEN, dedupe_key__gt="").values_list(
            "assigned_to_id", flat=True
        )
    ) == {world.coordinator.id}

    services.measure_approve(access=access(world.coordinator), measure_id=measure.id)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PROPOSED  # the budget step still waits
    before = snapshot()
    with pytest.raises(ValidationError) as raised:  # the coordinator cannot approve the budget step
        services.measure_approve(access=access(world.coordinator), measure_id=measure.id)
    assert "decision" in errors_of(raised)
    assert snapshot() == before
    with pytest.raises(Http404):  # another team's manager does not see it
        services.measure_approve(access=access(managers.other_manager), measure_id=measure.id)

    pending = list(selectors.pending_approvals(access=access(managers.manager, method="GET")))
    assert [step.id for step in pending] == [steps[ApprovalStep.BUDGET].id]
    services.measure_approve(access=access(managers.manager), measure_id=measure.id)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.APPROVED
    assert team_budget(world.team, today().year, today()).remaining == Decimal("-250.00")
    row = AccessLogEntry.objects.filter(user=managers.manager, action="update").get()
    assert row.purpose == selectors.BUDGET_PURPOSE and row.person_id is None


def test_within_mandate_but_beyond_budget_waits_for_the_manager_only(world):
    managers = add_managers(world)
    small_budget(world.team, residents=8)  # € 100.00
    measure = propose(world, amount="200")
    assert measure.status == MeasureStatus.PROPOSED and measure.within_mandate
    assert list(measure.approvals.values_list("step", "role")) == [("budget", "manager")]
    services.measure_approve(access=access(managers.manager), measure_id=measure.id)
    assert Measure.objects.get(id=measure.id).status == MeasureStatus.APPROVED


def test_the_budget_is_checked_again_at_the_last_approval(world):
    add_managers(world)
    small_budget(world.team)  # € 500.00
    measure = propose(world, amount="450")  # fits now
    assert [step.step for step in measure.approvals.all()] == ["mandate"]
    propose(world, user=world.coordinator, amount="300")  # approved at once: 200 remain
    services.measure_approve(access=access(world.coordinator), measure_id=measure.id)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PROPOSED
    budget_step = measure.approvals.get(step=ApprovalStep.BUDGET)
    assert budget_step.role == "manager" and budget_step.decision == ApprovalDecision.PENDING


def test_beyond_the_budget_without_a_manager_in_the_team_is_refused(world):
    small_budget(world.team, residents=8)  # € 100.00, and the team has no manager
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        propose(world, amount="200")
    assert "amount" in errors_of(raised)
    assert snapshot() == before


# --- the hearing rule -----------------------------------------------------------------------------------------


def sanction(world, **fields):
    values = {
        "kind_code": "maatregel_uitkering",
        "amount": None,
        "percentage": "10",
        "start_date": today(),
        "end_date": today() + datetime.timedelta(days=60),
    }
    values.update(fields)
    return propose(world, user=world.coordinator, **values)


def test_a_sanction_without_a_hearing_is_refused(world):
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        sanction(world)
    assert set(errors_of(raised)) == {"hearing_date", "hearing_statement"}
    with pytest.raises(ValidationError) as raised:
        sanction(world, hearing_date=today() + datetime.timedelta(days=1), hearing_statement="Zei niets")
    assert set(errors_of(raised)) == {"hearing_date"}
    with pytest.raises(ValidationError) as raised:
        sanction(world, hearing_date=today(), hearing_statement="   ")
    assert set(errors_of(raised)) == {"hearing_statement"}
    assert snapshot() == before


def test_a_heard_sanction_within_the_coordinators_mandate_is_decided(world):
    measure = sanction(world, hearing_date=today(), hearing_statement="Mevrouw was het er niet mee eens.")
    measure.refresh_from_db()
    assert measure.is_sanction and measure.status == MeasureStatus.APPROVED
    assert measure.percentage == Decimal("10.00") and measure.amount is None


# --- bad input: a clear message, nothing saved ----------------------------------------------------------------


BAD_INPUT = [
    ("end before start", {"start_date": D(2026, 12, 10), "end_date": D(2026, 12, 9)}, "end_date"),
    ("negative amount", {"amount": "-1"}, "amount"),
    ("three decimals", {"amount": "450.123"}, "amount"),
    ("three decimals, comma", {"amount": "450,125"}, "amount"),
    ("not a number", {"amount": "vierhonderd"}, "amount"),
    ("too large", {"amount": "100000000"}, "amount"),
    ("no amount", {"amount": None}, "amount"),
    ("blank amount", {"amount": "   "}, "amount"),
    ("blank amount, no spending", {"kind_code": "bijzondere_bijstand_intrekken", "amount": " "}, "amount"),
    ("amount on a kind without", {"kind_code": "sollicitatieplicht_opschorten", "amount": "5"}, "amount"),
    ("percentage on a kind without", {"percentage": "5"}, "percentage"),
    ("unknown kind", {"kind_code": "iets_anders"}, "kind"),
    ("no reason", {"reason": "  "}, "reason"),
    ("reason too long", {"reason": "x" * 2001}, "reason"),
    ("invisible characters", {"reason": "Kapot\u200b"}, "reason"),
    ("no start", {"start_date": None}, "start_date"),
    ("no member", {"person_id": None}, "person"),
]


@pytest.mark.parametrize(("case", "fields", "field"), BAD_INPUT, ids=[case[0] for case in BAD_INPUT])
def test_bad_input_is_refused_with_a_message_and_nothing_saved(world, case, fields, field):
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        propose(world, **fields)
    messages = errors_of(raised)
    assert field in messages and all(message.strip() for message in messages[field])
    assert snapshot() == before


def test_a_member_or_goal_of_another_household_is_refused(world):
    other_person = world.other_household.members.first()
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        propose(world, person_id=other_person.id, goal_id=10**9)
    assert {"person", "goal"} <= set(errors_of(raised))
    assert snapshot() == before


def test_a_percentage_out_of_range_is_refused(world):
    for value in ("0", "100.5", "-3", "12.345"):
        with pytest.raises(ValidationError) as raised:
            sanction(world, percentage=value, hearing_date=today(), hearing_statement="Gehoord")
        assert "percentage" in errors_of(raised), value
    assert not Measure.objects.exists()


def test_a_role_without_a_mandate_for_the_kind_is_refused(world):
    from wijkkracht.teams.tests.factories import TeamMembershipFactory

    TeamMembershipFactory(team=world.team, user=world.regisseur)  # a case director of the team
    with pytest.raises(ValidationError) as raised:
        propose(world, user=world.regisseur)  # has a mandate for inzet_specialist only
    assert "kind" in errors_of(raised)
    assert not Measure.objects.exists()


def test_above_the_mandate_without_anyone_to_approve_is_refused(world):
    def no_above(raw):
        for rule in raw["mandates"]:
            if rule["role"] == "social_worker" and rule["kind"] == "bijzondere_bijstand":
                rule.pop("above")

    upload_policy(no_above)
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        propose(world)
    assert "kind" in errors_of(raised)
    assert snapshot() == before
    assert propose(world, amount="250").status == MeasureStatus.APPROVED  # within: fine


def test_a_closed_household_takes_no_measures(world):
    from wijkkracht.households.models import Household, HouseholdStatus

    Household.objects.filter(id=world.household.id).update(status=HouseholdStatus.CLOSED)
    with pytest.raises(ValidationError) as raised:
        propose(world)
    assert "household" in errors_of(raised)
    assert not Measure.objects.exists()


def test_another_teams_household_is_not_found(world):
    with pytest.raises(Http404):
        propose(world, user=world.other_worker)
    for user in (world.policy_officer, world.functional_admin):
        with pytest.raises(ValidationError):
            propose(world, user=user)
    assert not Measure.objects.exists()


def test_a_goal_of_the_active_plan_is_linked(world):
    from wijkkracht.plans.tests.helpers import add_goal, start_plan

    plan = start_plan(world)
    goal = add_goal(world, plan)
    measure = propose(world, goal_id=goal.id, amount="100")
    assert Measure.objects.get(id=measure.id).goal_id == goal.id


def test_amounts_are_read_as_people_type_them(world):
    assert services.parse_decimal("€ 1.450,50") == Decimal("1450.50")
    assert services.parse_decimal("450,5") == Decimal("450.5")
    assert services.parse_decimal(" 450 ") == Decimal("450")
    assert services.parse_decimal("") is None
    for wrong in ("1,2,3", "abc", "NaN", "Infinity", True):
        with pytest.raises(ValueError):
            services.parse_decimal(wrong)


# --- withdraw and pay -----------------------------------------------------------------------------------------


def test_withdraw_by_the_decider_releases_the_commitment(world):
    measure = propose(world, amount="200")  # within the worker's mandate: approved
    committed = team_budget(world.team, today().year, today()).committed
    services.measure_withdraw(
        access=access(world.worker), measure_id=measure.id, reason="Toch niet nodig", lock_version=measure.lock_version
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.WITHDRAWN and measure.end_reason == "Toch niet nodig"
    assert team_budget(world.team, today().year, today()).committed == committed - Decimal("200.00")


def test_withdraw_of_a_proposed_measure_by_a_coordinator_cancels_the_tasks(world):
    measure = propose(world)
    services.measure_withdraw(
        access=access(world.coordinator), measure_id=measure.id, reason="Dubbel", lock_version=measure.lock_version
    )
    assert Measure.objects.get(id=measure.id).status == MeasureStatus.WITHDRAWN
    task = Task.objects.get(household=world.household, dedupe_key__gt="")
    assert task.status == TaskStatus.CANCELLED


def test_withdraw_refusals(world):
    measure = propose(world, amount="200")
    version = measure.lock_version
    before = snapshot()
    with pytest.raises(ValidationError) as raised:  # not the decider nor a coordinator
        services.measure_withdraw(
            access=access(world.colleague), measure_id=measure.id, reason="x", lock_version=version
        )
    assert "status" in errors_of(raised)
    with pytest.raises(ValidationError) as raised:  # no reason
        services.measure_withdraw(access=access(world.worker), measure_id=measure.id, reason=" ", lock_version=version)
    assert "reason" in errors_of(raised)
    with pytest.raises(ValidationError) as raised:  # stale version
        services.measure_withdraw(
            access=access(world.worker), measure_id=measure.id, reason="x", lock_version=version + 1
        )
    assert "lock_version" in errors_of(raised)
    with pytest.raises(Http404):
        services.measure_withdraw(
            access=access(world.other_coordinator), measure_id=measure.id, reason="x", lock_version=version
        )
    assert snapshot() == before
    services.measure_pay(access=access(world.worker), measure_id=measure.id, paid_on=today())
    measure.refresh_from_db()
    before = snapshot()
    with pytest.raises(ValidationError) as raised:  # paid
        services.measure_withdraw(
            access=access(world.worker), measure_id=measure.id, reason="x", lock_version=measure.lock_version
        )
    assert "status" in errors_of(raised)
    assert snapshot() == before


def test_a_second_withdraw_on_the_same_version_is_stale(world):
    measure = propose(world, amount="200")
    version = measure.lock_version
    services.measure_withdraw(access=access(world.worker), measure_id=measure.id, reason="Weg", lock_version=version)
    with pytest.raises(ValidationError):
        services.measure_withdraw(
            access=access(world.coordinator), measure_id=measure.id, reason="Ook weg", lock_version=version
        )
    assert Measure.objects.get(id=measure.id).end_reason == "Weg"


def test_pay_moves_the_amount_from_committed_to_spent(world):
    measure = propose(world, amount="200")
    before = team_budget(world.team, today().year, today())
    services.measure_pay(access=access(world.colleague), measure_id=measure.id, paid_on=today())
    after = team_budget(world.team, today().year, today())
    assert after.spent == before.spent + Decimal("200.00")
    assert after.committed == before.committed - Decimal("200.00")
    assert after.remaining == before.remaining
    assert Measure.objects.get(id=measure.id).paid_by_id == world.colleague.id


def test_pay_refusals(world):
    proposed = propose(world)  # waits for the coordinator
    approved = propose(world, amount="100")
    no_money = propose(world, kind_code="sollicitatieplicht_opschorten", amount=None, end_date=today())
    before = snapshot()
    cases = [
        (proposed.id, today(), "status"),
        (no_money.id, today(), "status"),
        (approved.id, today() + datetime.timedelta(days=1), "paid_on"),
        (approved.id, today() - datetime.timedelta(days=1), "paid_on"),  # before the approval
        (approved.id, None, "paid_on"),
    ]
    for measure_id, day, field in cases:
        with pytest.raises(ValidationError) as raised:
            services.measure_pay(access=access(world.worker), measure_id=measure_id, paid_on=day)
        assert field in errors_of(raised), (measure_id, day)
    with pytest.raises(Http404):
        services.measure_pay(access=access(world.other_worker), measure_id=approved.id, paid_on=today())
    assert snapshot() == before
    services.measure_pay(access=access(world.worker), measure_id=approved.id, paid_on=today())
    with pytest.raises(ValidationError) as raised:
        services.measure_pay(access=access(world.worker), measure_id=approved.id, paid_on=today())
    assert "status" in errors_of(raised)


# --- selectors ------------------------------------------------------------------------------------------------


def test_expired_is_derived_from_the_end(world):
    old = propose(
        world,
        kind_code="sollicitatieplicht_opschorten",
        amount=None,
        start_date=today() - datetime.timedelta(days=40),
        end_date=today() - datetime.timedelta(days=1),
    )
    current = propose(world, amount="100")
    reader = access(world.worker, method="GET")
    assert old.shown_status(today()) == "expired"
    assert list(selectors.measures_list(access=reader, status="expired")) == [old]
    assert list(selectors.measures_list(access=reader, status="approved")) == [current]
    assert set(selectors.measures_list(access=reader, household_id=world.household.id)) == {old, current}
    assert not selectors.measures_list(access=access(world.other_worker, method="GET")).exists()


def test_a_manager_sees_only_measures_with_a_step_for_managers(world):
    managers = add_managers(world)
    plain = propose(world, amount="100")
    small_budget(world.team, residents=8)
    beyond = propose(world, amount="200")
    reader = access(managers.manager, method="GET")
    assert list(selectors.measures_list(access=reader)) == [beyond]
    with pytest.raises(Http404):
        selectors.measure_get(access=reader, measure_id=plain.id)
    found = selectors.measure_get(access=reader, measure_id=beyond.id)
    assert found == beyond and not selectors.sees_case_data(managers.manager)
    row = AccessLogEntry.objects.get(user=managers.manager, action="view")
    assert row.purpose == "goedkeuring budget" and row.person_id is None
    assert not selectors.measures_list(access=access(managers.other_manager, method="GET")).exists()
    for user in (world.policy_officer, world.functional_admin):
        assert not selectors.measures_list(access=access(user, method="GET")).exists()
        assert not selectors.approvals_list(access=access(user, method="GET")).exists()


def test_a_case_workers_read_is_logged_with_the_member(world):
    measure = propose(world, amount="100")
    selectors.measure_get(access=access(world.colleague, method="GET"), measure_id=measure.id)
    row = AccessLogEntry.objects.get(user=world.colleague, action="view")
    assert (row.household_id, row.person_id) == (world.household.id, measure.person_id)


def test_a_member_added_later_can_get_a_measure(world):
    child = PersonFactory(household=world.household, first_name="Kees")
    measure = propose(world, person_id=child.id, amount="100")
    assert measure.person_id == child.id


def test_one_clear_message_per_wrong_amount(world):
    for value, kind in [
        ("abc", "bijzondere_bijstand"),
        ("abc", "sollicitatieplicht_opschorten"),
        ("-5", "bijzondere_bijstand"),
    ]:
        with pytest.raises(ValidationError) as raised:
            propose(world, kind_code=kind, amount=value)
        assert len(errors_of(raised)["amount"]) == 1, (value, kind, errors_of(raised))
    assert not Measure.objects.exists()


# --- found by the tester: numbers, zero, the start's window, the approval tasks -----------------------------


def test_a_form_reads_dutch_typing_but_never_an_exponent(world):
    assert services.parse_decimal("1.234,50") == Decimal("1234.50")
    assert services.parse_decimal("450,50") == Decimal("450.50")
    assert services.parse_decimal("12.345") == Decimal("12345")  # Dutch: twelve thousand
    for wrong in ("1e3", "1E3", "1e-2", "1_000", "\u0664\u0665\u0660", "1.234.5", "450,5,0", "1,234.50", "--4"):
        with pytest.raises(ValueError):
            services.parse_decimal(wrong)
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        propose(world, amount="1e3")
    assert errors_of(raised)["amount"] == [gettext("Give the amount in euros, for example 450 or 450,50.")]
    assert snapshot() == before


def test_the_api_reads_plain_numbers_only():
    parse = services.parse_api_decimal
    assert parse("450") == Decimal("450") and parse("450.50") == Decimal("450.50")
    assert parse(450) == Decimal("450") and parse(450.5) == Decimal("450.5")
    assert parse(12.345) == Decimal("12.345") and parse("12.345") == Decimal("12.345")  # never twelve thousand
    assert parse("-3") == Decimal("-3")  # the service refuses it with its own message
    assert parse(None) is None and parse("") is None
    for wrong in ("1e3", "1E3", "1.234,50", "450,50", "1,234.50", " 450", "€ 450", "1_000", "NaN", True, [1], {}):
        with pytest.raises(ValueError):
            parse(wrong)
    with pytest.raises(ValueError):
        parse(float("inf"))


def test_an_amount_with_three_decimals_from_the_api_is_refused_not_multiplied(world):
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        propose(world, amount=services.parse_api_decimal(12.345))
    assert errors_of(raised)["amount"] == [gettext("Give the amount with at most two decimals (whole cents).")]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("kind_code", "amount"),
    [("bijzondere_bijstand", "0"), ("bijzondere_bijstand", "0,00"), ("bijzondere_bijstand_intrekken", "0")],
)
def test_an_amount_of_zero_is_refused(world, kind_code, amount):
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        propose(world, kind_code=kind_code, amount=amount)
    assert errors_of(raised)["amount"] == [gettext("The amount must be more than zero.")]
    assert snapshot() == before


def test_a_percentage_of_zero_is_refused(world):
    with pytest.raises(ValidationError) as raised:
        sanction(world, percentage="0", hearing_date=today(), hearing_statement="Gehoord")
    assert errors_of(raised)["percentage"] == [gettext("Give a percentage above 0, at most 100.")]
    assert not Measure.objects.exists()


def test_the_start_lies_at_most_a_year_back_or_ahead(world):
    earliest = today() - datetime.timedelta(days=366)
    latest = today() + datetime.timedelta(days=366)

    def suspension(start):
        return propose(
            world,
            kind_code="sollicitatieplicht_opschorten",
            amount=None,
            start_date=start,
            end_date=start + datetime.timedelta(days=30),
        )

    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        suspension(earliest - datetime.timedelta(days=1))
    [message] = errors_of(raised)["start_date"]
    assert date_format(earliest, "j F Y") in message
    with pytest.raises(ValidationError) as raised:
        suspension(D(2020, 1, 1))  # the tester's: from 1 January to 1 March 2020, expired at once
    assert date_format(earliest, "j F Y") in errors_of(raised)["start_date"][0]
    with pytest.raises(ValidationError) as raised:
        suspension(latest + datetime.timedelta(days=1))
    [message] = errors_of(raised)["start_date"]
    assert date_format(latest, "j F Y") in message
    assert snapshot() == before
    assert suspension(earliest).status == MeasureStatus.APPROVED
    assert suspension(latest).status == MeasureStatus.APPROVED


def test_the_approval_task_closes_only_with_the_decision(world):
    from wijkkracht.households import services as household_services

    measure = propose(world)
    task = Task.objects.get(household=world.household, assigned_to=world.coordinator, status=TaskStatus.OPEN)
    assert task.closes_by_itself
    refusal = household_services.system_task_refusal()
    with pytest.raises(ValidationError) as raised:
        household_services.task_complete(access=access(world.coordinator), task=task)
    assert raised.value.message_dict == {"status": [refusal]}
    with pytest.raises(ValidationError) as raised:
        household_services.task_cancel(access=access(world.coordinator), task=task, reason="Weg ermee")
    assert raised.value.message_dict == {"status": [refusal]}
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.done_at is None
    assert Measure.objects.get(id=measure.id).status == MeasureStatus.PROPOSED

    services.measure_approve(access=access(world.coordinator), measure_id=measure.id)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
