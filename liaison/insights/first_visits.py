"""Referral facts as of a date: which are seen, how soon, in what order (for medians)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from liaison.care.models import Referral
from liaison.insights.care_sums import located
from liaison.insights.models import EpisodeFacts
from liaison.insights.scope import Scope
from liaison.insights.sql import DaysBetween, fetch, middle_ranks_sql
from liaison.insights.stats import median_from_ranks, p90_from_ranks


def received(scope: Scope) -> QuerySet:
    """Referrals received on or before D (at the scope's location, if any)."""
    referrals = Referral.objects.filter(received_on__lte=scope.as_of)
    return located(referrals, scope, "patient__location_id")


def in_window(scope: Scope) -> QuerySet:
    return received(scope).filter(received_on__gte=scope.window_start)


def first_visit_on(as_of: dt.date) -> Subquery:
    """The outer referral's first visit: its episodes' earliest attended visit dated ≤ D.

    Each episode's first attended visit is in its facts, so this is one step down their
    referral index: the earliest of them, when it is ≤ D, is the earliest visit ≤ D.
    """
    episodes = EpisodeFacts.objects.filter(referral_id=OuterRef("pk"), first_attended_on__lte=as_of)
    return Subquery(episodes.order_by("first_attended_on").values("first_attended_on")[:1])


def first_visit_facts(scope: Scope, group, partner_pk: int | None = None) -> QuerySet:
    """One row per referral received in the window (from one partner, if given): its group,
    days to first visit (NULL when not seen) and whether it is mature."""
    referrals = in_window(scope)
    if partner_pk is not None:
        referrals = referrals.filter(partner_id=partner_pk)
    return (
        referrals.annotate(
            grp=group,
            days=DaysBetween(first_visit_on(scope.as_of), F("received_on")),
            mature=Case(
                When(received_on__lte=scope.mature_until, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by()
        .values("grp", "days", "mature")
    )


@dataclass(frozen=True)
class FirstVisitStats:
    seen: int = 0
    seen_mature: int = 0
    seen_within_target: int = 0
    median_days: float | None = None
    p90_days: int | None = None


# Seen referrals ranked by days to first visit within each group and over them all; only the
# ranks that the median and the p90 read come back, so the rows do not grow with the history.
_RANKED = """
    SELECT 'group' AS level, grp, rn, days, seen, seen_mature, within_target FROM (
        SELECT grp, days,
            ROW_NUMBER() OVER (PARTITION BY grp ORDER BY days) AS rn,
            COUNT(*) OVER (PARTITION BY grp) AS seen,
            SUM(mature) OVER (PARTITION BY grp) AS seen_mature,
            SUM(CASE WHEN days <= %s THEN 1 ELSE 0 END) OVER (PARTITION BY grp) AS within_target
        FROM facts WHERE days IS NOT NULL
    ) ranked
    WHERE rn IN ({ranks})
    UNION ALL
    SELECT 'all', NULL, rn, days, seen, seen_mature, within_target FROM (
        SELECT days,
            ROW_NUMBER() OVER (ORDER BY days) AS rn,
            COUNT(*) OVER () AS seen,
            SUM(mature) OVER () AS seen_mature,
            SUM(CASE WHEN days <= %s THEN 1 ELSE 0 END) OVER () AS within_target
        FROM facts WHERE days IS NOT NULL
    ) ranked_all
    WHERE rn IN ({ranks})
""".format(ranks=middle_ranks_sql("seen"))


@dataclass(frozen=True)
class FirstVisits:
    """First-visit statistics per group, and over every seen referral of the scope."""

    by_group: dict
    overall: FirstVisitStats


def first_visit_stats(
    scope: Scope, group, *, target_days: int, partner_pk: int | None = None
) -> FirstVisits:
    """Seen counts, median and p90 days to first visit, per group and overall, in one query."""
    facts = first_visit_facts(scope, group, partner_pk)
    rows = fetch(_RANKED, [target_days, target_days], facts=facts)
    by_group: dict = {}
    overall = []
    for row in rows:
        if row["level"] == "all":
            overall.append(row)
        else:
            by_group.setdefault(row["grp"], []).append(row)
    return FirstVisits(
        by_group={grp: _stats(group_rows) for grp, group_rows in by_group.items()},
        overall=_stats(overall) if overall else FirstVisitStats(),
    )


def _stats(rows: list[dict]) -> FirstVisitStats:
    days = {row["rn"]: row["days"] for row in rows}
    first = rows[0]
    n = first["seen"]
    return FirstVisitStats(
        seen=n,
        seen_mature=int(first["seen_mature"]),
        seen_within_target=int(first["within_target"]),
        median_days=median_from_ranks(days, n),
        p90_days=p90_from_ranks(days, n),
    )
