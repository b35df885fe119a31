import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from wijkkracht.diagnosis.models import Measurement
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.households.models import HouseholdStatus
from wijkkracht.households.tests.factories import ContactFactory, PersonFactory
from wijkkracht.plans import services
from wijkkracht.plans.models import Action, Goal, GoalOutcome, Plan, PlanStatus, Suggestion, SuggestionStatus
from wijkkracht.plans.selectors import plan_overview
from wijkkracht.plans.tests.helpers import (
    TODAY,
    add_action,
    add_goal,
    complete_intake,
    household_with_diagnosis,
    start_plan,
)
from wijkkracht.privacy.models import AccessLogEntry


def messages_of(error):
    return {key: " ".join(str(m) for e in errors for m in e.messages) for key, errors in error.error_dict.items()}


def says(message, english, dutch):
    """New messages read Dutch once the lead compiles the translations; until then English."""
    return english in message or dutch in message


def days_ago(days):
    return TODAY() - datetime.timedelta(days=days)


def evaluate(world, plan, measurement, outcomes, **kwargs):
    plan.refresh_from_db()
    return services.plan_evaluate(
        access=world.access(),
        plan=plan,
        expected_version=plan.lock_version,
        measurement_id=measurement.id,
        outcomes=outcomes,
        next_evaluation_date=kwargs.pop("next_evaluation_date", TODAY() + datetime.timedelta(days=90)),
        **kwargs,
    )


def plan_start(world, **kwargs):
    world.household.refresh_from_db()
    return services.plan_start(
        access=world.access(),
        household=world.household,
        plan_date=TODAY(),
        evaluation_date=TODAY() + datetime.timedelta(days=90),
        **kwargs,
    )


class TestStart:
    def test_suggestions_follow_the_diagnosis(self, world):
        household_with_diagnosis(world)
        plan = start_plan(world)
        assert set(plan.suggestions.values_list("rule_code", flat=True)) == {
            "housing-first",
            "debt-help-registration",
            "care-and-work-together",
        }
        assert plan.number == 1 and plan.lock_version == 1

    def test_a_recent_no_show_suggests_a_home_visit(self, world):
        household_with_diagnosis(
            world,
            dict.fromkeys(
                ["veiligheid", "wonen", "opleiding", "werk", "opvoeden", "vrije-tijd", "zorg", "financien"], 1
            ),
        )
        ContactFactory(
            household=world.household, kind="no_show", date=TODAY() - datetime.timedelta(days=3), duration_minutes=None
        )
        plan = start_plan(world)
        assert list(plan.suggestions.values_list("rule_code", flat=True)) == ["home-visit-after-no-show"]

    def test_one_active_plan_per_household(self, world):
        start_plan(world)
        with pytest.raises(ValidationError, match="al een actief plan"):
            start_plan(world)
        assert Plan.objects.count() == 1

    def test_evaluation_date_before_plan_date_is_refused(self, world):
        complete_intake(world)
        with pytest.raises(ValidationError) as caught:
            start_plan(world, evaluation_date=TODAY() - datetime.timedelta(days=1))
        assert "evaluation_date" in caught.value.error_dict
        assert not Plan.objects.exists()


