"""Counts per calendar month for the insights charts: one aggregate query per series,
months without a record included (as zeros), and the Poisson band a partner's baseline
predicts for a month. Counts only: no patient data."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from liaison.care.models import Referral
from liaison.insights.care_sums import located
from liaison.insights.models import PatientFacts
from liaison.insights.scope import Scope
from liaison.insights.scorecards import PartnerScorecard
from liaison.insights.sql import as_date
from liaison.insights.stats import poisson_cdf

BAND_TAILS = 0.025  # each tail outside the 95 % band
BASELINE_MONTHS = 12  # the baseline's 365 days, as months
CHART_MONTHS = 24  # a partner's chart


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of the month `back` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def last_months(as_of: dt.date, months: int) -> list[dt.date]:
    """The first days of the last `months` months up to `as_of`'s, oldest first."""
    return [month_start(as_of, k) for k in range(months - 1, -1, -1)]


def _per_month(queryset: QuerySet, date_field: str) -> dict[dt.date, int]:
    rows = (
        queryset.annotate(month=TruncMonth(date_field))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {as_date(row["month"]): row["n"] for row in rows}


def referrals_per_month(
    scope: Scope, since: dt.date, partner_pk: int | None = None
) -> dict[dt.date, int]:
    """Referrals received in [since, D] per month (at the scope's location, of one partner)."""
    referrals = Referral.objects.filter(received_on__gte=since, received_on__lte=scope.as_of)
    if partner_pk is not None:
        referrals = referrals.filter(partner_id=partner_pk)
    return _per_month(located(referrals, scope, "patient__location_id"), "received_on")


def new_patients_per_month(scope: Scope, since: dt.date) -> dict[dt.date, int]:
    """Patients whose first attended visit falls in [since, D], per month."""
    facts = PatientFacts.objects.filter(first_visit_on__gte=since, first_visit_on__lte=scope.as_of)
    return _per_month(located(facts, scope, "location_id"), "first_visit_on")


@dataclass(frozen=True)
class MonthPair:
    """One calendar month of this year beside the same month of last year."""

    month: dt.date  # this year's
    referrals: int | None  # None for a month after D
    referrals_last_year: int
    new_patients: int | None
    new_patients_last_year: int


def this_year_against_last(scope: Scope) -> list[MonthPair]:
    """January to December of D's year beside the year before: two queries."""
    year = scope.as_of.year
    since = dt.date(year - 1, 1, 1)
    referrals = referrals_per_month(scope, since)
    patients = new_patients_per_month(scope, since)

    def this_year(counts: dict, month: dt.date) -> int | None:
        return counts.get(month, 0) if month <= scope.as_of else None

    pairs = []
    for m in range(1, 13):
        month, last = dt.date(year, m, 1), dt.date(year - 1, m, 1)
        pairs.append(
            MonthPair(
                month=month,
                referrals=this_year(referrals, month),
                referrals_last_year=referrals.get(last, 0),
                new_patients=this_year(patients, month),
                new_patients_last_year=patients.get(last, 0),
            )
        )
    return pairs


@dataclass(frozen=True)
class BaselineBand:
    """What a month would hold if the partner kept referring at its baseline rate."""

    mean: float  # referrals per month
    low: int  # the 95 % Poisson band around it
    high: int


def poisson_quantile(q: float, lam: float) -> int:
    """The smallest k with P(X ≤ k) ≥ q, X ~ Poisson(lam)."""
    k = 0
    while poisson_cdf(k, lam) < q:
        k += 1
    return k


def baseline_band(baseline_referrals: int) -> BaselineBand:
    """The baseline's mean per month (its 365 days as twelve months) and 95 % Poisson band."""
    mean = baseline_referrals / BASELINE_MONTHS
    return BaselineBand(
        mean=mean,
        low=poisson_quantile(BAND_TAILS, mean),
        high=poisson_quantile(1 - BAND_TAILS, mean),
    )


def partner_months(*, scope: Scope, card: PartnerScorecard) -> dict:
    """A partner's referrals per month over the last 24 months with its baseline band, as a
    chart reads them: one query."""
    months = last_months(scope.as_of, CHART_MONTHS)
    counts = referrals_per_month(scope, months[0], partner_pk=card.pk)
    band = baseline_band(card.baseline_referrals)
    return {
        "name": card.name,
        "labels": [m.strftime("%b %Y") for m in months],
        "months": [m.isoformat() for m in months],
        "referrals": [counts.get(m, 0) for m in months],
        "mean": round(band.mean, 2),
        "low": band.low,
        "high": band.high,
    }
