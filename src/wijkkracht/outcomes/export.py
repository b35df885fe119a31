"""The pseudonymised research export (issue 11): one table of households and their adults, as CSV or Parquet.

What it holds, per household registered or in care in the period (its first-line support had not ended before
the period started): a pseudonym, its team and district, how it came in, the month (not the day) it was
registered, its status and pyramid level, its members counted per age band, the days to the first contact, to
an agreed plan and to the end of first-line support, its contacts and minutes, goals evaluated and achieved and
referrals in the period, and its mean self-reliance change. Per adult (18 or older on the export day): the age
band, the benefit, how it ended, the current work, and the rung on the participation ladder at the first and
the latest measurement. One file, one table: the column `level` says whether a row is a household or an adult
of the household above it (same pseudonym), so the CSV opens as it is in a spreadsheet.

What it never holds: names, BSNs, addresses or postcodes, dates of birth (age bands instead, on the export
day), days of registration (the month), any free text (notes, reasons, goals, conclusions), ids of households,
members or staff. The figures are codes and whole numbers only; team and district names are the
municipality's own configuration.

The pseudonym is an HMAC-SHA256 of the household's id with a random key made for this export alone
(`secrets.token_bytes`) and forgotten afterwards: the same household has the same pseudonym in every row of
one export and another one in the next export, so two exports cannot be joined, and nobody (the application
included) can turn a pseudonym back into a household. Rows are ordered by pseudonym, not by registration.

The figures of the case files are read from the stored contributions (`HouseholdContribution`, the events the
dashboard counts, kept equal to a fresh computation by `outcomes.maintenance`), so the export counts what the
dashboard counts; the members, the income and work situation and the ladder are read from the case files.
Building the file makes a fixed number of queries whatever the number of households.
"""

import csv
import datetime
import hashlib
import hmac
import io
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from wijkkracht.diagnosis.models import MeasurementStatus, Score
from wijkkracht.households.models import (
    ADULT_AGE,
    Household,
    HouseholdStatus,
    IncomeWorkRecord,
    Person,
    StatusChange,
    age_on,
)
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.outcomes.models import HouseholdContribution
from wijkkracht.outcomes.periods import Period
from wijkkracht.outcomes.policy import outcome_policy

#: The age bands (inclusive; the last one open), on the export day.
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 17, "0-17"),
    (18, 26, "18-26"),
    (27, 49, "27-49"),
    (50, 66, "50-66"),
    (67, None, "67+"),
)
#: The end of first-line support (the first change to one of these), as the indicators count it.
END_STATUSES = (HouseholdStatus.CLOSED, HouseholdStatus.HANDED_OVER)
#: Measures counted over the household's whole case file (as known on the export day).
WHOLE_FILE_MEASURES = ("first_contact", "plan_agreed", "ended", "self_reliance")
#: Measures counted in the period's months only.
PERIOD_MEASURES = ("contacts", "goals_evaluated", "goals_achieved", "referrals")

#: The purpose the access log records for an export (pages and API).
EXPORT_PURPOSE = "beleidsonderzoek (gepseudonimiseerde export)"

LEVEL_HOUSEHOLD = "household"
LEVEL_ADULT = "adult"


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV (for a spreadsheet)")
    PARQUET = "parquet", _("Parquet (for R, Python or SPSS)")


