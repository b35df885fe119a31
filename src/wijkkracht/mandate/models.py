"""Quick action (issue 12): measures a team takes within its mandate or with a second person's approval, and
the team's budget they spend from (guide §4.2, §6.3). The escalation of a stuck case is the `escalations` app.

The rules (kinds, mandates, rates, response times) are data: `mandate.policy`. A measure keeps a copy of the
rule it was decided under (`mandate_rule`), so a later policy file never reinterprets an earlier decision.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from wijkkracht.common.models import UploadedFile
from wijkkracht.households.models import Household, Person
from wijkkracht.plans.models import Goal
from wijkkracht.teams.models import Team

REASON_MAX = 2000
NOTE_MAX = 1000


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    #: Never stored: an approved measure whose end date has passed (`Measure.shown_status`).
    EXPIRED = "expired", _("Expired")


STORED_MEASURE_STATUSES = (
    MeasureStatus.PROPOSED,
    MeasureStatus.APPROVED,
    MeasureStatus.REJECTED,
    MeasureStatus.WITHDRAWN,
)


class Measure(models.Model):
    """A measure for one member of a household: decided by a worker (within their mandate it is approved at
    once), approved by a second person where the mandate or the budget asks for it."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="measures")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="measures", verbose_name=_("member"))
    #: The team whose mandate and budget the measure falls under: the household's team when decided.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="measures", verbose_name=_("team"))
    kind_code = models.SlugField(_("kind of measure"), max_length=60)
    kind_name = models.CharField(_("kind of measure"), max_length=120)
    is_sanction = models.BooleanField(_("sanction"), default=False)
    spends_budget = models.BooleanField(_("spends from the team budget"), default=False)
    reason = models.TextField(_("reason"), max_length=REASON_MAX)
    legal_ground = models.CharField(_("legal ground"), max_length=300)
    amount = models.DecimalField(_("amount (euro)"), max_digits=10, decimal_places=2, null=True, blank=True)
    percentage = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2, null=True, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="measures", verbose_name=_("goal")
    )
    #: A sanction is decided only after the client was heard: when, and what the client said.
    hearing_date = models.DateField(_("client heard on"), null=True, blank=True)
    hearing_statement = models.TextField(_("what the client said"), max_length=REASON_MAX, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"))
    #: The mandate rule applied, as it read when the measure was decided (policy.MandateRule.as_dict()), and
    #: whether the measure was within it.
    mandate_rule = models.JSONField(default=dict)
    within_mandate = models.BooleanField(default=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("rejected or withdrawn at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(_("reason for rejecting or withdrawing"), max_length=NOTE_MAX, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        indexes = [
            models.Index(fields=["household", "status"]),
            models.Index(fields=["team", "spends_budget", "start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[status.value for status in STORED_MEASURE_STATUSES]),
                name="measure_status_known",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="measure_amount_not_negative",
                violation_error_message=_("The amount cannot be below zero."),
            ),
            models.CheckConstraint(
                condition=Q(percentage__isnull=True) | Q(percentage__gte=0, percentage__lte=100),
                name="measure_percentage_range",
                violation_error_message=_("The percentage lies between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="measure_end_not_before_start",
                violation_error_message=_("The end cannot lie before the start."),
            ),
            models.CheckConstraint(
                condition=Q(is_sanction=False) | (Q(hearing_date__isnull=False) & ~Q(hearing_statement="")),
                name="measure_sanction_heard",
                violation_error_message=_("A sanction needs a recorded hearing of the client."),
            ),
            models.CheckConstraint(
                condition=Q(spends_budget=False) | Q(amount__isnull=False),
                name="measure_spending_has_amount",
                violation_error_message=_("A measure that spends from the budget needs an amount."),
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(status=MeasureStatus.APPROVED, spends_budget=True),
                name="measure_paid_only_when_approved",
                violation_error_message=_("Only an approved measure with an amount can be paid."),
            ),
            models.CheckConstraint(
                condition=~Q(status=MeasureStatus.APPROVED) | Q(approved_at__isnull=False),
                name="measure_approved_has_moment",
                violation_error_message=_("An approved measure has its moment of approval."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_name} ({self.get_status_display()})"

    def shown_status(self, today: Any) -> str:
        """The status as people read it: an approved measure whose end has passed is expired."""
        if self.status == MeasureStatus.APPROVED and self.end_date is not None and self.end_date < today:
            return MeasureStatus.EXPIRED.value
        return self.status

    def shown_status_label(self, today: Any) -> str:
        return str(MeasureStatus(self.shown_status(today)).label)


class ApprovalStep(models.TextChoices):
    MANDATE = "mandate", _("Above the mandate")
    BUDGET = "budget", _("Beyond the team budget")


class ApprovalDecision(models.TextChoices):
    PENDING = "", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class MeasureApproval(models.Model):
    """A second person's approval a measure waits for (four eyes): above the decider's mandate, or beyond the
    team's budget. `proposer` repeats the measure's decider so the database itself refuses self-approval."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="approvals")
    step = models.CharField(_("why"), max_length=10, choices=ApprovalStep.choices)
    role = models.CharField(_("approver's role"), max_length=32)
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=ApprovalDecision.choices, default=ApprovalDecision.PENDING, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        indexes = [models.Index(fields=["decision", "role"])]
        constraints = [
            models.UniqueConstraint(fields=["measure", "step"], name="measureapproval_one_per_step"),
            models.CheckConstraint(
                condition=Q(step__in=ApprovalStep.values),
                name="measureapproval_step_known",
                violation_error_message=_("Unknown approval step."),
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposer")),
                name="measureapproval_not_by_proposer",
                violation_error_message=_("The decider cannot approve their own measure."),
            ),
            models.CheckConstraint(
                condition=(Q(decision="") & Q(decided_by__isnull=True) & Q(decided_at__isnull=True))
                | (
                    Q(decision__in=["approved", "rejected"]) & Q(decided_by__isnull=False) & Q(decided_at__isnull=False)
                ),
                name="measureapproval_decision_complete",
                violation_error_message=_("A decision names who decided and when."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.get_decision_display()}"


class MandateFile(UploadedFile):
    """A mandate policy file uploaded by the functional administrator; the active one is in force for every
    app server (`policy.mandate_policy`). Checked like the shipped file before it is saved."""

    class Meta(UploadedFile.Meta):
        verbose_name = _("mandate file")
        verbose_name_plural = _("mandate files")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="mandatefile_one_active",
                violation_error_message=_("Only one mandate file can be active."),
            )
        ]
