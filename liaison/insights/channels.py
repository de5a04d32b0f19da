"""Channel figures (docs/metrics.md, "Channels"): what each way of finding us brings."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, Q, Sum, Value, When

from liaison.care.models import Channel, MarketingSpend
from liaison.insights.care_sums import (
    CareSums,
    care_sums,
    closed_episode_facts,
    closed_in_window,
    located,
    regroup,
)
from liaison.insights.facts import cents
from liaison.insights.models import ChannelMonth, PatientFacts
from liaison.insights.monthly_counts import month_start
from liaison.insights.scope import Scope
from liaison.insights.sql import CENT, fetch, money
from liaison.partners.models import Touchpoint


@dataclass(frozen=True)
class ChannelFigures:
    channel: str
    new_patients: int
    ltv_12m: Decimal | None
    ltv_24m: Decimal | None
    spend: Decimal | None
    cost_per_new_patient: Decimal | None
    ltv_to_cac: float | None
    return_rate: float | None
    compliance_rate: float | None
    # False for a channel listed only for its spend: no patient of it was first seen by D.
    # The pages show such a channel (money spent that brought nobody yet); the documents of
    # `liaison scorecards` and the API list the channels with patients only.
    has_patients: bool = True


def channel_figures(
    *, scope: Scope, care: dict[str, CareSums] | None = None
) -> list[ChannelFigures]:
    """One object per channel with a patient first seen by D or with spend in the window, in
    the order of the Channel choices; three queries (two when the closed episodes' sums per
    channel are given)."""
    rows = {row["channel"]: row for row in _channel_rows(scope)}
    spend = channel_spend(scope)
    care = _channel_care(scope) if care is None else care
    return [
        _figures(
            channel,
            rows.get(channel, NO_PATIENTS),
            spend.get(channel),
            care.get(channel, CareSums()),
            has_patients=channel in rows,
        )
        for channel in Channel.values
        if channel in rows or channel in spend
    ]


# The sums each channel figure is made of: a measure over the patients first seen on or
# before a cut day (docs/metrics.md, "Channels").
SUMS = {
    "patients": [
        "d",
        "window",
        "cohort_end",
        "cohort",
        "cohort_24m_end",
        "cohort_24m",
        "returning",
    ],
    "first_year_cents": ["cohort_end", "cohort"],
    "first_two_years_cents": ["cohort_24m_end", "cohort_24m"],
    "second_episodes": ["returning"],
}
MONTH_MEASURES = {name: F(name) for name in SUMS}
DAY_MEASURES = {
    "patients": Value(1),
    "first_year_cents": F("first_year_cents"),
    "first_two_years_cents": F("first_two_years_cents"),
    "second_episodes": Case(When(second_episode_on__isnull=False, then=Value(1)), default=Value(0)),
}


def _cut_days(scope: Scope) -> dict[str, dt.date]:
    day_before = dt.timedelta(days=1)
    cohort_start, cohort_end = scope.ltv_cohort
    cohort_24m_start, cohort_24m_end = scope.ltv_24m_cohort
    return {
        "d": scope.as_of,
        "window": scope.window_start - day_before,
        "cohort_end": cohort_end,
        "cohort": cohort_start - day_before,
        "cohort_24m_end": cohort_24m_end,
        "cohort_24m": cohort_24m_start - day_before,
        "returning": scope.returning_until,
    }


def _channel_rows(scope: Scope) -> list[dict]:
    """Patients per channel — new, in each LTV cohort (and their payments of its span), seen,
    returning and returned — in one query whatever the history: each sum over the patients
    first seen by a cut day reads the whole months before that day's month from
    `ChannelMonth`, and the days from the month's start to the cut day from the patient facts."""
    cuts = _cut_days(scope)
    # First seen by the returning cut, second episode started after D: not returned as of D.
    late = Q(first_visit_on__lte=scope.returning_until, second_episode_on__gt=scope.as_of)
    months = located(ChannelMonth.objects.filter(month__lte=scope.as_of), scope, "location_id")
    months = months.values("channel").annotate(
        **_sums(MONTH_MEASURES, {c: Q(month__lt=month_start(day)) for c, day in cuts.items()}),
        returned_late=Value(0),
    )
    days = located(PatientFacts.objects.filter(_edges(cuts.values()) | late), scope, "location_id")
    days = days.values("channel").annotate(
        **_sums(DAY_MEASURES, {c: _days_of_month(day) for c, day in cuts.items()}),
        returned_late=Count("pk", filter=late),
    )
    sums: dict = {}
    for row in months.order_by().union(days.order_by(), all=True):
        total = sums.setdefault(row["channel"], dict.fromkeys(row, 0))
        for name, value in row.items():
            if name != "channel":
                total[name] += int(value or 0)
    rows = [_channel_row(channel, s) for channel, s in sums.items()]
    return [row for row in rows if row["seen_patients"]]


