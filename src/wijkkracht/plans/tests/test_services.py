import datetime

import pytest
from django.core.exceptions import ValidationError

from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.households.tests.factories import ContactFactory, PersonFactory
from wijkkracht.plans import services
from wijkkracht.plans.models import Action, Goal, GoalOutcome, Plan, PlanStatus, SuggestionStatus
from wijkkracht.plans.selectors import plan_overview
from wijkkracht.plans.tests.helpers import TODAY, add_goal, household_with_diagnosis, start_plan
from wijkkracht.privacy.models import AccessLogEntry


def messages_of(error):
    return {key: " ".join(str(m) for e in errors for m in e.messages) for key, errors in error.error_dict.items()}


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
        ContactFactory(household=world.household, kind="no_show", date=TODAY() - datetime.timedelta(days=3))
        plan = start_plan(world)
        assert list(plan.suggestions.values_list("rule_code", flat=True)) == ["home-visit-after-no-show"]

    def test_one_active_plan_per_household(self, world):
        start_plan(world)
        with pytest.raises(ValidationError, match="al een actief plan"):
            start_plan(world)
        assert Plan.objects.count() == 1

    def test_evaluation_date_before_plan_date_is_refused(self, world):
        with pytest.raises(ValidationError) as caught:
            start_plan(world, evaluation_date=TODAY() - datetime.timedelta(days=1))
        assert "evaluation_date" in caught.value.error_dict
        assert not Plan.objects.exists()


class TestGoalsAndActions:
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"domain_code": ""}, "domain_code"),
            ({"domain_code": "maan"}, "domain_code"),
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
        plan.refresh_from_db()
        with pytest.raises(ValidationError) as caught:
            services.action_add(
                access=world.access(),
                goal=goal,
                expected_version=plan.lock_version,
                description="Bellen",
                due_date=TODAY(),
                **owner,
            )
        assert field in caught.value.error_dict
        assert not Action.objects.exists()

    def test_a_method_with_steps_adds_a_checklist_and_steps_can_be_ticked(self, world):
        plan = start_plan(world)
        goal = add_goal(world, plan, domain_code="werk", what="Vrijwilligerswerk")
        plan.refresh_from_db()
        action = services.action_add(
            access=world.access(),
            goal=goal,
            expected_version=plan.lock_version,
            description="Activering",
            owner_type="worker",
            owner_user_id=world.colleague.id,
            due_date=TODAY(),
            method_code="sociale-activering",
        )
        assert len(action.checklist) == 8 and not any(item["done"] for item in action.checklist)
        plan.refresh_from_db()
        services.action_update(
            access=world.access(), action=action, expected_version=plan.lock_version, status="active", done_steps=[0, 1]
        )
        action.refresh_from_db()
        assert [item["done"] for item in action.checklist][:3] == [True, True, False] and action.status == "active"


class TestConcurrency:
    def test_the_second_save_on_a_stale_version_is_refused_with_what_changed(self, world):
        plan = start_plan(world)
        seen_by_both = plan.lock_version
        add_goal(world, plan, what="Huurachterstand oplossen", expected_version=seen_by_both)
        with pytest.raises(ValidationError) as caught:
            services.goal_add(
                access=world.access(world.colleague),
                plan=plan,
                expected_version=seen_by_both,
                data=services.GoalData(
                    domain_code="financien",
                    client_words="x",
                    what="Schulden",
                    indicator="y",
                    owner="z",
                    deadline=TODAY(),
                ),
            )
        message = messages_of(caught.value)["version"]
        assert "Iemand anders heeft dit plan gewijzigd" in message
        assert "doel toegevoegd: Huurachterstand oplossen" in message and str(world.worker) in message
        assert list(Goal.objects.values_list("what", flat=True)) == ["Huurachterstand oplossen"]

    def test_an_evaluated_version_is_read_only(self, world):
        measurement = household_with_diagnosis(world)
        plan = start_plan(world)
        goal = add_goal(world, plan)
        plan.refresh_from_db()
        services.plan_evaluate(
            access=world.access(),
            plan=plan,
            expected_version=plan.lock_version,
            measurement_id=measurement.id,
            outcomes={goal.id: ("achieved", "gelukt")},
            next_evaluation_date=TODAY() + datetime.timedelta(days=60),
        )
        plan.refresh_from_db()
        with pytest.raises(ValidationError, match="afgesloten"):
            add_goal(world, plan)


