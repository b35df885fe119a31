"""The intake rule of §4.1: work and participation are part of the diagnosis from the first conversation."""

import datetime

from django.utils.translation import gettext as _

from wijkkracht.diagnosis.models import MeasurementStatus, Score, WorkScoreWaiver
from wijkkracht.households.models import ADULT_AGE, Household, IncomeWorkRecord, is_adult
from wijkkracht.instruments.models import InstrumentVersion

__all__ = ["ADULT_AGE", "intake_gaps", "is_adult"]


def intake_gaps(household: Household, on: datetime.date) -> list[str]:
    """For every adult: what is still missing before the intake is complete. The work domain and the
    participation ladder are scored unless a reason is recorded (`WorkScoreWaiver`); the income and work
    situation (`households.IncomeWorkRecord`) is recorded for every adult."""
    complete_scores = Score.objects.filter(
        measurement__household=household, measurement__status=MeasurementStatus.COMPLETE
    ).values_list("measurement__person_id", "measurement__instrument_id", "domain_code")
    versions = {
        version.id: version.parsed
        for version in InstrumentVersion.objects.filter(
            id__in={instrument_id for _person, instrument_id, _code in complete_scores}
        )
    }
    work_scored: set[int | None] = set()
    ladder_scored: set[int | None] = set()
    for person_id, instrument_id, code in complete_scores:
        definition = versions[instrument_id]
        if "participation-ladder" in definition.tags:
            ladder_scored.add(person_id)
        elif "work" in definition.domain(code).tags and definition.subject == "person":
            work_scored.add(person_id)
    waived = set(WorkScoreWaiver.objects.filter(person__household=household).values_list("person_id", flat=True))
    # Income and work are facts, not scores: a reason not to score work does not replace them (issue 11).
    income_recorded = set(
        IncomeWorkRecord.objects.filter(person__household=household).values_list("person_id", flat=True)
    )
    gaps = []
    for person in household.members.all():
        if not is_adult(person, on):
            continue
        if person.id not in income_recorded:
            gaps.append(_("%(name)s: the income and work situation is not recorded") % {"name": person.full_name})
        if person.id in waived:
            continue
        missing = []
        if person.id not in work_scored:
            missing.append(_("the work domain"))
        if person.id not in ladder_scored:
            missing.append(_("the participation ladder"))
        if missing:
            gaps.append(
                _("%(name)s: %(missing)s not scored")
                % {"name": person.full_name, "missing": (" " + _("and") + " ").join(missing)}
            )
    return gaps
