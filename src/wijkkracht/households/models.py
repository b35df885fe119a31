import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wijkkracht.teams.models import Team, Wijk

POSTCODE_REGEX = r"^[1-9][0-9]{3}[A-Z]{2}$"
BSN_REGEX = r"^[0-9]{9}$"
NOTE_MAX_LENGTH = 2000
HOUSE_NUMBER_MAX = 99999
#: At most this many members in one registration, through the form and the API alike.
MEMBERS_MAX = 12


class HouseholdStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    INTAKE = "intake", _("Intake")
    PLAN = "plan", _("Plan")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")
    HANDED_OVER = "handed_over", _("Handed over to second line")


#: Statuses in which the team still works with the household.
OPEN_STATUSES = (HouseholdStatus.REGISTERED, HouseholdStatus.INTAKE, HouseholdStatus.PLAN, HouseholdStatus.IN_PROGRESS)

#: The lifecycle: forward through intake and plan, or out (closed / handed over) from any open status. A
#: handed-over household is worked by its second-line case director, who closes it or hands it back to a
#: first-line team (the way back is the handover's own step, `casefile.handover_services.handover_back`).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    HouseholdStatus.REGISTERED: frozenset(
        {HouseholdStatus.INTAKE, HouseholdStatus.CLOSED, HouseholdStatus.HANDED_OVER}
    ),
    HouseholdStatus.INTAKE: frozenset({HouseholdStatus.PLAN, HouseholdStatus.CLOSED, HouseholdStatus.HANDED_OVER}),
    HouseholdStatus.PLAN: frozenset({HouseholdStatus.IN_PROGRESS, HouseholdStatus.CLOSED, HouseholdStatus.HANDED_OVER}),
    HouseholdStatus.IN_PROGRESS: frozenset({HouseholdStatus.PLAN, HouseholdStatus.CLOSED, HouseholdStatus.HANDED_OVER}),
    HouseholdStatus.CLOSED: frozenset(),
    HouseholdStatus.HANDED_OVER: frozenset({HouseholdStatus.CLOSED}),
}


class IntakeChannel(models.TextChoices):
    DESK = "desk", _("Desk (loket)")
    PARTNER_SIGNAL = "partner_signal", _("Signal from a partner")
    OUTREACH = "outreach", _("Outreach in the district")
    SELF_REFERRAL = "self_referral", _("Self-referral")
    REFERRAL = "referral", _("Referral")


