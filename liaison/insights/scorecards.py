"""Partner scorecards (docs/metrics.md, "Partner scorecard"): a fixed number of aggregate
queries whatever the history, then per-partner arithmetic on the aggregates."""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, When

from liaison.care.models import Payment, Referral
from liaison.insights.care_sums import (
    CareSums,
    care_sums,
    closed_episode_facts,
    closed_in_window,
    located,
    regroup,
    total,
)
from liaison.insights.first_visits import FirstVisitStats, first_visit_stats, in_window, received
from liaison.insights.models import EpisodeFacts
from liaison.insights.scope import BASELINE_DAYS, RECENT_DAYS, Scope
from liaison.insights.sql import CENT, Hundredths, as_date, money
from liaison.insights.stats import poisson_cdf, poisson_sf, ratio, shrink
from liaison.partners.models import NAME_FIELDS, Partner, Touchpoint, display_name

SHRINKAGE_STRENGTH = 10  # s: as if every partner started with ten referrals at the pooled rate
SIGNIFICANCE = 0.05
DECLINE_RATIO = 0.7
GROWTH_RATIO = 1.3


class Trend(models.TextChoices):
    NONE = "none", "Never referred"
    NEW = "new", "New"
    DORMANT = "dormant", "Dormant"
    DECLINING = "declining", "Declining"
    GROWING = "growing", "Growing"
    STEADY = "steady", "Steady"


@dataclass(frozen=True)
class Pooled:
    """Each rate pooled over all partners in the scope: the m that shrinkage pulls towards."""

    appropriateness: float | None
    compliance: float | None
    outcome_success: float | None


@dataclass(frozen=True)
class PartnerScorecard:
    pk: int  # the database id; never shown (partner_id is the practice's own id)
    partner_id: str
    name: str
    specialty: str
    referrals: int
    mature_referrals: int
    seen: int
    conversion_rate: float | None
    declined_not_appropriate: int
    appropriateness_rate: float | None
    median_days_to_first_visit: float | None
    closed_episodes: int
    compliance_rate: float | None
    outcome_success_rate: float | None
    revenue: Decimal
    quality_index: float | None
    value_score: Decimal | None
    recent_referrals: int
    baseline_referrals: int
    expected_recent: float
    p_decline: float
    p_growth: float
    trend: str
    last_referral_on: dt.date | None
    last_touchpoint_on: dt.date | None
    needs_reconnect: bool
    # Not in the scorecard's JSON, for pages that explain the index: each component's shrunk
    # rate, and that rate relative to the pooled one (the factors whose product is the index).
    shrunk: dict = field(default_factory=dict, compare=False, repr=False)
    factors: dict = field(default_factory=dict, compare=False, repr=False)


def partner_scorecards(
    *,
    scope: Scope,
    partner_pk: int | None = None,
    care: dict[int, CareSums] | None = None,
    first_visits: dict[int, FirstVisitStats] | None = None,
    pooled: Pooled | None = None,
) -> list[PartnerScorecard]:
    """Every partner's scorecard (prospects included), or one partner's when `partner_pk` is
    given: five queries for all partners; for one, five and the two of `pooled_rates` unless
    `pooled` is given, whatever the size of the history.

    `care` (closed-episode sums per partner, as `_closed_episode_sums` makes them) and
    `first_visits` (first-visit statistics per partner) each save a query when the caller
    already has them.
    """
    figures = _Figures.gather(scope, partner_pk, care, first_visits, pooled)
    return [figures.scorecard(row, scope) for row in _partner_rows(scope, partner_pk)]


