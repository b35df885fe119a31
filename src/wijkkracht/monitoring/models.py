from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OverviewSnapshot(models.Model):
    """The policy overview's figures as computed at one moment (issue 10): the page reads the latest one —
    one row, whatever the size of the city — instead of counting every household and contact per view.

    `figures` holds the raw counts per team (a list in team order, see `monitoring.services`); the small-cell
    suppression is applied when they are shown, exactly as for figures computed on the spot. Counts only:
    no household, no person. Made by `monitoring.services.overview_snapshot_refresh` (the command
    `wijkkracht monitoring refresh`, and the page itself when the latest one is too old or of another day)."""

    computed_at = models.DateTimeField(_("computed at"))
    #: The day the windows ("registered in the last 90 days", "contacts in the last 30 days") count back from.
    day = models.DateField(_("day"))
    figures = models.JSONField(_("figures"))

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("overview snapshot")
        verbose_name_plural = _("overview snapshots")
        indexes = [models.Index(fields=["-computed_at", "-id"], name="overview_snapshot_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(figures__has_key="teams"),
                name="overview_snapshot_has_teams",
                violation_error_message=_("An overview snapshot lists its teams."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} ({self.computed_at.isoformat(timespec='minutes')})"
