from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wijkkracht.households.models import Household, Person
from wijkkracht.instruments.models import InstrumentVersion

NOTE_MAX_LENGTH = 1000


class Participation(models.TextChoices):
    TOGETHER = "together", _("Client and worker together")
    CLIENT_ALONE = "client_alone", _("Client alone")
    WORKER_ALONE = "worker_alone", _("Worker alone")


class MeasurementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETE = "complete", _("Complete")


class Measurement(models.Model):
    """One measurement session (0-meting, 1-meting, …) of an instrument for a household or one member."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="measurements")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="measurements", verbose_name=_("member")
    )
    instrument = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="measurements", verbose_name=_("instrument")
    )
    instrument_code = models.SlugField(max_length=40)
    moment = models.PositiveSmallIntegerField(_("moment"))
    date = models.DateField(_("date"))
    participation = models.CharField(
        _("scored by"), max_length=20, choices=Participation.choices, default=Participation.TOGETHER
    )
    participants = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=_("members who took part"))
    status = models.CharField(
        _("status"), max_length=10, choices=MeasurementStatus.choices, default=MeasurementStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    #: Optimistic lock of the draft's scores: every score save and the completion move it on one.
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["instrument_code", "person_id", "moment"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        indexes = [models.Index(fields=["household", "instrument_code", "moment"])]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person", "instrument_code", "moment"],
                condition=Q(person__isnull=False),
                name="measurement_moment_once_per_person",
                violation_error_message=_("This moment has already been measured."),
            ),
            models.UniqueConstraint(
                fields=["household", "instrument_code", "moment"],
                condition=Q(person__isnull=True),
                name="measurement_moment_once_per_household",
                violation_error_message=_("This moment has already been measured."),
            ),
            # At most one unfinished measurement per household × instrument × member: two parallel starts
            # give one draft and one clear message. Two partial constraints, as NULL members are distinct in SQL.
            models.UniqueConstraint(
                fields=["household", "instrument_code"],
                condition=Q(status=MeasurementStatus.DRAFT) & Q(person__isnull=True),
                name="measurement_one_draft_per_household",
                violation_error_message=_("There is an unfinished measurement of this instrument: complete it first."),
            ),
            models.UniqueConstraint(
                fields=["household", "person", "instrument_code"],
                condition=Q(status=MeasurementStatus.DRAFT) & Q(person__isnull=False),
                name="measurement_one_draft_per_person",
                violation_error_message=_("There is an unfinished measurement of this instrument: complete it first."),
            ),
            models.CheckConstraint(
                condition=(Q(status=MeasurementStatus.DRAFT) & Q(completed_at__isnull=True))
                | (Q(status=MeasurementStatus.COMPLETE) & Q(completed_at__isnull=False)),
                name="measurement_complete_has_moment",
                violation_error_message=_("A complete measurement records when it was completed."),
            ),
            models.CheckConstraint(
                condition=Q(participation__in=Participation.values),
                name="measurement_participation_known",
                violation_error_message=_("Unknown way of scoring."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.moment}-meting {self.instrument.name}"

    @property
    def is_complete(self) -> bool:
        return self.status == MeasurementStatus.COMPLETE


class Score(models.Model):
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="scores")
    domain_code = models.SlugField(max_length=40)
    value = models.SmallIntegerField(_("score"))
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "domain_code"],
                name="score_once_per_domain",
                violation_error_message=_("This domain already has a score in this measurement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain_code}: {self.value}"


class WorkScoreWaiver(models.Model):
    """Why an adult's work domain and participation ladder were not scored at intake (§4.1: work is part
    of the intake from the start, unless there is a recorded reason)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="work_score_waiver")
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reason for not scoring work")
        verbose_name_plural = _("reasons for not scoring work")

    def __str__(self) -> str:
        return self.reason