def _partner_rows(scope: Scope, partner_pk: int | None) -> QuerySet:
    """Rows, not model objects (eight thousand of those would cost more than the figures): the
    partner's ids and name, and its first and last referral and last touchpoint as of D, each
    read by one step down an index that leads with the partner."""
    referrals = received(scope).filter(partner_id=OuterRef("pk")).values("received_on")
    touchpoints = Touchpoint.objects.filter(
        partner_id=OuterRef("pk"), occurred_on__lte=scope.as_of
    ).values("occurred_on")
    partners = Partner.objects.annotate(
        first_referral_on=Subquery(referrals.order_by("received_on")[:1]),
        last_referral_on=Subquery(referrals.order_by("-received_on")[:1]),
        last_touchpoint_on=Subquery(touchpoints.order_by("-occurred_on")[:1]),
    )
    if partner_pk is not None:
        partners = partners.filter(pk=partner_pk)
    return partners.values_list(
        "id",
        "external_id",
        "code",
        "specialty_id",
        *NAME_FIELDS,
        "first_referral_on",
        "last_referral_on",
        "last_touchpoint_on",
    ).order_by("id")


def pooled_rates(*, scope: Scope) -> Pooled:
    """The rates pooled over all partners: what each partner's rates are shrunk towards.
    Two queries, over the window's referrals and closed episodes (covering indexes)."""
    care = care_sums(closed_episode_facts(_of_partners(scope), scope), [])
    return _pool([_referral_totals(scope)], care.values())


def partner_scorecard(*, scope: Scope, partner: Partner) -> PartnerScorecard:
    """One partner's scorecard, shrunk towards the pooled rates: seven queries (five with the
    pooled rates kept: `queries.partner_scorecard`)."""
    return partner_scorecards(scope=scope, partner_pk=partner.pk)[0]


def practice_id(external_id: str | None, code) -> str:
    """The practice's own id for a partner; its code when it came without one."""
    return external_id or str(code)


@dataclass
class _Figures:
    """The aggregates behind the scorecards, keyed by partner database id."""

    referrals: dict
    first_visits: dict
    episodes: dict
    revenue: dict
    pooled: Pooled

    @classmethod
    def gather(
        cls,
        scope: Scope,
        partner_pk: int | None,
        care: dict | None,
        first_visits: dict | None,
        pooled: Pooled | None,
    ) -> "_Figures":
        referrals = _referral_counts(scope, partner_pk)
        if care is None:
            care = _closed_episode_sums(scope, partner_pk)
        if pooled is None:
            # One partner's shrinkage still needs every partner's totals.
            whole = partner_pk is None
            pooled = (
                _pool(referrals.values(), care.values()) if whole else pooled_rates(scope=scope)
            )
        return cls(
            referrals=referrals,
            first_visits=first_visits
            if first_visits is not None
            else _first_visits(scope, partner_pk),
            episodes=care,
            revenue=_revenue(scope, partner_pk),
            pooled=pooled,
        )

    def scorecard(self, row: tuple, scope: Scope) -> PartnerScorecard:
        """The scorecard of one row of `_partner_rows`."""
        pk, external_id, code, specialty, *name, first_on, last_on, last_touchpoint = row
        counts = self.referrals.get(pk, {})
        seen = self.first_visits.get(pk, FirstVisitStats())
        care = self.episodes.get(pk, CareSums())
        n = counts.get("referrals", 0)
        declined = counts.get("declined_not_appropriate", 0)
        s, pooled = SHRINKAGE_STRENGTH, self.pooled
        shrunk = {
            "appropriateness": shrink(n - declined, n, pooled.appropriateness, s),
            "compliance": shrink(care.compliance_sum, care.compliance_n, pooled.compliance, s),
            "outcome_success": shrink(care.outcome_k, care.outcome_n, pooled.outcome_success, s),
        }
        factors = quality_factors(shrunk, pooled)
        quality = _product([v for v in factors.values() if v is not None])
        revenue = money(self.revenue.get(pk, 0))
        trend = _trend_figures(counts, as_date(first_on), as_date(last_on), scope)
        last_touchpoint = as_date(last_touchpoint)
        return PartnerScorecard(
            pk=pk,
            partner_id=practice_id(external_id, code),
            name=display_name(*name),
            specialty=specialty,
            referrals=n,
            mature_referrals=counts.get("mature_referrals", 0),
            seen=seen.seen,
            conversion_rate=ratio(seen.seen_mature, counts.get("mature_referrals", 0)),
            declined_not_appropriate=declined,
            appropriateness_rate=None if n == 0 else 1 - declined / n,
            median_days_to_first_visit=seen.median_days,
            closed_episodes=care.closed_episodes,
            compliance_rate=care.compliance_rate,
            outcome_success_rate=care.outcome_success_rate,
            revenue=revenue,
            quality_index=quality,
            value_score=None if quality is None else value_score(revenue, quality),
            last_touchpoint_on=last_touchpoint,
            needs_reconnect=needs_reconnect(trend["trend"], last_touchpoint, scope),
            shrunk=shrunk,
            factors=factors,
            **trend,
        )


