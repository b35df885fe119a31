import datetime

from django.utils import timezone

from wijkkracht.diagnosis.rules import intake_gaps, is_adult
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.households.models import HouseholdStatus
from wijkkracht.households.tests.factories import record_income_work_of_adults
from wijkkracht.plans import services

TODAY = timezone.localdate

#: A 0-meting with problems on housing, money, care and work (values 3-4 are orange/red), the rest fine.
PROBLEMS = {
    "veiligheid": 1,
    "wonen": 4,
    "opleiding": 2,
    "werk": 4,
    "opvoeden": 1,
    "vrije-tijd": 2,
    "zorg": 3,
    "financien": 4,
}


def _set_status(household, status):
    """The lifecycle's own service lives above plans (casefile); these tests need only where it stands."""
    household.status = status
    household.save(update_fields=["status"])


def complete_intake(world, scores=PROBLEMS, date=None, user=None):
    """Take the household through its intake: the intake starts, the 0-meting (integrale nulmeting,
    `scores`) is taken, and every adult gets work and the participation ladder scored (no problem there:
    1 on the matrix, unpaid work on the ladder) and its income and work situation recorded, so that
    `intake_gaps` is empty; the status moves on to
    plan. Returns the 0-meting."""
    household = world.household
    household.refresh_from_db()
    if household.status == HouseholdStatus.REGISTERED:
        _set_status(household, HouseholdStatus.INTAKE)
    baseline = take(world, "integrale-nulmeting", scores, date=date, user=user)
    for person in household.members.all():
        if is_adult(person, TODAY()):
            take(world, "leefgebiedenmatrix", 1, person=person, date=date, user=user)
            take(world, "participatieladder", 4, person=person, date=date, user=user)
    record_income_work_of_adults(household)
    assert not intake_gaps(household, TODAY())
    if household.status == HouseholdStatus.INTAKE:
        _set_status(household, HouseholdStatus.PLAN)
    return baseline


def household_with_diagnosis(world, scores=PROBLEMS, date=None):
    """The household with its intake complete (see `complete_intake`); returns the 0-meting."""
    return complete_intake(world, scores, date=date)


def start_plan(world, **kwargs):
    """Start the plan; a household without a completed measurement first completes its intake."""
    from wijkkracht.diagnosis.models import Measurement

    if not Measurement.objects.filter(household=world.household, status="complete").exists():
        complete_intake(world)
    world.household.refresh_from_db()
    return services.plan_start(
        access=world.access(),
        household=world.household,
        plan_date=kwargs.pop("plan_date", TODAY()),
        evaluation_date=kwargs.pop("evaluation_date", TODAY() + datetime.timedelta(days=90)),
        **kwargs,
    )


SERVICE_ARGUMENTS = ("access", "suggestion", "priority")


def add_goal(world, plan, **overrides):
    """Add a goal; overrides are goal fields (GoalData) or service arguments (suggestion, priority, …)."""
    fields = {
        "domain_code": "wonen",
        "client_words": "Rust in huis",
        "what": "Huurachterstand oplossen",
        "indicator": "Betalingsregeling getekend",
        "owner": "Anna",
        "deadline": TODAY() + datetime.timedelta(days=30),
    } | {key: value for key, value in overrides.items() if key not in SERVICE_ARGUMENTS}
    arguments = {"access": world.access()} | {
        key: value for key, value in overrides.items() if key in SERVICE_ARGUMENTS
    }
    return services.goal_add(plan=plan, data=services.GoalData(**fields), **arguments)


def add_action(world, goal, **overrides):
    fields = {
        "description": "Bellen met de corporatie",
        "owner_type": "partner",
        "owner_name": "Woonstede",
        "due_date": goal.deadline,
    } | overrides
    return services.action_add(access=world.access(), goal=goal, **fields)
