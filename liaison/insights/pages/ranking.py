"""Insights: the partner ranking — every scorecard field in a table sorted on the server,
the quality factors whose product is the quality index and the worked example that shows why,
a scatter of volume against quality, filters by specialty and trend, and the whole filtered
table as CSV."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.paginator import Paginator

from liaison.insights.pages.common import csv_table, filters_for, insights_page, render_page
from liaison.insights.pages.partner_links import linked
from liaison.insights.queries import kept_scorecards
from liaison.insights.scorecards import (
    SHRINKAGE_STRENGTH,
    PartnerScorecard,
    Pooled,
    Trend,
    quality_factors,
    value_score,
)
from liaison.insights.stats import shrink
from liaison.partners.specialties import SpecialtySlug

PER_PAGE = 50
QUALITY_IN_ONE_SENTENCE = (
    "How likely a referral from this partner is to be appropriate, complete its plan and reach "
    "a real improvement, against the practice's average partner (1.00): the three factors "
    "multiplied, each pulled towards the average while the partner has few patients."
)


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    help: str


# Every scorecard field, in the order of the table, with its meaning in plain words.
COLUMNS = [
    Column("name", "Partner", "The referring partner."),
    Column("specialty", "Specialty", "The partner's specialty."),
    Column("referrals", "Referrals", "Referrals received in the window."),
    Column(
        "mature_referrals",
        "Mature",
        "Of those, referrals at least 30 days old: they have had a fair chance to be seen.",
    ),
    Column("seen", "Seen", "Referrals in the window whose patient has had an attended visit."),
    Column("conversion_rate", "Conversion", "Of the mature referrals, the share seen."),
    Column("declined_not_appropriate", "Declined", "Referrals we declined as not appropriate."),
    Column("appropriateness_rate", "Appropriate", "1 − declined as not appropriate ÷ referrals."),
    Column(
        "median_days_to_first_visit",
        "Days to visit",
        "Median days from receiving the referral to the first attended visit.",
    ),
    Column(
        "closed_episodes",
        "Closed episodes",
        "Episodes of the partner's patients closed in the window.",
    ),
    Column(
        "compliance_rate",
        "Compliance",
        "Over those episodes: attended ÷ planned visits (at most 1).",
    ),
    Column(
        "outcome_success_rate",
        "Outcome success",
        "Over those episodes: the share whose primary measure improved by at least its MCID.",
    ),
    Column(
        "factor_appropriateness",
        "Appropriate ×",
        "The appropriateness rate pulled "
        "towards the practice's rate (as if the partner had ten more referrals at that rate), "
        "divided by the practice's rate: above 1, better than the average partner.",
    ),
    Column(
        "factor_compliance",
        "Compliance ×",
        "The compliance rate pulled the same way, divided by the practice's.",
    ),
    Column(
        "factor_outcome_success",
        "Outcome ×",
        "The outcome success rate pulled the same way, divided by the practice's.",
    ),
    Column("quality_index", "Quality index", QUALITY_IN_ONE_SENTENCE),
    Column("revenue", "Revenue", "Payments in the window on the partner's patients' episodes."),
    Column("value_score", "Value score", "Revenue × quality index."),
    Column("recent_referrals", "Last 90 days", "Referrals received in the last 90 days."),
    Column(
        "baseline_referrals", "Baseline", "Referrals received in the 365 days before the last 90."
    ),
    Column(
        "expected_recent",
        "Expected",
        "What the baseline predicts for 90 days: baseline × 90 ÷ 365.",
    ),
    Column(
        "p_decline",
        "p (drop)",
        "The chance of so few recent referrals by luck alone, if nothing had changed.",
    ),
    Column("p_growth", "p (rise)", "The chance of so many recent referrals by luck alone."),
    Column(
        "trend",
        "Trend",
        "Declining or growing when the change is at least 30 % and "
        "unlikely by chance (p < 0.05); dormant after 180 days without a referral; new "
        "when the first referral is in the last 90 days.",
    ),
    Column("last_referral_on", "Last referral", "The day of the latest referral."),
    Column("last_touchpoint_on", "Last contact", "The day of the latest touchpoint."),
    Column(
        "needs_reconnect",
        "Needs a call",
        "Declining or dormant, and no touchpoint in the last 30 days.",
    ),
]
SORTABLE = {c.field for c in COLUMNS}
TRENDS = [Trend.DECLINING, Trend.DORMANT, Trend.GROWING, Trend.STEADY, Trend.NEW, Trend.NONE]


class RankingForm(forms.Form):
    specialty = forms.ChoiceField(
        choices=[("", "Any specialty"), *SpecialtySlug.choices], required=False
    )
    trend = forms.ChoiceField(
        choices=[("", "Any trend"), *((t, t.capitalize()) for t in TRENDS)], required=False
    )
    sort = forms.ChoiceField(choices=[(c.field, c.label) for c in COLUMNS], required=False)
    dir = forms.ChoiceField(choices=[("desc", "Descending"), ("asc", "Ascending")], required=False)


SPECIALTIES = dict(SpecialtySlug.choices)


def figure(card: PartnerScorecard, field: str):
    """A column's value for one partner: a scorecard field, a quality factor or the
    specialty's name."""
    if field.startswith("factor_"):
        return card.factors.get(field.removeprefix("factor_"))
    if field == "specialty":
        return SPECIALTIES.get(card.specialty, card.specialty)
    return getattr(card, field)


