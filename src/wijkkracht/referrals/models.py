"""Referrals (doorverwijzingen) from a plan action to a service on the social map.

A referral rests on one consent-register row (a consent, or a legal ground other than consent) and discloses
only the life domains it names, which the consent covers. What the partner sees is computed when it is read,
from the consent in force at that moment: a withdrawn consent removes the partner's access at once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wijkkracht.consent.models import Consent
from wijkkracht.households.models import Household, Person, Task
from wijkkracht.plans.models import Action
from wijkkracht.socialmap.models import Organization, Service


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    #: Its own context: "Accepted" of a plan's suggestion is "Overgenomen", of a referral "Geaccepteerd".
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    DECLINED = "declined", _("Declined")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("Did not attend")
    #: Taken back by the team (for instance when the consent was withdrawn or the household closed).
    CANCELLED = "cancelled", _("Withdrawn")


#: Statuses after which nothing changes any more.
FINAL_STATUSES = (ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.NO_SHOW, ReferralStatus.CANCELLED)


class Referral(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="referrals")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("member"))
    #: RESTRICT, not PROTECT: neither the action nor the consent goes while its referral stays, but deleting the whole
    #: household (which takes the referral with it) is not blocked.
    action = models.ForeignKey(Action, on_delete=models.RESTRICT, related_name="referrals", verbose_name=_("action"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service"))
    #: The service's organisation when the referral was sent: the partner accounts that see it.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="referrals")
    consent = models.ForeignKey(
        Consent, on_delete=models.RESTRICT, related_name="referrals", verbose_name=_("consent or legal ground")
    )
    #: The life domains whose data the referral carries; always within the consent's domains.
    domains = models.JSONField(_("life domains"), default=list)
    question = models.TextField(_("what is asked"))
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: The first answer of the partner (accepted or declined); none yet means the reminder may fire.
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminder_task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["status", "sent_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values),
                name="referral_status_known",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=~Q(question=""),
                name="referral_says_what_is_asked",
                violation_error_message=_("A referral says what is asked."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_status_display()})"


class ReferralEvent(models.Model):
    """The referral's history: every status it went through, by whom (team or partner), with the reason."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.status}"