class TestStartNeedsACompleteIntake:
    def test_a_registered_household_gets_no_plan(self, world):
        assert world.household.status == HouseholdStatus.REGISTERED
        take(world, "integrale-nulmeting", 2)  # even with a measurement: the intake has not started
        with pytest.raises(ValidationError) as caught:
            plan_start(world)
        assert says(messages_of(caught.value)["household"], "has not started yet", "nog niet begonnen")
        assert not Plan.objects.exists()

    def test_a_household_without_a_completed_measurement_gets_no_plan(self, world):
        world.household.status = HouseholdStatus.INTAKE
        world.household.save(update_fields=["status"])
        with pytest.raises(ValidationError) as caught:
            plan_start(world)
        assert says(messages_of(caught.value)["household"], "no completed measurement", "nog geen afgeronde meting")
        assert not Plan.objects.exists()

    def test_the_intake_gaps_are_listed_as_in_the_status_change(self, world):
        world.household.status = HouseholdStatus.INTAKE
        world.household.save(update_fields=["status"])
        PersonFactory(household=world.household, first_name="Bram")
        take(world, "integrale-nulmeting", 2)
        take(world, "leefgebiedenmatrix", 1, person=world.household.members.get(first_name="Anna"))
        with pytest.raises(ValidationError) as caught:
            plan_start(world)
        message = messages_of(caught.value)["household"]
        assert "De intake is niet compleet" in message
        assert "Anna Jansen: de participatieladder niet gescoord" in message
        assert "Bram Jansen: het domein werk en de participatieladder niet gescoord" in message
        assert not Plan.objects.exists()

    def test_the_baseline_defaults_to_the_latest_household_measurement(self, world):
        world.household.status = HouseholdStatus.INTAKE
        world.household.save(update_fields=["status"])
        take(world, "integrale-nulmeting", 3, date=days_ago(5))
        latest = take(world, "integrale-nulmeting", 2, date=days_ago(2))
        anna = world.household.members.get()
        take(world, "leefgebiedenmatrix", 1, person=anna, date=days_ago(1))  # later, but a member's
        take(world, "participatieladder", 4, person=anna, date=days_ago(1))
        assert plan_start(world).baseline == latest

    def test_a_chosen_baseline_is_kept_and_must_be_of_this_household(self, world):
        first = complete_intake(world, date=days_ago(4))
        take(world, "integrale-nulmeting", 2, date=days_ago(1))
        foreign = Measurement.objects.create(
            household=world.other_household,
            instrument=first.instrument,
            instrument_code=first.instrument_code,
            moment=0,
            date=TODAY(),
            created_by=world.other_worker,
        )
        with pytest.raises(ValidationError) as caught:
            plan_start(world, baseline_id=foreign.id)
        assert "baseline" in caught.value.error_dict and not Plan.objects.exists()
        assert plan_start(world, baseline_id=first.id).baseline == first