def chosen(cards: list[PartnerScorecard], specialty: str = "", trend: str = ""):
    return [
        c
        for c in cards
        if (not specialty or c.specialty == specialty) and (not trend or c.trend == trend)
    ]


def sorted_cards(cards: list[PartnerScorecard], field: str, descending: bool):
    """Sorted by `field`, ties by name; a missing figure goes last whichever the direction."""
    pairs = sorted(((figure(c, field), c) for c in cards), key=lambda pair: pair[1].name)
    present = [pair for pair in pairs if pair[0] is not None]
    missing = [card for value, card in pairs if value is None]
    text = field in ("name", "trend", "specialty")
    present.sort(
        key=(lambda pair: pair[0].lower()) if text else (lambda pair: pair[0]), reverse=descending
    )
    return [card for _, card in present] + missing


@insights_page
def page(request):
    filters = filters_for(request)
    form = RankingForm(request.GET)
    choice = form.cleaned_data if form.is_valid() else {}
    field = choice.get("sort") or "value_score"
    descending = (choice.get("dir") or "desc") == "desc"
    cards = chosen(
        kept_scorecards(scope=filters.scope), choice.get("specialty", ""), choice.get("trend", "")
    )
    cards = sorted_cards(cards, field, descending)
    download = csv_table(request, {"ranking": lambda: ranking_table(cards)})
    if download is not None:
        return download
    page_ = Paginator(cards, PER_PAGE).get_page(request.GET.get("page"))
    example_pooled, example = worked_example()
    return render_page(
        request,
        "insights/ranking.html",
        filters,
        {
            "form": form,
            "columns": COLUMNS,
            "sort": field,
            "descending": descending,
            "page": page_,
            "rows": shown_rows(page_.object_list),
            "quality_in_one_sentence": QUALITY_IN_ONE_SENTENCE,
            "example": example,
            "example_pooled": example_pooled,
            "scatter": scatter(cards),
            "query": _query(request, "page"),
            "filter_query": _query(request, "page", "sort", "dir"),
        },
    )


RATES = {"conversion_rate", "appropriateness_rate", "compliance_rate", "outcome_success_rate"}
FACTORS = {"factor_appropriateness", "factor_compliance", "factor_outcome_success"}
MONEY = {"revenue", "value_score"}
ONE_DECIMAL = {"median_days_to_first_visit", "expected_recent"}
P_VALUES = {"p_decline", "p_growth"}
TEXT = {"specialty", "trend"}
TREND_BADGES = {
    Trend.DECLINING: "badge badge--declining",
    Trend.DORMANT: "badge badge--declining",
    Trend.GROWING: "badge badge--growing",
    Trend.NEW: "badge",
    Trend.STEADY: "badge",
    Trend.NONE: "muted",
}


