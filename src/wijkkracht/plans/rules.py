"""What the diagnosis says about a household, in plan domains; which working elements apply."""

import datetime
from dataclasses import dataclass
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
        .select_related("instrument", "person")
        .prefetch_related("scores")
        .order_by("moment", "date", "id")
    )
    for measurement in measurements:
        latest[(measurement.instrument_code, measurement.person_id)] = measurement
    return list(latest.values())


#: Tones from bad to good; a value without a tone counts by its place on the scale.
TONE_ORDER = ("red", "orange", "green")


@dataclass(frozen=True)
class Severity:
    """How a plan domain stands in the latest complete measurements: the worst score that points at it.

    `rank` runs from 0 (the good end of the instrument's scale) to 100 (the bad end), so that
    scores of instruments with scales of different lengths and directions compare."""

    rank: int
    tone: str
    label: str
    value: int
    instrument_name: str
    instrument_domain_label: str
    person_name: str


def severity_rank(definition: Any, value: int) -> int:
    values = sorted(definition.values)
    steps = max(len(values) - 1, 1)
    place = values.index(value)
    return round(100 * (place if definition.good == "low" else len(values) - 1 - place) / steps)


def domain_severities(household: Household, catalogue: PlanCatalogue) -> dict[str, Severity]:
    """Per plan domain, the worst score in the latest complete measurement of each instrument (and
    person); a domain no measurement points at is absent."""
    worst: dict[str, Severity] = {}
    for measurement in latest_complete_measurements(household):
        definition = measurement.instrument.parsed
        for score in measurement.scores.all():
            domain = catalogue.by_instrument_domain.get((measurement.instrument_code, score.domain_code))
            if domain is None or score.value not in definition.values:
                continue
            rank = severity_rank(definition, score.value)
            current = worst.get(domain)
            if current is not None and current.rank >= rank:
                continue
            item = definition.scale_value(score.value)
            tone = item.tone or ("red" if rank >= 67 else "orange" if rank >= 34 else "green")
            worst[domain] = Severity(
                rank=rank,
                tone=tone,
                label=item.label,
                value=score.value,
                instrument_name=definition.name,
                instrument_domain_label=definition.domain(score.domain_code).label,
                person_name=measurement.person.full_name if measurement.person is not None else "",
            )
    return worst


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