class TestGoalsAndActions:
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"domain_code": ""}, "domain"),
            ({"domain_code": "maan"}, "domain"),
            ({"deadline": TODAY() - datetime.timedelta(days=1)}, "deadline"),
            ({"client_words": " "}, "client_words"),
            (
                {"instrument_code": "participatieladder", "instrument_domain": "participatie", "target_score": 9},
                "target_score",
            ),
            (
                {"instrument_code": "participatieladder", "instrument_domain": "vliegen", "target_score": 3},
                "instrument_domain",
            ),
            ({"instrument_code": "horoscoop", "instrument_domain": "maan", "target_score": 3}, "instrument"),
        ],
    )
    def test_bad_goals_are_refused_and_nothing_is_saved(self, world, overrides, field):
        plan = start_plan(world)
        with pytest.raises(ValidationError) as caught:
            add_goal(world, plan, **overrides)
        assert field in caught.value.error_dict
        assert not Goal.objects.exists()
        plan.refresh_from_db()
        assert plan.lock_version == 1

    def test_the_deadline_message_names_the_plan_date_in_words(self, world):
        plan = start_plan(
            world, plan_date=datetime.date(2026, 1, 5) if TODAY() >= datetime.date(2026, 1, 5) else TODAY()
        )
        with pytest.raises(ValidationError) as caught:
            add_goal(world, plan, deadline=plan.plan_date - datetime.timedelta(days=1))
        message = messages_of(caught.value)["deadline"]
        assert str(plan.plan_date.year) in message and "-" not in message.split("(")[-1]

    def test_goal_for_a_member_of_another_household_is_refused(self, world):
        plan = start_plan(world)
        with pytest.raises(ValidationError) as caught:
            add_goal(world, plan, person_id=world.other_household.members.get().id)
        assert "person" in caught.value.error_dict

    @pytest.mark.parametrize(
        ("owner", "field"),
        [
            ({"owner_type": "client", "owner_person_id": None}, "owner_person"),
            ({"owner_type": "client", "owner_person_id": "other"}, "owner_person"),
            ({"owner_type": "worker", "owner_user_id": "other_worker"}, "owner_user"),
            ({"owner_type": "partner", "owner_name": ""}, "owner_name"),
            ({"owner_type": "astrologer"}, "owner_type"),
            ({"owner_type": "partner", "owner_name": "X", "method_code": "tarot"}, "method"),
        ],
    )
    def test_an_action_owner_that_does_not_exist_is_refused(self, world, owner, field):
        plan = start_plan(world)
        goal = add_goal(world, plan)
        owner = dict(owner)
        if owner.get("owner_person_id") == "other":
            owner["owner_person_id"] = world.other_household.members.get().id
        if owner.get("owner_user_id") == "other_worker":
            owner["owner_user_id"] = world.other_worker.id
        with pytest.raises(ValidationError) as caught:
            services.action_add(access=world.access(), goal=goal, description="Bellen", due_date=TODAY(), **owner)
        assert field in caught.value.error_dict
        assert not Action.objects.exists()

    def test_a_method_with_steps_adds_a_checklist_and_steps_can_be_ticked(self, world):
        plan = start_plan(world)
        goal = add_goal(world, plan, domain_code="werk", what="Vrijwilligerswerk")
        action = add_action(
            world,
            goal,
            description="Activering",
            owner_type="worker",
            owner_name="",
            owner_user_id=world.colleague.id,
            method_code="sociale-activering",
        )
        assert len(action.checklist) == 8 and not any(item["done"] for item in action.checklist)
        services.action_update(
            access=world.access(), action=action, expected_version=1, status="active", done_steps=[0, 1]
        )
        action.refresh_from_db()
        assert [item["done"] for item in action.checklist][:3] == [True, True, False] and action.status == "active"
        assert action.lock_version == 2
        with pytest.raises(ValidationError) as caught:
            services.action_update(access=world.access(), action=action, expected_version=2, done_steps=[8])
        assert "done_steps" in caught.value.error_dict
        action.refresh_from_db()
        assert action.lock_version == 2 and [item["done"] for item in action.checklist][:2] == [True, True]


