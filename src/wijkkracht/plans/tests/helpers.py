import datetime

from django.utils import timezone

from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.households.models import HouseholdStatus
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


def household_with_diagnosis(world, scores=PROBLEMS):
    world.household.status = HouseholdStatus.PLAN
    world.household.save(update_fields=["status"])
    return take(world, "integrale-nulmeting", scores)


def start_plan(world, **kwargs):
    return services.plan_start(
        access=world.access(),
        household=world.household,
        plan_date=kwargs.pop("plan_date", TODAY()),
        evaluation_date=kwargs.pop("evaluation_date", TODAY() + datetime.timedelta(days=90)),
        **kwargs,
    )


SERVICE_ARGUMENTS = ("access", "expected_version", "suggestion", "priority")


def add_goal(world, plan, **overrides):
    """Add a goal; overrides are goal fields (GoalData) or service arguments (version, suggestion, …)."""
    plan.refresh_from_db(fields=["lock_version"])
    fields = {
        "domain_code": "wonen",
        "client_words": "Rust in huis",
        "what": "Huurachterstand oplossen",
        "indicator": "Betalingsregeling getekend",
        "owner": "Anna",
        "deadline": TODAY() + datetime.timedelta(days=30),
    } | {key: value for key, value in overrides.items() if key not in SERVICE_ARGUMENTS}
    arguments = {"access": world.access(), "expected_version": plan.lock_version} | {
        key: value for key, value in overrides.items() if key in SERVICE_ARGUMENTS
    }
    return services.goal_add(plan=plan, data=services.GoalData(**fields), **arguments)
