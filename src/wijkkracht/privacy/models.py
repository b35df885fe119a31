from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    LIST = "list", _("Shown in a list")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    EXPORT = "export", _("Exported")
    #: Shown to someone outside the team (a partner organisation, another team) on a consent or legal ground.
    DISCLOSE = "disclose", _("Disclosed")
    REFUSED = "refused", _("Refused")
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")


#: Actions about a household's data: these rows always name the household.
CASE_ACTIONS = [
    AccessAction.VIEW,
    AccessAction.LIST,
    AccessAction.CREATE,
    AccessAction.UPDATE,
    AccessAction.EXPORT,
    AccessAction.DISCLOSE,
]
#: Sign-in events: these rows never name a household.
SIGN_IN_ACTIONS = [AccessAction.LOGIN, AccessAction.LOGIN_FAILED, AccessAction.LOGOUT]


class AccessLogEntry(models.Model):
    """Who saw, changed or was refused which household's data, when, from where, through which endpoint
    and why; and who signed in or out, or failed to.

    The household and member are kept as plain ids (not foreign keys) so the log outlives the case file,
    and the user's name, role and teams are copied so the log stays readable after an account changes.
    The user reference has no database constraint and nothing happens to the log when an account is
    deleted: the table is append-only in the database itself (triggers refuse UPDATE and DELETE, see
    migration 0003), so no row is ever rewritten.
    """

    at = models.DateTimeField(_("when"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=32)
    teams = models.CharField(_("teams"), max_length=300, blank=True, default="")
    household_id = models.BigIntegerField(_("household"), db_index=True, null=True, blank=True)
    person_id = models.BigIntegerField(_("member"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    what = models.CharField(_("what"), max_length=200)
    endpoint = models.CharField(_("endpoint"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=200)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=200, blank=True, default="")

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
            models.CheckConstraint(
                condition=~models.Q(action__in=CASE_ACTIONS) | models.Q(household_id__isnull=False),
                name="accesslogentry_case_action_names_household",
                violation_error_message=_("A read or change of case data names the household."),
            ),
            models.CheckConstraint(
                condition=~models.Q(action__in=SIGN_IN_ACTIONS) | models.Q(household_id__isnull=True),
                name="accesslogentry_sign_in_names_no_household",
                violation_error_message=_("A sign-in event names no household."),
            ),
        ]

    def __str__(self) -> str:
        household = f" HH-{self.household_id:06d}" if self.household_id is not None else ""
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}{household}"
