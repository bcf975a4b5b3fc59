"""Working days in Sweden: weekends, public holidays (helgdagar) and the days
authorities treat as holidays (midsommarafton, julafton, nyårsafton) are not."""

import datetime as dt
from functools import lru_cache


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's name
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _weekday_between(year: int, month: int, first: int, last: int, weekday: int) -> dt.date:
    for day in range(first, last + 1):
        d = dt.date(year, month, day)
        if d.weekday() == weekday:
            return d
    raise ValueError("no such day")


@lru_cache(maxsize=64)
def holidays(year: int) -> frozenset[dt.date]:
    easter = easter_sunday(year)
    days = {
        dt.date(year, 1, 1),    # nyårsdagen
        dt.date(year, 1, 6),    # trettondedag jul
        easter - dt.timedelta(days=2),   # långfredagen
        easter,                          # påskdagen
        easter + dt.timedelta(days=1),   # annandag påsk
        dt.date(year, 5, 1),    # första maj
        easter + dt.timedelta(days=39),  # Kristi himmelsfärds dag
        easter + dt.timedelta(days=49),  # pingstdagen
        dt.date(year, 6, 6),    # nationaldagen
        _weekday_between(year, 6, 19, 25, 4),  # midsommarafton
        _weekday_between(year, 6, 20, 26, 5),  # midsommardagen
        dt.date(year, 10, 31) + dt.timedelta(days=(5 - dt.date(year, 10, 31).weekday()) % 7),  # alla helgons dag
        dt.date(year, 12, 24),  # julafton
        dt.date(year, 12, 25),  # juldagen
        dt.date(year, 12, 26),  # annandag jul
        dt.date(year, 12, 31),  # nyårsafton
    }
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (a request received on a Friday
    with one working day is due on Monday — or Tuesday after annandag påsk)."""
    current = start
    remaining = max(days, 0)
    while remaining:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    if days <= 0:
        while not is_working_day(current):
            current += dt.timedelta(days=1)
    return current
