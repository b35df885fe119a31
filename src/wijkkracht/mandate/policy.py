"""The mandate policy: kinds of measures, who may take them up to which limit, the financing rates and the
escalation's response times (guide §4.2, §6.3).

A policy-owned YAML file (`mandate/data/mandate.yaml`, or the file named by the setting `MANDATE_POLICY_FILE`),
which the functional administrator can replace by uploading one in `/beheer/` (`MandateFile`; the active upload
wins). Every source is validated the same way: a wrong file is refused with the place and what is wrong, in
Dutch (`wijkkracht check` reports the shipped or configured file, the upload form the uploaded one).
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Max

from wijkkracht.accounts.models import CASE_ROLES, Role
from wijkkracht.common.request_memo import memoized
from wijkkracht.instruments.definitions import CODE_RE, DefinitionError, read_file, read_yaml

SHIPPED_FILE = Path(__file__).resolve().parent / "data" / "mandate.yaml"

QUANTITIES = ("none", "amount", "percentage")
LIMITS = ("amount", "months", "percentage")
#: Roles that take measures (the case roles) and roles that may approve above a mandate or beyond a budget.
ACTING_ROLES = tuple(sorted(CASE_ROLES))
APPROVING_ROLES = (*ACTING_ROLES, Role.MANAGER.value)
ESCALATION_LEVELS = ("coordinator", "manager")
TOP_KEYS = ("version", "measure_kinds", "mandates", "financing", "escalation")
KIND_KEYS = ("code", "name", "legal_ground", "quantity", "sanction", "spends_budget", "objection_weeks", "letter")
RATE_KEYS = ("per_resident", "per_contact", "direct_help_per_resident")
#: Amounts: euros with at most two decimals, below a million (the database holds 10 digits).
MAX_AMOUNT = Decimal("99999999.99")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class MeasureKind:
    code: str
    name: str
    legal_ground: str
    quantity: str  # none | amount | percentage
    sanction: bool
    spends_budget: bool
    objection_weeks: int
    letter: str

    @property
    def has_amount(self) -> bool:
        return self.quantity == "amount"

    @property
    def has_percentage(self) -> bool:
        return self.quantity == "percentage"


@dataclass(frozen=True)
class Limit:
    """A mandate's upper bound; None: no bound of that sort."""

    amount: Decimal | None = None
    months: int | None = None
    percentage: Decimal | None = None

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.amount is not None:
            found["amount"] = str(self.amount)
        if self.months is not None:
            found["months"] = self.months
        if self.percentage is not None:
            found["percentage"] = str(self.percentage)
        return found


@dataclass(frozen=True)
class MandateRule:
    role: str
    kind: str
    up_to: Limit
    #: The role whose approval a measure above the limit needs; None: above it the role cannot go.
    above: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"role": self.role, "kind": self.kind, "up_to": self.up_to.as_dict(), "above": self.above}


@dataclass(frozen=True)
class Rates:
    per_resident: Decimal
    per_contact: Decimal
    direct_help_per_resident: Decimal


@dataclass(frozen=True)
class Financing:
    years: dict[int, Rates]
    warn_below_share: Decimal
    beyond_budget: str


@dataclass(frozen=True)
class MandatePolicy:
    source: str
    kinds: dict[str, MeasureKind]
    mandates: dict[tuple[str, str], MandateRule]
    financing: Financing
    #: Response time in working days per escalation level ("coordinator", "manager").
    escalation_days: dict[str, int] = field(default_factory=dict)

    def kind(self, code: str) -> MeasureKind | None:
        return self.kinds.get(code)

    def rule(self, role: str, kind: str) -> MandateRule | None:
        return self.mandates.get((role, kind))

    def kinds_for(self, role: str) -> list[MeasureKind]:
        """The kinds a role can take or propose, in the file's order."""
        return [kind for code, kind in self.kinds.items() if (role, code) in self.mandates]

    def rates(self, year: int) -> Rates | None:
        return self.financing.years.get(year)


# --- parsing ------------------------------------------------------------------------------------------------


