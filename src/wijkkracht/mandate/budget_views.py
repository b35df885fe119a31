"""The team budget page (`/budget/?team=<id>&jaar=<year>`): what the financing model gives the team in a year,
what its measures committed and spent, per month as a picture with a table beside it, and a warning before the
budget runs out. Aggregates of a team only (amounts per kind of measure at most): no access-log rows; the access
rules are `mandate.budget.budget_team_get` (a refusal is logged by the middleware)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from wijkkracht.accounts.models import Role
from wijkkracht.common.api import MAX_ID
from wijkkracht.mandate import charts
from wijkkracht.mandate.budget import BudgetMonth, TeamBudget, budget_team_get, budget_teams, team_budget
from wijkkracht.mandate.charts import euro
from wijkkracht.mandate.policy import mandate_policy

YEAR_MIN, YEAR_MAX = 2000, 2100


class BudgetQueryForm(forms.Form):
    team = forms.IntegerField(label=_("Team"), required=False, min_value=1, max_value=MAX_ID)
    jaar = forms.IntegerField(label=_("Year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)


def approvals_url() -> str:
    """The approvals page, where spending beyond the budget is approved."""
    return reverse("measures:approvals")


def _shown(budget: TeamBudget) -> dict[str, str]:
    """The budget's amounts as people read them ("€ 1.234,56")."""
    shown = {
        name: euro(getattr(budget, name))
        for name in ("total", "base", "direct_help", "contact_payments", "committed", "spent", "remaining")
    }
    shown["residents"] = number_format(
        budget.residents, 0 if budget.residents == int(budget.residents) else 2, force_grouping=True
    )
    shown["remaining_share"] = f"{number_format(budget.remaining_share, 1)}\u00a0%"
    shown["used"] = euro(budget.used)
    shown["used_share"] = percentage(budget.used_percentage, budget.used)
    shown["shortfall"] = euro(budget.shortfall)
    if budget.rates is not None:
        shown["per_resident"] = euro(budget.rates.per_resident)
        shown["direct_help_per_resident"] = euro(budget.rates.direct_help_per_resident)
        shown["per_contact"] = euro(budget.rates.per_contact)
    return shown


def percentage(value: Decimal, amount: Decimal) -> str:
    """A share with one decimal ("0,3 %"); a non-zero amount below 0,05 % reads "< 0,1 %", never "0,0 %"."""
    if amount > 0 and value < Decimal("0.1"):
        return f"<\u00a0{number_format(Decimal('0.1'), 1)}\u00a0%"
    return f"{number_format(value, 1)}\u00a0%"


def _month_row(year: int, month: BudgetMonth) -> dict[str, Any]:
    return {
        "label": charts.month_label(year, month.month),
        "name": MONTHS[month.month],
        "planned": euro(month.planned),
        "committed": euro(month.committed) if month.begun else "",
        "spent": euro(month.spent) if month.begun else "",
        "remaining": euro(abs(month.remaining)) if month.begun else "",
        "short": month.remaining < 0,
        "contacts": month.contacts,
        "begun": month.begun,
    }


@login_required
def budget_page(request: HttpRequest) -> HttpResponse:
    teams = budget_teams(request.user)  # 403 for a role without budgets
    form = BudgetQueryForm(request.GET)
    if not form.is_valid():
        raise Http404
    team = budget_team_get(request.user, form.cleaned_data.get("team"))  # 404 for another team's
    today = timezone.localdate()
    year = form.cleaned_data.get("jaar") or today.year
    policy = mandate_policy()
    context: dict[str, Any] = {"teams": teams, "team": team, "year": year, "budget": None}
    # The years with rates, last year, this year and next year (and the one asked for), without gaps.
    known = [*policy.financing.years, today.year - 1, today.year + 1, year]
    years = list(range(max(YEAR_MIN, min(known)), min(YEAR_MAX, max(known)) + 1))
    context["years"] = years
    if team is not None:
        budget = team_budget(team, year, today, policy)
        context.update(
            budget=budget,
            chart=charts.budget_svg(budget),
            used_chart=charts.used_svg(budget),
            shown=_shown(budget),
            months=[_month_row(year, month) for month in budget.months],
            kinds=[
                {"name": kind.kind_name, "committed": euro(kind.committed), "spent": euro(kind.spent)}
                for kind in budget.kinds
            ],
            beyond_budget_role=Role(policy.financing.beyond_budget).label,
            approvals_url=approvals_url(),
            may_approve=getattr(request.user, "role", None)
            in (Role.TEAM_COORDINATOR, Role.MANAGER, policy.financing.beyond_budget),
            warn_percentage=(policy.financing.warn_below_share * 100).normalize(),
        )
    return render(request, "mandate/budget.html", context)
