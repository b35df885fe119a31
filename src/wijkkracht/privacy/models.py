from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    LIST = "list", _("Shown in a list")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    EXPORT = "export", _("Exported")


class AccessLogEntry(models.Model):
    """Who saw or changed which household's data, when, through which endpoint and why.

    The household is kept as a plain id (not a foreign key) so the log outlives the case file, and the
    user's name and role are copied so the log stays readable after an account changes.
    """

    at = models.DateTimeField(_("when"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=32)
    household_id = models.BigIntegerField(_("household"), db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    what = models.CharField(_("what"), max_length=200)
    endpoint = models.CharField(_("endpoint"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=200)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AccessAction.values),
                name="accesslogentry_action_known",
                violation_error_message=_("Unknown action."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} HH-{self.household_id:06d}"
