"""Days as ordinals (`dt.date.toordinal()`): the simulation counts in whole numbers and
turns a day into a date only when it writes a row."""

import datetime as dt

from liaison.core.dates import add_business_days


def as_date(ordinal: int | None) -> dt.date | None:
    return None if ordinal is None else dt.date.fromordinal(ordinal)


def weekday(ordinal: int) -> int:
    return (ordinal - 1) % 7  # dt.date.fromordinal(1) is a Monday


def next_weekday(ordinal: int) -> int:
    while weekday(ordinal) >= 5:
        ordinal += 1
    return ordinal


def business_days_after(ordinal: int, count: int) -> int:
    return add_business_days(dt.date.fromordinal(ordinal), count).toordinal()


def months(start: int, today: int) -> list[int]:
    """The first day of each month that begins within [start, today]."""
    day = dt.date.fromordinal(start).replace(day=1)
    firsts = []
    while day.toordinal() <= today:
        if day.toordinal() >= start:
            firsts.append(day.toordinal())
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return firsts


def periods(start: int, today: int) -> list[tuple[int, int]]:
    """30-day periods ending on `today`, oldest first; the last three are exactly the
    recent 90 days of the trend figures."""
    found, end = [], today
    while end >= start:
        first = max(start, end - 29)
        found.append((first, end))
        end = first - 1
    return found[::-1]
