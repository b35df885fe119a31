"""The warm handover of a household to a second-line case director (regisseur), and back (afschalen).

A handover to the second line is worked in steps: the worker starts it (the system builds a summary that
the worker reviews and completes), chooses the case director (whose caseload is shown against the
municipality's norm; going over it needs the team coordinator's approval), sends it (the case director
gets access: a period of shared ownership in which the team and the case director both work the case),
records the joint handover conversation, and completes it (the household's status becomes "handed over
to the second line"). The way back is one step by the case director, with a summary built the same way.
The services are in `casefile.handovers`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wijkkracht.households.models import Household
from wijkkracht.teams.models import Team

#: Each text of the summary has at most this many characters.
SUMMARY_TEXT_MAX = 4000


class HandoverDirection(models.TextChoices):
    TO_SECOND_LINE = "to_second_line", _("To the second line")
    BACK_TO_TEAM = "back_to_team", _("Back to the first line")


class HandoverStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for the coordinator's approval")
    SENT = "sent", _("Sent (shared ownership)")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


#: A handover that is still going on: at most one per household.
ACTIVE_HANDOVER_STATUSES = (HandoverStatus.DRAFT, HandoverStatus.AWAITING_APPROVAL, HandoverStatus.SENT)


class Handover(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="handovers")
    direction = models.CharField(
        _("direction"), max_length=20, choices=HandoverDirection.choices, default=HandoverDirection.TO_SECOND_LINE
    )
    status = models.CharField(_("status"), max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.DRAFT)
    #: The first-line team: the one handing over, or (on the way back) the one receiving the household.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("team"))
    regisseur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers_received",
        verbose_name=_("second-line case director"),
    )
    #: On the way back: the team's new contact person (chosen by the case director or the team's coordinator).
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person"),
    )

    # The summary: built by the system, reviewed and completed by the worker before it is sent.
    measurements_text = models.TextField(_("measurements"), max_length=SUMMARY_TEXT_MAX, blank=True)
    plan_text = models.TextField(_("plan and progress"), max_length=SUMMARY_TEXT_MAX, blank=True)
    contacts_text = models.TextField(_("contacts of the last months"), max_length=SUMMARY_TEXT_MAX, blank=True)
    risks_text = models.TextField(_("risks"), max_length=SUMMARY_TEXT_MAX, blank=True)
    consents_text = models.TextField(_("consent in force"), max_length=SUMMARY_TEXT_MAX, blank=True)
    question_text = models.TextField(_("what is asked"), max_length=SUMMARY_TEXT_MAX, blank=True)

    # The joint handover conversation.
    conversation_date = models.DateField(_("date of the handover conversation"), null=True, blank=True)
    conversation_attendees = models.CharField(_("who was there"), max_length=500, blank=True)
    family_present = models.BooleanField(_("the family was there"), null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approval_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_requested_at = models.DateTimeField(null=True, blank=True)
    #: The coordinator's approval to go over the caseload norm: for this case director only.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    #: The case director's caseload when the handover was sent, and the norm then (for accountability).
    caseload_at_send = models.PositiveSmallIntegerField(null=True, blank=True)
    norm_at_send = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_on = models.DateField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    #: Optimistic lock: every change names the version it was based on.
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        indexes = [models.Index(fields=["regisseur", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status__in=ACTIVE_HANDOVER_STATUSES),
                name="handover_one_active_per_household",
                violation_error_message=_("This household already has a handover in progress."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=HandoverStatus.values),
                name="handover_status_known",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=Q(direction__in=HandoverDirection.values),
                name="handover_direction_known",
                violation_error_message=_("Unknown direction."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[HandoverStatus.DRAFT, HandoverStatus.CANCELLED]) | Q(regisseur__isnull=False),
                name="handover_sent_names_regisseur",
                violation_error_message=_("A handover that is sent names its case director."),
            ),
            models.CheckConstraint(
                condition=~Q(status=HandoverStatus.SENT) | Q(sent_at__isnull=False),
                name="handover_sent_has_moment",
                violation_error_message=_("A sent handover records when it was sent."),
            ),
            models.CheckConstraint(
                condition=~Q(status=HandoverStatus.COMPLETED) | Q(completed_on__isnull=False),
                name="handover_completed_has_date",
                violation_error_message=_("A completed handover records its date."),
            ),
            models.CheckConstraint(
                condition=~Q(status=HandoverStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="handover_cancelled_has_moment",
                violation_error_message=_("A cancelled handover records when it was cancelled."),
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | Q(approved_at__isnull=False),
                name="handover_approval_has_moment",
                violation_error_message=_("An approval records when it was given."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.household_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_HANDOVER_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in (HandoverStatus.DRAFT, HandoverStatus.AWAITING_APPROVAL)
