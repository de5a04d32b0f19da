"""Keeping referrers informed (docs/metrics.md): do the episodes whose referrer had the initial
report on time complete their plans and reach the MCID more often than the others?

The closed episodes of the window (as for the partner scorecard's compliance and outcome
success) are split by how their referral's initial report stood as of D: sent on or before its
due date ("informed"), or not (sent late, or not sent). An episode whose referral owes no
initial report (the partner asked for none, or no attended visit by D) is in neither group.
The figures are an association, not an effect of the letter.
"""

from dataclasses import dataclass, field

from liaison.correspondence.obligations import initial_letters_sql
from liaison.insights.episodes import (
    CareSums,
    care_sums_of,
    closed_episode_facts,
    closed_in_window,
)
from liaison.insights.scope import Scope

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


def keeping_informed(*, scope: Scope, partner_pk: int | None = None) -> KeepingInformed:
    """For the practice, the scope's location, or one partner: one query (and two for the
    rules), whose due engine derives only the initial reports of the window's closed episodes'
    referrals."""
    closed = closed_in_window(scope)
    if partner_pk is not None:
        closed = closed.filter(partner_id=partner_pk)
    letters, params = initial_letters_sql(
        as_of=scope.as_of,
        ended_from=scope.window_start,
        location_ids=None if scope.location_id is None else [scope.location_id],
        partner_ids=None if partner_pk is None else [partner_pk],
    )
    # Membership tests rather than a join: both databases look them up in a hash or an
    # index built once, where SQLite would join the two unindexed lists row by row.
    ctes = f""", initial_letters AS MATERIALIZED ({letters}),
    facts AS (
        SELECT closed.*, CASE WHEN closed.referral_id IN (
            SELECT referral_id FROM initial_letters WHERE on_time = 1) THEN 1 ELSE 0 END
            AS informed
        FROM closed WHERE closed.referral_id IN (SELECT referral_id FROM initial_letters)
    )"""
    sums = care_sums_of(
        ["informed"],
        ctes=ctes,
        params=params,
        closed=closed_episode_facts(closed, scope, "referral_id"),
    )
    return KeepingInformed(
        informed=sums.get((1,), CareSums()), uninformed=sums.get((0,), CareSums())
    )