CONTENT_TYPES = {ExportFormat.CSV: "text/csv; charset=utf-8", ExportFormat.PARQUET: "application/vnd.apache.parquet"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "text" or "int"
    level: str  # LEVEL_HOUSEHOLD, LEVEL_ADULT or "" (both)
    description: Any  # what the page says about it (lazy, Dutch for users)


#: The columns, in order. Nothing else is ever written: the tests check every value against these kinds.
COLUMNS: tuple[Column, ...] = (
    Column("level", "text", "", _("household or adult: what the row is about")),
    Column("household", "text", "", _("the pseudonym of the household (different in every export)")),
    Column("team", "text", LEVEL_HOUSEHOLD, _("the team now working with the household")),
    Column("district", "text", LEVEL_HOUSEHOLD, _("the district (wijk) of the household")),
    Column("intake_channel", "text", LEVEL_HOUSEHOLD, _("how the household came in")),
    Column("registration_month", "text", LEVEL_HOUSEHOLD, _("the month of registration (YYYY-MM), not the day")),
    Column("status", "text", LEVEL_HOUSEHOLD, _("the status on the export day")),
    Column(
        "pyramid_level", "text", LEVEL_HOUSEHOLD, _("the weight of the problems at the 0-meting; empty: not measured")
    ),
    Column("members_0_17", "int", LEVEL_HOUSEHOLD, _("members aged 0 to 17 on the export day")),
    Column("members_18_26", "int", LEVEL_HOUSEHOLD, _("members aged 18 to 26")),
    Column("members_27_49", "int", LEVEL_HOUSEHOLD, _("members aged 27 to 49")),
    Column("members_50_66", "int", LEVEL_HOUSEHOLD, _("members aged 50 to 66")),
    Column("members_67_plus", "int", LEVEL_HOUSEHOLD, _("members aged 67 or older")),
    Column(
        "days_to_first_contact",
        "int",
        LEVEL_HOUSEHOLD,
        _("days from registration to the first contact; empty: none yet"),
    ),
    Column(
        "days_to_plan", "int", LEVEL_HOUSEHOLD, _("days from registration to the first agreed plan; empty: none yet")
    ),
    Column(
        "support_days",
        "int",
        LEVEL_HOUSEHOLD,
        _("days of first-line support until closing or handing over; empty: not ended"),
    ),
    Column("contacts", "int", LEVEL_HOUSEHOLD, _("contacts in the period (no-shows not counted)")),
    Column("contact_minutes", "int", LEVEL_HOUSEHOLD, _("minutes of those contacts")),
    Column(
        "self_reliance_change",
        "int",
        LEVEL_HOUSEHOLD,
        _(
            "mean change per domain of the members measured at least twice, in thousandths of a step "
            "(positive is better)"
        ),
    ),
    Column("self_reliance_members", "int", LEVEL_HOUSEHOLD, _("members that mean is taken over")),
    Column("goals_evaluated", "int", LEVEL_HOUSEHOLD, _("goals evaluated in the period")),
    Column("goals_achieved", "int", LEVEL_HOUSEHOLD, _("of those, achieved")),
    Column("referrals", "int", LEVEL_HOUSEHOLD, _("referrals to partners sent in the period")),
    Column("age_band", "text", LEVEL_ADULT, _("the adult's age band on the export day")),
    Column(
        "benefit", "text", LEVEL_ADULT, _("the benefit of the latest income and work situation; empty: not recorded")
    ),
    Column("benefit_end_reason", "text", LEVEL_ADULT, _("why that benefit ended; empty: it has not ended")),
    Column("work", "text", LEVEL_ADULT, _("the current work situation; empty: not recorded")),
    Column("ladder_first", "int", LEVEL_ADULT, _("rung on the participation ladder at the first measurement")),
    Column(
        "ladder_latest",
        "int",
        LEVEL_ADULT,
        _("rung at the latest measurement (the same as the first when measured once)"),
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)

Row = dict[str, str | int | None]


def may_export(user: Any) -> bool:
    """Whether the user's role is one the policy file allows to export (`roles.export`)."""
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in set(
        outcome_policy().export_roles
    )


def age_band(date_of_birth: datetime.date, on: datetime.date) -> str:
    age = age_on(date_of_birth, on)
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return AGE_BANDS[0][2]  # a date of birth after the export day cannot be stored (validate_birth_date)


def _band_column(label: str) -> str:
    return "members_" + label.replace("-", "_").replace("+", "_plus")


BAND_COLUMNS = {label: _band_column(label) for _low, _high, label in AGE_BANDS}


def pseudonym(key: bytes, household_id: int) -> str:
    """The household's pseudonym in one export: HMAC-SHA256 of its id under that export's key."""
    return hmac.new(key, str(household_id).encode("ascii"), hashlib.sha256).hexdigest()


def households_in(period: Period) -> QuerySet[Household]:
    """Households registered by the period's last day whose first-line support had not ended before its first
    day: registered or in care in the period (as the dashboard's `care_start`/`care_end` count them)."""
    ended = (
        StatusChange.objects.filter(household=OuterRef("pk"), to_status__in=END_STATUSES)
        .order_by("date", "id")
        .values("date")[:1]
    )
    return (
        Household.objects.annotate(support_ended_on=Subquery(ended))
        .filter(registered_on__lte=period.last_day)
        .filter(Q(support_ended_on__isnull=True) | Q(support_ended_on__gte=period.start))
    )


def _mean(total: int, n: int) -> int:
    """total / n rounded to a whole number (halves away from zero), in integers."""
    quotient = (abs(total) * 2 + n) // (2 * n)
    return quotient if total >= 0 else -quotient


def _contributions(ids: QuerySet[Household, Any], period: Period) -> dict[int, dict[str, list[int]]]:
    """Per household and measure: [n, total] over the whole file or the period's months (see the constants)."""
    rows = HouseholdContribution.objects.filter(household_id__in=ids).filter(
        Q(measure__in=WHOLE_FILE_MEASURES)
        | Q(measure__in=PERIOD_MEASURES, month__gte=period.start, month__lte=period.end)
    )
    sums: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for household_id, measure, n, total in rows.values_list("household_id", "measure", "n", "total").iterator(
        chunk_size=5000
    ):
        entry = sums[household_id][measure]
        entry[0] += n
        entry[1] += total
    return sums


def _latest_income_work(ids: QuerySet[Household, Any]) -> dict[int, tuple[str, str, str]]:
    """Per member: (benefit, end reason, work) of the latest income and work record."""
    latest: dict[int, tuple[str, str, str]] = {}
    records = (
        IncomeWorkRecord.objects.filter(household_id__in=ids)
        .order_by("person_id", "-recorded_on", "-id")
        .values_list("person_id", "benefit", "benefit_ended_on", "benefit_end_reason", "work")
    )
    for person_id, benefit, ended_on, reason, work in records.iterator(chunk_size=5000):
        if person_id not in latest:
            latest[person_id] = (benefit, reason if ended_on is not None else "", work)
    return latest


def _ladder(ids: QuerySet[Household, Any]) -> dict[int, tuple[int, int]]:
    """Per member: the rung at the first and the latest complete measurement of the participation ladder."""
    code = outcome_policy().participation_instrument
    if not code:
        return {}
    version = instrument_catalogue().get(code)
    domain = version.parsed.domains[0].code if version is not None and version.parsed.domains else None
    scores = Score.objects.filter(
        measurement__household_id__in=ids,
        measurement__instrument_code=code,
        measurement__status=MeasurementStatus.COMPLETE,
        measurement__person__isnull=False,
    )
    if domain is not None:
        scores = scores.filter(domain_code=domain)
    rungs: dict[int, list[int]] = {}
    ordered = scores.order_by("measurement__person_id", "measurement__date", "measurement__moment", "measurement_id")
    seen: set[int] = set()
    for person_id, measurement_id, value in ordered.values_list(
        "measurement__person_id", "measurement_id", "value"
    ).iterator(chunk_size=5000):
        if measurement_id in seen:  # one rung per measurement (an instrument without the domain: its first score)
            continue
        seen.add(measurement_id)
        rungs.setdefault(person_id, []).append(value)
    return {person_id: (values[0], values[-1]) for person_id, values in rungs.items()}


def export_rows(*, period: Period, today: datetime.date, key: bytes) -> tuple[list[Row], list[int]]:
    """The rows of the export (households ordered by pseudonym, each followed by its adults) and the ids of
    the households in it (for the access log only; never written to the file)."""
    households = households_in(period)
    ids = households.values("id")
    counted = _contributions(ids, period)
    income_work = _latest_income_work(ids)
    ladder = _ladder(ids)
    members: dict[int, list[tuple[int, datetime.date]]] = defaultdict(list)
    for person_id, household_id, born in (
        Person.objects.filter(household_id__in=ids)
        .values_list("id", "household_id", "date_of_birth")
        .iterator(chunk_size=5000)
    ):
        members[household_id].append((person_id, born))

    blocks: list[tuple[str, list[Row]]] = []
    household_ids: list[int] = []
    fields = ("id", "team__name", "wijk__name", "intake_channel", "registered_on", "status", "outcome_state__level")
    for household_id, team, district, channel, registered_on, status, level in households.values_list(*fields).iterator(
        chunk_size=5000
    ):
        household_ids.append(household_id)
        name = pseudonym(key, household_id)
        sums = counted.get(household_id, {})
        row: Row = dict.fromkeys(COLUMN_NAMES)
        row.update(
            level=LEVEL_HOUSEHOLD,
            household=name,
            team=team,
            district=district,
            intake_channel=channel,
            registration_month=f"{registered_on:%Y-%m}",
            status=status,
            pyramid_level=level or "",
        )
        for column in BAND_COLUMNS.values():
            row[column] = 0
        adults: list[Row] = []
        for person_id, born in members.get(household_id, []):
            band = age_band(born, today)
            row[BAND_COLUMNS[band]] = int(row[BAND_COLUMNS[band]] or 0) + 1
            if age_on(born, today) >= ADULT_AGE:
                benefit, reason, work = income_work.get(person_id, ("", "", ""))
                first, latest = ladder.get(person_id, (None, None))
                adult: Row = dict.fromkeys(COLUMN_NAMES)
                adult.update(
                    level=LEVEL_ADULT,
                    household=name,
                    age_band=band,
                    benefit=benefit,
                    benefit_end_reason=reason,
                    work=work,
                    ladder_first=first,
                    ladder_latest=latest,
                )
                adults.append(adult)
        for measure, column in (
            ("first_contact", "days_to_first_contact"),
            ("plan_agreed", "days_to_plan"),
            ("ended", "support_days"),
        ):
            n, total = sums.get(measure, (0, 0))
            row[column] = _mean(total, n) if n else None
        row["contacts"], row["contact_minutes"] = sums.get("contacts", (0, 0))
        n, total = sums.get("self_reliance", (0, 0))
        row["self_reliance_change"] = _mean(total, n) if n else None
        row["self_reliance_members"] = n
        row["goals_evaluated"] = sums.get("goals_evaluated", (0, 0))[0]
        row["goals_achieved"] = sums.get("goals_achieved", (0, 0))[0]
        row["referrals"] = sums.get("referrals", (0, 0))[0]
        # The adults in an order that follows from what is exported only (never from ids or dates of birth).
        adults.sort(key=lambda item: tuple(str(item[field] or "") for field in ("age_band", "benefit", "work")))
        blocks.append((name, [row, *adults]))
    blocks.sort(key=lambda block: block[0])
    return [row for _name, rows in blocks for row in rows], household_ids


# Writing. -------------------------------------------------------------------------------------------------

#: A text cell starting with one of these would be taken for a formula by a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: str | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


def render_csv(rows: Iterable[Row]) -> bytes:
    """Semicolons and a byte-order mark, so that a Dutch spreadsheet opens it in columns with its accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    for row in rows:
        writer.writerow([_csv_text(row[name]) for name in COLUMN_NAMES])
    return buffer.getvalue().encode("utf-8-sig")


def render_parquet(rows: list[Row]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(column.name, pa.string() if column.kind == "text" else pa.int64()) for column in COLUMNS])
    table = pa.table({column.name: [row[column.name] for row in rows] for column in COLUMNS}, schema=schema)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def render(rows: list[Row], file_format: str) -> bytes:
    return render_parquet(rows) if file_format == ExportFormat.PARQUET else render_csv(rows)


def new_key() -> bytes:
    """The key of one export's pseudonyms: random, used once, never stored or returned."""
    return secrets.token_bytes(32)


def file_name(period: Period, file_format: str) -> str:
    return f"onderzoeksexport-{period.start:%Y-%m}-tot-en-met-{period.end:%Y-%m}.{file_format}"
