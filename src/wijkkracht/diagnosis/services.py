"""Writes of measurements: validated against the instrument version they belong to, nothing half-saved."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wijkkracht.common.locking import stale_error, version_advance
from wijkkracht.common.validation import ErrorCollector, validate_not_before, validate_not_future
from wijkkracht.diagnosis.models import (
    NOTE_MAX_LENGTH,
    Measurement,
    MeasurementStatus,
    Participation,
    Score,
    WorkScoreWaiver,
)
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import Household, Person
from wijkkracht.households.services import refuse_if_closed, require_open_household
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.privacy.access import AccessContext, require_case_worker
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record


@dataclass(frozen=True)
class ScoreInput:
    value: int | None
    note: str = ""


def _subject_filter(household: Household, person: Person | None, instrument_code: str) -> dict[str, object]:
    return {"household": household, "person": person, "instrument_code": instrument_code}


def measurement_start(
    *,
    access: AccessContext,
    household: Household,
    instrument_code: str,
    date: datetime.date,
    person_id: int | None = None,
    participation: str = Participation.TOGETHER,
    participant_ids: Sequence[int] = (),
    moment: int | None = None,
    scores: Mapping[str, ScoreInput] | None = None,
) -> Measurement:
    """Open the next measurement (0-meting first, then 1-meting, …) for a household or one member."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    version = instrument_catalogue().get(instrument_code)
    person: Person | None = None
    if version is None:
        errors.add("instrument", _("Unknown or disabled instrument."))
    elif version.subject == "person":
        person = household.members.filter(id=person_id).first() if person_id else None
        if person is None:
            errors.add("person", _("This instrument is scored per member: choose a member of this household."))
    elif person_id:
        errors.add("person", _("This instrument is scored for the whole household, not per member."))
    refuse_if_closed(errors, household, access.user)
    with errors.field("date"):
        validate_not_future(date)
        validate_not_before(date, household.registered_on, what=_("the household's registration"))
    if participation not in Participation.values:
        errors.add("participation", _("Choose who scored the measurement."))
    unique_participants = set(participant_ids)
    if unique_participants and household.members.filter(id__in=unique_participants).count() != len(unique_participants):
        errors.add("participants", _("Only members of this household can take part."))
    errors.raise_if_any()
    assert version is not None

    existing = Measurement.objects.filter(**_subject_filter(household, person, instrument_code))
    if existing.filter(status=MeasurementStatus.DRAFT).exists():
        errors.add("instrument", _("There is an unfinished measurement of this instrument: complete it first."))
    next_moment = existing.count()
    if moment is not None and moment != next_moment:
        if next_moment == 0:
            errors.add("moment", _("There is no 0-meting yet: start with the 0-meting."))
        else:
            errors.add("moment", _("The next measurement is the %(moment)d-meting.") % {"moment": next_moment})
    previous = existing.order_by("-moment").first()
    if previous is not None and date < previous.date:
        errors.add("date", _("A measurement cannot lie before the previous one (%(date)s).") % {"date": previous.date})
    errors.raise_if_any()
    if scores:
        _validate_scores(errors, version.parsed, scores)
        errors.raise_if_any()

    try:
        with transaction.atomic():
            measurement = Measurement.objects.create(
                household=household,
                person=person,
                instrument=version,
                instrument_code=instrument_code,
                moment=next_moment,
                date=date,
                participation=participation,
                created_by=access.user,
            )
            if unique_participants:
                measurement.participants.set(unique_participants)
            if scores:
                _write_scores(measurement, scores)
            access_log_record(
                access=access,
                household_id=household.id,
                action=AccessAction.CREATE,
                what=f"measurement {instrument_code} moment {next_moment}",
            )
    except IntegrityError:
        # Someone started the same measurement at the same moment: the database keeps one draft per
        # household × instrument × member and one measurement per moment; the second start is told so. Their
        # draft may be of an earlier moment than ours when it was committed between our checks above.
        if existing.filter(Q(moment__gte=next_moment) | Q(status=MeasurementStatus.DRAFT)).exists():
            raise ValidationError(
                {
                    "instrument": _(
                        "Someone else has just started this measurement. Open it from the household's page "
                        "instead of starting another one."
                    )
                },
                code="started_meanwhile",
            ) from None
        raise
    return measurement


