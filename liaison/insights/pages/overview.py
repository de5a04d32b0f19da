"""Insights: the network overview — referrals and new patients by month (this year against
last), the share of new patients by channel, the top partners by value beside the top
partners by count, and the partners whose trend changed this month."""

import datetime as dt
from dataclasses import dataclass

from liaison.care.models import Channel
from liaison.insights.monthly_counts import month_start
from liaison.insights.pages.common import (
    csv_table,
    filters_for,
    insights_page,
    render_page,
    rounded,
)
from liaison.insights.pages.partner_links import linked
from liaison.insights.queries import (
    kept_channels,
    kept_months_against_last_year,
    kept_scorecards,
)
from liaison.insights.scope import Scope
from liaison.insights.scorecards import PartnerScorecard, Trend
from liaison.partners.specialties import SpecialtySlug

TOP = 10


@insights_page
def page(request):
    filters = filters_for(request)
    scope = filters.scope
    months = kept_months_against_last_year(scope=scope)
    shares = channel_shares(scope)
    cards = kept_scorecards(scope=scope)
    by_value, by_count = top_by_value(cards), top_by_referrals(cards)
    changes = trend_changes(kept_scorecards(scope=month_before(scope)), cards)
    download = csv_table(
        request,
        {
            "months": lambda: months_table(months),
            "channels": lambda: channels_table(shares),
            "top-partners": lambda: top_table(by_value, by_count),
            "trend-changes": lambda: changes_table(changes),
        },
    )
    if download is not None:
        return download
    links = {row.card.pk: row for row in linked([*by_value, *by_count, *changes_cards(changes)])}
    return render_page(
        request,
        "insights/overview.html",
        filters,
        {
            "months": months,
            "months_chart": months_chart(months),
            "shares": shares,
            "shares_chart": shares_chart(shares),
            "by_value": [links[c.pk] for c in by_value],
            "by_count": [links[c.pk] for c in by_count],
            "value_sentence": value_against_count(by_value, by_count),
            "changes": [(links[ch.card.pk], ch.was) for ch in changes],
            "previous_as_of": month_before(scope).as_of,
        },
    )


# ----- Channels --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelShare:
    channel: str
    label: str
    new_patients: int
    share: float | None


def channel_shares(scope: Scope) -> list[ChannelShare]:
    """Each channel's new patients and their share of all new patients in the window."""
    figures = kept_channels(scope=scope)
    everyone = sum(f.new_patients for f in figures)
    labels = dict(Channel.choices)
    return [
        ChannelShare(
            f.channel,
            labels.get(f.channel, f.channel),
            f.new_patients,
            f.new_patients / everyone if everyone else None,
        )
        for f in figures
    ]


# ----- Top partners ----------------------------------------------------------------------


def top_by_value(cards: list[PartnerScorecard]) -> list[PartnerScorecard]:
    """The partners who referred in the window, the highest value score first (the overview
    and the monthly summary list the same ones)."""
    scored = [c for c in cards if c.value_score is not None and c.referrals > 0]
    return sorted(scored, key=lambda c: (-c.value_score, c.name))[:TOP]


def top_by_referrals(cards: list[PartnerScorecard]) -> list[PartnerScorecard]:
    referring = [c for c in cards if c.referrals > 0]
    return sorted(referring, key=lambda c: (-c.referrals, c.name))[:TOP]


def value_against_count(by_value: list[PartnerScorecard], by_count: list[PartnerScorecard]) -> str:
    """One sentence: how far the partners worth the most differ from those who send the most."""
    if not by_value or not by_count:
        return "No partner has referred in this window yet."
    busiest = {c.pk for c in by_count}
    both = sum(1 for c in by_value if c.pk in busiest)
    best, most = by_value[0], by_count[0]
    if best.pk == most.pk:
        return (
            f"{best.name} both sends the most referrals and is worth the most; "
            f"{both} of the top {len(by_value)} by value are also among the busiest."
        )
    return (
        f"{best.name} is worth the most with {best.referrals} referrals, while "
        f"{most.name} sends the most ({most.referrals}); {both} of the top "
        f"{len(by_value)} by value are also among the top {len(by_count)} by referrals."
    )


# ----- Trend changes ---------------------------------------------------------------------


def month_before(scope: Scope) -> Scope:
    """The same figures as of the last day of the month before D's."""
    last_day = month_start(scope.as_of) - dt.timedelta(days=1)
    return Scope(as_of=last_day, window_days=scope.window_days, location_id=scope.location_id)


@dataclass(frozen=True)
class TrendChange:
    card: PartnerScorecard
    was: str


def trend_changes(before: list[PartnerScorecard], now: list[PartnerScorecard]) -> list[TrendChange]:
    """Partners whose trend label differs from the one at the end of last month, the ones
    turning sour first."""
    was = {c.pk: c.trend for c in before}
    changes = [
        TrendChange(c, was.get(c.pk, Trend.NONE))
        for c in now
        if c.trend != was.get(c.pk, Trend.NONE)
    ]
    sour = (Trend.DECLINING, Trend.DORMANT)
    return sorted(changes, key=lambda ch: (ch.card.trend not in sour, ch.card.name))


def changes_cards(changes: list[TrendChange]) -> list[PartnerScorecard]:
    return [ch.card for ch in changes]


# ----- Charts and tables -----------------------------------------------------------------


def months_chart(months) -> dict:
    return {
        "labels": [m.month.strftime("%b") for m in months],
        "year": months[0].month.year if months else None,
        "referrals": [m.referrals for m in months],
        "referrals_last_year": [m.referrals_last_year for m in months],
        "new_patients": [m.new_patients for m in months],
        "new_patients_last_year": [m.new_patients_last_year for m in months],
    }


def shares_chart(shares: list[ChannelShare]) -> dict:
    return {"labels": [s.label for s in shares], "values": [s.new_patients for s in shares]}


def months_table(months):
    year = months[0].month.year
    header = [
        "month",
        f"referrals {year}",
        f"referrals {year - 1}",
        f"new patients {year}",
        f"new patients {year - 1}",
    ]
    return header, [
        [
            m.month.strftime("%B"),
            m.referrals,
            m.referrals_last_year,
            m.new_patients,
            m.new_patients_last_year,
        ]
        for m in months
    ]


def channels_table(shares: list[ChannelShare]):
    return ["channel", "new patients", "share"], [
        [s.label, s.new_patients, rounded(s.share)] for s in shares
    ]


def top_table(by_value, by_count):
    header = ["list", "rank", "partner id", "partner", "referrals", "quality index", "value score"]
    rows = []
    for name, cards in (("by value score", by_value), ("by referrals", by_count)):
        rows += [
            [name, rank, c.partner_id, c.name, c.referrals, rounded(c.quality_index), c.value_score]
            for rank, c in enumerate(cards, 1)
        ]
    return header, rows


def changes_table(changes: list[TrendChange]):
    specialties = dict(SpecialtySlug.choices)
    return ["partner id", "partner", "specialty", "trend last month", "trend now"], [
        [
            ch.card.partner_id,
            ch.card.name,
            specialties.get(ch.card.specialty, ch.card.specialty),
            ch.was,
            ch.card.trend,
        ]
        for ch in changes
    ]
