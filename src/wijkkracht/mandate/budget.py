"""A team's yearly budget from the financing model (guide §6.3), and what measures commit and spend from it.

The budget of team T in year Y, as known on day D:

- **residents**: the residents of T's districts; a district served by several teams counts for each of them
  in equal parts (residents are entered per district by the administrator);
- **base** = per_resident × residents; **direct help** = direct_help_per_resident × residents (the whole year);
- **contacts** = per_contact × the client contacts of T's households in Y up to D (a no-show is no contact);
- **budget** = base + direct help + contacts.

A measure that spends from the budget belongs to the year of its start. It is **committed** from its approval
until it is paid, **spent** from the day it is paid; **remaining** = budget − committed − spent. Per month the
page shows the cumulative *planned* budget (base and direct help in twelfths, contacts as they happened) and the
committed, spent and remaining amounts at the month's end. Amounts are Decimal euros, rounded to cents only
where shown or compared (`quantize`).

Who may see a team's budget (`budget_team_get`): its members with a case role and its managers; another team's
budget is a 404 like a missing one, other roles (policy officer, administrators, partner) a 403. A budget holds
no household's data: amounts per kind of measure at most.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import CASE_ROLES, Role
from wijkkracht.households.models import Contact, ContactKind
from wijkkracht.mandate.models import Measure, MeasureStatus
from wijkkracht.mandate.policy import MandatePolicy, Rates, mandate_policy
from wijkkracht.privacy.access import memberships_of
from wijkkracht.teams.models import Team, Wijk

CENT = Decimal("0.01")
ZERO = Decimal("0")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class BudgetMonth:
    month: int  # 1..12
    planned: Decimal  # cumulative budget to the month's end
    committed: Decimal  # open commitments at the month's end
    spent: Decimal  # cumulative spending to the month's end
    remaining: Decimal  # the year's budget minus committed and spent at the month's end
    contacts: int  # client contacts in the month
    begun: bool  # the month has begun on `as_of` (later months repeat today's state: nothing is known yet)


@dataclass(frozen=True)
class KindSpending:
    """Committed and spent per kind of measure (the most detail a budget shows: no household's data)."""

    kind_code: str
    kind_name: str
    committed: Decimal
    spent: Decimal


@dataclass(frozen=True)
class TeamBudget:
    team: Team
    year: int
    as_of: datetime.date
    rates: Rates | None  # None: the policy has no rates for the year (the budget is then zero)
    residents: Decimal
    contacts: int
    base: Decimal
    direct_help: Decimal
    contact_payments: Decimal
    total: Decimal
    committed: Decimal
    spent: Decimal
    remaining: Decimal
    warn_below_share: Decimal
    months: tuple[BudgetMonth, ...]
    kinds: tuple[KindSpending, ...] = ()

    @property
    def warning(self) -> bool:
        """Less than the policy's share of the budget remains (or it is used up)."""
        return self.remaining < cents(self.total * self.warn_below_share) or self.remaining <= 0

    @property
    def exhausted(self) -> bool:
        return self.remaining <= 0

    @property
    def remaining_share(self) -> Decimal:
        """The remaining part of the budget as a percentage (0 when there is no budget), one decimal."""
        if self.total <= 0:
            return ZERO
        return (self.remaining * 100 / self.total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def used(self) -> Decimal:
        """Committed and spent together."""
        return self.committed + self.spent

    @property
    def used_percentage(self) -> Decimal:
        """The used part of the budget as a percentage with one decimal (0 when there is no budget)."""
        if self.total <= 0:
            return ZERO
        return (self.used * 100 / self.total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def shortfall(self) -> Decimal:
        """How much more is committed and spent than the budget (0 when it fits): said as "€ … tekort"."""
        return max(-self.remaining, ZERO)

    @property
    def period(self) -> str:
        """ "past", "current" or "future": the year against `as_of` (the page words its contacts after it)."""
        if self.year < self.as_of.year:
            return "past"
        return "current" if self.year == self.as_of.year else "future"

    @property
    def used_share(self) -> Decimal:
        if self.total <= 0:
            return Decimal(1)
        return (self.committed + self.spent) / self.total


def team_residents(team: Team) -> Decimal:
    """The residents of the team's districts; a district shared by n teams counts 1/n for each.

    (The teams are counted in a query of their own: annotating `Count("teams")` on a queryset filtered on the
    same relation would count only the join row of the filter, 1 for every district.)"""
    wijken = list(Wijk.objects.filter(teams=team).values_list("id", "residents"))
    team_counts = {
        row["wijk_id"]: row["n"]
        for row in Team.wijken.through.objects.filter(wijk_id__in=[wijk_id for wijk_id, _residents in wijken])
        .values("wijk_id")
        .annotate(n=Count("team_id"))
    }
    total = ZERO
    for wijk_id, residents in wijken:
        total += Decimal(residents) / Decimal(max(team_counts.get(wijk_id, 1), 1))
    return total


def contacts_per_month(team: Team, year: int, as_of: datetime.date) -> dict[int, int]:
    """Client contacts of the team's households in `year` up to `as_of`, per month (no-shows do not count)."""
    rows = (
        Contact.objects.filter(household__team=team, date__year=year, date__lte=as_of)
        .exclude(kind=ContactKind.NO_SHOW)
        .annotate(month=ExtractMonth("date"))
        .values("month")
        .annotate(n=Count("id"))
    )
    return {int(row["month"]): int(row["n"]) for row in rows}


def _month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def budget_measures(team: Team, year: int) -> list[Measure]:
    """The approved measures that spend from the team's budget of `year` (the year of their start)."""
    return list(
        Measure.objects.filter(
            team=team, spends_budget=True, status=MeasureStatus.APPROVED, start_date__year=year
        ).only("amount", "approved_at", "paid_on", "start_date", "kind_code", "kind_name")
    )


def team_budget(
    team: Team, year: int, as_of: datetime.date, policy: MandatePolicy | None = None, *, exclude_measure_id: int = 0
) -> TeamBudget:
    """The budget of `team` in `year` as known on `as_of` (see the module's docstring).

    `exclude_measure_id` leaves one measure out (the one being decided, so approving it again does not count
    it twice)."""
    policy = policy or mandate_policy()
    rates = policy.rates(year)
    residents = team_residents(team)
    per_month = contacts_per_month(team, year, as_of)
    contacts = sum(per_month.values())
    if rates is None:
        base = direct = payments = ZERO
    else:
        base = rates.per_resident * residents
        direct = rates.direct_help_per_resident * residents
        payments = rates.per_contact * contacts
    total = cents(base + direct + payments)
    measures = [m for m in budget_measures(team, year) if m.id != exclude_measure_id]
    months = []
    running_contacts = 0
    for month in range(1, 13):
        end = _month_end(year, month)
        running_contacts += per_month.get(month, 0)
        yearly = (base + direct) * Decimal(month) / Decimal(12)
        planned = cents(yearly + (rates.per_contact * running_contacts if rates else ZERO))
        committed = spent = ZERO
        for measure in measures:
            amount = measure.amount or ZERO
            approved = timezone.localdate(measure.approved_at) if measure.approved_at else None
            if measure.paid_on is not None and measure.paid_on <= end:
                spent += amount
            elif approved is not None and approved <= end:
                committed += amount
        months.append(
            BudgetMonth(
                month=month,
                planned=planned,
                committed=cents(committed),
                spent=cents(spent),
                remaining=cents(total - committed - spent),
                contacts=per_month.get(month, 0),
                begun=datetime.date(year, month, 1) <= as_of,
            )
        )
    committed = sum(((m.amount or ZERO) for m in measures if m.paid_on is None), ZERO)
    spent = sum(((m.amount or ZERO) for m in measures if m.paid_on is not None), ZERO)
    return TeamBudget(
        team=team,
        year=year,
        as_of=as_of,
        rates=rates,
        residents=residents,
        contacts=contacts,
        base=cents(base),
        direct_help=cents(direct),
        contact_payments=cents(payments),
        total=total,
        committed=cents(committed),
        spent=cents(spent),
        remaining=cents(total - committed - spent),
        warn_below_share=policy.financing.warn_below_share,
        months=tuple(months),
        kinds=_kinds(measures),
    )


def _kinds(measures: list[Measure]) -> tuple[KindSpending, ...]:
    found: dict[str, list[Any]] = {}
    for measure in measures:
        entry = found.setdefault(measure.kind_code, [measure.kind_name, ZERO, ZERO])
        entry[2 if measure.paid_on is not None else 1] += measure.amount or ZERO
    return tuple(
        KindSpending(kind_code=code, kind_name=name, committed=cents(committed), spent=cents(spent))
        for code, (name, committed, spent) in sorted(found.items(), key=lambda item: str(item[1][0]))
    )


# --- who may see a budget ---------------------------------------------------------------------------------

#: Roles that see the budgets of their teams: the case roles (members of the team) and the managers.
BUDGET_ROLES = frozenset({*CASE_ROLES, Role.MANAGER})


def may_see_budgets(user: Any) -> bool:
    """`user` is any request's user (an anonymous one sees nothing)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in BUDGET_ROLES)


def require_budget_role(user: Any) -> None:
    if not may_see_budgets(user):
        raise PermissionDenied(_("Team budgets are for the team's members and its managers."))


def budget_teams(user: Any) -> tuple[Team, ...]:
    """The teams whose budgets the user sees, by name (403 for a role without budgets)."""
    require_budget_role(user)
    return memberships_of(user)


def budget_team_get(user: Any, team_id: int | None) -> Team | None:
    """The team whose budget is asked for: one of the user's teams (the first by name when none is named;
    None when the user has no team). Another team's id and a missing one: the same 404."""
    teams = budget_teams(user)
    if team_id is None:
        return teams[0] if teams else None
    for team in teams:
        if team.pk == team_id:
            return team
    raise Http404(_("No such team."))


def spending_totals(team_ids: list[int], year: int) -> dict[int, dict[str, Decimal]]:
    """Committed and spent per team for a list of teams in one query (overview pages)."""
    rows = (
        Measure.objects.filter(
            team_id__in=team_ids, spends_budget=True, status=MeasureStatus.APPROVED, start_date__year=year
        )
        .values("team_id")
        .annotate(
            committed=Sum("amount", filter=Q(paid_on__isnull=True)),
            spent=Sum("amount", filter=Q(paid_on__isnull=False)),
        )
    )
    return {row["team_id"]: {"committed": row["committed"] or ZERO, "spent": row["spent"] or ZERO} for row in rows}
