"""Presentation helpers for the templates: labels and arrangements, never business rules."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def age(birth_date: dt.date | None) -> int | None:
    """Whole years from `birth_date` to today in the practice's time zone."""
    if not birth_date:
        return None
    today = timezone.localdate()
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


@register.filter
def money(amount, places: int = 0) -> str:
    """Dollars as the pages show them: "$1,234", or with `places=2` "$1,234.50" where cents
    matter (spend, costs); a missing amount is a dash."""
    if amount is None or amount == "":
        return "—"
    value = Decimal(str(amount)).quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_UP)
    sign = "−" if value < 0 else ""
    return f"{sign}${abs(value):,.{int(places)}f}"