def _sums(measures: dict, within: dict[str, Q]) -> dict:
    return {
        f"{measure}_{cut}": Sum(measures[measure], filter=within[cut])
        for measure, cuts in SUMS.items()
        for cut in cuts
    }


def _days_of_month(day: dt.date) -> Q:
    """First visits from the start of the day's month to the day."""
    return Q(first_visit_on__gte=month_start(day), first_visit_on__lte=day)


def _edges(days) -> Q:
    edges = Q()
    for day in days:
        edges |= _days_of_month(day)
    return edges


def _channel_row(channel: str, s: dict) -> dict:
    return {
        "channel": channel,
        "new_patients": s["patients_d"] - s["patients_window"],
        "ltv_patients": s["patients_cohort_end"] - s["patients_cohort"],
        "ltv_cents": s["first_year_cents_cohort_end"] - s["first_year_cents_cohort"],
        "ltv_24m_patients": s["patients_cohort_24m_end"] - s["patients_cohort_24m"],
        "ltv_24m_cents": (
            s["first_two_years_cents_cohort_24m_end"] - s["first_two_years_cents_cohort_24m"]
        ),
        "seen_patients": s["patients_d"],
        "returning_base": s["patients_returning"],
        "returned": s["second_episodes_returning"] - s["returned_late"],
    }


# A channel with spend but no patient seen yet.
NO_PATIENTS = {
    "new_patients": 0,
    "ltv_patients": 0,
    "ltv_cents": 0,
    "ltv_24m_patients": 0,
    "ltv_24m_cents": 0,
    "returning_base": 0,
    "returned": 0,
}

# Acquisition spend dated in the window, per channel: the marketing spend rows, and for the
# referral channel the cost of touchpoints with partners (practice-wide only: a touchpoint
# has no clinic).
_SPEND = """
    SELECT channel, SUM(cents) AS cents FROM (
        SELECT s.channel, {spend_cents} AS cents FROM {spend} s
        WHERE s.spent_on >= %s AND s.spent_on <= %s {location}
        {touchpoints}
    ) spent GROUP BY channel
"""
_TOUCHPOINT_SPEND = """
        UNION ALL
        SELECT '{referral}', {cost_cents} FROM {touchpoints} t
        WHERE t.occurred_on >= %s AND t.occurred_on <= %s AND t.cost IS NOT NULL
"""


def channel_spend(scope: Scope) -> dict[str, int]:
    """Cents spent in the window per channel that has any spend row (a row of 0.00 counts):
    one query. With a clinic, only that clinic's marketing spend rows."""
    window = [scope.window_start, scope.as_of]
    if scope.location_id is None:
        location, params = "", [*window, *window]
        touchpoints = _TOUCHPOINT_SPEND.format(
            referral=Channel.REFERRAL.value,
            cost_cents=cents("t.cost"),
            touchpoints=Touchpoint._meta.db_table,
        )
    else:
        location, touchpoints = "AND s.location_id = %s", ""
        params = [*window, scope.location_id]
    sql = _SPEND.format(
        spend_cents=cents("s.amount"),
        spend=MarketingSpend._meta.db_table,
        location=location,
        touchpoints=touchpoints,
    )
    return {row["channel"]: int(row["cents"]) for row in fetch(sql, params)}


def _channel_care(scope: Scope) -> dict[str, CareSums]:
    facts = closed_episode_facts(closed_in_window(scope), scope, "channel")
    return regroup(care_sums(facts, ["channel"]), 0)


def _figures(
    channel: str, row: dict, spend_cents: int | None, care: CareSums, *, has_patients: bool
) -> ChannelFigures:
    ltv_12m = _mean_money(row["ltv_cents"], row["ltv_patients"])
    spend = None if spend_cents is None else money(spend_cents)
    cost = None if spend is None else _mean_money(spend_cents, row["new_patients"])
    return ChannelFigures(
        channel=channel,
        new_patients=int(row["new_patients"]),
        ltv_12m=ltv_12m,
        ltv_24m=_mean_money(row["ltv_24m_cents"], row["ltv_24m_patients"]),
        spend=spend,
        cost_per_new_patient=cost,
        ltv_to_cac=_ratio(ltv_12m, cost),
        return_rate=(
            int(row["returned"]) / int(row["returning_base"]) if row["returning_base"] else None
        ),
        compliance_rate=care.compliance_rate,
        has_patients=has_patients,
    )


def _ratio(value: Decimal | None, cost: Decimal | None) -> float | None:
    """value ÷ cost, as the two figures stand (to the cent); None when either is None or the
    cost is 0."""
    if value is None or not cost:
        return None
    return float(value / cost)


def _mean_money(cents, patients) -> Decimal | None:
    """A mean of money over patients, to the cent (half to even); None over no patients."""
    if not patients:
        return None
    return (money(cents) / int(patients)).quantize(CENT)
