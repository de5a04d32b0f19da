"""The owner's monthly summary as a PDF: the month's figures on a few printed pages.

A month is read as of its last day. Every figure comes through the insights' door, queries.py (the
same numbers as `liaison scorecards` and the insights pages); nothing here names a patient.
Rendered with WeasyPrint, imported only when a PDF is made (as in reports/pdf.py).
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from liaison.accounts.models import Location
from liaison.care.models import Channel
from liaison.core.dates import EARLIEST, LATEST
from liaison.insights.pages.common import filters_for, insights_page
from liaison.insights.pages.overview import top_by_referrals, top_by_value
from liaison.insights.queries import (
    kept_channels,
    kept_gaps,
    kept_response,
    kept_scorecards,
    referrals_per_month,
)
from liaison.insights.scope import Scope
from liaison.insights.scorecards import PartnerScorecard, Trend

LONGEST_LIST = 25  # a longer list is cut, its length said: the summary stays a few pages


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        """'YYYY-MM' → Month; ValueError for anything else."""
        year, _, month = text.partition("-")
        if len(year) != 4 or len(month) != 2 or not (year + month).isdigit():
            raise ValueError(f"{text!r} is not a month (YYYY-MM).")
        if not 1 <= int(month) <= 12:
            raise ValueError(f"{text!r} is not a month (YYYY-MM).")
        if not EARLIEST.year <= int(year) <= LATEST.year:
            raise ValueError(f"{text!r} is not a month between {EARLIEST.year} and {LATEST.year}.")
        return cls(int(year), int(month))

    @classmethod
    def last_complete(cls, on: dt.date) -> "Month":
        """The latest month whose last day is on or before `on`."""
        month = cls(on.year, on.month)
        return month if month.last_day == on else month.before()

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, self.days)

    @property
    def label(self) -> str:
        return self.last_day.strftime("%B %Y")

    def before(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def year_before(self) -> "Month":
        return Month(self.year - 1, self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_scope(month: Month, location_id: int | None) -> Scope:
    """Exactly the month: as of its last day, a window of its length."""
    return Scope(as_of=month.last_day, window_days=month.days, location_id=location_id)


def year_scope(month: Month, location_id: int | None) -> Scope:
    """The usual 12-month window, as of the month's last day."""
    return Scope(as_of=month.last_day, location_id=location_id)


def headline(month: Month, location_id: int | None) -> dict:
    """Referrals and new patients by channel in the month against the same month last year."""
    now, then = month_scope(month, location_id), month_scope(month.year_before(), location_id)
    new_now = {c.channel: c.new_patients for c in kept_channels(scope=now)}
    new_then = {c.channel: c.new_patients for c in kept_channels(scope=then)}
    channels = [
        {"label": label, "now": new_now.get(value, 0), "then": new_then.get(value, 0)}
        for value, label in Channel.choices
        if value in new_now or value in new_then
    ]
    return {
        "referrals": {"now": _referrals(now, month), "then": _referrals(then, month.year_before())},
        "new_patients": {"now": sum(new_now.values()), "then": sum(new_then.values())},
        "channels": channels,
    }


def _referrals(scope: Scope, month: Month) -> int:
    """Referrals received in the month: one aggregate, as the overview's chart counts them."""
    return sum(referrals_per_month(scope, since=month.last_day.replace(day=1)).values())


@dataclass(frozen=True)
class Cut:
    """The first LONGEST_LIST items of a list, and how many more there are."""

    items: list
    more: int


def cut(items: list) -> Cut:
    return Cut(items[:LONGEST_LIST], max(0, len(items) - LONGEST_LIST))


def to_reconnect(cards: list[PartnerScorecard]) -> list[PartnerScorecard]:
    """Partners who need a call, those with the most referrals expected first."""
    return sorted((c for c in cards if c.needs_reconnect), key=_most_expected)


def _most_expected(card: PartnerScorecard) -> tuple:
    return -card.expected_recent, card.name


def trend_changes(cards: list[PartnerScorecard], before: list[PartnerScorecard]) -> list[dict]:
    """Partners whose trend at the month's end differs from the month before's end, those
    with the most referrals expected first."""
    previous = {c.pk: c.trend for c in before}
    return [
        {"card": c, "was": previous.get(c.pk, Trend.NONE)}
        for c in sorted(cards, key=_most_expected)
        if c.trend != previous.get(c.pk, Trend.NONE)
    ]


def monthly_summary(month: Month, location: Location | None = None) -> dict:
    """Everything the summary shows, for the month and perhaps one location."""
    location_id = location.pk if location else None
    scope = year_scope(month, location_id)
    cards = kept_scorecards(scope=scope)
    gaps = kept_gaps(scope=scope)
    return {
        "month": month,
        "location": location,
        "as_of": scope.as_of,
        "headline": headline(month, location_id),
        "top_by_value": top_by_value(cards),
        "top_by_count": top_by_referrals(cards),
        "to_reconnect": cut(to_reconnect(cards)),
        "trend_changes": cut(
            trend_changes(cards, kept_scorecards(scope=year_scope(month.before(), location_id)))
        ),
        "channels": [(Channel(c.channel).label, c) for c in kept_channels(scope=scope)],
        "response": kept_response(scope=month_scope(month, location_id)),
        "gaps": gaps,
        "gap_zips": cut(
            sorted((z for z in gaps.zips if z.gap), key=lambda z: (-z.new_patients, z.zip))
        ),
    }


def summary_pdf(summary: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("insights/monthly_summary.html", summary)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


@insights_page
def page(request):
    """The PDF of ?month=YYYY-MM (default: the last complete month of the filters' as-of date),
    for the filters' location."""
    filters = filters_for(request)
    try:
        month = (
            Month.parse(request.GET["month"])
            if "month" in request.GET
            else (Month.last_complete(filters.as_of))
        )
    except ValueError as error:
        return HttpResponse(f"month: {error}", status=400, content_type="text/plain")
    response = HttpResponse(
        summary_pdf(monthly_summary(month, filters.location)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="liaison-summary-{month}.pdf"'
    return response
