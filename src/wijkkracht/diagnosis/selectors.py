"""Reads of measurements, always through a household the user may see; pictures built from them."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from wijkkracht.diagnosis import charts
from wijkkracht.diagnosis.models import Measurement, MeasurementStatus, Score, WorkScoreWaiver
from wijkkracht.diagnosis.progress import Progress, progress_between
from wijkkracht.diagnosis.rules import intake_gaps
from wijkkracht.households.models import Household, Person
from wijkkracht.instruments.definitions import InstrumentDefinition
from wijkkracht.privacy.access import AccessContext, visible_households
from wijkkracht.privacy.services import access_log_read, access_note_refusal


@dataclass
class Series:
    """All measurements of one instrument for one subject (the household or one member), by moment."""

    code: str
    definition: InstrumentDefinition
    person: Person | None
    measurements: list[Measurement] = field(default_factory=list)

    @property
    def subject_label(self) -> str:
        return self.person.full_name if self.person else _("the household")

    @property
    def complete(self) -> list[Measurement]:
        return [m for m in self.measurements if m.status == MeasurementStatus.COMPLETE]

    @property
    def chart_id(self) -> str:
        return f"chart-{self.code}-{self.person.id if self.person else 'hh'}"

    @property
    def is_ladder(self) -> bool:
        return "participation-ladder" in self.definition.tags

    @property
    def progress(self) -> Progress | None:
        complete = self.complete
        return progress_between(complete[0], complete[-1]) if len(complete) > 1 else None


@dataclass(frozen=True)
class Picture:
    series: Series
    svg: SafeString
    kind: str
    rows: list[Any]  # the data table alternative


@dataclass
class DiagnosisOverview:
    series: list[Series]
    pictures: list[Picture]
    gaps: list[str]


def _measurements(household: Household) -> list[Measurement]:
    return list(
        Measurement.objects.filter(household=household)
        .select_related("instrument", "person")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.order_by("id")))
        .order_by("instrument_code", "person_id", "moment")
    )


def series_of(measurements: list[Measurement]) -> list[Series]:
    grouped: dict[tuple[str, int | None], Series] = {}
    for measurement in measurements:
        key = (measurement.instrument_code, measurement.person_id)
        if key not in grouped:
            grouped[key] = Series(measurement.instrument_code, measurement.instrument.parsed, measurement.person)
        grouped[key].measurements.append(measurement)
        grouped[key].definition = measurement.instrument.parsed  # the newest version names the domains
    return sorted(grouped.values(), key=lambda s: (s.person is not None, s.definition.name, s.subject_label))


def pictures_of(series_list: list[Series]) -> list[Picture]:
    pictures = []
    for series in series_list:
        complete = series.complete
        if not complete:
            continue
        if series.person is None:
            before = complete[0] if len(complete) > 1 else None
            pictures.append(
                Picture(
                    series,
                    charts.target_svg(series.definition, before, complete[-1], f"{series.chart_id}-target"),
                    "target",
                    charts.target_rows(series.definition, before, complete[-1]),
                )
            )
        if series.is_ladder:
            pictures.append(
                Picture(
                    series,
                    charts.ladder_svg(series.definition, complete, f"{series.chart_id}-ladder", series.subject_label),
                    "ladder",
                    charts.heat_strip_rows(series.definition, complete),
                )
            )
        else:
            pictures.append(
                Picture(
                    series,
                    charts.heat_strip_svg(
                        series.definition, complete, f"{series.chart_id}-strip", series.subject_label
                    ),
                    "strip",
                    charts.heat_strip_rows(series.definition, complete),
                )
            )
    return pictures


def diagnosis_overview(*, household: Household) -> DiagnosisOverview:
    """For a household the caller already fetched through an access-logged selector."""
    series_list = series_of(_measurements(household))
    return DiagnosisOverview(
        series=series_list,
        pictures=pictures_of(series_list),
        gaps=intake_gaps(household, timezone.localdate()) if household.status == "intake" else [],
    )


def measurement_get_for_user(
    *, access: AccessContext, measurement_id: int, household_id: int | None = None, log: bool = True
) -> Measurement:
    """One measurement (of `household_id` when given, as in page URLs), or 404. A read is access-logged,
    naming the member for a member's measurement; `log=False` only for a response that echoes a write its
    service logged already."""
    queryset = Measurement.objects.filter(id=measurement_id, household__in=visible_households(access.user))
    if household_id is not None:
        queryset = queryset.filter(household_id=household_id)
    measurement = (
        queryset.select_related("instrument", "person", "household", "created_by")
        .prefetch_related("scores", "participants")
        .first()
    )
    if measurement is None:
        access_note_refusal(access=access, kind="measurement", record_id=measurement_id, household_id=household_id)
        raise Http404(_("Measurement not found."))
    if log:
        access_log_read(
            access=access, household_id=measurement.household_id, what="measurement", person_id=measurement.person_id
        )
    return measurement


def measurement_list_for_user(
    *,
    access: AccessContext,
    household_id: int | None = None,
    person_id: int | None = None,
    instrument_code: str = "",
    status: str = "",
) -> QuerySet[Measurement]:
    """Measurements of the households the user may see, optionally only those of one household, of one
    member, of one instrument or with one status."""
    queryset = (
        Measurement.objects.filter(household__in=visible_households(access.user))
        .select_related("instrument", "person")
        .prefetch_related("scores", "participants")
        .order_by("household_id", "instrument_code", "person_id", "moment")
    )
    if household_id:
        queryset = queryset.filter(household_id=household_id)
    if person_id:
        queryset = queryset.filter(person_id=person_id)
    if instrument_code:
        queryset = queryset.filter(instrument_code=instrument_code)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def work_waiver_list_for_user(*, access: AccessContext, household_id: int | None = None) -> QuerySet[WorkScoreWaiver]:
    """Recorded reasons why a member's work is not scored, of the households the user may see."""
    queryset = (
        WorkScoreWaiver.objects.filter(person__household__in=visible_households(access.user))
        .select_related("person", "recorded_by")
        .order_by("person__household_id", "person_id")
    )
    return queryset.filter(person__household_id=household_id) if household_id else queryset


def first_complete(measurement: Measurement) -> Measurement | None:
    """The first complete measurement of the same series before this one (usually the 0-meting)."""
    return _earlier_complete(measurement).order_by("moment").first()


def previous_complete(measurement: Measurement) -> Measurement | None:
    return _earlier_complete(measurement).order_by("-moment").first()


def _earlier_complete(measurement: Measurement) -> "QuerySet[Measurement]":
    return (
        Measurement.objects.filter(
            household_id=measurement.household_id,
            person=measurement.person,
            instrument_code=measurement.instrument_code,
            status=MeasurementStatus.COMPLETE,
            moment__lt=measurement.moment,
        )
        .select_related("instrument")
        .prefetch_related("scores")
    )
