"""Escalation of a stuck case (issue 12, guide §6.3): to the team coordinator, and further to a manager with the
power to push through (doorzettingsmacht). Response times per level are policy data (`mandate.policy`)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wijkkracht.common.dates import is_working_day
from wijkkracht.households.models import Household
from wijkkracht.teams.models import Team

NOTE_MAX = 1000


class EscalationLevel(models.TextChoices):
    COORDINATOR = "coordinator", _("Team coordinator")
    MANAGER = "manager", _("Manager (power to push through)")


class EscalationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Escalation(models.Model):
    """A stuck case put before the coordinator, and further before a manager with the power to push through.
    While it lies with a manager and is open, the team's managers may read that household's case file, logged
    with the escalation as purpose."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="escalations")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("team"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    raised_at = models.DateTimeField(_("raised at"))
    blocked = models.TextField(_("what is blocked"), max_length=NOTE_MAX)
    blocked_by = models.CharField(_("blocked by whom"), max_length=300)
    needed = models.TextField(_("what is needed"), max_length=NOTE_MAX)
    level = models.CharField(
        _("level"), max_length=12, choices=EscalationLevel.choices, default=EscalationLevel.COORDINATOR
    )
    #: The response deadline at the current level (a date: working days from the day it reached the level).
    respond_by = models.DateField(_("respond by"))
    #: The coordinator's deadline, kept when the escalation moves on to a manager (the chain shows both).
    coordinator_respond_by = models.DateField(_("coordinator to respond by"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("forwarded to a manager at"), null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    forward_reason = models.TextField(_("why a manager is needed"), max_length=NOTE_MAX, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EscalationStatus.choices, default=EscalationStatus.OPEN
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(_("outcome"), max_length=NOTE_MAX, blank=True)
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        indexes = [
            models.Index(fields=["team", "status", "level", "respond_by"]),
            models.Index(fields=["household", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=EscalationLevel.values),
                name="escalation_level_known",
                violation_error_message=_("Unknown level."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=EscalationStatus.values),
                name="escalation_status_known",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=Q(level=EscalationLevel.COORDINATOR) | Q(forwarded_at__isnull=False),
                name="escalation_manager_forwarded",
                violation_error_message=_("An escalation reaches a manager by being forwarded."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=EscalationStatus.OPEN, resolved_at__isnull=True)
                    | (Q(status=EscalationStatus.RESOLVED, resolved_at__isnull=False) & ~Q(outcome=""))
                ),
                name="escalation_resolved_has_outcome",
                violation_error_message=_("A resolved escalation records its outcome."),
            ),
            models.CheckConstraint(
                condition=~Q(blocked="") & ~Q(blocked_by="") & ~Q(needed=""),
                name="escalation_says_what_is_blocked",
                violation_error_message=_("An escalation says what is blocked, by whom, and what is needed."),
            ),
            models.CheckConstraint(
                condition=Q(forwarded_at__isnull=True) | (Q(forwarded_by__isnull=False) & ~Q(forward_reason="")),
                name="escalation_forward_has_reason",
                violation_error_message=_("A forwarded escalation records who forwarded it and why."),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status=EscalationStatus.OPEN),
                name="escalation_one_open_per_household",
                violation_error_message=_("This household already has an open escalation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.get_status_display()}"

    @property
    def grants_case_access(self) -> bool:
        return self.status == EscalationStatus.OPEN and self.level == EscalationLevel.MANAGER

    @property
    def is_open(self) -> bool:
        return self.status == EscalationStatus.OPEN

    def is_overdue(self, today: datetime.date) -> bool:
        """Open and past the response deadline of its current level."""
        return self.is_open and today > self.respond_by

    def working_days_overdue(self, today: datetime.date) -> int:
        """How many working days after the deadline `today` is (0 when not overdue)."""
        if not self.is_overdue(today):
            return 0
        day, count = self.respond_by, 0
        while day < today:
            day += datetime.timedelta(days=1)
            if is_working_day(day):
                count += 1
        return count
