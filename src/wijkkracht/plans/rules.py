"""What the diagnosis says about a household, in plan domains; which working elements apply."""

import datetime
from typing import Any

from wijkkracht.diagnosis.models import Measurement, MeasurementStatus
from wijkkracht.households.models import ContactKind, Household
from wijkkracht.plans.catalogue import PlanCatalogue, Rule

#: person id (None = the whole household) per plan domain that shows a problem
Problems = dict[str, set[int | None]]


def latest_complete_measurements(household: Household) -> list[Measurement]:
    latest: dict[tuple[str, int | None], Measurement] = {}
    measurements = (
        Measurement.objects.filter(household=household, status=MeasurementStatus.COMPLETE)
        .select_related("instrument")
        .prefetch_related("scores")
        .order_by("moment")
    )
    for measurement in measurements:
        latest[(measurement.instrument_code, measurement.person_id)] = measurement
    return list(latest.values())


def problem_domains(household: Household, catalogue: PlanCatalogue) -> Problems:
    """A problem is a score whose scale value is orange or red, in the latest complete measurement."""
    problems: Problems = {}
    for measurement in latest_complete_measurements(household):
        definition = measurement.instrument.parsed
        bad = {item.value for item in definition.scale if item.tone in ("orange", "red")}
        for score in measurement.scores.all():
            domain = catalogue.by_instrument_domain.get((measurement.instrument_code, score.domain_code))
            if domain and score.value in bad:
                problems.setdefault(domain, set()).add(measurement.person_id)
    return problems


def _holds(condition: dict[str, Any], problems: Problems, recent_no_show_days: int | None) -> bool:
    ((kind, value),) = condition.items()
    if kind == "problem_in":
        return value in problems
    if kind == "no_show_within_days":
        return recent_no_show_days is not None and recent_no_show_days <= value
    return all(_holds(part, problems, recent_no_show_days) for part in value)


def matching_rules(household: Household, catalogue: PlanCatalogue, today: datetime.date) -> list[Rule]:
    problems = problem_domains(household, catalogue)
    last_no_show = (
        household.contacts.filter(kind=ContactKind.NO_SHOW).order_by("-date").values_list("date", flat=True).first()
    )
    days = (today - last_no_show).days if last_no_show else None
    return [rule for rule in catalogue.rules if _holds(rule.when, problems, days)]
