"""Reads of measures and approvals. Every read of a household's measures starts from `privacy.access` (same 404
for missing and foreign) and is access-logged; `household_measures` serves the case-file page, whose household
was fetched and logged by `casefile.selectors.case_file_get`.

Who sees a measure:

- a case worker: the measures of the households they may see (`privacy.access.visible_households`);
- a manager (no case access): only the measures of their teams with an approval step for their role (beyond the
  budget, or above a coordinator's mandate), and of those only what the decision needs — kind, amount or
  percentage, dates, team, decider, status —, never the member, the reason, the hearing or the household's
  details (`sees_case_data` is False: pages and the API leave those out). Every such read is access-logged
  with purpose "goedkeuring budget" (`BUDGET_PURPOSE`);
- every other role: nothing (the same 404 as a missing measure).

Single-record selectors log a view row on GET (`privacy.services.access_log_read`); lists are logged by the
page or endpoint that shows them, one row per household shown (`access_log_list`).
"""

import dataclasses
import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.households.models import Household
from wijkkracht.mandate.models import ApprovalDecision, Measure, MeasureApproval, MeasureStatus
from wijkkracht.privacy.access import AccessContext, can_work_with_cases, team_ids_of, visible_households
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_read, access_log_record_many, access_note_refusal

#: The purpose of a manager's reads and decisions of a measure (the access log's `purpose`).
BUDGET_PURPOSE = "goedkeuring budget"
#: Roles that see measures through their approval steps only (no case access).
STEP_ONLY_ROLES = frozenset({Role.MANAGER})


def household_measures(household: Household) -> QuerySet[Measure]:
    """The household's measures, newest first, with their member, goal and approvals (three queries)."""
    return (
        Measure.objects.filter(household=household)
        .select_related("person", "goal", "decided_by")
        .prefetch_related(Prefetch("approvals", queryset=MeasureApproval.objects.select_related("decided_by")))
        .order_by("-decided_at", "-id")
    )


def sees_case_data(user: User) -> bool:
    """Whether the user sees a measure's case data (member, reason, hearing, goal, household): case workers
    do; a manager sees only what an approval needs."""
    return can_work_with_cases(user)


def access_for(access: AccessContext) -> AccessContext:
    """The access context a user's reads and writes of measures are logged with: a manager's name the budget
    decision as purpose."""
    if access.user.role in STEP_ONLY_ROLES and not can_work_with_cases(access.user):
        return dataclasses.replace(access, purpose=BUDGET_PURPOSE)
    return access


def visible_measures(user: User) -> QuerySet[Measure]:
    """The measures the user may see (see the module's docstring)."""
    if can_work_with_cases(user):
        return Measure.objects.filter(household__in=visible_households(user))
    if user.role in STEP_ONLY_ROLES and user.is_active:
        team_ids = team_ids_of(user)
        steps = MeasureApproval.objects.filter(role=user.role, measure__team_id__in=team_ids).values("measure_id")
        return Measure.objects.filter(team_id__in=team_ids, id__in=steps)
    return Measure.objects.none()


def visible_approvals(user: User) -> QuerySet[MeasureApproval]:
    """The approval steps the user may see: of the measures they see through their cases, or for a manager the
    steps for their own role."""
    if can_work_with_cases(user):
        return MeasureApproval.objects.filter(measure__household__in=visible_households(user))
    if user.role in STEP_ONLY_ROLES and user.is_active:
        return MeasureApproval.objects.filter(role=user.role, measure__team_id__in=team_ids_of(user))
    return MeasureApproval.objects.none()


def _with_relations(queryset: QuerySet[Measure]) -> QuerySet[Measure]:
    return queryset.select_related("household", "team", "person", "goal", "decided_by", "ended_by", "paid_by")


def _not_found(access: AccessContext, measure_id: int) -> Http404:
    access_note_refusal(access=access, kind="measure", record_id=measure_id)
    return Http404(_("Measure not found."))


def _log_read(access: AccessContext, measure: Measure) -> None:
    if sees_case_data(access.user):
        access_log_read(
            access=access, household_id=measure.household_id, what=f"measure {measure.id}", person_id=measure.person_id
        )
    else:
        access_log_read(access=access_for(access), household_id=measure.household_id, what=f"measure {measure.id}")