def quality_factors(shrunk: dict[str, float | None], pooled: Pooled) -> dict[str, float | None]:
    """Each shrunk rate relative to the practice's pooled rate (1.0: the average partner); a
    component whose pooled rate is undefined or 0 has no factor and is left out of the index."""
    return {
        name: None if not getattr(pooled, name) else rate / getattr(pooled, name)
        for name, rate in shrunk.items()
    }


def value_score(revenue: Decimal, quality_index: float) -> Decimal:
    """Quality-adjusted revenue, to the cent (half to even)."""
    return (revenue * Decimal(quality_index)).quantize(CENT)


def needs_reconnect(trend: str, last_touchpoint: dt.date | None, scope: Scope) -> bool:
    cooling = trend in (Trend.DECLINING, Trend.DORMANT)
    touched = last_touchpoint is not None and last_touchpoint > scope.reconnect_after
    return cooling and not touched


def classify_trend(
    *,
    first_referral_on: dt.date | None,
    last_referral_on: dt.date | None,
    recent: int,
    expected: float,
    p_decline: float,
    p_growth: float,
    scope: Scope,
) -> str:
    """The first label that holds, in the order of docs/metrics.md."""
    if first_referral_on is None:
        return Trend.NONE
    if first_referral_on > scope.recent_after:
        return Trend.NEW
    if last_referral_on <= scope.dormant_until:
        return Trend.DORMANT
    if p_decline < SIGNIFICANCE and recent <= DECLINE_RATIO * expected:
        return Trend.DECLINING
    if p_growth < SIGNIFICANCE and recent >= GROWTH_RATIO * expected:
        return Trend.GROWING
    return Trend.STEADY


def _trend_figures(
    counts: dict, first_on: dt.date | None, last_on: dt.date | None, scope: Scope
) -> dict:
    recent, baseline = counts.get("recent_referrals", 0), counts.get("baseline_referrals", 0)
    expected = baseline * RECENT_DAYS / BASELINE_DAYS
    p_decline, p_growth = poisson_cdf(recent, expected), poisson_sf(recent, expected)
    trend = classify_trend(
        first_referral_on=first_on,
        last_referral_on=last_on,
        recent=recent,
        expected=expected,
        p_decline=p_decline,
        p_growth=p_growth,
        scope=scope,
    )
    return {
        "recent_referrals": recent,
        "baseline_referrals": baseline,
        "expected_recent": expected,
        "p_decline": p_decline,
        "p_growth": p_growth,
        "trend": trend,
        "last_referral_on": last_on,
    }


def _product(values: list[float]) -> float | None:
    return math.prod(values) if values else None


def _referral_conditions(scope: Scope) -> dict[str, Q]:
    window = Q(received_on__gte=scope.window_start)
    # An undated decision counts as made on the day the referral was received.
    decided_by_d = Q(decided_on__lte=scope.as_of) | Q(decided_on__isnull=True)
    return {
        "referrals": window,
        "mature_referrals": window & Q(received_on__lte=scope.mature_until),
        "declined_not_appropriate": window
        & Q(decision=Referral.Decision.DECLINED)
        & Q(decline_reason=Referral.DeclineReason.NOT_APPROPRIATE)
        & decided_by_d,
        "recent_referrals": Q(received_on__gt=scope.recent_after),
        "baseline_referrals": Q(received_on__gt=scope.baseline_after)
        & Q(received_on__lte=scope.recent_after),
    }


