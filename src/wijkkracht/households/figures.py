"""The caseload's figures, stored on the household and kept current (issue 10).

Lists of a large city cannot compute "last contact", "open tasks" and "overdue" with a subquery per
household for every household of a team: they filter and sort on columns of `Household` instead. Those
columns are written here and nowhere else:

- `household_figures_refresh(household_ids=…)` recomputes every figure of the given households from the
  case file itself in one UPDATE (one per 500 households). Every service that adds or finishes a contact,
  task, member or plan calls it inside its own transaction, so the figures move with the change; the
  bulk demo calls it once per batch. Apps above `households` add figures of their own with
  `register_figure` (the plans app: the active plan's evaluation date).
- `household_search_text_refresh(household_ids=…)` recomputes the search text (name, street, members'
  names, lower case without accents), after a registration, a correction or a new member.
- `household_figures_catch_up(today=…)`: an appointment planned for a later day becomes contact when its
  day comes, without anyone changing anything. Lists call this before they read the figures; it refreshes
  the households whose `next_appointment_on` has come (an indexed query that finds none most of the day).

The overdue rule is written once, as `OVERDUE_TERMS`: `overdue_q` turns it into a database condition for
the lists, `overdue_terms_met` into Python for a household already loaded; the caseload's sentences name
the terms met.
"""

import datetime
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from wijkkracht.households.models import Contact, ContactKind, Household, Person, Task, TaskStatus

#: Households refreshed per UPDATE statement.
REFRESH_BATCH = 500

#: The latest day figures were computed for: the consistency check of the tests compares with that day when
#: a test travelled forward in time (figures are exact as of the day they were written, and time goes on).
latest_refresh_day: datetime.date | None = None

FigureExpressions = Callable[[datetime.date], Mapping[str, Any]]
_registered: list[FigureExpressions] = []


def register_figure(expressions: FigureExpressions) -> FigureExpressions:
    """Let an app above `households` keep a figure of its own on the household: `expressions(today)` returns
    {field name: expression over `OuterRef("pk")`}. Registered once, in the app's `ready()`."""
    if expressions not in _registered:
        _registered.append(expressions)
    return expressions


AfterRefresh = Callable[..., None]
_after_refresh: list[AfterRefresh] = []


def register_after_refresh(refresh: AfterRefresh) -> AfterRefresh:
    """Let an app above `households` keep figures of its own elsewhere: `refresh(household_ids=[…])` is called
    by `household_figures_refresh` with the ids it refreshed, in the same transaction (the outcomes app: the
    households' contributions to the indicators). Registered once, in the app's `ready()`."""
    if refresh not in _after_refresh:
        _after_refresh.append(refresh)
    return refresh


_deferred: list[set[int]] = []


@contextmanager
def after_refresh_deferred() -> Iterator[set[int]]:
    """For a batch job that writes many case files (the demo): inside this block `household_figures_refresh`
    refreshes the stored figures but does not call the `register_after_refresh` hooks; it collects the
    household ids in the set it yields instead, and the job brings those up to date once at the end (the
    demo: `outcomes.maintenance.outcomes_rebuild`)."""
    collected: set[int] = set()
    _deferred.append(collected)
    try:
        yield collected
    finally:
        _deferred.pop()


def _count(queryset: QuerySet) -> Coalesce:
    counts = queryset.values("household").annotate(count=Count("id")).values("count")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def figure_expressions(today: datetime.date) -> dict[str, Any]:
    """Every stored figure as an expression over the household (`OuterRef("pk")`), as of `today`."""
    contacts = Contact.objects.filter(household=OuterRef("pk")).exclude(kind=ContactKind.NO_SHOW)
    open_tasks = Task.objects.filter(household=OuterRef("pk"), status=TaskStatus.OPEN)
    figures: dict[str, Any] = {
        "last_contact_date": Subquery(contacts.filter(date__lte=today).order_by("-date").values("date")[:1]),
        "next_appointment_on": Subquery(contacts.filter(date__gt=today).order_by("date").values("date")[:1]),
        "open_task_count": _count(open_tasks),
        "first_open_task_due_on": Subquery(open_tasks.order_by("due_date").values("due_date")[:1]),
        "member_count": _count(Person.objects.filter(household=OuterRef("pk"))),
    }
    for expressions in _registered:
        figures.update(expressions(today))
    return figures


def _batches(ids: Iterable[int]) -> Iterable[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), REFRESH_BATCH):
        yield unique[start : start + REFRESH_BATCH]


def household_figures_refresh(*, household_ids: Iterable[int | None], today: datetime.date | None = None) -> None:
    """Recompute the stored figures of these households (None ids — a team task — are skipped). Call it in
    the transaction of the change."""
    from django.utils import timezone

    global latest_refresh_day
    day = today or timezone.localdate()
    latest_refresh_day = max(latest_refresh_day or day, day)
    ids = sorted({i for i in household_ids if i is not None})
    for batch in _batches(ids):
        Household.objects.filter(id__in=batch).update(**figure_expressions(day))
    if ids and _deferred:
        _deferred[-1].update(ids)
    elif ids:
        for refresh in _after_refresh:
            refresh(household_ids=ids)


