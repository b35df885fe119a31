from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of the domain map; access rules are written against these, never against groups."""

    SOCIAL_WORKER = "social_worker", _("Social worker")
    TEAM_COORDINATOR = "team_coordinator", _("Team coordinator")
    SECOND_LINE_REGISSEUR = "second_line_regisseur", _("Second-line case director")
    POLICY_OFFICER = "policy_officer", _("Policy officer")
    FUNCTIONAL_ADMIN = "functional_admin", _("Functional administrator")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    #: Staff of a partner organisation on the social map: sees only the referrals addressed to it.
    PARTNER = "partner", _("Partner organisation")
    #: A manager with the power to push through (doorzettingsmacht, §6.3): answers escalations, approves
    #: spending beyond a team's budget, sees the budgets of their teams; never case files, unless an open
    #: escalation to them grants it for that one household (`mandate`).
    MANAGER = "manager", _("Manager")


#: Roles that work with case files (personal data of households).
CASE_ROLES = frozenset({Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR, Role.SECOND_LINE_REGISSEUR})

#: Roles that never see a case file: they manage configuration or supervise the logs.
OVERSIGHT_ROLES = frozenset({Role.FUNCTIONAL_ADMIN, Role.PRIVACY_OFFICER})


class Expertise(models.Model):
    """A life domain a generalist is specialised in (wonen, werken, opvoeden, …), managed as data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("expertise")
        verbose_name_plural = _("expertises")

    def __str__(self) -> str:
        return self.name


class StaffUserManager(UserManager["User"]):
    """`createsuperuser` makes a functional administrator, never a case worker with every permission."""

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("role", Role.FUNCTIONAL_ADMIN)
        if extra_fields["role"] in CASE_ROLES:
            raise ValueError("A superuser cannot have a case role.")
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.SOCIAL_WORKER)
    expertises = models.ManyToManyField(Expertise, blank=True, related_name="workers", verbose_name=_("expertises"))

    objects: ClassVar[StaffUserManager] = StaffUserManager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="user_role_known",
                violation_error_message=_("Unknown role."),
            ),
            # `Sanne` next to `sanne` would be a look-alike account; signing in still uses the exact name.
            models.UniqueConstraint(
                Lower("username"),
                name="username_unique_case_insensitive",
                violation_error_message=_(
                    "A staff member with this username already exists (upper and lower case do not count)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def works_with_cases(self) -> bool:
        return self.is_active and self.role in CASE_ROLES

    @property
    def is_administrator(self) -> bool:
        """Manages accounts and configuration in `/beheer/`: the functional administrator role."""
        return self.is_active and self.role == Role.FUNCTIONAL_ADMIN

    @property
    def is_privacy_officer(self) -> bool:
        return self.is_active and self.role == Role.PRIVACY_OFFICER


class StaffAuditAction(models.TextChoices):
    CREATED = "created", _("Account created")
    CHANGED = "changed", _("Account changed")
    MEMBERSHIPS = "memberships", _("Team memberships changed")
    PASSWORD_LINK_SENT = "password_link_sent", _("Password link sent")
    PASSWORD_CHOSEN = "password_chosen", _("Password chosen through a link")
    DEACTIVATED = "deactivated", _("Account deactivated")
    DELETED = "deleted", _("Account deleted")


class StaffAuditEntry(models.Model):
    """One change of a staff account: who did it, when, to whom, and the values before and after.

    Append-only: the database refuses UPDATE and DELETE (triggers in migration 0004). Accounts are kept as
    plain ids with a copied username (not foreign keys), so the log outlives the accounts and deleting an
    account never has to touch it.
    """

    at = models.DateTimeField(_("when"), db_index=True)
    actor_id = models.BigIntegerField(_("changed by (id)"), null=True, blank=True)
    actor_username = models.CharField(_("changed by"), max_length=150)
    actor_role = models.CharField(_("role of the changer"), max_length=32, blank=True)
    subject_id = models.BigIntegerField(_("staff member (id)"), db_index=True)
    subject_username = models.CharField(_("staff member"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=StaffAuditAction.choices)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("staff audit entry")
        verbose_name_plural = _("staff audit log")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=StaffAuditAction.values),
                name="staffauditentry_action_known",
                violation_error_message=_("Unknown action."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.subject_username}"
