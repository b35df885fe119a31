"""API of the team budgets (issue 12): aggregates of a team, no household's data (amounts per kind of measure
at most); the same access rules as the page `/budget/` (`mandate.budget.budget_team_get`).

- `GET /api/v1/budgets/?year=`: the budgets of the user's teams in a year (default this year), paginated.
- `GET /api/v1/budgets/{team_id}/?year=`: one team's budget with its months.

Members of the team with a case role and its managers; another team's id answers 404 like a missing one; a
policy officer, an administrator or a partner gets 403. Amounts are strings with two decimals (euros).
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from wijkkracht.common.api import ApiGenericViewSet
from wijkkracht.mandate.budget import TeamBudget, budget_team_get, budget_teams, may_see_budgets, team_budget

YEAR_MIN, YEAR_MAX = 2000, 2100


class BudgetPermission(BasePermission):
    message = _lazy("Team budgets are for the team's members and its managers.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return may_see_budgets(request.user)


class BudgetQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=YEAR_MIN, max_value=YEAR_MAX, help_text="The calendar year (default: this year)."
    )


def _amount(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class RatesSerializer(serializers.Serializer):
    per_resident = _amount()
    per_contact = _amount()
    direct_help_per_resident = _amount()


class KindSpendingSerializer(serializers.Serializer):
    kind = serializers.CharField(source="kind_code", help_text="The code of the kind of measure.")
    name = serializers.CharField(source="kind_name")
    committed = _amount()
    spent = _amount()


class BudgetMonthSerializer(serializers.Serializer):
    month = serializers.IntegerField(min_value=1, max_value=12)
    planned = _amount(help_text="The budget planned to the month's end (cumulative).")
    committed = _amount(help_text="Approved and not yet paid at the month's end.")
    spent = _amount(help_text="Paid to the month's end (cumulative).")
    remaining = _amount(help_text="The year's budget minus committed and spent at the month's end.")
    contacts = serializers.IntegerField(help_text="Client contacts in the month (no-shows do not count).")
    begun = serializers.BooleanField(help_text="false for a month still to come: its amounts repeat today's.")


class BudgetSerializer(serializers.Serializer):
    team = serializers.IntegerField(source="team.id")
    team_name = serializers.CharField(source="team.name")
    year = serializers.IntegerField()
    as_of = serializers.DateField(help_text="The day the budget was reckoned (today).")
    rates = RatesSerializer(allow_null=True, help_text="null: the policy has no rates for the year (budget 0).")
    residents = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Residents of the team's districts (a shared district in parts)."
    )
    contacts = serializers.IntegerField(help_text="Client contacts of the team's households in the year so far.")
    base = _amount(help_text="per_resident × residents.")
    direct_help = _amount(help_text="direct_help_per_resident × residents.")
    contact_payments = _amount(help_text="per_contact × contacts.")
    total = _amount(help_text="The year's budget: base + direct_help + contact_payments.")
    committed = _amount(help_text="Approved measures not yet paid.")
    spent = _amount(help_text="Paid measures.")
    remaining = _amount(help_text="total − committed − spent.")
    remaining_share = serializers.DecimalField(
        max_digits=7, decimal_places=1, help_text="remaining as a percentage of total (0 without a budget)."
    )
    warn_below_share = serializers.DecimalField(max_digits=4, decimal_places=3)
    warning = serializers.BooleanField(help_text="Less than warn_below_share of the budget remains.")
    exhausted = serializers.BooleanField(help_text="Nothing remains.")
    kinds = KindSpendingSerializer(many=True, help_text="Committed and spent per kind of measure.")


class BudgetDetailSerializer(BudgetSerializer):
    months = BudgetMonthSerializer(many=True)


def _year(query: dict[str, Any]) -> int:
    return int(query.get("year") or timezone.localdate().year)


def _budget(team: Any, year: int) -> TeamBudget:
    return team_budget(team, year, timezone.localdate())


class BudgetViewSet(ApiGenericViewSet):
    """The budgets of the user's teams: what the financing model gives, what measures committed and spent."""

    permission_classes = [BudgetPermission]
    serializer_class = BudgetSerializer
    lookup_url_kwarg = "team_id"
    query_serializers = {"list": BudgetQuerySerializer, "retrieve": BudgetQuerySerializer}

    def get_queryset(self) -> Any:
        return list(budget_teams(self.request.user))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        year = _year(self.query)
        page = self.paginate_queryset(self.get_queryset())
        data = BudgetSerializer([_budget(team, year) for team in page or []], many=True).data
        return self.get_paginated_response(data)

    @extend_schema(responses=BudgetDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team = budget_team_get(request.user, int(kwargs["team_id"]))
        return Response(BudgetDetailSerializer(_budget(team, _year(self.query))).data)


def register(router: Any) -> None:
    """Register this area's viewsets on the API router."""
    router.register("budgets", BudgetViewSet, basename="budget")


#: Extra API paths that are neither a list nor a record (mounted under /api/v1/).
urlpatterns: list = []