def _referral_counts(scope: Scope, partner_pk: int | None) -> dict[int, dict]:
    """The counts per partner, over the referrals that any of them reads: received in the
    window or in the 455 days of the recent and baseline periods."""
    earliest = min(scope.window_start, scope.baseline_after + dt.timedelta(days=1))
    referrals = received(scope).filter(received_on__gte=earliest)
    if partner_pk is not None:
        referrals = referrals.filter(partner_id=partner_pk)
    counts = {name: Count("id", filter=q) for name, q in _referral_conditions(scope).items()}
    rows = referrals.values("partner_id").annotate(**counts).order_by()
    return {row["partner_id"]: row for row in rows}


def _referral_totals(scope: Scope) -> dict:
    """The window's referrals and declines of all partners: one range of the received-on index
    that carries the decision columns (care migration 0006), without reading the table."""
    declined = _referral_conditions(scope)["declined_not_appropriate"]
    return in_window(scope).aggregate(
        referrals=Count("id"), declined_not_appropriate=Count("id", filter=declined)
    )


def _first_visits(scope: Scope, partner_pk: int | None) -> dict[int, FirstVisitStats]:
    # The target only matters to response times; the scorecard reads counts and the median.
    stats = first_visit_stats(scope, F("partner_id"), target_days=0, partner_pk=partner_pk)
    return stats.by_group


def _of_partners(scope: Scope) -> QuerySet:
    """The facts of the closed episodes of the window that came from a partner's referral."""
    return closed_in_window(scope).filter(partner_id__isnull=False)


def _closed_episode_sums(scope: Scope, partner_pk: int | None) -> dict[int, CareSums]:
    """CareSums per partner (of one partner, if given) over closed episodes of referrals."""
    episodes = _of_partners(scope)
    if partner_pk is not None:
        episodes = episodes.filter(partner_id=partner_pk)
    facts = closed_episode_facts(episodes, scope, "partner_id")
    return regroup(care_sums(facts, ["partner_id"]), 0)


def _revenue(scope: Scope, partner_pk: int | None) -> dict[int, int]:
    """Cents paid in the window on each partner's episodes (on one partner's, if given).

    An episode paid only within the window brings its stored total (one entry of a covering
    index); only those paid on both sides of an edge of the window have their payments summed
    again.
    """
    episodes = located(
        EpisodeFacts.objects.filter(
            partner_id__isnull=False,
            last_paid_on__gte=scope.window_start,
            first_paid_on__lte=scope.as_of,
        ),
        scope,
        "location_id",
    )
    if partner_pk is not None:
        episodes = episodes.filter(partner_id=partner_pk)
    payments = Payment.objects.filter(
        episode_id=OuterRef("episode_id"),
        paid_on__gte=scope.window_start,
        paid_on__lte=scope.as_of,
    )
    summed = payments.order_by().values("episode_id").annotate(c=Sum(Hundredths("amount")))
    cents = Case(
        When(
            first_paid_on__gte=scope.window_start,
            last_paid_on__lte=scope.as_of,
            then=F("paid_cents"),
        ),
        default=Subquery(summed.values("c")),
    )
    rows = episodes.values("partner_id").annotate(cents=Sum(cents)).order_by()
    return {row["partner_id"]: row["cents"] for row in rows}


def _pool(referral_rows, care) -> Pooled:
    referral_rows = list(referral_rows)
    n = sum(r.get("referrals", 0) for r in referral_rows)
    declined = sum(r.get("declined_not_appropriate", 0) for r in referral_rows)
    everyone = total(care)
    return Pooled(
        appropriateness=None if n == 0 else 1 - declined / n,
        compliance=everyone.compliance_rate,
        outcome_success=everyone.outcome_success_rate,
    )