class TestLockingPerGoalAndAction:
    def test_adding_goals_and_actions_needs_no_version_of_the_siblings(self, world):
        plan = start_plan(world)
        first = add_goal(world, plan, what="Eerste")
        second = services.goal_add(
            access=world.access(world.colleague),
            plan=plan,
            data=services.GoalData("financien", "x", "Tweede", "y", "z", TODAY()),
        )
        add_action(world, first)
        add_action(world, second)
        assert Goal.objects.count() == 2 and Action.objects.count() == 2
        plan.refresh_from_db()
        assert plan.lock_version == 1  # the plan's own facts did not change

    def test_ticking_a_step_does_not_block_a_colleague_editing_another_goal(self, world):
        plan = start_plan(world)
        housing = add_goal(world, plan, what="Huur regelen")
        work = add_goal(world, plan, domain_code="werk", what="Werk zoeken")
        action = add_action(world, work, method_code="sociale-activering")
        # Both opened the plan page; the worker ticks a step, the colleague then saves the housing goal.
        services.action_update(access=world.access(), action=action, expected_version=1, done_steps=[0])
        services.goal_update(
            access=world.access(world.colleague),
            goal=housing,
            expected_version=1,
            data=services.GoalData("wonen", "Rust", "Huur regelen met de corporatie", "Regeling", "Anna", TODAY()),
        )
        housing.refresh_from_db()
        action.refresh_from_db()
        assert housing.what == "Huur regelen met de corporatie" and housing.lock_version == 2
        assert action.checklist[0]["done"] and action.lock_version == 2

    def test_two_edits_of_the_same_goal_are_refused_with_what_changed(self, world):
        plan = start_plan(world)
        goal = add_goal(world, plan)
        fields = {
            "domain_code": "wonen",
            "client_words": "Rust",
            "what": "Nieuwe woning zoeken",
            "indicator": "Ingeschreven",
            "owner": "Anna",
            "deadline": TODAY() + datetime.timedelta(days=10),
        }
        services.goal_update(access=world.access(), goal=goal, expected_version=1, data=services.GoalData(**fields))
        with pytest.raises(ValidationError) as caught:  # a colleague still on the old version
            services.goal_update(
                access=world.access(world.colleague),
                goal=Goal.objects.get(id=goal.id),
                expected_version=1,
                data=services.GoalData(**fields | {"what": "Iets anders"}),
            )
        message = messages_of(caught.value)["lock_version"]
        assert says(message, "Someone else changed this goal", "Iemand anders heeft dit doel gewijzigd")
        assert "doel gewijzigd: Nieuwe woning zoeken" in message and str(world.worker) in message
        assert caught.value.error_dict["lock_version"][0].code == "stale"
        goal.refresh_from_db()
        assert goal.what == "Nieuwe woning zoeken" and goal.lock_version == 2
        with pytest.raises(ValidationError) as caught:
            services.goal_update(
                access=world.access(),
                goal=goal,
                expected_version=2,
                data=services.GoalData(**fields | {"deadline": TODAY() - datetime.timedelta(days=1)}),
            )
        assert "deadline" in caught.value.error_dict
        goal.refresh_from_db()
        assert goal.lock_version == 2

    def test_two_edits_of_the_same_action_are_refused_with_what_changed(self, world):
        plan = start_plan(world)
        action = add_action(world, add_goal(world, plan))
        services.action_update(access=world.access(), action=action, expected_version=1, status="active")
        with pytest.raises(ValidationError) as caught:
            services.action_update(
                access=world.access(world.colleague),
                action=Action.objects.select_related("goal__plan").get(id=action.id),
                expected_version=1,
                status="stopped",
            )
        message = messages_of(caught.value)["lock_version"]
        assert says(message, "changed this action", "deze actie gewijzigd") and "Bellen met de corporatie" in message
        action.refresh_from_db()
        assert action.status == "active" and action.lock_version == 2

    def test_the_plans_facts_keep_the_plans_version(self, world):
        plan = start_plan(world)
        add_goal(world, plan)  # does not move the plan's version
        anna = world.household.members.get()
        services.plan_agreement_record(
            access=world.access(),
            plan=plan,
            expected_version=1,
            discussed_on=TODAY(),
            agreed=True,
            present_member_ids=[anna.id],
            client_comment="",
        )
        with pytest.raises(ValidationError) as caught:
            services.work_goal_reason_record(
                access=world.access(world.colleague), plan=plan, expected_version=1, person_id=anna.id, reason="Ziek"
            )
        message = messages_of(caught.value)["lock_version"]
        assert "Iemand anders heeft dit plan gewijzigd" in message and "akkoord van het huishouden" in message
        assert not plan.work_goal_reasons.exists()

    def test_an_evaluated_version_is_read_only(self, world):
        complete_intake(world, date=days_ago(3))
        plan = start_plan(world, plan_date=days_ago(3))
        goal = add_goal(world, plan)
        action = add_action(world, goal)
        later = take(world, "integrale-nulmeting", 2)
        evaluate(world, plan, later, {goal.id: ("achieved", "gelukt")})
        plan.refresh_from_db()
        goal.refresh_from_db()
        for write in (
            lambda: add_goal(world, plan),
            lambda: add_action(world, goal),
            lambda: services.action_update(access=world.access(), action=action, expected_version=1, status="done"),
        ):
            with pytest.raises(ValidationError) as caught:
                write()
            assert "afgesloten" in messages_of(caught.value)[NON_FIELD_ERRORS]
        assert plan.goals.count() == 1 and Action.objects.filter(goal__plan=plan).count() == 1


