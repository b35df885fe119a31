"""Reads of plans through the households the user may see; the warnings that keep several tracks going.

Every selector that fetches one plan, goal, action or suggestion logs the read through
`privacy.services.access_log_read` (a view row on GET; a posted change is logged by its service) and notes
a 404 for the access-log middleware."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.diagnosis.rules import is_adult
from wijkkracht.households.models import Household
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.plans.catalogue import PlanDomain, plan_catalogue
from wijkkracht.plans.models import Action, Goal, Plan, PlanStatus, Suggestion, SuggestionStatus
from wijkkracht.plans.rules import Severity, domain_severities, problem_domains
from wijkkracht.privacy.access import AccessContext, visible_households
from wijkkracht.privacy.services import access_log_read, access_note_refusal


def plans_for_user(*, access: AccessContext) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(household__in=visible_households(access.user))
        .select_related("household", "household__team")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.select_related("person").prefetch_related(
                    Prefetch("actions", queryset=Action.objects.select_related("owner_person", "owner_user"))
                ),
            ),
            Prefetch("suggestions", queryset=Suggestion.objects.select_related("decided_by")),
            "present_members",
            "work_goal_reasons",
        )
    )


def plan_get_for_user(
    *, access: AccessContext, plan_id: int, household_id: int | None = None, log: bool = True
) -> Plan:
    """One plan (of `household_id` when given, as in page URLs), or 404. A read is access-logged;
    `log=False` only for a response that echoes a write its service logged already."""
    queryset = plans_for_user(access=access).filter(id=plan_id)
    if household_id is not None:
        queryset = queryset.filter(household_id=household_id)
    plan = queryset.first()
    if plan is None:
        access_note_refusal(access=access, kind="plan", record_id=plan_id, household_id=household_id)
        raise Http404(_("Plan not found."))
    if log:
        access_log_read(access=access, household_id=plan.household_id, what=f"plan {plan.number}")
    return plan


def active_plan_id(*, household: Household) -> int | None:
    return Plan.objects.filter(household=household, status=PlanStatus.ACTIVE).values_list("id", flat=True).first()


def latest_plan_id(*, household: Household) -> int | None:
    """The plan to show: the active version, or for a closed household its last one."""
    return Plan.objects.filter(household=household).order_by("-number").values_list("id", flat=True).first()


def goal_get_for_user(*, access: AccessContext, goal_id: int, plan_id: int | None = None) -> Goal:
    """One goal (of `plan_id` when given, as in URLs under a plan), or 404; the read is access-logged."""
    queryset = Goal.objects.filter(id=goal_id, plan__household__in=visible_households(access.user))
    if plan_id is not None:
        queryset = queryset.filter(plan_id=plan_id)
    goal = (
        queryset.select_related("plan", "plan__household", "person")
        .prefetch_related(Prefetch("actions", queryset=Action.objects.select_related("owner_person", "owner_user")))
        .first()
    )
    if goal is None:
        access_note_refusal(access=access, kind="goal", record_id=goal_id)
        raise Http404(_("Goal not found."))
    access_log_read(access=access, household_id=goal.plan.household_id, what="goal", person_id=goal.person_id)
    return goal


def action_get_for_user(*, access: AccessContext, action_id: int, plan_id: int | None = None) -> Action:
    """One action (of a goal of `plan_id` when given), or 404; the read is access-logged."""
    queryset = Action.objects.filter(id=action_id, goal__plan__household__in=visible_households(access.user))
    if plan_id is not None:
        queryset = queryset.filter(goal__plan_id=plan_id)
    action = queryset.select_related(
        "goal", "goal__plan", "goal__plan__household", "owner_person", "owner_user"
    ).first()
    if action is None:
        access_note_refusal(access=access, kind="action", record_id=action_id)
        raise Http404(_("Action not found."))
    access_log_read(access=access, household_id=action.goal.plan.household_id, what="action")
    return action


def suggestion_get_for_user(*, access: AccessContext, suggestion_id: int) -> Suggestion:
    suggestion = (
        Suggestion.objects.filter(id=suggestion_id, plan__household__in=visible_households(access.user))
        .select_related("plan", "plan__household")
        .first()
    )
    if suggestion is None:
        access_note_refusal(access=access, kind="suggestion", record_id=suggestion_id)
        raise Http404(_("Suggestion not found."))
    access_log_read(access=access, household_id=suggestion.plan.household_id, what="suggestion")
    return suggestion


@dataclass(frozen=True)
class ActionCard:
    action: Action
    method_name: str


@dataclass(frozen=True)
class GoalCard:
    goal: Goal
    domain_label: str
    #: "Integrale nulmeting – Financiën → 2 (Sociaal netwerk)", or "" without a linked score.
    target: str
    actions: list[ActionCard]


@dataclass(frozen=True)
class DomainColumn:
    domain: PlanDomain
    goals: list[GoalCard]
    has_problem: bool
    severity: Severity | None


@dataclass(frozen=True)
class PlanOverview:
    plan: Plan
    columns: list[DomainColumn]
    warnings: list[str]
    open_suggestions: list[Suggestion]
    decided_suggestions: list[Suggestion]
    versions: list[Plan]
    evaluation_overdue: bool


def plan_warnings(plan: Plan, problems: dict[str, set[int | None]]) -> list[str]:
    """Warnings, never blocks: several tracks at once, and work from the start (§3.4, §4.1)."""
    catalogue = plan_catalogue()
    goals = list(plan.goals.all())
    goal_domains = {goal.domain_code for goal in goals}
    warnings = []
    if len(problems) >= 2 and len(goal_domains & set(problems)) <= 1:
        labels = [domain.label for domain in catalogue.domains if domain.code in problems]
        warnings.append(
            _(
                "The diagnosis shows problems on %(domains)s, but the plan works on at most one of them. "
                "Work on several tracks at once."
            )
            % {"domains": ", ".join(labels)}
        )
    work_domains = {domain.code for domain in catalogue.domains if domain.work}
    reasons = {reason.person_id for reason in plan.work_goal_reasons.all()}
    household_work_goal = any(goal.domain_code in work_domains and goal.person_id is None for goal in goals)
    today = timezone.localdate()
    for person in plan.household.members.all():
        has_problem = any(person.id in problems.get(code, set()) for code in work_domains)
        if not has_problem or person.id in reasons or not is_adult(person, today):
            continue
        if household_work_goal or any(
            goal.domain_code in work_domains and goal.person_id == person.id for goal in goals
        ):
            continue
        warnings.append(
            _(
                "%(name)s has a problem with work or participation but no work or participation goal. "
                "Add one, or record why not."
            )
            % {"name": person.full_name}
        )
    return warnings


def goal_target(goal: Goal) -> str:
    """The goal's linked score in words: instrument and domain by their labels, the target with its label."""
    if not goal.instrument_code or goal.target_score is None:
        return ""
    version = instrument_catalogue().get(goal.instrument_code)
    if version is None or goal.instrument_domain not in version.parsed.domain_codes:
        return f"{goal.instrument_code} – {goal.instrument_domain} → {goal.target_score}"
    definition = version.parsed
    target = str(goal.target_score)
    if goal.target_score in definition.values:
        target = f"{goal.target_score} ({definition.scale_value(goal.target_score).label})"
    return f"{definition.name} – {definition.domain(goal.instrument_domain).label} → {target}"


