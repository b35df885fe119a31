"""Helpers for the dashboard tests: a policy file with another threshold, and households with a history made
in a few lines (written past the services, then refreshed as the services would)."""

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import yaml
from django.test import override_settings

from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import Contact, ContactKind, Household, HouseholdStatus, StatusChange
from wijkkracht.households.tests.factories import HouseholdFactory
from wijkkracht.outcomes.policy import SHIPPED_FILE, outcome_policy


@contextmanager
def policy_with(tmp_path: Path, **changes: object) -> Iterator[None]:
    """The shipped policy file with some top-level values changed (e.g. `small_cell_threshold=1`: nothing
    hidden, so a test can check every value by hand)."""
    data = yaml.safe_load(SHIPPED_FILE.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "outcomes.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    outcome_policy.cache_clear()
    try:
        with override_settings(OUTCOMES_POLICY_FILE=str(path)):
            yield
    finally:
        outcome_policy.cache_clear()


def history(
    *,
    team,  # type: ignore[no-untyped-def]
    worker,
    registered: datetime.date,
    channel: str = "desk",
    contacts: Sequence[tuple[datetime.date, int | None]] = (),
    end: tuple[datetime.date, str] | None = None,
    name: str = "Huishouden",
) -> Household:
    """A household registered on a day, with contacts (day, minutes) and, if given, the end of first-line
    support (day, closed or handed_over)."""
    status = end[1] if end else HouseholdStatus.IN_PROGRESS
    household = HouseholdFactory(
        team=team,
        contact_person=worker,
        registered_on=registered,
        status_since=end[0] if end else registered,
        status=status,
        intake_channel=channel,
        name=name,
        second_line_regisseur=None,
    )
    for day, minutes in contacts:
        Contact.objects.create(
            household=household, kind=ContactKind.HOME_VISIT, date=day, duration_minutes=minutes, worker=worker
        )
    if end:
        StatusChange.objects.create(
            household=household,
            from_status=HouseholdStatus.IN_PROGRESS,
            to_status=end[1],
            date=end[0],
            reason="Afgerond",
            changed_by=worker,
        )
    household_figures_refresh(household_ids=[household.pk])
    return household
