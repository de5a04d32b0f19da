"""Day counts in words for the work lists ("today", "yesterday", "3 days ago", "in 2 days"),
and the figures' rates, money and ratios as the pages show them."""

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


def _days(day: dt.date | None, reference: dt.date | None) -> int | None:
    if day is None:
        return None
    return ((reference or timezone.localdate()) - day).days


@register.filter
def days_ago(day: dt.date | None, reference: dt.date | None = None) -> str:
    n = _days(day, reference)
    if n is None:
        return ""
    if n == 0:
        return "today"
    if n == 1:
        return "yesterday"
    if n < 0:
        return f"in {-n} day{'s' if n < -1 else ''}"
    return f"{n} days ago"


@register.filter
def days_late(day: dt.date | None, reference: dt.date | None = None) -> str:
    """How long past due: "due today", "1 day overdue", "12 days overdue"."""
    n = _days(day, reference)
    if n is None:
        return ""
    if n <= 0:
        return "due today" if n == 0 else f"due in {-n} day{'s' if n < -1 else ''}"
    return f"{n} day{'s' if n > 1 else ''} overdue"


@register.filter
def one_decimal(value) -> str:
    return "" if value is None else f"{value:.1f}".removesuffix(".0")


@register.filter
def percent(value) -> str:
    """A rate (0–1) as a whole percentage; a missing rate is shown as a dash."""
    return "—" if value is None else f"{value * 100:.0f} %"


@register.filter
def times(ratio) -> str:
    """A ratio of two amounts to one decimal (3.2×); a missing ratio is a dash."""
    return "—" if ratio is None else f"{ratio:.1f}×"
