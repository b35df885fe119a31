"""The consent register (§6.4 of the guide): what a household member allowed which organisation, for what.

A row is either a consent (given orally, in writing or digitally) or a legal ground other than consent (acute
safety under the Meldcode huiselijk geweld en kindermishandeling, a legal duty), which needs a reason and is
shown in red. Domains are codes of the plan policy's life domains (`plans/data/domains.yaml`). A withdrawal
takes effect at once: a consent is in force on a day when it has started, has not ended and is not withdrawn.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkkracht.households.models import Household, Person
from wijkkracht.socialmap.models import Organization


class ConsentPurpose(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    DATA_EXCHANGE = "data_exchange", _("Exchange of information")
    JOINT_PLAN = "joint_plan", _("Joint plan")


class ConsentGround(models.TextChoices):
    """The ground a disclosure rests on: the member's consent, or a legal ground other than consent."""

    CONSENT = "consent", _("Consent")
    MELDCODE_SAFETY = "meldcode_safety", _("Acute safety (Meldcode domestic violence and child abuse)")
    LEGAL_DUTY = "legal_duty", _("Legal duty")


class ConsentForm(models.TextChoices):
    ORAL = "oral", _("Orally")
    WRITTEN = "written", _("In writing")
    DIGITAL = "digital", _("Digitally")


class Consent(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("member"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="consents", verbose_name=_("organisation")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    domains = models.JSONField(_("life domains"), default=list)
    ground = models.CharField(_("ground"), max_length=20, choices=ConsentGround.choices, default=ConsentGround.CONSENT)
    #: How the consent was given; empty for a legal ground.
    given_how = models.CharField(_("given"), max_length=10, choices=ConsentForm.choices, blank=True)
    #: Why a legal ground other than consent applies; empty for a consent.
    reason = models.TextField(_("reason"), blank=True)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.CharField(_("note on the withdrawal"), max_length=500, blank=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["household", "organization"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=ConsentPurpose.values),
                name="consent_purpose_known",
                violation_error_message=_("Unknown purpose."),
            ),
            models.CheckConstraint(
                condition=Q(ground__in=ConsentGround.values),
                name="consent_ground_known",
                violation_error_message=_("Unknown ground."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="consent_ends_after_start",
                violation_error_message=_("A consent cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=(Q(ground=ConsentGround.CONSENT) & Q(given_how__in=ConsentForm.values))
                | (~Q(ground=ConsentGround.CONSENT) & Q(given_how="") & ~Q(reason="")),
                name="consent_form_or_reason",
                violation_error_message=_("A consent says how it was given; a legal ground gives its reason."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="consent_withdrawal_names_who",
                violation_error_message=_("A withdrawal records who recorded it and when."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_ground_display()}: {self.organization} ({self.get_purpose_display()})"

    @property
    def is_legal_ground(self) -> bool:
        return self.ground != ConsentGround.CONSENT

    def in_force(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return (
            self.withdrawn_at is None
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


def in_force_q(on: datetime.date | None = None, prefix: str = "") -> Q:
    """The condition "in force on this day" for a query over consents (or over `prefix`consent__…)."""
    day = on or timezone.localdate()
    return Q(**{f"{prefix}withdrawn_at__isnull": True, f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day})
    )
