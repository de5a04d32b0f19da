"""Response times broken down (docs/metrics.md, "Response times"): days to first visit by
location and by partner, and the reports overdue as of D. (The reports on time by clinician
and by location come with the response times: `reports_on_time`.) Aggregate queries, or the
due engine's one statement: their count does not grow with the history."""

from dataclasses import dataclass

from django.db.models import F

from liaison.insights.first_visits import FirstVisitStats, first_visit_stats
from liaison.insights.response import response_target_days
from liaison.insights.scope import Scope
from liaison.reports.obligations import Obligation, obligations_overdue


@dataclass(frozen=True)
class ResponseBreakdown:
    target_days: int
    seen_by_location: dict[int, FirstVisitStats]  # location id → stats
    seen_by_partner: dict[int, FirstVisitStats]  # partner id → stats


def response_breakdown(*, scope: Scope) -> ResponseBreakdown:
    """Three queries."""
    target = response_target_days()
    return ResponseBreakdown(
        target_days=target,
        seen_by_location=first_visit_stats(
            scope, F("patient__location_id"), target_days=target
        ).by_group,
        seen_by_partner=first_visit_stats(scope, F("partner_id"), target_days=target).by_group,
    )


def reports_overdue(scope: Scope) -> list[Obligation]:
    """The obligations due in the window and not sent by D (late since, or never written),
    the longest overdue first."""
    return obligations_overdue(
        as_of=scope.as_of,
        since=scope.window_start,
        location_ids=None if scope.location_id is None else [scope.location_id],
    )