def _money(value: Any, place: str, problems: list[str]) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        problems.append(f"{place}: een bedrag in euro's verwacht")
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        problems.append(f"{place}: een bedrag in euro's verwacht")
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        problems.append(f"{place}: een bedrag van 0 tot en met {MAX_AMOUNT} verwacht")
        return None
    if amount != amount.quantize(CENT):
        problems.append(f"{place}: ten hoogste twee decimalen")
        return None
    return amount.quantize(CENT)


def _whole(value: Any, place: str, problems: list[str], low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(f"{place}: een geheel getal van {low} tot en met {high} verwacht")
        return None
    return value


def _text(value: Any, place: str, problems: list[str], max_length: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{place}: tekst verwacht")
        return ""
    if len(value) > max_length:
        problems.append(f"{place}: ten hoogste {max_length} tekens")
        return ""
    return value.strip()


def _flag(value: Any, place: str, problems: list[str]) -> bool:
    if not isinstance(value, bool):
        problems.append(f"{place}: true of false verwacht")
        return False
    return value


def _unknown_keys(raw: dict[str, Any], allowed: tuple[str, ...], place: str, problems: list[str]) -> None:
    for key in raw:
        if key not in allowed:
            problems.append(f"{place}: onbekend veld '{key}' (toegestaan: {', '.join(allowed)})")


def _parse_kind(raw: Any, place: str, problems: list[str]) -> MeasureKind | None:
    if not isinstance(raw, dict):
        problems.append(f"{place}: een soort maatregel met code, name, … verwacht")
        return None
    _unknown_keys(raw, KIND_KEYS, place, problems)
    code = raw.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        problems.append(f"{place}.code: een code van kleine letters, cijfers en _ verwacht")
        return None
    quantity = raw.get("quantity", "none")
    if quantity not in QUANTITIES:
        problems.append(f"{place}.quantity: een van {', '.join(QUANTITIES)} verwacht")
        return None
    spends = _flag(raw.get("spends_budget", False), f"{place}.spends_budget", problems)
    if spends and quantity != "amount":
        problems.append(f"{place}.spends_budget: alleen een soort met quantity 'amount' kan van het budget uitgeven")
    return MeasureKind(
        code=code,
        name=_text(raw.get("name"), f"{place}.name", problems, 120),
        legal_ground=_text(raw.get("legal_ground"), f"{place}.legal_ground", problems, 300),
        quantity=quantity,
        sanction=_flag(raw.get("sanction", False), f"{place}.sanction", problems),
        spends_budget=spends,
        objection_weeks=_whole(raw.get("objection_weeks", 6), f"{place}.objection_weeks", problems, 1, 52) or 6,
        letter=_text(raw.get("letter"), f"{place}.letter", problems, 2000, required=False),
    )


def _parse_limit(raw: Any, place: str, kind: MeasureKind | None, problems: list[str]) -> Limit:
    if not isinstance(raw, dict) or not raw:
        problems.append(f"{place}: een grens verwacht ({', '.join(LIMITS)})")
        return Limit()
    _unknown_keys(raw, LIMITS, place, problems)
    amount = _money(raw["amount"], f"{place}.amount", problems) if "amount" in raw else None
    months = _whole(raw["months"], f"{place}.months", problems, 0, 120) if "months" in raw else None
    percentage = None
    if "percentage" in raw:
        percentage = _money(raw["percentage"], f"{place}.percentage", problems)
        if percentage is not None and percentage > 100:
            problems.append(f"{place}.percentage: ten hoogste 100")
    if kind is not None:
        if amount is not None and not kind.has_amount:
            problems.append(f"{place}.amount: de soort '{kind.code}' heeft geen bedrag")
        if percentage is not None and not kind.has_percentage:
            problems.append(f"{place}.percentage: de soort '{kind.code}' heeft geen percentage")
    return Limit(amount=amount, months=months, percentage=percentage)


def _parse_rule(raw: Any, place: str, kinds: dict[str, MeasureKind], problems: list[str]) -> MandateRule | None:
    if not isinstance(raw, dict):
        problems.append(f"{place}: een regel met role, kind, up_to en above verwacht")
        return None
    _unknown_keys(raw, ("role", "kind", "up_to", "above"), place, problems)
    role, kind_code, above = raw.get("role"), raw.get("kind"), raw.get("above")
    ok = True
    if role not in ACTING_ROLES:
        problems.append(f"{place}.role: onbekende rol '{role}' (bekend: {', '.join(ACTING_ROLES)})")
        ok = False
    if kind_code not in kinds:
        problems.append(f"{place}.kind: onbekende soort maatregel '{kind_code}'")
        ok = False
    if above is not None and above not in APPROVING_ROLES:
        problems.append(f"{place}.above: onbekende rol '{above}' (bekend: {', '.join(APPROVING_ROLES)})")
        ok = False
    if above is not None and above == role:
        problems.append(f"{place}.above: goedkeuring door dezelfde rol is geen tweede paar ogen")
        ok = False
    limit = _parse_limit(raw.get("up_to"), f"{place}.up_to", kinds.get(str(kind_code)), problems)
    if not ok:
        return None
    return MandateRule(role=str(role), kind=str(kind_code), up_to=limit, above=above)


def _parse_financing(raw: Any, problems: list[str]) -> Financing:
    empty = Financing(years={}, warn_below_share=Decimal("0"), beyond_budget=Role.MANAGER.value)
    if not isinstance(raw, dict):
        problems.append("financing: tarieven per jaar verwacht")
        return empty
    _unknown_keys(raw, ("years", "warn_below_share", "beyond_budget"), "financing", problems)
    years: dict[int, Rates] = {}
    raw_years = raw.get("years")
    if not isinstance(raw_years, dict) or not raw_years:
        problems.append("financing.years: tarieven per jaar verwacht")
    else:
        for year, rates in raw_years.items():
            place = f"financing.years.{year}"
            if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
                problems.append(f"{place}: een jaartal verwacht")
                continue
            if not isinstance(rates, dict):
                problems.append(f"{place}: {', '.join(RATE_KEYS)} verwacht")
                continue
            _unknown_keys(rates, RATE_KEYS, place, problems)
            values = [_money(rates.get(key), f"{place}.{key}", problems) for key in RATE_KEYS]
            if all(value is not None for value in values):
                years[year] = Rates(*values)  # type: ignore[arg-type]
    share_raw = raw.get("warn_below_share", 0.1)
    try:
        share = Decimal(str(share_raw))
    except InvalidOperation:
        share = Decimal("-1")
    if isinstance(share_raw, bool) or not share.is_finite() or not 0 <= share <= 1:
        problems.append("financing.warn_below_share: een deel van 0 tot en met 1 verwacht")
        share = Decimal("0")
    beyond = raw.get("beyond_budget", Role.MANAGER.value)
    if beyond not in APPROVING_ROLES:
        problems.append(f"financing.beyond_budget: onbekende rol '{beyond}' (bekend: {', '.join(APPROVING_ROLES)})")
        beyond = Role.MANAGER.value
    return Financing(years=years, warn_below_share=share, beyond_budget=str(beyond))


def _parse_escalation(raw: Any, problems: list[str]) -> dict[str, int]:
    days: dict[str, int] = {}
    if not isinstance(raw, dict):
        problems.append(f"escalation: reactietermijnen verwacht voor {', '.join(ESCALATION_LEVELS)}")
        return days
    _unknown_keys(raw, ESCALATION_LEVELS, "escalation", problems)
    for level in ESCALATION_LEVELS:
        entry = raw.get(level)
        place = f"escalation.{level}"
        if not isinstance(entry, dict) or "respond_within_working_days" not in entry:
            problems.append(f"{place}: respond_within_working_days verwacht")
            continue
        _unknown_keys(entry, ("respond_within_working_days",), place, problems)
        value = _whole(entry["respond_within_working_days"], f"{place}.respond_within_working_days", problems, 1, 60)
        if value is not None:
            days[level] = value
    return days


def parse_policy(raw: Any, source: str) -> MandatePolicy:
    """The policy of a parsed YAML document; DefinitionError lists every problem found."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise DefinitionError(source, ["een mandaatbestand met measure_kinds, mandates, financing en escalation"])
    _unknown_keys(raw, TOP_KEYS, "bestand", problems)
    kinds: dict[str, MeasureKind] = {}
    raw_kinds = raw.get("measure_kinds")
    if not isinstance(raw_kinds, list) or not raw_kinds:
        problems.append("measure_kinds: een lijst van soorten maatregelen verwacht")
        raw_kinds = []
    for index, entry in enumerate(raw_kinds):
        kind = _parse_kind(entry, f"measure_kinds[{index}]", problems)
        if kind is None:
            continue
        if kind.code in kinds:
            problems.append(f"measure_kinds[{index}].code: '{kind.code}' komt twee keer voor")
        kinds[kind.code] = kind
    mandates: dict[tuple[str, str], MandateRule] = {}
    raw_rules = raw.get("mandates")
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append("mandates: een lijst van mandaatregels verwacht")
        raw_rules = []
    for index, entry in enumerate(raw_rules):
        rule = _parse_rule(entry, f"mandates[{index}]", kinds, problems)
        if rule is None:
            continue
        if (rule.role, rule.kind) in mandates:
            problems.append(f"mandates[{index}]: rol '{rule.role}' en soort '{rule.kind}' komen twee keer voor")
        mandates[(rule.role, rule.kind)] = rule
    financing = _parse_financing(raw.get("financing"), problems)
    escalation = _parse_escalation(raw.get("escalation"), problems)
    if problems:
        raise DefinitionError(source, problems)
    return MandatePolicy(source=source, kinds=kinds, mandates=mandates, financing=financing, escalation_days=escalation)


def parse_text(text: str, source: str) -> MandatePolicy:
    """An uploaded file's text: the same checks as a file on disk."""
    return parse_policy(read_yaml(text, source), source)


def configured_file() -> Path:
    configured = getattr(settings, "MANDATE_POLICY_FILE", "") or ""
    return Path(configured) if configured else SHIPPED_FILE


def load_file_policy() -> MandatePolicy:
    """The shipped or configured file (what `wijkkracht check` validates)."""
    path = configured_file()
    try:
        raw = read_file(path)
    except OSError as error:
        raise DefinitionError(path.name, [f"niet te lezen: {error.strerror or error}"]) from None
    return parse_policy(raw, path.name)


_cache: dict[str, Any] = {}


def _fingerprint() -> tuple[object, ...]:
    from wijkkracht.mandate.models import MandateFile

    found = MandateFile.objects.aggregate(count=Count("id"), changed=Max("uploaded_at"))
    return (str(configured_file()), found["count"], found["changed"])


def mandate_policy() -> MandatePolicy:
    """The policy in force: the active upload, else the configured or shipped file. Remembered per process
    until an upload changes (one small query per request, memoized within it)."""
    return memoized(("mandate_policy",), _current_policy)


def _current_policy() -> MandatePolicy:
    from wijkkracht.mandate.models import MandateFile

    fingerprint = _fingerprint()
    if _cache.get("fingerprint") == fingerprint:
        return _cache["policy"]
    upload = MandateFile.objects.filter(is_active=True).first()
    policy = parse_text(upload.content, f"upload: {upload.name}") if upload else load_file_policy()
    _cache.update(fingerprint=fingerprint, policy=policy)
    return policy


def forget_policy() -> None:
    _cache.clear()


def months_between(start: datetime.date, end: datetime.date) -> Decimal:
    """A measure's duration in months, as the mandate counts it: whole calendar months from the start, and
    the rest of the days as a fraction of 30 (1 Jan – 31 Mar is 3 months: the end day counts)."""
    end_exclusive = end + datetime.timedelta(days=1)
    months = (end_exclusive.year - start.year) * 12 + end_exclusive.month - start.month
    if end_exclusive.day < start.day:
        months -= 1
    anchor_month = start.month - 1 + months
    year, month = start.year + anchor_month // 12, anchor_month % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    rest = (end_exclusive - datetime.date(year, month, day)).days
    return Decimal(months) + (Decimal(rest) / Decimal(30)).quantize(Decimal("0.01"))