class TestSuggestions:
    def test_accepting_creates_a_priority_goal_and_records_the_decision(self, world):
        household_with_diagnosis(world)
        plan = start_plan(world)
        suggestion = plan.suggestions.get(rule_code="housing-first")
        goal = add_goal(world, plan, suggestion=suggestion, priority=True)
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.ACCEPTED and suggestion.goal == goal
        assert suggestion.decided_by == world.worker and suggestion.decided_at is not None
        with pytest.raises(ValidationError, match="al besloten"):
            add_goal(world, plan, suggestion=suggestion)

    def test_dismissing_needs_a_reason_and_is_recorded(self, world):
        household_with_diagnosis(world)
        plan = start_plan(world)
        suggestion = plan.suggestions.get(rule_code="debt-help-registration")
        with pytest.raises(ValidationError):
            services.suggestion_dismiss(access=world.access(), suggestion=suggestion, expected_version=1, reason="")
        services.suggestion_dismiss(
            access=world.access(), suggestion=suggestion, expected_version=1, reason="Loopt al via Plangroep"
        )
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.reason) == (SuggestionStatus.DISMISSED, "Loopt al via Plangroep")

    def test_refresh_adds_only_new_suggestions(self, world):
        plan = start_plan(world)
        assert not plan.suggestions.exists()
        household_with_diagnosis(world)
        assert services.plan_suggestions_refresh(access=world.access(), plan=plan, expected_version=1) == 3
        assert services.plan_suggestions_refresh(access=world.access(), plan=plan, expected_version=2) == 0


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
        anna = world.household.members.get()
        PersonFactory(
            household=world.household, first_name="Kind", date_of_birth=TODAY() - datetime.timedelta(days=3000)
        )
        take(world, "participatieladder", 1, person=anna)
        plan = start_plan(world)
        warnings = plan_overview(plan=Plan.objects.get(id=plan.id)).warnings
        assert [w for w in warnings if "werk of participatie" in w] and "Anna" in " ".join(warnings)
        assert "Kind" not in " ".join(warnings)
        plan.refresh_from_db()
        services.work_goal_reason_record(
            access=world.access(),
            plan=plan,
            expected_version=plan.lock_version,
            person_id=anna.id,
            reason="Eerst herstel",
        )
        assert not [w for w in plan_overview(plan=Plan.objects.get(id=plan.id)).warnings if "werk of participatie" in w]

    def test_a_work_goal_for_the_adult_removes_the_warning(self, world):
        anna = world.household.members.get()
        take(world, "participatieladder", 1, person=anna)
        plan = start_plan(world)
        add_goal(world, plan, domain_code="werk", person_id=anna.id, what="Vrijwilligerswerk")
        assert not plan_overview(plan=Plan.objects.get(id=plan.id)).warnings


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
        first_measurement = household_with_diagnosis(world)
        plan = start_plan(world, baseline_id=first_measurement.id)
        done = add_goal(world, plan, what="Huurachterstand oplossen")
        open_goal = add_goal(world, plan, domain_code="financien", what="Schuldhulp starten")
        later = take(world, "integrale-nulmeting", 2)
        plan.refresh_from_db()
        next_plan = services.plan_evaluate(
            access=world.access(),
            plan=plan,
            expected_version=plan.lock_version,
            measurement_id=later.id,
            outcomes={
                done.id: (GoalOutcome.ACHIEVED, "Regeling getekend"),
                open_goal.id: (GoalOutcome.PARTLY, "Aangemeld, nog geen intake"),
            },
            next_evaluation_date=TODAY() + datetime.timedelta(days=90),
        )
        plan.refresh_from_db()
        assert plan.status == PlanStatus.EVALUATED and plan.evaluation_measurement == later
        assert dict(plan.goals.values_list("what", "outcome")) == {
            "Huurachterstand oplossen": "achieved",
            "Schuldhulp starten": "partly",
        }
        assert next_plan.number == 2 and next_plan.is_active and next_plan.baseline == later
        assert list(next_plan.goals.values_list("what", flat=True)) == ["Schuldhulp starten"]

    def test_evaluation_needs_an_outcome_and_reason_for_every_goal_and_a_measurement(self, world):
        household_with_diagnosis(world)
        plan = start_plan(world)
        goal = add_goal(world, plan)
        plan.refresh_from_db()
        with pytest.raises(ValidationError) as caught:
            services.plan_evaluate(
                access=world.access(),
                plan=plan,
                expected_version=plan.lock_version,
                measurement_id=None,
                outcomes={goal.id: ("achieved", "")},
                next_evaluation_date=TODAY(),
            )
        assert {"measurement", f"goal_{goal.id}"} <= set(caught.value.error_dict)
        plan.refresh_from_db()
        assert plan.is_active and Plan.objects.count() == 1