def household_figures_catch_up(*, today: datetime.date) -> int:
    """Refresh the households whose next appointment's day has come; returns how many."""
    due = list(Household.objects.filter(next_appointment_on__lte=today).order_by().values_list("id", flat=True))
    if due:
        household_figures_refresh(household_ids=due, today=today)
    return len(due)


def fold(text: str) -> str:
    """Lower case without accents or other marks: "Öztürk" → "ozturk", "Ĳsselstraat" → "ijsselstraat"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_text_of(name: str, street: str, member_names: Iterable[str]) -> str:
    return fold(" ".join(part for part in (name, street, *member_names) if part))


def household_search_text_refresh(*, household_ids: Iterable[int | None]) -> None:
    """Recompute the search text of these households, in the transaction of the change."""
    for batch in _batches(i for i in household_ids if i is not None):
        names: dict[int, list[str]] = {}
        for household_id, first, last in (
            Person.objects.filter(household_id__in=batch)
            .order_by("id")
            .values_list("household_id", "first_name", "last_name")
        ):
            names.setdefault(household_id, []).extend((first, last))
        households = list(Household.objects.filter(id__in=batch).only("id", "name", "street", "search_text"))
        changed = []
        for household in households:
            text = search_text_of(household.name, household.street, names.get(household.id, []))
            if text != household.search_text:
                household.search_text = text
                changed.append(household)
        Household.objects.bulk_update(changed, ["search_text"])


# The overdue rule, once. ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueTerm:
    """One way to be overdue: `field` (or `fallback` where the field is empty) lies before the threshold,
    which is today, or today minus the contact norm for the contact term."""

    name: str
    field: str
    fallback: str = ""
    uses_contact_norm: bool = False

    def threshold(self, today: datetime.date, contact_norm_days: int) -> datetime.date:
        return today - datetime.timedelta(days=contact_norm_days) if self.uses_contact_norm else today


OVERDUE_TERMS: tuple[OverdueTerm, ...] = (
    #: An open task past its due date.
    OverdueTerm("task", "first_open_task_due_on"),
    #: The active plan's evaluation date has passed.
    OverdueTerm("evaluation", "plan_evaluation_date"),
    #: No contact within the municipality's contact norm (counted from registration when there was none).
    OverdueTerm("contact", "last_contact_date", fallback="registered_on", uses_contact_norm=True),
)


def overdue_q(today: datetime.date, contact_norm_days: int, prefix: str = "") -> Q:
    """The overdue rule as a database condition (on `Household`, or through `prefix`, e.g. "household__")."""
    condition = Q(pk__in=[])
    for term in OVERDUE_TERMS:
        threshold = term.threshold(today, contact_norm_days)
        condition |= Q(**{f"{prefix}{term.field}__lt": threshold})
        if term.fallback:
            condition |= Q(**{f"{prefix}{term.field}__isnull": True, f"{prefix}{term.fallback}__lt": threshold})
    return condition


def overdue_terms_met(household: Household, today: datetime.date, contact_norm_days: int) -> list[str]:
    """The names of the terms of the overdue rule this household meets (empty: on track)."""
    met = []
    for term in OVERDUE_TERMS:
        value = getattr(household, term.field)
        if value is None and term.fallback:
            value = getattr(household, term.fallback)
        if value is not None and value < term.threshold(today, contact_norm_days):
            met.append(term.name)
    return met


def figures_mismatches(today: datetime.date | None = None) -> list[str]:
    """Every household whose stored figures or search text differ from what its case file says now (after
    the catch-up every list does first): empty when the figures are current. For tests and for
    `wijkkracht caseload check`."""
    from django.utils import timezone

    day = max(today or timezone.localdate(), latest_refresh_day or datetime.date.min)
    household_figures_catch_up(today=day)
    expressions = figure_expressions(day)
    expected = Household.objects.order_by("id").annotate(**{f"expected_{name}": e for name, e in expressions.items()})
    names: dict[int, list[str]] = {}
    for household_id, first, last in Person.objects.order_by("id").values_list(
        "household_id", "first_name", "last_name"
    ):
        names.setdefault(household_id, []).extend((first, last))
    problems = []
    for household in expected:
        for name in expressions:
            stored, computed = getattr(household, name), getattr(household, f"expected_{name}")
            if stored != computed:
                problems.append(f"{household.reference} {name}: stored {stored!r}, case file says {computed!r}")
        text = search_text_of(household.name, household.street, names.get(household.id, []))
        if household.search_text != text:
            problems.append(f"{household.reference} search_text: stored {household.search_text!r}, should be {text!r}")
    return problems