class TestSuggestions:
    def test_accepting_creates_a_priority_goal_and_records_the_decision(self, world):
        household_with_diagnosis(world)
        plan = start_plan(world)
        suggestion = plan.suggestions.get(rule_code="housing-first")
        goal = add_goal(world, plan, suggestion=suggestion, priority=True)
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.ACCEPTED and suggestion.goal == goal
        assert suggestion.decided_by == world.worker and suggestion.decided_at is not None
        assert suggestion.decided_severity == 100  # wonen: 4, the worst of the nulmeting
        with pytest.raises(ValidationError, match="al besloten"):
            add_goal(world, plan, suggestion=suggestion)

    def test_dismissing_needs_a_reason_and_is_recorded_with_the_severity(self, world):
        household_with_diagnosis(world)
        plan = start_plan(world)
        suggestion = plan.suggestions.get(rule_code="debt-help-registration")
        with pytest.raises(ValidationError):
            services.suggestion_dismiss(access=world.access(), suggestion=suggestion, reason="")
        services.suggestion_dismiss(access=world.access(), suggestion=suggestion, reason="Loopt al via Plangroep")
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.reason) == (SuggestionStatus.DISMISSED, "Loopt al via Plangroep")
        assert suggestion.decided_severity == 100
        with pytest.raises(ValidationError, match="al besloten"):
            services.suggestion_dismiss(
                access=world.access(world.colleague), suggestion=Suggestion.objects.get(id=suggestion.id), reason="x"
            )

    def test_refresh_adds_only_new_suggestions(self, world):
        complete_intake(world, dict.fromkeys(PROBLEMS_LATER, 1), date=days_ago(2))
        plan = start_plan(world, plan_date=days_ago(2))
        assert not plan.suggestions.exists()
        take(world, "integrale-nulmeting", PROBLEMS_LATER)
        assert services.plan_suggestions_refresh(access=world.access(), plan=plan) == 3
        assert services.plan_suggestions_refresh(access=world.access(), plan=plan) == 0


PROBLEMS_LATER = {
    "veiligheid": 1,
    "wonen": 4,
    "opleiding": 2,
    "werk": 4,
    "opvoeden": 1,
    "vrije-tijd": 2,
    "zorg": 3,
    "financien": 4,
}


class TestWarnings:
    def test_several_problems_but_one_domain_in_the_plan(self, world):
        household_with_diagnosis(world)
        plan = start_plan(world)
        add_goal(world, plan, domain_code="wonen")
        warnings = plan_overview(plan=Plan.objects.get(id=plan.id)).warnings
        assert any("Werk op meerdere sporen" in w for w in warnings)
        add_goal(world, plan, domain_code="financien", what="Schuldhulp")
        warnings = plan_overview(plan=Plan.objects.get(id=plan.id)).warnings
        assert not any("Werk op meerdere sporen" in w for w in warnings)

    def test_an_adult_with_a_work_problem_needs_a_work_goal_or_a_reason(self, world):
        PersonFactory(
            household=world.household, first_name="Kind", date_of_birth=TODAY() - datetime.timedelta(days=3000)
        )
        complete_intake(world)
        anna = world.household.members.get(first_name="Anna")
        take(world, "participatieladder", 1, person=anna)
        plan = start_plan(world)
        warnings = plan_overview(plan=Plan.objects.get(id=plan.id)).warnings
        assert [w for w in warnings if "werk of participatie" in w] and "Anna" in " ".join(warnings)
        assert "Kind" not in " ".join(warnings)
        services.work_goal_reason_record(
            access=world.access(), plan=plan, expected_version=1, person_id=anna.id, reason="Eerst herstel"
        )
        assert not [w for w in plan_overview(plan=Plan.objects.get(id=plan.id)).warnings if "werk of participatie" in w]

    def test_a_work_goal_for_the_adult_removes_the_warning(self, world):
        complete_intake(world, dict.fromkeys(PROBLEMS_LATER, 1))
        anna = world.household.members.get()
        take(world, "participatieladder", 1, person=anna)
        plan = start_plan(world)
        add_goal(world, plan, domain_code="werk", person_id=anna.id, what="Vrijwilligerswerk")
        assert not plan_overview(plan=Plan.objects.get(id=plan.id)).warnings


