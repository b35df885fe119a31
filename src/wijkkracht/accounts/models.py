from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of the domain map; access rules are written against these, never against groups."""

    SOCIAL_WORKER = "social_worker", _("Social worker")
    TEAM_COORDINATOR = "team_coordinator", _("Team coordinator")
    SECOND_LINE_REGISSEUR = "second_line_regisseur", _("Second-line case director")
    POLICY_OFFICER = "policy_officer", _("Policy officer")
    FUNCTIONAL_ADMIN = "functional_admin", _("Functional administrator")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")


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


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.SOCIAL_WORKER)
    expertises = models.ManyToManyField(Expertise, blank=True, related_name="workers", verbose_name=_("expertises"))

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
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def works_with_cases(self) -> bool:
        return self.is_active and self.role in CASE_ROLES
