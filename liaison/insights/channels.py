"""Channel figures (docs/metrics.md, "Channels"): what each way of finding us brings."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, Q, Sum, Value, When

from liaison.care.models import Channel
from liaison.insights.episodes import (
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


@dataclass(frozen=True)
class ChannelFigures:
    channel: str
    new_patients: int
    ltv_12m: Decimal | None
    lifetime_revenue_mean: Decimal | None
    return_rate: float | None
    compliance_rate: float | None


# Payments that count as of D (dated by D, their payer first seen by D), per channel: whole
# months before D's month from the paid months; in D's month, the payments whose later day —
# paid, or payer first seen — falls there, each counted once.
_PAID_BY = """
    SELECT channel, SUM(cents) AS cents FROM (
        SELECT m.channel, m.cents FROM insights_paidmonth m
        WHERE m.month < %s {months_location}
        UNION ALL
        SELECT f.channel, {cents} FROM care_payment pay
        JOIN insights_patientfacts f ON f.patient_id = pay.patient_id
        WHERE pay.paid_on >= %s AND pay.paid_on <= %s
        AND f.first_visit_on <= pay.paid_on {location}
        UNION ALL
        SELECT f.channel, {cents} FROM insights_patientfacts f
        JOIN care_payment pay ON pay.patient_id = f.patient_id
        WHERE f.first_visit_on >= %s AND f.first_visit_on <= %s
        AND pay.paid_on < f.first_visit_on {location}
    ) counted GROUP BY channel
"""


def channel_figures(
    *, scope: Scope, care: dict[str, CareSums] | None = None
) -> list[ChannelFigures]:
    """One object per channel with a patient first seen by D, in the order of the Channel
    choices; three queries (two when the closed episodes' sums per channel are given)."""
    rows = {row["channel"]: row for row in _channel_rows(scope)}
    paid = _paid_by(scope)
    care = _channel_care(scope) if care is None else care
    return [
        _figures(channel, rows[channel], paid.get(channel, 0), care.get(channel, CareSums()))
        for channel in Channel.values
        if channel in rows
    ]


# The sums each channel figure is made of: a measure over the patients first seen on or
# before a cut day (docs/metrics.md, "Channels").
SUMS = {
    "patients": ["d", "window", "cohort_end", "cohort", "returning"],
    "first_year_cents": ["cohort_end", "cohort"],
    "second_episodes": ["returning"],
}
MONTH_MEASURES = {name: F(name) for name in SUMS}
DAY_MEASURES = {
    "patients": Value(1),
    "first_year_cents": F("first_year_cents"),
    "second_episodes": Case(When(second_episode_on__isnull=False, then=Value(1)),
                            default=Value(0)),
}


def _cut_days(scope: Scope) -> dict[str, dt.date]:
    cohort_start, cohort_end = scope.ltv_cohort
    return {
        "d": scope.as_of,
        "window": scope.window_start - dt.timedelta(days=1),
        "cohort_end": cohort_end,
        "cohort": cohort_start - dt.timedelta(days=1),
        "returning": scope.returning_until,
    }


def _channel_rows(scope: Scope) -> list[dict]:
    """Patients per channel — new, in the LTV cohort (and their first-year payments), seen,
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
    days = located(PatientFacts.objects.filter(_edges(cuts.values()) | late), scope,
                   "location_id")
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
        "seen_patients": s["patients_d"],
        "returning_base": s["patients_returning"],
        "returned": s["second_episodes_returning"] - s["returned_late"],
    }


def _paid_by(scope: Scope) -> dict[str, int]:
    """Cents paid by D by the patients first seen by D, per channel: one query."""
    month = month_start(scope.as_of)
    sql = _PAID_BY.format(
        cents=cents("pay.amount"),
        months_location=_at_location("m", scope),
        location=_at_location("f", scope),
    )
    clinic = [] if scope.location_id is None else [scope.location_id]
    params = [month, *clinic, month, scope.as_of, *clinic, month, scope.as_of, *clinic]
    return {row["channel"]: int(row["cents"]) for row in fetch(sql, params)}


def _at_location(alias: str, scope: Scope) -> str:
    return "" if scope.location_id is None else f"AND {alias}.location_id = %s"


def _channel_care(scope: Scope) -> dict[str, CareSums]:
    facts = closed_episode_facts(closed_in_window(scope), scope, "channel")
    return regroup(care_sums(facts, ["channel"]), 0)


def _figures(channel: str, row: dict, paid_cents: int, care: CareSums) -> ChannelFigures:
    return ChannelFigures(
        channel=channel,
        new_patients=int(row["new_patients"]),
        ltv_12m=_mean_money(row["ltv_cents"], row["ltv_patients"]),
        lifetime_revenue_mean=_mean_money(paid_cents, row["seen_patients"]),
        return_rate=(
            int(row["returned"]) / int(row["returning_base"]) if row["returning_base"] else None
        ),
        compliance_rate=care.compliance_rate,
    )


def _mean_money(cents, patients) -> Decimal | None:
    """A mean of money over patients, to the cent (half to even); None over no patients."""
    if not patients:
        return None
    return (money(cents) / int(patients)).quantize(CENT)
