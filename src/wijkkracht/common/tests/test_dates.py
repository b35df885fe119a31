import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wijkkracht.common.dates import add_working_days, easter_sunday, is_working_day, national_holidays


@pytest.mark.parametrize(
    ("year", "easter"), [(2024, (3, 31)), (2025, (4, 20)), (2026, (4, 5)), (2027, (3, 28)), (2038, (4, 25))]
)
def test_easter(year, easter):
    assert easter_sunday(year) == datetime.date(year, *easter)


def test_holidays_2026():
    holidays = national_holidays(2026)
    for day in [(1, 1), (4, 3), (4, 5), (4, 6), (4, 27), (5, 14), (5, 24), (5, 25), (12, 25), (12, 26)]:
        assert datetime.date(2026, *day) in holidays
    assert datetime.date(2026, 5, 5) not in holidays  # Liberation Day only every five years
    assert datetime.date(2025, 5, 5) in national_holidays(2025)


def test_kings_day_moves_to_saturday_when_it_falls_on_sunday():
    assert datetime.date(2025, 4, 26) in national_holidays(2025)
    assert datetime.date(2025, 4, 27) not in national_holidays(2025)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ((2026, 11, 23), 2, (2026, 11, 25)),  # Monday → Wednesday
        ((2026, 11, 27), 2, (2026, 12, 1)),  # Friday → Tuesday
        ((2026, 11, 28), 2, (2026, 12, 1)),  # Saturday → Tuesday
        ((2026, 4, 2), 2, (2026, 4, 8)),  # Thursday before Easter: Good Friday and Easter Monday skipped
        ((2026, 11, 23), 0, (2026, 11, 23)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(datetime.date(*start), days) == datetime.date(*expected)


@given(st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 1, 1)), st.integers(1, 30))
def test_result_is_a_working_day_with_exactly_n_working_days_in_between(start, days):
    end = add_working_days(start, days)
    assert is_working_day(end)
    between = [start + datetime.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(is_working_day(day) for day in between) == days


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(datetime.date(2026, 1, 1), -1)
