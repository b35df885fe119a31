"""Working days in the Netherlands, for deadlines such as the follow-up after a no-show."""

import datetime
from functools import cache


def easter_sunday(year: int) -> datetime.date:
    """Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


@cache
def national_holidays(year: int) -> frozenset[datetime.date]:
    """The public holidays most Dutch municipal offices are closed on."""
    easter = easter_sunday(year)
    kings_day = datetime.date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = datetime.date(year, 4, 26)
    holidays = {
        datetime.date(year, 1, 1),
        easter - datetime.timedelta(days=2),
        easter,
        easter + datetime.timedelta(days=1),
        kings_day,
        easter + datetime.timedelta(days=39),
        easter + datetime.timedelta(days=49),
        easter + datetime.timedelta(days=50),
        datetime.date(year, 12, 25),
        datetime.date(year, 12, 26),
    }
    if year % 5 == 0:
        holidays.add(datetime.date(year, 5, 5))
    return frozenset(holidays)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in national_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (the start day itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
