"""Pages of the outcomes and the benchmark: the dashboard, recording a conclusion about an outlier, and the
conclusions so far. Aggregates only (no access-log rows; a refusal is logged by the middleware)."""

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from wijkkracht.common.forms import apply_service_errors
from wijkkracht.outcomes import charts, selectors, services
from wijkkracht.outcomes.export import may_export
from wijkkracht.outcomes.forms import ConclusionForm, DashboardForm
from wijkkracht.outcomes.models import OutlierConclusion, UnitKind
from wijkkracht.outcomes.periods import period_parse
from wijkkracht.outcomes.policy import Indicator, outcome_policy
from wijkkracht.outcomes.templatetags.outcomes import figure


def _query(request: HttpRequest) -> dict[str, Any]:
    """The dashboard's filters from the query string (they are the page's URL: a link shares the view)."""
    form = DashboardForm(request.GET or None)
    data: dict[str, Any] = {}
    if request.GET:
        form.is_valid()
        data = {name: form.cleaned_data.get(name) for name in form.fields if name in getattr(form, "cleaned_data", {})}
    return {"form": form, "data": data}


def _board(request: HttpRequest, data: dict[str, Any]) -> selectors.Dashboard:
    team = data.get("team")
    period = period_parse(start=data.get("from") or None, end=data.get("until") or None)
    scope = selectors.scope_parse(compare=data.get("compare") or None, team_id=team.pk if team else None)
    return selectors.dashboard(
        user=request.user,
        period=period,
        scope=scope,
        indicator_code=data.get("indicator") or None,
        case_mix=bool(data.get("case_mix")),
        trend_unit=data.get("unit"),
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    selectors.require_dashboard(request.user)
    parsed = _query(request)
    form: DashboardForm = parsed["form"]
    if form.is_bound and form.errors:
        return render(request, "outcomes/dashboard.html", {"form": form, "board": None}, status=400)
    try:
        board = _board(request, parsed["data"])
    except ValidationError as error:
        apply_service_errors(error, form)
        return render(request, "outcomes/dashboard.html", {"form": form, "board": None}, status=400)
    context = {"form": form, "board": board, "export_allowed": may_export(request.user), **charts_for(board)}
    return render(request, "outcomes/dashboard.html", context)


def charts_for(board: selectors.Dashboard) -> dict[str, Any]:
    """The pictures of the page (each with its table beside it in the template). Only what the tables show is
    drawn: a unit whose value is hidden is neither a point nor an end of the funnel's curve."""
    pictures: dict[str, Any] = {}
    selected = board.selected
    if selected is not None:
        indicator = selected.indicator

        def value_format(value: float, indicator: Indicator = indicator) -> str:
            return str(figure(value, indicator))

        if selected.funnel is not None:
            shown = tuple(row.point for row in selected.rows if row.point is not None)
            if shown:
                low, high = min(p.n for p in shown), max(p.n for p in shown)
                curve = tuple(limits for limits in selected.funnel.curve if low <= limits.n <= high)
                result = dataclasses.replace(selected.funnel, units=shown, curve=curve)
                pictures["funnel_svg"] = charts.funnel_svg(
                    result,
                    title=_("Funnel plot: %(indicator)s") % {"indicator": indicator.label},
                    description=_(
                        "Each point is one of the %(scope)s; horizontally how many it counts, vertically the value. "
                        "The table below the picture gives the same numbers."
                    )
                    % {"scope": board.scope.label},
                    value_format=value_format,
                    n_label=_("Months in care (n)") if indicator.kind == "rate" else _("Counted (n)"),
                )
        if board.trend:
            pictures["trend_svg"] = charts.trend_svg(
                [(point.month, point.value) for point in board.trend],
                title=_("%(indicator)s per month") % {"indicator": indicator.label},
                description=_("The monthly values of the period; the table below the picture gives the same numbers."),
                value_format=value_format,
            )
        unit = next((u for u in board.units if u.key == board.trend_unit), None)
        pictures["trend_unit_label"] = unit.label if unit else ""
    levels = [row for row in board.pyramid if row.level]
    pictures["pyramid_svg"] = charts.pyramid_svg(
        [(row.label, row.households, row.minutes) for row in reversed(levels)],
        title=_("Demand and supply"),
        description=_(
            "Households in care per level of the pyramid and the hours spent on them; the table below the picture "
            "gives the same numbers."
        ),
    )
    return pictures


def _conclusion_query(request: HttpRequest) -> dict[str, str]:
    keys = ("from", "until", "compare", "team", "indicator", "case_mix", "unit")
    return {key: request.GET[key] for key in keys if key in request.GET}


@login_required
def conclusion(request: HttpRequest) -> HttpResponse:
    """Record what the team meeting concluded about one flagged outlier."""
    if not selectors.may_conclude(request.user):
        selectors.require_dashboard(request.user)  # the same refusal for every other role
    parsed = _query(request)
    data = parsed["data"]
    unit_id = data.get("unit")
    indicator_code = data.get("indicator")
    status = 200
    outlier = None
    board = None
    form = ConclusionForm(request.POST or None)
    try:
        if not unit_id or not indicator_code:
            raise ValidationError(_("Choose an outlier from the list to discuss."))
        board = _board(request, {**data, "unit": None})
        outlier = next(
            (o for o in board.outliers if o.indicator.code == indicator_code and o.unit.key == unit_id), None
        )
        if outlier is None:
            raise ValidationError(_("This unit is not on the list to discuss for this indicator and period."))
    except ValidationError as error:
        return render(request, "outcomes/conclusion.html", {"error": error, "form": None}, status=400)
    if request.method == "POST" and form.is_valid():
        try:
            services.outlier_conclusion_record(
                user=request.user,
                period=board.period,
                scope=board.scope,
                indicator_code=indicator_code,
                unit_id=unit_id,
                case_mix=board.case_mix,
                conclusion=form.cleaned_data["conclusion"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The conclusion has been recorded."))
            back = {k: v for k, v in _conclusion_query(request).items() if k != "unit"}
            return redirect(f"{reverse('outcomes:dashboard')}?{urlencode(back)}#te-bespreken")
    if request.method == "POST":
        status = 400
    return render(
        request,
        "outcomes/conclusion.html",
        {"form": form, "outlier": outlier, "board": board, "query": urlencode(_conclusion_query(request))},
        status=status,
    )


@login_required
def conclusions(request: HttpRequest) -> HttpResponse:
    selectors.require_dashboard(request.user)
    rows = list(OutlierConclusion.objects.select_related("recorded_by").order_by("-recorded_at", "-id")[:200])
    labels = {indicator.code: indicator.label for indicator in outcome_policy().indicators}
    for row in rows:
        row.indicator_label = labels.get(row.indicator, row.indicator)  # type: ignore[attr-defined]
    return render(request, "outcomes/conclusions.html", {"conclusions": rows, "kinds": dict(UnitKind.choices)})