def measure_get(
    *, access: AccessContext, measure_id: int, household_id: int | None = None, log: bool = True
) -> Measure:
    """One measure the user may see (of `household_id` when given, as in page URLs), with its approvals, or 404
    for one that does not exist or is not theirs. The read is access-logged (a manager's with purpose
    "goedkeuring budget"); `log=False` only for a response that echoes a write its service logged already."""
    queryset = _with_relations(visible_measures(access.user)).filter(id=measure_id)
    if household_id is not None:
        queryset = queryset.filter(household_id=household_id)
    measure = queryset.prefetch_related(
        Prefetch("approvals", queryset=MeasureApproval.objects.select_related("decided_by").order_by("id"))
    ).first()
    if measure is None:
        raise _not_found(access, measure_id)
    if log:
        _log_read(access, measure)
    return measure


def measure_for_write(*, access: AccessContext, measure_id: int) -> tuple[AccessContext, Measure]:
    """The measure a write is about, and the access context to log it with (a manager's names the budget
    decision); 404 for one the user may not see. Nothing is logged here: the service logs its change."""
    measure = _with_relations(visible_measures(access.user)).filter(id=measure_id).first()
    if measure is None:
        raise _not_found(access, measure_id)
    return access_for(access), measure


def status_filter(status: str, today: datetime.date) -> Q:
    """A status as the API and pages name it: "expired" is an approved measure whose end has passed, and
    "approved" is then one that has not."""
    if status == MeasureStatus.EXPIRED:
        return Q(status=MeasureStatus.APPROVED, end_date__lt=today)
    if status == MeasureStatus.APPROVED:
        return Q(status=MeasureStatus.APPROVED) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
    return Q(status=status)


def measures_list(
    *,
    access: AccessContext,
    household_id: int | None = None,
    status: str | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Measure]:
    """The measures the user may see, newest first; optionally of one household and one status (including the
    derived "expired"). Not logged here: the page or endpoint logs what it shows (`access_log_list`)."""
    queryset = _with_relations(visible_measures(access.user))
    if household_id is not None:
        queryset = queryset.filter(household_id=household_id)
    if status:
        queryset = queryset.filter(status_filter(status, today or timezone.localdate()))
    return queryset.order_by("-decided_at", "-id")


def access_log_list(*, access: AccessContext, household_ids: list[int], what: str) -> None:
    """Log a list of measures or approvals shown: one row per household (a manager's with purpose "goedkeuring
    budget"). Reads only; nothing for an empty list."""
    if not access.is_read:
        return
    access_log_record_many(
        access=access_for(access), household_ids=sorted(set(household_ids)), action=AccessAction.LIST, what=what
    )


def _approval_relations(queryset: QuerySet[MeasureApproval]) -> QuerySet[MeasureApproval]:
    return queryset.select_related(
        "measure", "measure__team", "measure__person", "measure__household", "measure__decided_by", "decided_by"
    )


def pending_approvals(*, access: AccessContext) -> QuerySet[MeasureApproval]:
    """What waits for this user's decision: the pending steps for their role of proposed measures of their
    teams, never of a measure they decided themselves (a coordinator: the mandate steps of their teams'
    measures; a manager: budget steps and mandate steps for managers). Oldest request first."""
    user = access.user
    if not user.is_active:
        return MeasureApproval.objects.none()
    queryset = visible_approvals(user).filter(
        decision=ApprovalDecision.PENDING,
        role=user.role,
        measure__status=MeasureStatus.PROPOSED,
        measure__team_id__in=team_ids_of(user),
    )
    return _approval_relations(queryset.exclude(proposer=user)).order_by("requested_at", "id")


def approvals_list(*, access: AccessContext, pending: bool | None = None) -> QuerySet[MeasureApproval]:
    """The approval steps the user may see, newest request first. `pending=True`: what waits for this user
    (`pending_approvals`); `pending=False`: the decided ones. Not logged here (`access_log_list`)."""
    if pending:
        return pending_approvals(access=access).order_by("-requested_at", "-id")
    queryset = visible_approvals(access.user)
    if pending is False:
        queryset = queryset.exclude(decision=ApprovalDecision.PENDING)
    return _approval_relations(queryset).order_by("-requested_at", "-id")


def approval_get(*, access: AccessContext, approval_id: int, log: bool = True) -> MeasureApproval:
    """One approval step the user may see, or 404; the read is access-logged like the measure's."""
    approval = _approval_relations(visible_approvals(access.user)).filter(id=approval_id).first()
    if approval is None:
        access_note_refusal(access=access, kind="approval", record_id=approval_id)
        raise Http404(_("Approval not found."))
    if log:
        _log_read(access, approval.measure)
    return approval
