"""Response times and report on-time rates (docs/metrics.md, "Response times")."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Value

from liaison.core.models import PracticeSettings
from liaison.correspondence.models import Report
from liaison.insights.episodes import located
from liaison.insights.referrals import FirstVisitStats, first_visit_stats
from liaison.insights.scope import Scope
from liaison.insights.stats import ratio

ALL_KINDS = "all"


@dataclass(frozen=True)
class ResponseTimes:
    seen: int
    target_days: int
    median_days_to_first_visit: float | None
    p90_days_to_first_visit: int | None
    seen_within_target_rate: float | None
    on_time_rate: dict[str, float | None]  # per report kind, and "all"


def response_target_days() -> int:
    return PracticeSettings.current().response_target_days


def response_times(
    *, scope: Scope, partner_pk: int | None = None, seen: FirstVisitStats | None = None
) -> ResponseTimes:
    """For the practice (or the scope's location, or one partner): three queries, or two
    when the caller has the first-visit statistics already (made with the practice target)."""
    target = response_target_days()
    if seen is None:
        stats = first_visit_stats(scope, Value(1), target_days=target, partner_pk=partner_pk)
        seen = stats.overall
    return ResponseTimes(
        seen=seen.seen,
        target_days=target,
        median_days_to_first_visit=seen.median_days,
        p90_days_to_first_visit=seen.p90_days,
        seen_within_target_rate=ratio(seen.seen_within_target, seen.seen),
        on_time_rate=on_time_rates(scope=scope, partner_pk=partner_pk),
    )


def reports_due(scope: Scope) -> QuerySet:
    """Reports due in the window (so due by D), at the scope's location if any."""
    reports = Report.objects.filter(due_on__gte=scope.window_start, due_on__lte=scope.as_of)
    return located(reports, scope, "referral__patient__location_id")


def on_time_counts() -> dict:
    """Aggregates over reports due: how many, and how many sent on or before the due date."""
    return {"due": Count("id"), "on_time": Count("id", filter=Q(sent_on__lte=F("due_on")))}


def on_time_rates(*, scope: Scope, partner_pk: int | None = None) -> dict[str, float | None]:
    """Of reports due in the window (so due by D), the share sent on or before the due date.

    A report sent after D was not sent as of D; it was late anyway, since due_on ≤ D.
    """
    reports = reports_due(scope)
    if partner_pk is not None:
        reports = reports.filter(referral__partner_id=partner_pk)
    rows = reports.values("kind").annotate(**on_time_counts()).order_by()
    counts = {row["kind"]: (row["on_time"], row["due"]) for row in rows}
    rates = {kind: ratio(*counts.get(kind, (0, 0))) for kind in Report.Kind.values}
    rates[ALL_KINDS] = ratio(sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values()))
    return rates