@dataclass(frozen=True)
class ShownRow:
    """A table row as the page shows it: the partner and its link, then the cells."""

    card: PartnerScorecard
    code: object
    cells: list[tuple[str, str, str]]  # (cell class, text, badge class), after the name


def shown_rows(cards: list[PartnerScorecard]) -> list[ShownRow]:
    codes = {row.card.pk: row.code for row in linked(cards)}
    return [
        ShownRow(c, codes.get(c.pk), [_shown_cell(c, col.field) for col in COLUMNS[1:]])
        for c in cards
    ]


def _shown_cell(card: PartnerScorecard, field: str) -> tuple[str, str, str]:
    if field == "trend":
        return "", Trend(card.trend).label, TREND_BADGES[card.trend]
    return ("" if field in TEXT else "num"), shown(card, field), ""


def shown(card: PartnerScorecard, field: str) -> str:
    """One figure in words or digits as the table shows it; a dash when there is none."""
    value = figure(card, field)
    if value is None:
        return "—"
    if field in RATES:
        return f"{value * 100:.0f} %"
    if field in MONEY:
        return f"${value:,.0f}"
    if field == "quality_index" or field in FACTORS:
        return f"{value:.2f}"
    if field in ONE_DECIMAL:
        return f"{value:.1f}"
    if field in P_VALUES:
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    if isinstance(value, bool):
        return "Yes" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    if hasattr(value, "strftime"):
        return value.strftime("%b %-d, %Y")
    return str(value)


@dataclass(frozen=True)
class ExamplePartner:
    """One partner of the worked example, as the ranking would score it."""

    patients: int
    compliance: float
    improved: int
    revenue: Decimal
    factors: dict
    quality_index: float
    value_score: Decimal


VISIT_FEE = Decimal("100.00")
PLANNED_VISITS = 10


def worked_example() -> tuple[Pooled, list[ExamplePartner]]:
    """The article's test case, computed by the scorecards' own formulas: five appropriate
    patients who complete ten planned visits and all improve, against fifteen who attend four
    in ten and of whom four improve, every attended visit paying the same."""
    sides = [(5, 10, 5), (15, 4, 4)]  # patients, visits attended of ten, improved
    patients = sum(n for n, _, _ in sides)
    pooled = Pooled(
        appropriateness=1.0,
        compliance=sum(n * attended for n, attended, _ in sides) / PLANNED_VISITS / patients,
        outcome_success=sum(improved for _, _, improved in sides) / patients,
    )
    return pooled, [_example_partner(n, a, improved, pooled) for n, a, improved in sides]


def _example_partner(n: int, attended: int, improved: int, pooled: Pooled) -> ExamplePartner:
    compliance = attended / PLANNED_VISITS
    shrunk = {
        "appropriateness": shrink(n, n, pooled.appropriateness, SHRINKAGE_STRENGTH),
        "compliance": shrink(n * compliance, n, pooled.compliance, SHRINKAGE_STRENGTH),
        "outcome_success": shrink(improved, n, pooled.outcome_success, SHRINKAGE_STRENGTH),
    }
    factors = quality_factors(shrunk, pooled)
    quality = math.prod(factors.values())
    revenue = VISIT_FEE * n * attended
    return ExamplePartner(
        n, compliance, improved, revenue, factors, quality, value_score(revenue, quality)
    )


def scatter(cards: list[PartnerScorecard]) -> dict:
    """Referrals against quality index, for the partners who referred (parallel lists)."""
    points = [c for c in cards if c.referrals and c.quality_index is not None]
    return {
        "x": [c.referrals for c in points],
        "y": [round(c.quality_index, 3) for c in points],
        "names": [c.name for c in points],
    }


def ranking_table(cards: list[PartnerScorecard]):
    header = ["partner id", *(c.field for c in COLUMNS)]
    return header, ([c.partner_id, *(_cell(c, col.field) for col in COLUMNS)] for c in cards)


def _cell(card: PartnerScorecard, field: str):
    value = figure(card, field)
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 6)
    return value


def _query(request, *without: str) -> str:
    query = request.GET.copy()
    for key in (*without, "csv"):
        query.pop(key, None)
    return query.urlencode()
