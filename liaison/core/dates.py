"""Calendar arithmetic shared by the due rules and the figures."""

import datetime as dt


def add_business_days(day: dt.date, count: int) -> dt.date:
    """Count forward one day at a time, Monday to Friday only, until `count` are counted.

    Saturday + 2 is Tuesday; Friday + 2 is Tuesday.
    """
    counted = 0
    while counted < count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day
