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
#: Case actions that may name their households in subject rows only (one entry, a subject row per household):
#: a list, and a bulk export (the pseudonymised research export, `outcomes.export`). An export of one household
#: (a disclosure to another team) names it on the entry as well.
BULK_ACTIONS = [AccessAction.LIST, AccessAction.EXPORT]
#: Case actions about one household, named on the entry itself; a list names its households in subject rows.
SINGLE_HOUSEHOLD_ACTIONS = [action for action in CASE_ACTIONS if action not in BULK_ACTIONS]
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

    One entry per event (one request's read, list, change or refusal). Every household an entry is about has
    an `AccessLogSubject` row, the narrow per-household index of the log: "who saw household X" is one
    indexed query on the subjects, whatever the action. An entry about one household also names it in
    `household_id` (and the member in `person_id`); a list entry (`list`, written since migration 0005) names
    none there: its households are its subject rows only, so a page of 25 households is one wide row and 25
    narrow ones. List entries from before 0005 name their one household each, as they always did.
    """

    at = models.DateTimeField(_("when"), db_index=True)  # the whole log, newest first (the privacy officer)
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
    household_id = models.BigIntegerField(_("household"), null=True, blank=True)
    person_id = models.BigIntegerField(_("member"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    what = models.CharField(_("what"), max_length=200)
    endpoint = models.CharField(_("endpoint"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=200)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="accesslogentry_user_at")]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AccessAction.values),
                name="accesslogentry_action_known",
                violation_error_message=_("Unknown action."),
            ),
            models.CheckConstraint(
                condition=~models.Q(action__in=SINGLE_HOUSEHOLD_ACTIONS) | models.Q(household_id__isnull=False),
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


class AccessLogSubject(models.Model):
    """One household (and member, if the entry is about one) an access-log entry is about: the log's
    per-household index, append-only like the entries (triggers, see `privacy.triggers`).

    Narrow on purpose: the entry, the household, the member and the entry's time, copied so that "who saw
    household X, newest first" reads one index range (household, at) and then fetches only the entries it
    shows. The primary key is (entry, household): an entry names a household once, and the key is the index
    from an entry to its households. Every case-action entry has at least one subject row; on PostgreSQL a
    constraint trigger checks that at commit (see `privacy.triggers`).
    """

    pk = models.CompositePrimaryKey("entry", "household_id")
    entry = models.ForeignKey(
        AccessLogEntry,
        on_delete=models.DO_NOTHING,
        related_name="subjects",
        db_index=False,  # the primary key (entry, household) starts with it
        verbose_name=_("access log entry"),
    )
    household_id = models.BigIntegerField(_("household"))
    person_id = models.BigIntegerField(_("member"), null=True, blank=True)
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("household in the access log")
        verbose_name_plural = _("households in the access log")
        indexes = [models.Index(fields=["household_id", "at", "entry"], name="accesslogsubject_household_at")]

    def __str__(self) -> str:
        return f"HH-{self.household_id:06d} {self.at:%Y-%m-%d %H:%M} ({self.entry_id})"