def _validate_scores(errors: ErrorCollector, definition, scores: Mapping[str, ScoreInput]) -> None:  # type: ignore[no-untyped-def]
    for code, score in scores.items():
        if code not in definition.domain_codes:
            errors.add(
                f"scores.{code}",
                _("“%(code)s” is not a domain of %(instrument)s.") % {"code": code, "instrument": definition.name},
            )
            continue
        if score.value is not None and score.value not in definition.values:
            errors.add(
                f"scores.{code}",
                _("%(value)s is not a value of this scale (possible: %(values)s).")
                % {"value": score.value, "values": ", ".join(map(str, definition.values))},
            )
        if len(score.note) > NOTE_MAX_LENGTH:
            errors.add(f"scores.{code}", _("A note has at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH})


def _write_scores(measurement: Measurement, scores: Mapping[str, ScoreInput]) -> None:
    Score.objects.filter(measurement=measurement, domain_code__in=list(scores)).delete()
    Score.objects.bulk_create(
        [
            Score(measurement=measurement, domain_code=code, value=score.value, note=score.note.strip())
            for code, score in scores.items()
            if score.value is not None
        ]
    )


#: Told to whoever saves scores based on an older version of the draft: nothing of theirs was saved.
STALE_SCORES_MESSAGE = gettext_lazy(
    "Someone else saved scores for this measurement after you opened it, so your scores have not been "
    "saved. Reload the page, check the current scores and make your change again."
)


def _stale_measurement() -> ValidationError:
    return stale_error(str(STALE_SCORES_MESSAGE))


def _move_version(measurement: Measurement, *, expected_version: int) -> None:
    """Inside the caller's transaction: refuse a change based on an older version, else move it on."""
    if not version_advance(Measurement.objects.filter(id=measurement.id), expected_version=expected_version):
        raise _stale_measurement()
    measurement.lock_version = expected_version + 1


def measurement_scores_save(
    *, access: AccessContext, measurement: Measurement, expected_version: int, scores: Mapping[str, ScoreInput]
) -> Measurement:
    """Save (part of) the scores of a draft; a value of None clears that domain. The change names the
    version it was based on: one based on an older version (someone else saved meanwhile) is refused."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    refuse_if_closed(errors, measurement.household, access.user)
    if measurement.is_complete:
        errors.add("status", _("A complete measurement cannot be changed; take a new measurement instead."))
        errors.raise_if_any()
    _validate_scores(errors, measurement.instrument.parsed, scores)
    errors.raise_if_any()
    with transaction.atomic():
        _move_version(measurement, expected_version=expected_version)
        _write_scores(measurement, scores)
        access_log_record(
            access=access, household_id=measurement.household_id, action=AccessAction.UPDATE, what="measurement scores"
        )
    return measurement


def measurement_complete(
    *, access: AccessContext, measurement: Measurement, expected_version: int | None = None
) -> Measurement:
    """Only a measurement with a score for every domain counts in progress and pictures. Completing moves
    the version on; ``expected_version`` (default: the version of ``measurement`` as read) must be current."""
    require_case_worker(access.user)
    if expected_version is None:
        expected_version = measurement.lock_version
    require_open_household(measurement.household, access.user)
    if measurement.is_complete:
        raise ValidationError({"status": _("This measurement is already complete.")})
    definition = measurement.instrument.parsed
    scored = set(measurement.scores.values_list("domain_code", flat=True))
    missing = [domain.label for domain in definition.domains if domain.code not in scored]
    if missing:
        raise ValidationError(
            {
                "scores": _("Score every domain before completing. Still missing: %(domains)s.")
                % {"domains": ", ".join(missing)}
            }
        )
    with transaction.atomic():
        # Only a draft moves: of two colleagues completing it at the same moment, the second is told.
        completed_at = timezone.now()
        if not Measurement.objects.filter(id=measurement.id, status=MeasurementStatus.DRAFT).update(
            status=MeasurementStatus.COMPLETE, completed_at=completed_at
        ):
            raise ValidationError({"status": _("This measurement is already complete.")})
        _move_version(measurement, expected_version=expected_version)
        measurement.status, measurement.completed_at = MeasurementStatus.COMPLETE, completed_at
        # A complete measurement counts in the outcomes (self-reliance, the ladder, the pyramid level).
        household_figures_refresh(household_ids=[measurement.household_id])
        access_log_record(
            access=access,
            household_id=measurement.household_id,
            action=AccessAction.UPDATE,
            what="measurement completed",
        )
    return measurement


def work_score_waiver_record(*, access: AccessContext, person: Person, reason: str) -> WorkScoreWaiver:
    require_case_worker(access.user)
    require_open_household(person.household, access.user)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason why work is not scored for this member.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("The reason has at most 500 characters.")})
    with transaction.atomic():
        waiver, _created = WorkScoreWaiver.objects.update_or_create(
            person=person, defaults={"reason": reason.strip(), "recorded_by": access.user}
        )
        access_log_record(
            access=access, household_id=person.household_id, action=AccessAction.UPDATE, what="work waiver"
        )
    return waiver