class TestSeverity:
    def test_domains_are_ordered_worst_first_with_the_scale_label_and_tone(self, world):
        household_with_diagnosis(world)
        plan = start_plan(world)
        add_goal(world, plan, domain_code="vrije-tijd", what="Sporten")
        columns = plan_overview(plan=Plan.objects.get(id=plan.id)).columns
        ranks = [column.severity.rank for column in columns]
        assert ranks == sorted(ranks, reverse=True)
        by_code = {column.domain.code: column.severity for column in columns}
        assert (by_code["wonen"].tone, by_code["wonen"].label) == ("red", "Individuele voorzieningen")
        assert (by_code["gezondheid"].tone, by_code["gezondheid"].label) == ("orange", "Collectieve voorzieningen")
        assert (by_code["vrije-tijd"].tone, by_code["vrije-tijd"].label) == ("green", "Sociaal netwerk")
        assert columns[-1].domain.code == "vrije-tijd"


class TestAgreementAndEvaluation:
    def test_record_agreement_with_members_present_and_their_comment(self, world):
        plan = start_plan(world)
        anna = world.household.members.get()
        services.plan_agreement_record(
            access=world.access(),
            plan=plan,
            expected_version=1,
            discussed_on=TODAY(),
            agreed=True,
            present_member_ids=[anna.id],
            client_comment="Eindelijk overzicht",
        )
        plan.refresh_from_db()
        assert plan.agreed_on == TODAY() and list(plan.present_members.all()) == [anna]
        with pytest.raises(ValidationError) as caught:
            services.plan_agreement_record(
                access=world.access(),
                plan=plan,
                expected_version=2,
                discussed_on=TODAY(),
                agreed=True,
                present_member_ids=[world.other_household.members.get().id],
                client_comment="",
            )
        assert "present_members" in caught.value.error_dict

    def test_evaluation_marks_goals_links_the_measurement_and_starts_the_next_version(self, world):
        first_measurement = household_with_diagnosis(world, date=days_ago(5))
        plan = start_plan(world, baseline_id=first_measurement.id, plan_date=days_ago(5))
        done = add_goal(world, plan, what="Huurachterstand oplossen")
        open_goal = add_goal(world, plan, domain_code="financien", what="Schuldhulp starten")
        later = take(world, "integrale-nulmeting", 2, date=days_ago(1))
        next_plan = evaluate(
            world,
            plan,
            later,
            {
                done.id: (GoalOutcome.ACHIEVED, "Regeling getekend"),
                open_goal.id: (GoalOutcome.PARTLY, "Aangemeld, nog geen intake"),
            },
            evaluated_on=days_ago(1),
        )
        plan.refresh_from_db()
        assert plan.status == PlanStatus.EVALUATED and plan.evaluation_measurement == later
        assert plan.evaluated_on == days_ago(1)
        assert dict(plan.goals.values_list("what", "outcome")) == {
            "Huurachterstand oplossen": "achieved",
            "Schuldhulp starten": "partly",
        }
        assert next_plan.number == 2 and next_plan.is_active and next_plan.baseline == later
        assert next_plan.plan_date == days_ago(1)
        assert list(next_plan.goals.values_list("what", flat=True)) == ["Schuldhulp starten"]
        assert next_plan.goals.get().carried_from == open_goal

    def test_evaluation_needs_an_outcome_and_reason_for_every_goal_and_a_measurement(self, world):
        household_with_diagnosis(world)
        plan = start_plan(world)
        goal = add_goal(world, plan)
        other = add_goal(world, plan, what="Tweede doel")
        with pytest.raises(ValidationError) as caught:
            services.plan_evaluate(
                access=world.access(),
                plan=plan,
                expected_version=1,
                measurement_id=None,
                outcomes=[services.OutcomeInput(goal.id, "achieved", "")],
                next_evaluation_date=TODAY(),
            )
        errors = messages_of(caught.value)
        assert {"measurement", "outcomes.0.reason", "outcomes"} <= set(errors)
        assert "Tweede doel" in errors["outcomes"] and other.what in errors["outcomes"]
        plan.refresh_from_db()
        assert plan.is_active and Plan.objects.count() == 1

    def test_the_same_day_baseline_is_no_evaluation(self, world):
        baseline = complete_intake(world)
        plan = start_plan(world)
        goal = add_goal(world, plan)
        same_day = take(world, "integrale-nulmeting", 2)  # a later moment, but the baseline's date
        for measurement in (baseline, same_day):
            with pytest.raises(ValidationError) as caught:
                evaluate(world, plan, measurement, {goal.id: ("achieved", "gelukt")})
            assert says(messages_of(caught.value)["measurement"], "after the plan's starting point", "na het startpunt")
        plan.refresh_from_db()
        assert plan.is_active and Plan.objects.count() == 1 and not Goal.objects.exclude(outcome="").exists()

    def test_without_a_baseline_the_measurement_lies_after_the_plan_date(self, world):
        complete_intake(world, date=days_ago(4))
        plan = start_plan(world, plan_date=days_ago(2))
        Plan.objects.filter(id=plan.id).update(baseline=None)
        plan = Plan.objects.get(id=plan.id)
        goal = add_goal(world, plan)
        on_plan_date = take(world, "integrale-nulmeting", 2, date=days_ago(2))
        with pytest.raises(ValidationError) as caught:
            evaluate(world, plan, on_plan_date, {goal.id: ("achieved", "gelukt")})
        assert says(messages_of(caught.value)["measurement"], "after the plan date", "na de plandatum")
        later = take(world, "integrale-nulmeting", 2, date=days_ago(1))
        assert evaluate(world, plan, later, {goal.id: ("achieved", "gelukt")}).number == 2

    @pytest.mark.parametrize(
        ("evaluated_on", "message"),
        [
            (1, ("future", "in de toekomst")),  # tomorrow
            (-5, ("plan date", "plandatum")),  # before the plan date
            (-2, ("before the measurement", "vóór de meting")),  # before the measurement
        ],
    )
    def test_the_evaluation_date_is_checked(self, world, evaluated_on, message):
        complete_intake(world, date=days_ago(4))
        plan = start_plan(world, plan_date=days_ago(4))
        goal = add_goal(world, plan)
        later = take(world, "integrale-nulmeting", 2, date=days_ago(1))
        with pytest.raises(ValidationError) as caught:
            evaluate(
                world,
                plan,
                later,
                {goal.id: ("achieved", "gelukt")},
                evaluated_on=TODAY() + datetime.timedelta(days=evaluated_on)
                if evaluated_on > 0
                else days_ago(-evaluated_on),
            )
        assert says(messages_of(caught.value)["evaluated_on"], *message)
        plan.refresh_from_db()
        assert plan.is_active and plan.evaluated_on is None and Plan.objects.count() == 1


