"""Writes of the outcomes app: conclusions about outliers (the lead) and the research export (below)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.common.validation import ErrorCollector
from wijkkracht.outcomes import export, selectors
from wijkkracht.outcomes.models import OutlierConclusion
from wijkkracht.outcomes.periods import Period, period_parse
from wijkkracht.privacy.access import AccessContext
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record_many

CONCLUSION_MAX_LENGTH = 2000


def outlier_conclusion_record(
    *,
    user: Any,
    period: Period,
    scope: selectors.Scope,
    indicator_code: str,
    unit_id: int,
    case_mix: bool,
    conclusion: str,
) -> OutlierConclusion:
    """Record what a meeting concluded about a unit that the benchmark flags for this period (outside the
    outer control limits). The figures are counted again here: a unit that is not (or no longer) flagged, or
    whose figures are hidden, gets a clear message and nothing is saved."""
    if not selectors.may_conclude(user):
        raise PermissionDenied(_("Only policy officers and team coordinators record what was concluded."))
    errors = ErrorCollector()
    text = conclusion.strip()
    if not text:
        errors.add("conclusion", _("Write down what was concluded."))
    elif len(text) > CONCLUSION_MAX_LENGTH:
        errors.add("conclusion", _("Write at most 2000 characters."))
    board = selectors.dashboard(user=user, period=period, scope=scope, indicator_code=indicator_code, case_mix=case_mix)
    outlier = next((o for o in board.outliers if o.indicator.code == indicator_code and o.unit.key == unit_id), None)
    if outlier is None:
        errors.add("unit", _("This unit is not on the list to discuss for this indicator and period."))
    errors.raise_if_any()
    assert outlier is not None
    with transaction.atomic():
        return OutlierConclusion.objects.create(
            indicator=indicator_code,
            unit_kind=scope.kind,
            unit_id=unit_id,
            unit_label=outlier.unit.label,
            period_start=period.start,
            period_end=period.end,
            case_mix=case_mix,
            value=outlier.value,
            centre=outlier.centre,
            households=outlier.n,
            conclusion=text,
            recorded_by=user,
        )


# The research export (the export helper). ----------------------------------------------------------------


@dataclass(frozen=True)
class ResearchExport:
    """A finished export file: built completely before anything is sent, so no partial file can exist."""

    content: bytes
    file_name: str
    content_type: str
    households: int


def _month_or_date(value: str | datetime.date | None) -> str | datetime.date | None:
    """A month as `YYYY-MM`, or a date (`YYYY-MM-DD` or a date object) whose month is meant."""
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return value  # period_parse names the field with its message
    return value


def research_export_create(
    *,
    access: AccessContext,
    period_start: str | datetime.date | None,
    period_end: str | datetime.date | None,
    file_format: str,
) -> ResearchExport:
    """The pseudonymised research export of the households registered or in care in a period (whole months;
    dates are taken as their month; none given: the last twelve months), as CSV or Parquet
    (`outcomes.export`). Only for the roles the policy file allows to export (`roles.export`); anyone else is
    refused before anything is read. The file is built completely, and the export is written to the access
    log (one `export` entry, a subject row per household in it) in the same transaction: a failure leaves
    neither a file nor a log entry."""
    if not export.may_export(access.user):
        raise PermissionDenied(_("The research export is only for the roles the outcomes policy allows to export."))
    errors = ErrorCollector()
    if file_format not in export.ExportFormat.values:
        errors.add("format", _("Choose CSV or Parquet."))
    period: Period | None = None
    try:
        period = period_parse(start=_month_or_date(period_start), end=_month_or_date(period_end))
    except ValidationError as error:
        for field, messages in error.error_dict.items():
            errors.add(field, ValidationError(messages))
    if period is not None and not export.households_in(period).exists():
        errors.add(
            NON_FIELD_ERRORS, _("No household was registered or in care in this period: there is nothing to export.")
        )
    errors.raise_if_any()
    assert period is not None
    with transaction.atomic():
        rows, household_ids = export.export_rows(period=period, today=timezone.localdate(), key=export.new_key())
        content = export.render(rows, file_format)
        access_log_record_many(
            access=access,
            household_ids=household_ids,
            action=AccessAction.EXPORT,
            what=f"research export (pseudonymised) {period}, {file_format}, {len(household_ids)} households",
        )
    return ResearchExport(
        content=content,
        file_name=export.file_name(period, file_format),
        content_type=export.CONTENT_TYPES[export.ExportFormat(file_format)],
        households=len(household_ids),
    )


__all__ = ["ValidationError", "outlier_conclusion_record"]
