"""The plan's figure on the household: the active plan's evaluation date, which the caseload shows, sorts
and counts as overdue once it has passed. Registered with `households.figures` so that every refresh of a
household's figures recomputes it too; the plan services refresh it in the transaction of every change."""

import datetime

from django.db.models import OuterRef, Subquery

from wijkkracht.plans.models import Plan, PlanStatus


def evaluation_figure(today: datetime.date) -> dict[str, Subquery]:
    active = Plan.objects.filter(household=OuterRef("pk"), status=PlanStatus.ACTIVE).order_by("-number")
    return {"plan_evaluation_date": Subquery(active.values("evaluation_date")[:1])}
