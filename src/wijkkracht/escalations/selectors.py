"""Reads of escalations. `household_escalations` serves the case-file page, whose household was fetched and
access-logged by `casefile.selectors.case_file_get`.

Who sees an escalation (`visible_escalations`): a case worker those of the households they may see and of
their teams; a manager (no case access) those forwarded to a team they are a member of. Everyone else none.
Missing and not yours give the same 404. A manager's reads are logged with the escalation as purpose
(`escalatie <id>`); while an escalation lies open with the managers, they may read the household's case file
through it (`escalation_case_file`), and not a moment longer.
"""

import dataclasses
import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.escalations.models import Escalation, EscalationStatus
from wijkkracht.households.models import Contact, Household, Person
from wijkkracht.mandate.models import Measure
from wijkkracht.mandate.selectors import household_measures
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.plans.models import Action, Goal, Plan, PlanStatus
from wijkkracht.privacy.access import (
    AccessContext,
    can_work_with_cases,
    coordinated_team_ids_of,
    team_ids_of,
    visible_households,
)
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_read, access_log_record_many, access_note_refusal

#: How many of the latest contacts the manager's view of the case file shows.
CASE_FILE_CONTACTS = 10
#: The escalations page shows at most this many (open ones first; the filter narrows it).
LIST_MAX = 200


def escalation_purpose(escalation_id: int) -> str:
    """The access log's purpose of a manager's reads and writes under an escalation."""
    return f"escalatie {escalation_id}"


def may_see_escalations(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and (can_work_with_cases(user) or user.role == Role.MANAGER))


def visible_escalations(user: User) -> QuerySet[Escalation]:
    """The escalations this user may see (see the module's docstring)."""
    if not user.is_authenticated or not user.is_active:
        return Escalation.objects.none()
    if can_work_with_cases(user):
        return Escalation.objects.filter(Q(team_id__in=team_ids_of(user)) | Q(household__in=visible_households(user)))
    if user.role == Role.MANAGER:
        return Escalation.objects.filter(team_id__in=team_ids_of(user), forwarded_at__isnull=False)
    return Escalation.objects.none()


def access_for(access: AccessContext, escalation: Escalation) -> AccessContext:
    if access.user.role == Role.MANAGER:
        return dataclasses.replace(access, purpose=escalation_purpose(escalation.id))
    return access


def _with_people(queryset: QuerySet[Escalation]) -> QuerySet[Escalation]:
    return queryset.select_related("household", "team", "raised_by", "forwarded_by", "resolved_by")


def _fetch(access: AccessContext, escalation_id: int) -> Escalation:
    escalation = _with_people(visible_escalations(access.user)).filter(id=escalation_id).first()
    if escalation is None:
        # Never the household: that would tell whether the escalation exists.
        access_note_refusal(access=access, kind="escalation", record_id=escalation_id)
        raise Http404(_("Escalation not found."))
    return escalation


def escalation_get(*, access: AccessContext, escalation_id: int) -> Escalation:
    """One escalation the user may see, or 404; the read is access-logged (a manager's with the escalation as
    purpose)."""
    escalation = _fetch(access, escalation_id)
    access_log_read(access=access_for(access, escalation), household_id=escalation.household_id, what="escalation")
    return escalation


def escalation_for_change(*, access: AccessContext, escalation_id: int) -> Escalation:
    """The escalation a forward or resolve is about (404 like `escalation_get`); the service logs the change."""
    return _fetch(access, escalation_id)


def escalation_list(
    *, access: AccessContext, status: str | None = None, household_id: int | None = None
) -> QuerySet[Escalation]:
    """The escalations the user may see: open ones first, the earliest deadline (the most overdue) first, then
    the resolved ones, newest first. Callers log the households of the page they show (`escalations_log_shown`)."""
    queryset = _with_people(visible_escalations(access.user))
    if status:
        queryset = queryset.filter(status=status)
    if household_id is not None:
        queryset = queryset.filter(household_id=household_id)
    return queryset.annotate(
        open_deadline=Case(When(status=EscalationStatus.OPEN, then=F("respond_by")), default=None)
    ).order_by("status", F("open_deadline").asc(nulls_last=True), F("resolved_at").desc(nulls_last=True), "-id")