def test_every_change_is_access_logged(world):
    complete_intake(world)
    since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    plan = start_plan(world)
    add_goal(world, plan)
    assert list(AccessLogEntry.objects.filter(id__gt=since).order_by("id").values_list("action", "what")) == [
        ("create", "plan 1"),
        ("update", "plan: doel toegevoegd: Huurachterstand oplossen"),
    ]


def test_two_evaluations_carry_decisions_goals_actions_and_checklists_on(world):
    """A plan taken through two evaluations: what was decided, running and ticked goes on; what was done,
    stopped or achieved stays behind as history; a dismissed suggestion comes back only when its domain
    got worse since the dismissal."""
    scores = dict(PROBLEMS_LATER, financien=3, zorg=3)  # money: orange (3 of 4)
    complete_intake(world, scores, date=days_ago(6))
    plan = start_plan(world, plan_date=days_ago(6))
    assert set(plan.suggestions.values_list("rule_code", flat=True)) == {
        "housing-first",
        "debt-help-registration",
        "care-and-work-together",
    }
    housing_rule = plan.suggestions.get(rule_code="housing-first")
    housing = add_goal(world, plan, suggestion=housing_rule, what="Woonplek regelen")
    care_rule = plan.suggestions.get(rule_code="care-and-work-together")
    work = add_goal(world, plan, suggestion=care_rule, domain_code="werk", what="Zorg en werk samen")
    services.suggestion_dismiss(
        access=world.access(), suggestion=plan.suggestions.get(rule_code="debt-help-registration"), reason="Bewind"
    )
    running = add_action(world, work, description="Activering", method_code="sociale-activering")
    services.action_update(access=world.access(), action=running, expected_version=1, done_steps=[0, 1])
    finished = add_action(world, work, description="Intake UWV")
    services.action_update(access=world.access(), action=finished, expected_version=1, status="done")
    stopped = add_action(world, work, description="Cursus")
    services.action_update(access=world.access(), action=stopped, expected_version=1, status="stopped")
    add_action(world, housing, description="Urgentie aanvragen")

    # First evaluation: housing achieved, work goes on; money is no worse (still orange).
    first_follow_up = take(world, "integrale-nulmeting", dict(scores, wonen=2), date=days_ago(3))
    second = evaluate(
        world,
        plan,
        first_follow_up,
        {housing.id: ("achieved", "Huurcontract"), work.id: ("partly", "Loopt")},
        evaluated_on=days_ago(3),
    )
    decisions = {s.rule_code: s for s in second.suggestions.all()}
    assert decisions["housing-first"].status == "accepted" and decisions["housing-first"].goal is None
    assert decisions["care-and-work-together"].status == "accepted"
    carried_work = second.goals.get()
    assert decisions["care-and-work-together"].goal == carried_work and carried_work.carried_from == work
    assert (decisions["debt-help-registration"].status, decisions["debt-help-registration"].reason) == (
        "dismissed",
        "Bewind",
    )
    assert not second.suggestions.filter(status="open").exists()
    carried_actions = list(carried_work.actions.order_by("id"))
    assert [(a.description, a.status) for a in carried_actions] == [("Activering", "planned")]
    assert [step["done"] for step in carried_actions[0].checklist][:3] == [True, True, False]
    assert carried_actions[0].lock_version == 1
    # The old version is history, intact.
    assert list(work.actions.order_by("id").values_list("description", "status")) == [
        ("Activering", "planned"),
        ("Intake UWV", "done"),
        ("Cursus", "stopped"),
    ]

    # Progress in the second version, then money gets worse (red): the dismissed suggestion comes back.
    services.action_update(
        access=world.access(), action=carried_actions[0], expected_version=1, status="active", done_steps=[0, 1, 2]
    )
    second_follow_up = take(world, "integrale-nulmeting", dict(scores, wonen=2, financien=4), date=TODAY())
    third = evaluate(world, second, second_follow_up, {carried_work.id: ("not_achieved", "Ziek")})
    decisions = {s.rule_code: s for s in third.suggestions.all()}
    assert (decisions["debt-help-registration"].status, decisions["debt-help-registration"].reason) == (
        "open",
        "Bewind",
    )
    assert decisions["debt-help-registration"].decided_by is None
    assert decisions["housing-first"].status == "accepted"  # achieved in version 1: not offered again
    assert decisions["care-and-work-together"].goal == third.goals.get()
    third_action = third.goals.get().actions.get()
    assert third_action.status == "active"
    assert [step["done"] for step in third_action.checklist][:4] == [True, True, True, False]
    # Version 2 kept its own state.
    carried_actions[0].refresh_from_db()
    assert carried_actions[0].status == "active" and carried_actions[0].lock_version == 2


def test_a_dismissed_suggestion_stays_dismissed_when_its_domain_got_better(world):
    complete_intake(world, date=days_ago(4))
    plan = start_plan(world, plan_date=days_ago(4))
    services.suggestion_dismiss(
        access=world.access(), suggestion=plan.suggestions.get(rule_code="housing-first"), reason="Eigen woning"
    )
    goal = add_goal(world, plan)
    later = take(world, "integrale-nulmeting", dict(PROBLEMS_LATER, wonen=3), date=days_ago(1))
    next_plan = evaluate(world, plan, later, {goal.id: ("partly", "Loopt")})
    housing = next_plan.suggestions.get(rule_code="housing-first")
    assert (housing.status, housing.reason, housing.decided_by) == ("dismissed", "Eigen woning", world.worker)
