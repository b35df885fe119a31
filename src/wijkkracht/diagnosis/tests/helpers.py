import datetime

from django.utils import timezone

from wijkkracht.diagnosis import services
from wijkkracht.diagnosis.models import Measurement
from wijkkracht.instruments.registry import instrument_catalogue


def take(world, code, values, person=None, date=None, user=None):
    """Start and complete a measurement; `values` is one value for every domain, or a dict per domain."""
    definition = instrument_catalogue().get(code).parsed
    if not isinstance(values, dict):
        values = dict.fromkeys(definition.domain_codes, values)
    measurement = services.measurement_start(
        access=world.access(user),
        household=world.household,
        instrument_code=code,
        person_id=person.id if person else None,
        date=date or timezone.localdate(),
        scores={code: services.ScoreInput(value) for code, value in values.items()},
    )
    return services.measurement_complete(access=world.access(user), measurement=measurement)


def refreshed(measurement) -> Measurement:
    return Measurement.objects.select_related("instrument").prefetch_related("scores").get(id=measurement.id)


YESTERDAY = lambda: timezone.localdate() - datetime.timedelta(days=1)  # noqa: E731
