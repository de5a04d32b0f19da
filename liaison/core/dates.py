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


# The one plausibility rule for a date typed or sent by anyone (forms, the API, the command
# line, the practice files): a year of this span. It keeps dates whose arithmetic (a window
# ten years back, a due date weeks ahead) stays within the calendar, and typos out.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
PLAUSIBLE = f"a date between {EARLIEST.year} and {LATEST.year}"
# The same years as a pattern an ISO date matches, for the API's description.
PLAUSIBLE_YEAR = r"^(19\d\d|20\d\d|2100)-"


def implausible(day: dt.date) -> str | None:
    """What is wrong with `day`, in words, or None when it is plausible."""
    if not EARLIEST <= day <= LATEST:
        return f"{day.isoformat()} is not {PLAUSIBLE}."
    return None


def validate_plausible(day: dt.date | None) -> None:
    """A Django validator for date fields."""
    from django.core.exceptions import ValidationError

    if day is not None and (problem := implausible(day)):
        raise ValidationError(problem, code="implausible_date")


def date_argument(text: str) -> dt.date:
    """An argparse `type` for a command's date option: ISO and plausible, or a message."""
    import argparse

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD).") from None
    if problem := implausible(day):
        raise argparse.ArgumentTypeError(problem)
    return day