def escalations_log_shown(*, access: AccessContext, escalations: list[Escalation], what: str) -> None:
    """One list row for the page of escalations shown (they name the household and the case's problem)."""
    if access.user.role == Role.MANAGER:
        access = dataclasses.replace(access, purpose="escalaties")
    access_log_record_many(
        access=access,
        household_ids=[escalation.household_id for escalation in escalations],
        action=AccessAction.LIST,
        what=what,
    )


@dataclass(frozen=True)
class EscalationSummary:
    """What the coordinator's team page shows: how many are open and how many of those overdue."""

    open: int
    overdue: int


def escalation_summary(user: User, today: datetime.date | None = None) -> EscalationSummary:
    """Counts only (no case data) of the open escalations of the teams the user coordinates."""
    today = today or timezone.localdate()
    team_ids = coordinated_team_ids_of(user)
    if not team_ids:
        return EscalationSummary(open=0, overdue=0)
    counts = Escalation.objects.filter(team_id__in=team_ids, status=EscalationStatus.OPEN).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(respond_by__lt=today))
    )
    return EscalationSummary(open=counts["open"], overdue=counts["overdue"])


def household_escalations(household: Household) -> QuerySet[Escalation]:
    """The household's escalations, open ones first, newest first."""
    return (
        Escalation.objects.filter(household=household)
        .select_related("raised_by", "forwarded_by", "resolved_by")
        .order_by("status", "-raised_at", "-id")  # "open" sorts before "resolved"
    )


def household_open_escalation(household: Household) -> Escalation | None:
    return Escalation.objects.filter(household=household, status=EscalationStatus.OPEN).first()


@dataclass(frozen=True)
class EscalationCaseFile:
    """The case file as a manager reads it under an escalation: read-only, no more than the decision needs."""

    escalation: Escalation
    household: Household
    members: list[Person]
    plan: Plan | None
    goals: list[tuple[Goal, str]]  # with the life domain's label
    contacts: list[Contact]
    measures: list[Measure]


def _domain_label(code: str) -> str:
    domain = plan_catalogue().domain(code)
    return domain.label if domain is not None else code


def escalation_case_file(*, access: AccessContext, escalation_id: int) -> EscalationCaseFile:
    """The household's case file through the escalation: for a manager of the team while the escalation lies
    open with the managers (every read logged with purpose `escalatie <id>`), and for the case workers who see
    the household anyway. Otherwise 404, the same as a missing escalation."""
    escalation = _fetch(access, escalation_id)
    user = access.user
    if user.role == Role.MANAGER:
        allowed = escalation.grants_case_access and escalation.team_id in team_ids_of(user)
    else:
        allowed = visible_households(user).filter(id=escalation.household_id).exists()
    if not allowed:
        access_note_refusal(access=access, kind="escalation case file", record_id=escalation_id)
        raise Http404(_("Escalation not found."))
    access_log_read(
        access=access_for(access, escalation),
        household_id=escalation.household_id,
        what=f"case file (escalation {escalation.id})",
    )
    household = escalation.household
    plan = (
        Plan.objects.filter(household=household, status=PlanStatus.ACTIVE)
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.select_related("person")
                .prefetch_related(
                    Prefetch(
                        "actions",
                        queryset=Action.objects.select_related("owner_person", "owner_user").order_by("due_date", "id"),
                    )
                )
                .order_by("deadline", "id"),
            )
        )
        .first()
    )
    return EscalationCaseFile(
        escalation=escalation,
        household=household,
        members=list(household.members.order_by("date_of_birth", "id")),
        plan=plan,
        goals=[(goal, _domain_label(goal.domain_code)) for goal in plan.goals.all()] if plan is not None else [],
        contacts=list(
            Contact.objects.filter(household=household)
            .select_related("worker")
            .prefetch_related("members")
            .order_by("-date", "-id")[:CASE_FILE_CONTACTS]
        ),
        measures=list(household_measures(household)),
    )
