"""What each demo household consists of, in build order, without database ids: two builds of the same
seed on the same day give the same fingerprints, however often the build was interrupted."""

import json

from wijkkracht.diagnosis.models import Measurement
from wijkkracht.households.models import Household


def fingerprints() -> list[dict[str, object]]:
    result = []
    for household in Household.objects.order_by("id").prefetch_related("members"):
        measurements = Measurement.objects.filter(household=household)
        plans = household.plans.all()
        result.append(
            {
                "name": household.name,
                "postcode": household.postcode,
                "house_number": household.house_number,
                "status": household.status,
                "contact_person": household.contact_person.username if household.contact_person else None,
                "members": sorted(f"{m.first_name} {m.last_name} {m.date_of_birth}" for m in household.members.all()),
                "contacts": household.contacts.count(),
                "tasks": sorted(household.tasks.values_list("status", flat=True)),
                "status_changes": household.status_changes.count(),
                "measurements": sorted(measurements.values_list("instrument_code", "moment", "status")),
                "plans": plans.count(),
                "goals": sum(plan.goals.count() for plan in plans),
            }
        )
    return result


def print_fingerprints() -> None:
    print(json.dumps(fingerprints(), default=str))  # noqa: T201 - read by the test that runs this