def goal_card(goal: Goal) -> GoalCard:
    catalogue = plan_catalogue()
    domain = catalogue.domain(goal.domain_code)
    actions = []
    for action in goal.actions.all():
        method = catalogue.method(action.method_code) if action.method_code else None
        actions.append(ActionCard(action, method.name if method else action.method_code))
    return GoalCard(goal, domain.label if domain else goal.domain_code, goal_target(goal), actions)


def plan_overview(*, plan: Plan) -> PlanOverview:
    """The plan page: one column per life domain that has a goal or shows a problem, the worst first
    (by the severity of the latest measurement), each with its severity in words and tone."""
    catalogue = plan_catalogue()
    problems = problem_domains(plan.household, catalogue)
    severities = domain_severities(plan.household, catalogue)
    goals = list(plan.goals.all())
    columns = [
        DomainColumn(
            domain,
            [goal_card(goal) for goal in goals if goal.domain_code == domain.code],
            domain.code in problems,
            severities.get(domain.code),
        )
        for domain in catalogue.domains
        if domain.code in problems or any(goal.domain_code == domain.code for goal in goals)
    ]
    # Worst first; unmeasured domains (a goal without a score) last, in catalogue order (the sort is stable).
    columns.sort(key=lambda column: -column.severity.rank if column.severity else 1)
    suggestions = list(plan.suggestions.all())
    return PlanOverview(
        plan=plan,
        columns=columns,
        warnings=plan_warnings(plan, problems) if plan.is_active else [],
        open_suggestions=[s for s in suggestions if s.status == SuggestionStatus.OPEN],
        decided_suggestions=[s for s in suggestions if s.status != SuggestionStatus.OPEN],
        versions=list(Plan.objects.filter(household=plan.household).order_by("-number")),
        evaluation_overdue=plan.is_active and plan.evaluation_date < timezone.localdate(),
    )
