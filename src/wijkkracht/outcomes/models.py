"""Outcomes and the benchmark (issue 11).

The indicators are counted from events in the case files (a registration, the first contact, an agreed plan,
the end of first-line support, a measurement, a goal's outcome, a benefit that ended…). Each household's
events are its *contributions*: (month, measure) → n, total, total of squares. They are stored per household
(`HouseholdContribution`, with the units and pyramid level they were counted for in `HouseholdOutcomeState`)
and summed per unit, month, measure and level in `IndicatorCell`, which the dashboard reads: its cost depends
on the number of teams, workers and months, not on the number of households.

Both are written only by `outcomes.maintenance`: every service that changes a household's case file refreshes
its figures (`households.figures.household_figures_refresh`), which refreshes its contributions and moves the
cells by the difference, in the same transaction. After every test that used the database,
`conftest` compares the stored contributions with a fresh computation and the cells with the sum of the
contributions (`outcomes.maintenance.outcome_mismatches`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wijkkracht.households.models import Household


class UnitKind(models.TextChoices):
    TEAM = "team", _("Team")
    WORKER = "worker", _("Worker")
    WIJK = "wijk", _("District")


class PyramidLevel(models.TextChoices):
    """The weight of a household's problems (the guide's pyramid of demand, §2.1), derived from its 0-meting
    by the rule in `outcomes/data/outcomes.yaml`; the case-mix stratum of the benchmark."""

    UNKNOWN = "", _("Not yet measured")
    GENERAL = "general", _("General support")
    SINGLE = "single", _("Single problems")
    MULTIPLE = "multiple", _("Multiple problems")
    CRISIS = "crisis", _("Crisis and multiple problems")


class HouseholdOutcomeState(models.Model):
    """The units and level a household's stored contributions were counted for (to take them back out of the
    cells when the household moves to another team, worker or level)."""

    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, primary_key=True, related_name="outcome_state"
    )
    team_id = models.BigIntegerField()
    worker_id = models.BigIntegerField(null=True, blank=True)
    wijk_id = models.BigIntegerField()
    level = models.CharField(max_length=10, choices=PyramidLevel.choices, blank=True)

    class Meta:
        verbose_name = _("household outcome state")
        verbose_name_plural = _("household outcome states")

    def __str__(self) -> str:
        return f"{self.household_id}: team {self.team_id}, level {self.level or '-'}"


class HouseholdContribution(models.Model):
    """One household's contribution to one measure in one month."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    measure = models.SlugField(max_length=60)
    n = models.IntegerField()
    total = models.BigIntegerField(default=0)
    total_sq = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("household contribution")
        verbose_name_plural = _("household contributions")
        constraints = [
            models.UniqueConstraint(fields=["household", "month", "measure"], name="contribution_once"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.month:%Y-%m} {self.measure}: {self.n}"


class IndicatorCell(models.Model):
    """The sum of the contributions of one unit's households to one measure in one month, per level."""

    unit_kind = models.CharField(max_length=10, choices=UnitKind.choices)
    unit_id = models.BigIntegerField()
    month = models.DateField()
    measure = models.SlugField(max_length=60)
    level = models.CharField(max_length=10, choices=PyramidLevel.choices, blank=True)
    n = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    total_sq = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator cell")
        verbose_name_plural = _("indicator cells")
        indexes = [models.Index(fields=["unit_kind", "measure", "month"], name="indicator_cell_read")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_kind", "unit_id", "month", "measure", "level"], name="indicator_cell_once"
            ),
            models.CheckConstraint(condition=Q(unit_kind__in=UnitKind.values), name="indicator_cell_unit_known"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_kind} {self.unit_id} {self.month:%Y-%m} {self.measure} {self.level or '-'}: {self.n}"


class OutlierConclusion(models.Model):
    """What a team meeting concluded about a flagged outlier (§3.1: striking outliers are discussed).
    Append-only: a later conclusion about the same outlier is a new row; the list shows the latest."""

    indicator = models.SlugField(_("indicator"), max_length=60)
    unit_kind = models.CharField(_("compared"), max_length=10, choices=UnitKind.choices)
    unit_id = models.BigIntegerField()
    unit_label = models.CharField(_("unit"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    case_mix = models.BooleanField(_("adjusted for case mix"), default=False)
    #: The figures as they were flagged (aggregates only).
    value = models.FloatField(_("value"))
    centre = models.FloatField(_("average of all"))
    households = models.PositiveIntegerField(_("households"))
    conclusion = models.TextField(_("conclusion"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("outlier conclusion")
        verbose_name_plural = _("outlier conclusions")
        indexes = [
            models.Index(
                fields=["indicator", "unit_kind", "unit_id", "period_start", "period_end"], name="outlier_lookup"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="outlier_period_ordered",
                violation_error_message=_("The period ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit_label} {self.period_start}–{self.period_end}"