def test_every_change_is_access_logged(world):
    plan = start_plan(world)
    add_goal(world, plan)
    assert list(AccessLogEntry.objects.order_by("id").values_list("action", "what")) == [
        ("create", "plan 1"),
        ("update", "plan: doel toegevoegd: Huurachterstand oplossen"),
    ]


def test_an_accepted_suggestion_goes_on_with_its_goal_and_is_not_offered_again(world):
    measurement = household_with_diagnosis(world)
    plan = start_plan(world)
    housing = plan.suggestions.get(rule_code="housing-first")
    goal = add_goal(world, plan, suggestion=housing, priority=True)
    plan.refresh_from_db()
    next_plan = services.plan_evaluate(
        access=world.access(),
        plan=plan,
        expected_version=plan.lock_version,
        measurement_id=measurement.id,
        outcomes={goal.id: (GoalOutcome.NOT_ACHIEVED, "Wachtlijst")},
        next_evaluation_date=TODAY() + datetime.timedelta(days=30),
    )
    carried = next_plan.suggestions.get(rule_code="housing-first")
    assert carried.status == SuggestionStatus.ACCEPTED and carried.goal == next_plan.goals.get()
    assert set(next_plan.suggestions.filter(status="open").values_list("rule_code", flat=True)) == {
        "debt-help-registration",
        "care-and-work-together",
    }


class TestGoalEditing:
    def test_a_goal_is_changed_with_the_same_checks_and_lock(self, world):
        plan = start_plan(world)
        goal = add_goal(world, plan)
        plan.refresh_from_db()
        seen_by_both = plan.lock_version
        fields = {
            "domain_code": "wonen",
            "client_words": "Rust",
            "what": "Nieuwe woning zoeken",
            "indicator": "Ingeschreven",
            "owner": "Anna",
            "deadline": TODAY() + datetime.timedelta(days=10),
        }
        services.goal_update(
            access=world.access(), goal=goal, expected_version=seen_by_both, data=services.GoalData(**fields)
        )
        goal.refresh_from_db()
        assert goal.what == "Nieuwe woning zoeken"
        with pytest.raises(ValidationError) as caught:  # a colleague still on the old version
            services.goal_update(
                access=world.access(world.colleague),
                goal=goal,
                expected_version=seen_by_both,
                data=services.GoalData(**fields | {"what": "Iets anders"}),
            )
        assert "doel gewijzigd: Nieuwe woning zoeken" in messages_of(caught.value)["version"]
        with pytest.raises(ValidationError) as caught:
            services.goal_update(
                access=world.access(),
                goal=goal,
                expected_version=seen_by_both + 1,
                data=services.GoalData(**fields | {"deadline": TODAY() - datetime.timedelta(days=1)}),
            )
        assert "deadline" in caught.value.error_dict
        goal.refresh_from_db()
        assert goal.what == "Nieuwe woning zoeken"
