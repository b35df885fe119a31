from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from wijkkracht.diagnosis.models import Measurement
from wijkkracht.households.models import Household, Person

TEXT_MAX = 1000


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EVALUATED = "evaluated", _("Evaluated")
    #: Closed with its household (closed or handed over to the second line) before it was evaluated.
    CLOSED = "closed", _("Closed")


class Plan(models.Model):
    """One version of the household's plan (integraal plan van aanpak). Only the active version can be
    changed; earlier versions are kept read-only. `lock_version` refuses lost updates."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    plan_date = models.DateField(_("plan date"))
    evaluation_date = models.DateField(_("evaluation date"))
    lock_version = models.PositiveIntegerField(default=1)
    baseline = models.ForeignKey(
        Measurement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("starting point"),
    )
    discussed_on = models.DateField(_("discussed with the household on"), null=True, blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    present_members = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=_("members present"))
    client_comment = models.TextField(_("the household's own comment"), max_length=TEXT_MAX, blank=True)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    evaluation_measurement = models.ForeignKey(
        Measurement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: When and why the plan closed with its household (`plans.services.plan_close`).
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.CharField(_("reason for closing"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household_id", "-number"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "number"],
                name="plan_number_once",
                violation_error_message=_("This plan version already exists."),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status=PlanStatus.ACTIVE),
                name="plan_one_active_per_household",
                violation_error_message=_("A household has one active plan."),
            ),
            models.CheckConstraint(
                condition=Q(evaluation_date__gte=F("plan_date")),
                name="plan_evaluation_after_start",
                violation_error_message=_("The evaluation date cannot lie before the plan date."),
            ),
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.EVALUATED) | Q(evaluated_on__isnull=False),
                name="plan_evaluated_has_date",
                violation_error_message=_("An evaluated plan records when it was evaluated."),
            ),
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.CLOSED) | Q(closed_on__isnull=False),
                name="plan_closed_has_date",
                violation_error_message=_("A closed plan records when it was closed."),
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.number} {self.household.name}"

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE


class GoalOutcome(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class Goal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    domain_code = models.SlugField(_("life domain"), max_length=40)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="goals", verbose_name=_("for")
    )
    client_words = models.TextField(_("in the household's own words"), max_length=TEXT_MAX)
    what = models.CharField(_("what (specific)"), max_length=300)
    indicator = models.CharField(_("measurable indicator"), max_length=300)
    instrument_code = models.SlugField(max_length=40, blank=True)
    instrument_domain = models.SlugField(max_length=40, blank=True)
    target_score = models.SmallIntegerField(_("target score"), null=True, blank=True)
    owner = models.CharField(_("who owns the goal"), max_length=200)
    deadline = models.DateField(_("deadline"))
    priority = models.BooleanField(_("priority"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=GoalOutcome.choices, blank=True)
    outcome_reason = models.CharField(_("reason"), max_length=500, blank=True)
    #: Each goal is locked on its own: editing one goal never refuses a colleague editing another.
    lock_version = models.PositiveIntegerField(default=1)
    #: The goal of the previous version this one carries on (None for a goal set in this version).
    carried_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-priority", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=GoalOutcome.values),
                name="goal_outcome_known",
                violation_error_message=_("Unknown outcome."),
            ),
            models.CheckConstraint(
                condition=~Q(domain_code=""),
                name="goal_has_domain",
                violation_error_message=_("A goal belongs to a life domain."),
            ),
        ]

    def __str__(self) -> str:
        return self.what


class OwnerType(models.TextChoices):
    CLIENT = "client", _("Client")
    NETWORK = "network", _("Network")
    WORKER = "worker", _("Social worker")
    PARTNER = "partner", _("Partner organisation")
    SECOND_LINE = "second_line", _("Second line")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Under way")
    DONE = "done", _("Done")
    STOPPED = "stopped", _("Stopped")


class Action(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    owner_type = models.CharField(_("owner"), max_length=20, choices=OwnerType.choices)
    owner_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("member")
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_name = models.CharField(_("name of person or organisation"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    due_date = models.DateField(_("due date"))
    method_code = models.SlugField(_("method"), max_length=60, blank=True)
    checklist = models.JSONField(default=list, blank=True)
    #: Each action is locked on its own: ticking a step never refuses a colleague editing another goal.
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_type=OwnerType.CLIENT) & Q(owner_person__isnull=False))
                | (Q(owner_type=OwnerType.WORKER) & Q(owner_user__isnull=False))
                | (Q(owner_type__in=[OwnerType.NETWORK, OwnerType.PARTNER, OwnerType.SECOND_LINE]) & ~Q(owner_name="")),
                name="action_owner_named",
                violation_error_message=_("An action names who carries it out."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values),
                name="action_status_known",
                violation_error_message=_("Unknown status."),
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def owner_label(self) -> str:
        if self.owner_type == OwnerType.CLIENT and self.owner_person:
            return self.owner_person.full_name
        if self.owner_type == OwnerType.WORKER and self.owner_user:
            return str(self.owner_user)
        return self.owner_name


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class Suggestion(models.Model):
    """A working element the rules suggest for this plan; the worker's decision is recorded."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="suggestions")
    rule_code = models.SlugField(max_length=60)
    domain_code = models.SlugField(max_length=40)
    text = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    goal = models.OneToOneField(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestion")
    #: How severe the suggestion's domain was when it was decided (see `rules.domain_severities`): a
    #: dismissed suggestion comes back in a next version only when the domain got worse since.
    decided_severity = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "rule_code"],
                name="suggestion_once_per_plan",
                violation_error_message=_("This suggestion was already made for this plan."),
            ),
            models.CheckConstraint(
                condition=Q(status=SuggestionStatus.OPEN) | Q(decided_at__isnull=False),
                name="suggestion_decision_has_moment",
                violation_error_message=_("A decision records when it was taken."),
            ),
        ]

    def __str__(self) -> str:
        return self.text


class WorkGoalReason(models.Model):
    """Why an adult with a work problem has no work or participation goal in this plan version."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="work_goal_reasons")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("reason for no work goal")
        verbose_name_plural = _("reasons for no work goal")
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="workgoalreason_once"),
        ]

    def __str__(self) -> str:
        return self.reason


class PlanChange(models.Model):
    """What each change to a plan was, so a refused concurrent edit can say what changed meanwhile.

    A change is of the plan's own facts (no goal, no action), of one goal, or of one action;
    `lock_version` is the version of that thing after the change."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    lock_version = models.PositiveIntegerField()
    summary = models.CharField(max_length=300)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(goal__isnull=True) | Q(action__isnull=True),
                name="planchange_of_one_thing",
                violation_error_message=_("A change is of the plan, a goal or an action."),
            ),
        ]

    def __str__(self) -> str:
        return self.summary
