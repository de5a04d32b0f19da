"""Keeping referrers informed (docs/metrics.md): do the episodes whose referrer had the initial
report on time complete their plans and reach the MCID more often than the others?

The closed episodes of the window (as for the partner scorecard's compliance and outcome
success) are split by how their referral's initial report stood as of D: sent on or before its
due date ("informed"), or not (sent late, or not sent). An episode whose referral owes no
initial report (the partner asked for none, or no attended visit by D) is in neither group.
The figures are an association, not an effect of the report.
"""

from dataclasses import dataclass, field

from liaison.insights.care_sums import (
    CareSums,
    care_sums,
    closed_episode_facts,
    closed_in_window,
    regroup,
)
from liaison.insights.scope import Scope
from liaison.reports.obligations import initial_reports

FIELDS = [
    "informed_completion_rate",
    "informed_success_rate",
    "uninformed_completion_rate",
    "uninformed_success_rate",
]


@dataclass(frozen=True)
class KeepingInformed:
    informed: CareSums = field(default_factory=CareSums)
    uninformed: CareSums = field(default_factory=CareSums)

    @property
    def informed_completion_rate(self) -> float | None:
        return self.informed.compliance_rate

    @property
    def informed_success_rate(self) -> float | None:
        return self.informed.outcome_success_rate

    @property
    def uninformed_completion_rate(self) -> float | None:
        return self.uninformed.compliance_rate

    @property
    def uninformed_success_rate(self) -> float | None:
        return self.uninformed.outcome_success_rate


def keeping_informed(
    *,
    scope: Scope,
    partner_pk: int | None = None,
    initial_on_time: dict[int, bool] | None = None,
    care_by_referral: dict | None = None,
) -> KeepingInformed:
    """For the practice, the scope's location, or one partner: the closed episodes' sums per
    referral (one query, unless `care_by_referral` brings them: the scope's, for the practice
    or location), split by `initial_on_time` — whether each referral's initial report was on
    time — which the caller may have from its own run of the due engine; otherwise one run
    derives only the initial reports of the window's closed episodes' referrals."""
    if initial_on_time is None:
        initial_on_time = initial_reports(
            as_of=scope.as_of,
            ended_from=scope.window_start,
            location_ids=None if scope.location_id is None else [scope.location_id],
            partner_ids=None if partner_pk is None else [partner_pk],
        )
    if care_by_referral is None:
        closed = closed_in_window(scope)
        if partner_pk is not None:
            closed = closed.filter(partner_id=partner_pk)
        facts = closed_episode_facts(closed, scope, "referral_id")
        care_by_referral = regroup(care_sums(facts, ["referral_id"]), 0)
    informed, uninformed = CareSums(), CareSums()
    for referral_id, sums in care_by_referral.items():
        if referral_id in initial_on_time:
            (informed if initial_on_time[referral_id] else uninformed).add(sums)
    return KeepingInformed(informed=informed, uninformed=uninformed)