class Household(models.Model):
    """A household (huishouden): the unit the whole team is responsible for, with one contact person."""

    name = models.CharField(_("household name"), max_length=100, help_text=_("Usually the family name."))
    postcode = models.CharField(_("postcode"), max_length=6)
    house_number = models.PositiveIntegerField(_("house number"))
    house_number_addition = models.CharField(_("addition"), max_length=6, blank=True)
    street = models.CharField(_("street"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    wijk = models.ForeignKey(Wijk, on_delete=models.PROTECT, related_name="households", verbose_name=_("district"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="households", verbose_name=_("team"))
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_households",
        verbose_name=_("contact person"),
    )
    second_line_regisseur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handed_over_households",
        verbose_name=_("second-line case director"),
    )
    intake_channel = models.CharField(_("came in through"), max_length=20, choices=IntakeChannel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=HouseholdStatus.choices, default=HouseholdStatus.REGISTERED
    )
    status_since = models.DateField(_("status since"))
    registered_on = models.DateField(_("registered on"))
    #: Optimistic lock on the name and address: every correction names the version it was based on.
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The caseload's figures, stored so that lists filter and sort on columns instead of computing them per
    # household (issue 10). Kept current by `households.figures.household_figures_refresh`, called in the
    # transaction of every change that moves them; never edited by hand, not part of the optimistic lock.
    # A planned appointment becomes contact when its day comes: `household_figures_catch_up` refreshes the
    # households whose `next_appointment_on` has passed before lists read the figures.
    #: The last contact that took place (not a no-show, not an appointment still to come).
    last_contact_date = models.DateField(_("last contact"), null=True, blank=True, editable=False)
    #: The first appointment still to come (a contact dated after the day the figures were computed).
    next_appointment_on = models.DateField(_("next appointment"), null=True, blank=True, editable=False)
    open_task_count = models.PositiveIntegerField(_("open tasks"), default=0, editable=False)
    #: The earliest due date of the open tasks: the household has an overdue task when it lies before today.
    first_open_task_due_on = models.DateField(_("first open task due"), null=True, blank=True, editable=False)
    member_count = models.PositiveSmallIntegerField(_("members"), default=0, editable=False)
    #: The active plan's evaluation date (kept by the plans app, which registers it as a figure).
    plan_evaluation_date = models.DateField(_("plan evaluation date"), null=True, blank=True, editable=False)
    #: Name, street and members' names, lower case without accents, for the caseload's search.
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["team", "status"]),
            models.Index(fields=["contact_person", "status"]),
            # The caseload's search by postcode (exact, or its four digits as a range): casefile.caseload.
            models.Index(fields=["postcode"], name="household_postcode_search"),
            # The catch-up of appointments whose day has come: only the households with one to come.
            models.Index(
                fields=["next_appointment_on"],
                condition=Q(next_appointment_on__isnull=False),
                name="household_next_appointment",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=OPEN_STATUSES) | Q(contact_person__isnull=False),
                name="household_open_has_contact_person",
                violation_error_message=_("An open household must have exactly one contact person."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=HouseholdStatus.values),
                name="household_status_known",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=Q(intake_channel__in=IntakeChannel.values),
                name="household_intake_channel_known",
                violation_error_message=_("Unknown intake channel."),
            ),
            models.CheckConstraint(
                condition=Q(postcode__regex=POSTCODE_REGEX),
                name="household_postcode_format",
                violation_error_message=_("Enter a Dutch postcode such as 1234AB."),
            ),
            models.CheckConstraint(
                condition=Q(house_number__gte=1),
                name="household_house_number_positive",
                violation_error_message=_("The house number must be at least 1."),
            ),
            models.CheckConstraint(
                condition=Q(house_number__lte=HOUSE_NUMBER_MAX),
                name="household_house_number_at_most_99999",
                violation_error_message=_("The house number is at most 99999."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def reference(self) -> str:
        return f"HH-{self.pk:06d}" if self.pk else "HH-nieuw"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def overdue_tasks_list(self) -> "list[Task]":
        """The open tasks past their date, oldest first: prefetched by the lists (`overdue_tasks`), else read."""
        from django.utils import timezone

        prefetched = getattr(self, "overdue_tasks", None)
        if prefetched is not None:
            return list(prefetched)
        today = timezone.localdate()
        if self.pk is None or self.first_open_task_due_on is None or self.first_open_task_due_on >= today:
            return []
        return list(self.tasks.filter(status=TaskStatus.OPEN, due_date__lt=today).order_by("due_date", "id"))

    @property
    def overdue_task_count(self) -> int:
        return len(self.overdue_tasks_list)

    @property
    def address(self) -> str:
        number = f"{self.house_number}{self.house_number_addition}"
        street = f"{self.street} {number}" if self.street else number
        postcode = f"{self.postcode[:4]} {self.postcode[4:]}"
        return ", ".join(part for part in (street, f"{postcode} {self.city}".strip()) if part)


class PersonRole(models.TextChoices):
    PARENT = "parent", _("Parent / carer")
    PARTNER = "partner", _("Partner")
    CHILD = "child", _("Child")
    OTHER = "other", _("Other")


class Person(models.Model):
    """A member of a household."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("household")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    bsn = models.CharField(_("BSN"), max_length=9, blank=True, help_text=_("Optional; nine digits."))
    role = models.CharField(_("role in household"), max_length=20, choices=PersonRole.choices)
    #: Optimistic lock on the member's details: every correction names the version it was based on.
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["date_of_birth", "id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        # The caseload's search by BSN (exact): casefile.caseload.
        indexes = [models.Index(fields=["bsn"], name="person_bsn_search")]
        constraints = [
            models.CheckConstraint(
                condition=Q(bsn="") | Q(bsn__regex=BSN_REGEX),
                name="person_bsn_format",
                violation_error_message=_("A BSN consists of nine digits."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=PersonRole.values),
                name="person_role_known",
                violation_error_message=_("Unknown role in household."),
            ),
            models.UniqueConstraint(
                fields=["household", "bsn"],
                condition=~Q(bsn=""),
                name="person_bsn_once_per_household",
                violation_error_message=_("This BSN is already registered in this household."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class DetailChange(models.Model):
    """Which details of a household or member a correction changed, by whom and when (field names only,
    never values), so a refused stale edit can say what changed meanwhile."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="detail_changes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    lock_version = models.PositiveIntegerField()
    fields = models.JSONField(default=list)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lock_version", "id"]
        verbose_name = _("change of details")
        verbose_name_plural = _("changes of details")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "lock_version"],
                condition=Q(person__isnull=True),
                name="detailchange_household_version_once",
            ),
            models.UniqueConstraint(
                fields=["person", "lock_version"],
                condition=Q(person__isnull=False),
                name="detailchange_person_version_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lock_version}: {', '.join(self.fields)}"


class StatusChange(models.Model):
    """One step in a household's lifecycle, with its date and reason, kept for accountability."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=HouseholdStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=HouseholdStatus.choices)
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=500)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status} ({self.date})"


class ContactKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE = "phone", _("Phone")
    OFFICE = "office", _("At the office")
    OUTREACH = "outreach", _("Outreach")
    DIGITAL = "digital", _("Digital")
    NO_SHOW = "no_show", _("Did not show up")


class Contact(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind.choices)
    date = models.DateField(_("date"))
    #: None for a no-show (nobody was there to talk to) and for an appointment still to come.
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("worker")
    )
    members = models.ManyToManyField(Person, blank=True, related_name="contacts", verbose_name=_("members involved"))
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["household", "-date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=720),
                name="contact_duration_at_most_12_hours",
                violation_error_message=_("A contact lasts at most 720 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ContactKind.values),
                name="contact_kind_known",
                violation_error_message=_("Unknown kind of contact."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=ContactKind.NO_SHOW) | Q(duration_minutes__isnull=True),
                name="contact_no_show_has_no_duration",
                violation_error_message=_("A no-show has no duration."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


#: A task that is no longer open: done, or cancelled (for instance when the household closes).
FINISHED_TASK_STATUSES = (TaskStatus.DONE, TaskStatus.CANCELLED)
#: How the `dedupe_key` of a system task starts: a task another app's service opens and closes
#: (`services.system_task_create`: approve a measure, respond to an escalation). It closes only when that
#: matter is decided (`services.system_tasks_close`), never by hand.
SYSTEM_TASK_KEY_PREFIX = "system:"
DEDUPE_KEY_MAX_LENGTH = 64


class Task(models.Model):
    """A task for a worker: the follow-up of a no-show ("dicht erop zitten"), one made by hand, or one
    for a coordinator. A task without a household belongs to its team only (for instance: agree with another
    team who continues with a person known to both), so it discloses nothing of another team's household."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("team"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("assigned to")
    )
    title = models.CharField(_("task"), max_length=200)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    source_contact = models.OneToOneField(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_up_task"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: Why a task was cancelled (or a note on how it was completed when the household closed).
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    #: For tasks the system makes once per situation (two teams that know the same person): a keyed hash of
    #: that situation, never the data itself, so a second refusal does not make a second pair of tasks
    #: while the first is open. Empty for every other task.
    dedupe_key = models.CharField(max_length=DEDUPE_KEY_MAX_LENGTH, blank=True, editable=False)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["household", "status", "due_date"]),
            models.Index(fields=["assigned_to", "status", "due_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=TaskStatus.OPEN) & Q(done_at__isnull=True))
                | (Q(status__in=FINISHED_TASK_STATUSES) & Q(done_at__isnull=False)),
                name="task_done_has_moment",
                violation_error_message=_("A completed task records when it was completed."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values),
                name="task_status_known",
                violation_error_message=_("Unknown status."),
            ),
            models.UniqueConstraint(
                fields=["team", "dedupe_key"],
                condition=Q(status=TaskStatus.OPEN) & ~Q(dedupe_key=""),
                name="task_open_dedupe_key_once_per_team",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def closes_by_itself(self) -> bool:
        """A system task (approve a measure, respond to an escalation): it closes when that matter is decided,
        so no one completes or cancels it by hand."""
        return self.dedupe_key.startswith(SYSTEM_TASK_KEY_PREFIX)


class ContactPersonChange(models.Model):
    """Who was the household's contact person before, who is now, why, by whom and when."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="contact_person_changes")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("change of contact person")
        verbose_name_plural = _("changes of contact person")

    def __str__(self) -> str:
        return f"{self.from_user} → {self.to_user}"


class SharedCustodyLink(models.Model):
    """A child of separated parents who lives in two households (co-ouderschap): the one exception to "one
    BSN, one open household". The worker who registered the child in the second household stated it; both
    households show the link."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="custody_links")
    other_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="custody_links_from")
    stated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stated_at", "id"]
        verbose_name = _("shared custody link")
        verbose_name_plural = _("shared custody links")
        constraints = [
            models.UniqueConstraint(fields=["person", "other_person"], name="custody_link_once"),
            models.CheckConstraint(
                condition=~Q(person=models.F("other_person")),
                name="custody_link_two_people",
                violation_error_message=_("A shared custody link connects two different records."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ↔ {self.other_person}"


#: From this age a member is an adult: asked about work, the participation ladder and income (§4.1, issue 11).
ADULT_AGE = 18


def age_on(date_of_birth: datetime.date, on: datetime.date) -> int:
    """Age in whole years on a day."""
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def is_adult(person: Person, on: datetime.date) -> bool:
    """The one adult rule, here so that `households` (income and work) and the apps above it (the intake
    rule in `diagnosis.rules`, which re-exports it) share it."""
    return age_on(person.date_of_birth, on) >= ADULT_AGE


class Benefit(models.TextChoices):
    """The benefit an adult lives on (issue 11): the start of "outflow from benefit to work"."""

    PARTICIPATIEWET = "participatiewet", _("Participation Act (bijstand)")
    WW = "ww", _("Unemployment benefit (WW)")
    WAJONG = "wajong", _("Wajong")
    WIA = "wia", _("Incapacity benefit (WIA)")
    NONE = "none", _("No benefit")
    OTHER = "other", _("Other benefit")


class BenefitEndReason(models.TextChoices):
    WORK = "work", _("Work")
    PARTIAL_WORK = "partial_work", _("Partly work")
    MOVED = "moved", _("Moved away")
    # Not "Other": that message id is already "Overig" elsewhere; the word is "anders".
    OTHER = "other", _("Other reason")


#: End reasons that count as outflow from benefit to (partial) work.
OUTFLOW_TO_WORK = (BenefitEndReason.WORK, BenefitEndReason.PARTIAL_WORK)


class WorkSituation(models.TextChoices):
    NONE = "none", _("No work")
    VOLUNTEER = "volunteer", _("Volunteer work")
    WORK_EXPERIENCE = "work_experience", _("Work-experience placement")
    SUPPORTED_PAID = "supported_paid", _("Paid work with support")
    PAID = "paid", _("Paid work")


class IncomeWorkRecord(models.Model):
    """An adult's income and work situation as recorded on one day (issue 11). Kept as history: a change is
    a new record, the latest one (by `recorded_on`, then id) is the current situation. No free text, so the
    research export can carry it as it is."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="income_work_records")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="income_work_records", verbose_name=_("member")
    )
    benefit = models.CharField(_("benefit"), max_length=20, choices=Benefit.choices)
    benefit_since = models.DateField(_("benefit since"), null=True, blank=True)
    benefit_ended_on = models.DateField(_("benefit ended on"), null=True, blank=True)
    benefit_end_reason = models.CharField(
        _("reason the benefit ended"), max_length=20, choices=BenefitEndReason.choices, blank=True
    )
    work = models.CharField(_("current work"), max_length=20, choices=WorkSituation.choices)
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person_id", "-recorded_on", "-id"]
        verbose_name = _("income and work situation")
        verbose_name_plural = _("income and work situations")
        indexes = [models.Index(fields=["person", "-recorded_on", "-id"], name="income_work_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(benefit__in=Benefit.values),
                name="income_work_benefit_known",
                violation_error_message=_("Unknown benefit."),
            ),
            models.CheckConstraint(
                condition=Q(work__in=WorkSituation.values),
                name="income_work_work_known",
                violation_error_message=_("Unknown work situation."),
            ),
            models.CheckConstraint(
                condition=~Q(benefit=Benefit.NONE) | (Q(benefit_since__isnull=True) & Q(benefit_ended_on__isnull=True)),
                name="income_work_no_benefit_no_dates",
                violation_error_message=_("Without a benefit there is no start or end date."),
            ),
            models.CheckConstraint(
                condition=(Q(benefit_ended_on__isnull=True) & Q(benefit_end_reason=""))
                | (Q(benefit_ended_on__isnull=False) & Q(benefit_end_reason__in=BenefitEndReason.values)),
                name="income_work_end_has_reason",
                violation_error_message=_("A benefit that ended has a reason, and a reason belongs to an end date."),
            ),
            models.CheckConstraint(
                condition=Q(benefit_ended_on__isnull=True)
                | Q(benefit_since__isnull=True)
                | Q(benefit_ended_on__gte=models.F("benefit_since")),
                name="income_work_end_after_start",
                violation_error_message=_("A benefit cannot end before it started."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.benefit} / {self.work} ({self.recorded_on})"
