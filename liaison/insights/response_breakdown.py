"""Response times broken down (docs/metrics.md, "Response times"): days to first visit by
location and by partner, report on-time rates by clinician and by location, and the reports
overdue as of D. Aggregate queries only: their count does not grow with the history."""

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from liaison.insights.referrals import FirstVisitStats, first_visit_stats
from liaison.insights.response import on_time_counts, reports_due, response_target_days
from liaison.insights.scope import Scope
from liaison.insights.stats import ratio

NO_CLINICIAN = ""  # reports without an episode, or an episode without a named clinician


@dataclass(frozen=True)
class OnTime:
    due: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return ratio(self.on_time, self.due)


@dataclass(frozen=True)
class ResponseBreakdown:
    target_days: int
    seen_by_location: dict[int, FirstVisitStats]  # location id → stats
    seen_by_partner: dict[int, FirstVisitStats]  # partner id → stats
    on_time_by_clinician: dict[str, OnTime]
    on_time_by_location: dict[int | None, OnTime]


def response_breakdown(*, scope: Scope) -> ResponseBreakdown:
    """Four queries."""
    target = response_target_days()
    return ResponseBreakdown(
        target_days=target,
        seen_by_location=first_visit_stats(
            scope, F("patient__location_id"), target_days=target
        ).by_group,
        seen_by_partner=first_visit_stats(scope, F("partner_id"), target_days=target).by_group,
        on_time_by_clinician=_on_time_by(scope, "episode__clinician", NO_CLINICIAN),
        on_time_by_location=_on_time_by(scope, "referral__patient__location_id", None),
    )


def overdue_reports(scope: Scope) -> QuerySet:
    """Reports due in the window and not sent as of D, the longest overdue first."""
    not_sent = Q(sent_on__isnull=True) | Q(sent_on__gt=scope.as_of)
    return reports_due(scope).filter(not_sent).order_by("due_on", "id")


def _on_time_by(scope: Scope, column: str, missing) -> dict:
    rows = reports_due(scope).values(grp=F(column)).annotate(**on_time_counts()).order_by()
    found: dict = {}
    for row in rows:
        key = missing if row["grp"] is None else row["grp"]
        old = found.get(key, OnTime(0, 0))
        found[key] = OnTime(old.due + row["due"], old.on_time + row["on_time"])
    return found
