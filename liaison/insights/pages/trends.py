"""Insights: trends and reconnects — declining, dormant, growing and new partners with the
evidence (recent against expected, the p-value in words), the last touchpoint and a
one-click plan, and for a chosen partner the referrals per month against its baseline band."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from liaison.insights.pages.common import csv_table, filters_for, insights_page, render_page
from liaison.insights.pages.partner_links import Linked, linked
from liaison.insights.queries import kept_partner_months, kept_scorecards
from liaison.insights.scope import RECENT_DAYS
from liaison.insights.scorecards import PartnerScorecard, Trend
from liaison.partners.models import Partner

SHOWN_PER_GROUP = 25
PLAN_IN_DAYS = 7


@dataclass(frozen=True)
class Group:
    trend: str
    title: str
    explain: str
    cards: list[PartnerScorecard]


GROUPS = [
    (
        Trend.DECLINING,
        Trend.DECLINING.label,
        "Fewer referrals in the last 90 days than the year before "
        "predicts, by at least 30 % and unlikely by chance.",
    ),
    (Trend.DORMANT, Trend.DORMANT.label, "No referral for 180 days or more."),
    (
        Trend.GROWING,
        Trend.GROWING.label,
        "More referrals than the year before predicts, by at least 30 % and unlikely by chance.",
    ),
    (Trend.NEW, Trend.NEW.label, "Their first referral came in the last 90 days."),
]


def grouped(cards: list[PartnerScorecard]) -> list[Group]:
    """The four groups worth acting on, the strongest evidence first."""

    def order(card: PartnerScorecard):
        if card.trend == Trend.GROWING:
            return (card.p_growth, card.name)
        if card.trend == Trend.DECLINING:
            return (card.p_decline, card.name)
        return (-(card.last_referral_on or dt.date.min).toordinal(), card.name)

    return [
        Group(trend, title, explain, sorted((c for c in cards if c.trend == trend), key=order))
        for trend, title, explain in GROUPS
    ]


def chance_in_words(p: float) -> str:
    """A p-value as odds a person reads: 0.025 → "about 1 in 40"."""
    if p >= 0.5:
        return "about even"
    if p < 0.001:
        return "less than 1 in 1,000"
    return f"about 1 in {_round_odds(1 / p):,}"


def _round_odds(odds: float) -> int:
    """Two significant figures at most: 1 in 37.4 → 37, 1 in 243 → 240."""
    n = round(odds)
    if n >= 100:
        return int(round(n, -len(str(n)) + 2))
    return n


def evidence(card: PartnerScorecard) -> str:
    """Recent against expected, and the p-value in words."""
    recent = (
        f"{card.recent_referrals} in the last {RECENT_DAYS} days against "
        f"{card.expected_recent:.1f} expected"
    )
    if card.trend == Trend.NEW:
        return f"{card.recent_referrals} since their first referral; no year before to compare"
    if card.trend == Trend.GROWING:
        return f"{recent}: {chance_in_words(card.p_growth)} chance of a rise this large by luck"
    return f"{recent}: {chance_in_words(card.p_decline)} chance of a drop this large by luck"


def plan_url(code: uuid.UUID, card: PartnerScorecard, as_of: dt.date) -> str:
    """The partner's page, its plan-a-touchpoint form filled in as far as we can."""
    planned_on = max(as_of, timezone.localdate()) + dt.timedelta(days=PLAN_IN_DAYS)
    query = urlencode(
        {
            "planned_on": planned_on.isoformat(),
            "kind": "lunch",
            "notes": f"Reconnect: {evidence(card)}."[:500],
        }
    )
    return f"{reverse('partners-detail', args=[code])}?{query}#plan-touchpoint"


@dataclass(frozen=True)
class TrendRow:
    link: Linked
    evidence: str
    plan_url: str


@dataclass(frozen=True)
class ShownGroup:
    group: Group
    rows: list[TrendRow]  # the first SHOWN_PER_GROUP

    @property
    def more(self) -> int:
        return len(self.group.cards) - len(self.rows)


def shown_groups(groups: list[Group], as_of: dt.date) -> list[ShownGroup]:
    """The first rows of each group with their links: one query for all the codes."""
    shown = [card for g in groups for card in g.cards[:SHOWN_PER_GROUP]]
    links = {row.card.pk: row for row in linked(shown)}
    return [
        ShownGroup(g, [_row(links[c.pk], as_of) for c in g.cards[:SHOWN_PER_GROUP]]) for g in groups
    ]


def _row(link: Linked, as_of: dt.date) -> TrendRow:
    card = link.card
    url = plan_url(link.code, card, as_of) if link.code else ""
    return TrendRow(link, evidence(card), url)


def chosen_card(request, cards: list[PartnerScorecard]) -> PartnerScorecard | None:
    code = request.GET.get("partner")
    try:
        code = uuid.UUID(code) if code else None
    except ValueError:
        return None
    if code is None:
        return None
    pk = Partner.objects.filter(code=code).values_list("pk", flat=True).first()
    return next((c for c in cards if c.pk == pk), None) if pk else None


@insights_page
def page(request):
    filters = filters_for(request)
    scope = filters.scope
    cards = kept_scorecards(scope=scope)
    groups = grouped(cards)
    card = chosen_card(request, cards)
    chart = kept_partner_months(scope=scope, card=card) if card else None
    download = csv_table(
        request,
        {
            **{g.trend: (lambda g=g: group_table(g)) for g in groups},
            **({"partner-months": lambda: months_table(chart)} if chart else {}),
        },
    )
    if download is not None:
        return download
    return render_page(
        request,
        "insights/trends.html",
        filters,
        {
            "groups": shown_groups(groups, scope.as_of),
            "chosen": card,
            "chart": chart,
            "chosen_code": request.GET.get("partner", "") if card else "",
            "chart_rows": _chart_rows(chart),
        },
    )


def _chart_rows(chart: dict | None) -> list[tuple[str, int]]:
    return list(zip(chart["labels"], chart["referrals"], strict=True)) if chart else []


def group_table(group: Group):
    header = [
        "partner id",
        "partner",
        "trend",
        "recent referrals",
        "expected",
        "p drop",
        "p rise",
        "last referral",
        "last touchpoint",
        "evidence",
    ]
    return header, [
        [
            c.partner_id,
            c.name,
            c.trend,
            c.recent_referrals,
            round(c.expected_recent, 2),
            round(c.p_decline, 6),
            round(c.p_growth, 6),
            c.last_referral_on,
            c.last_touchpoint_on,
            evidence(c),
        ]
        for c in group.cards
    ]


def months_table(chart: dict):
    return ["month", "referrals", "baseline mean", "band low", "band high"], [
        [m, n, chart["mean"], chart["low"], chart["high"]]
        for m, n in zip(chart["months"], chart["referrals"], strict=True)
    ]
