"""Periods of whole months, as the dashboard, the API and the export accept them (issue 11).

A period runs from the first day of its first month to the last day of its last month, at most
`MAX_MONTHS` months. Users write months as `YYYY-MM` (the API, the URL of the page) and pick them from two
month fields on the page.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.common.validation import ErrorCollector

#: The longest period: ten years.
MAX_MONTHS = 120
#: The period the dashboard shows when none is asked for: the last twelve months, this one included.
DEFAULT_MONTHS = 12

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """How many months from `start`'s month to `end`'s month (0 when the same month)."""
    return (end.year - start.year) * 12 + end.month - start.month


@dataclass(frozen=True)
class Period:
    start: datetime.date  # the first day of the first month
    end: datetime.date  # the first day of the last month

    @property
    def months(self) -> list[datetime.date]:
        return [add_months(self.start, offset) for offset in range(months_between(self.start, self.end) + 1)]

    @property
    def last_day(self) -> datetime.date:
        return add_months(self.end, 1) - datetime.timedelta(days=1)

    def as_query(self) -> dict[str, str]:
        return {"from": f"{self.start:%Y-%m}", "until": f"{self.end:%Y-%m}"}

    def __str__(self) -> str:
        return f"{self.start:%Y-%m}–{self.end:%Y-%m}"


def default_period(today: datetime.date | None = None) -> Period:
    end = first_of_month(today or timezone.localdate())
    return Period(add_months(end, -(DEFAULT_MONTHS - 1)), end)


def parse_month(text: str) -> datetime.date | None:
    match = MONTH_RE.match(text.strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1900 <= year <= 9999 and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


def period_parse(
    *, start: str | datetime.date | None, end: str | datetime.date | None, today: datetime.date | None = None
) -> Period:
    """The period from two months (`YYYY-MM` or dates; a missing one is taken from the default period).
    Raises a `ValidationError` with a Dutch message per field ("from", "until")."""
    default = default_period(today)
    errors = ErrorCollector()
    months: dict[str, datetime.date | None] = {}
    for field, value, fallback in (("from", start, default.start), ("until", end, default.end)):
        if value is None or value == "":
            months[field] = fallback
        elif isinstance(value, datetime.date):
            months[field] = first_of_month(value)
        else:
            months[field] = parse_month(str(value))
            if months[field] is None:
                errors.add(field, _("Give a month as year and month, for example 2026-03."))
    errors.raise_if_any()
    first, last = months["from"], months["until"]
    assert first is not None and last is not None
    if last < first:
        errors.add("until", _("The period ends before it starts."))
    elif months_between(first, last) + 1 > MAX_MONTHS:
        errors.add("until", _("A period spans at most ten years."))
    errors.raise_if_any()
    return Period(first, last)


__all__ = ["MAX_MONTHS", "Period", "ValidationError", "add_months", "default_period", "period_parse"]
