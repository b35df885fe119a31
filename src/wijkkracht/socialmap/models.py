"""The social map (sociale kaart): organisations and their services, in the shape of Open Referral HSDS 3.0.

Our own tags beside HSDS: the life domains a service helps with (codes of `plans/data/domains.yaml`) and its
level in the support pyramid. Ids are HSDS ids (strings, usually UUIDs) so an import updates what it made before.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wijkkracht.teams.models import Wijk


def search_text_of(*parts: str) -> str:
    """What the text search looks in: the parts, lower-cased (`casefold` would turn ß into ss, which a
    lower-cased search term would not match), joined by a newline."""
    return "\n".join(part.lower() for part in parts if part)


def domain_index_of(domains: Any) -> str:
    """`["wonen", "werk"]` → `|wonen|werk|`: a domain filter is `LIKE '%|wonen|%'`."""
    codes = [code for code in domains if isinstance(code, str)] if isinstance(domains, list) else []
    return f"|{'|'.join(codes)}|" if codes else ""


class PyramidLevel(models.TextChoices):
    """The support pyramid (§2.2 of the guide)."""

    COLLECTIVE = "collective", _("Zero line: collective provisions")
    FIRST_LINE = "first_line", _("First line")
    SECOND_LINE = "second_line", _("Second line")


class ServiceStatus(models.TextChoices):
    """HSDS 3.0 `service.status`."""

    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class Organization(models.Model):
    hsds_id = models.CharField(_("HSDS id"), max_length=250, unique=True)
    name = models.CharField(_("name"), max_length=250)
    alternate_name = models.CharField(_("alternate name"), max_length=250, blank=True)
    description = models.TextField(_("description"))
    email = models.CharField(_("e-mail address"), max_length=250, blank=True)
    website = models.CharField(_("website"), max_length=500, blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    #: HSDS fields we do not model, kept so an export gives back what an import brought.
    hsds_extra = models.JSONField(default=dict, blank=True)
    #: Lower-cased name, alternate name and description, for a search that is the same on SQLite and PostgreSQL.
    search_text = models.TextField(default="", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_columns()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def refresh_search_columns(self) -> None:
        self.search_text = search_text_of(self.name, self.alternate_name, self.description)


class Service(models.Model):
    hsds_id = models.CharField(_("HSDS id"), max_length=250, unique=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=250)
    alternate_name = models.CharField(_("alternate name"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    url = models.CharField(_("website"), max_length=500, blank=True)
    email = models.CharField(_("e-mail address"), max_length=250, blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    eligibility_description = models.TextField(_("who it is for"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("costs"), blank=True)
    #: Our tags: the pyramid level and the life domains (codes of the plan policy's domains).
    level = models.CharField(_("level"), max_length=20, choices=PyramidLevel.choices)
    domains = models.JSONField(_("life domains"), default=list, blank=True)
    #: The service area: the districts it serves; none means the whole municipality.
    wijken = models.ManyToManyField(Wijk, blank=True, related_name="services", verbose_name=_("districts"))
    hsds_extra = models.JSONField(default=dict, blank=True)
    #: Lower-cased name, alternate name and description; the domains as `|code|code|`. Kept by `save()`, so
    #: the text and domain filters are plain `LIKE`s that behave the same on SQLite and PostgreSQL.
    search_text = models.TextField(default="", blank=True, editable=False)
    domain_index = models.CharField(max_length=500, default="", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ServiceStatus.values),
                name="service_status_known",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=PyramidLevel.values),
                name="service_level_known",
                violation_error_message=_("Unknown level."),
            ),
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
                violation_error_message=_("The minimum age is not above the maximum age."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization.name})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_columns()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "domain_index"}
        super().save(*args, **kwargs)

    def refresh_search_columns(self) -> None:
        self.search_text = search_text_of(self.name, self.alternate_name, self.description)
        self.domain_index = domain_index_of(self.domains)


class PartnerAccount(models.Model):
    """A staff account of the partner role belongs to one organisation: it sees the referrals addressed to it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_account", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="partner_accounts", verbose_name=_("organisation")
    )

    class Meta:
        verbose_name = _("partner account")
        verbose_name_plural = _("partner accounts")

    def __str__(self) -> str:
        return f"{self.user} ({self.organization})"


class LogAction(models.TextChoices):
    IMPORT = "import", _("Import")
    IMPORT_REFUSED = "import_refused", _("Import refused")
    EXPORT = "export", _("Export")


class SocialMapLogEntry(models.Model):
    """Who imported or exported the social map, when, how and with what result.

    Neither of the platform's logs fits: the access log's export rows name a household, and the staff-audit
    log is about accounts. The social map holds no personal data, so this is an ordinary table (changes of
    single records through the management site are in Django's own admin history)."""

    at = models.DateTimeField(_("when"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150)
    action = models.CharField(_("action"), max_length=16, choices=LogAction.choices)
    channel = models.CharField(_("through"), max_length=16)
    file_name = models.CharField(_("file"), max_length=250, blank=True)
    size = models.BigIntegerField(_("size in bytes"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("social map import or export")
        verbose_name_plural = _("social map imports and exports")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=LogAction.values),
                name="socialmaplogentry_action_known",
                violation_error_message=_("Unknown action."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"
