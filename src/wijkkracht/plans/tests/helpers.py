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


def add_goal(world, plan, **overrides):
    plan.refresh_from_db(fields=["lock_version"])
    kwargs = {
        "access": world.access(),
        "plan": plan,
        "expected_version": plan.lock_version,
        "domain_code": "wonen",
        "client_words": "Rust in huis",
        "what": "Huurachterstand oplossen",
        "indicator": "Betalingsregeling getekend",
        "owner": "Anna",
        "deadline": TODAY() + datetime.timedelta(days=30),
    } | overrides
    return services.goal_add(**kwargs)
