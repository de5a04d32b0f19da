"""Response times, reports on time and keeping referrers informed (docs/metrics.md,
"Response times")."""

from dataclasses import dataclass, field

from django.db.models import Value

from liaison.core.models import PracticeSettings
from liaison.insights.first_visits import FirstVisitStats, first_visit_stats
from liaison.insights.informed import KeepingInformed, keeping_informed
from liaison.insights.scope import Scope
from liaison.insights.stats import ratio
from liaison.reports.models import Report
from liaison.reports.obligations import obligation_tallies

ALL_KINDS = "all"
NO_CLINICIAN = ""  # reports without an episode (redirect), or an episode naming nobody


@dataclass(frozen=True)
class OnTime:
    """Obligations due in the window, and how they stood as of D."""

    due: int = 0
    on_time: int = 0
    sent: int = 0
    overdue: int = 0

    @property
    def rate(self) -> float | None:
        return ratio(self.on_time, self.due)

    @property
    def late(self) -> int:
        return self.sent - self.on_time

    @property
    def unsent(self) -> int:
        """Not sent by D: overdue, or due on D itself."""
        return self.due - self.sent

    def __add__(self, other: "OnTime") -> "OnTime":
        return OnTime(
            self.due + other.due,
            self.on_time + other.on_time,
            self.sent + other.sent,
            self.overdue + other.overdue,
        )


@dataclass(frozen=True)
class ReportsOnTime:
    """The reports owed by the communication rules (written or not) and due in the window,
    counted by kind, by clinician (of the report's episode) and by location (the patient's)."""

    by_kind: dict[str, OnTime] = field(default_factory=dict)
    by_clinician: dict[str, OnTime] = field(default_factory=dict)
    by_location: dict[int, OnTime] = field(default_factory=dict)

    @property
    def all(self) -> OnTime:
        return sum(self.by_kind.values(), OnTime())

    @property
    def rates(self) -> dict[str, float | None]:
        """`on_time_rate` per report kind, and "all"."""
        rates = {kind: self.by_kind.get(kind, OnTime()).rate for kind in Report.Kind.values}
        rates[ALL_KINDS] = self.all.rate
        return rates


def reports_on_time(*, scope: Scope, partner_pk: int | None = None) -> ReportsOnTime:
    """The door to every on-time figure: of the obligations due in the window (every report
    owed, written or not: `obligations_due`'s rows), those sent on or before their due date.
    For the practice, the scope's location or one partner; three queries (two read the rules)."""
    return _reports_counted(scope, partner_pk, with_initials=False)[0]


def reports_and_informed(
    *, scope: Scope, partner_pk: int | None = None, care_by_referral: dict | None = None
) -> tuple[ReportsOnTime, KeepingInformed]:
    """`reports_on_time` and `keeping_informed` together, from one run of the due engine: the
    run that counts the window's reports also says which referrals had their initial report
    on time. `care_by_referral` saves a query when the caller has the closed episodes' sums."""
    reports_on_time, initials = _reports_counted(scope, partner_pk, with_initials=True)
    informed = keeping_informed(
        scope=scope,
        partner_pk=partner_pk,
        initial_on_time=initials,
        care_by_referral=care_by_referral,
    )
    return reports_on_time, informed


def _reports_counted(
    scope: Scope, partner_pk: int | None, *, with_initials: bool
) -> tuple[ReportsOnTime, dict[int, bool]]:
    tallies, initials = obligation_tallies(
        as_of=scope.as_of,
        since=scope.window_start,
        by=["kind", "location_id", "clinician"],
        location_ids=None if scope.location_id is None else [scope.location_id],
        partner_ids=None if partner_pk is None else [partner_pk],
        with_initials=with_initials,
    )
    return _grouped(tallies), initials


def _grouped(tallies) -> ReportsOnTime:
    groups: tuple[dict, dict, dict] = ({}, {}, {})
    for tally in tallies:
        counts = OnTime(tally.due, tally.on_time, tally.sent, tally.overdue)
        for found, key in zip(groups, tally.key, strict=True):
            found[key] = found.get(key, OnTime()) + counts
    by_kind, by_location, by_clinician = groups
    return ReportsOnTime(by_kind=by_kind, by_clinician=by_clinician, by_location=by_location)


@dataclass(frozen=True)
class ResponseTimes:
    seen: int
    target_days: int
    median_days_to_first_visit: float | None
    p90_days_to_first_visit: int | None
    seen_within_target_rate: float | None
    reports_on_time: ReportsOnTime
    informed: KeepingInformed

    @property
    def on_time_rate(self) -> dict[str, float | None]:
        """Per report kind, and "all"."""
        return self.reports_on_time.rates


def response_target_days() -> int:
    return PracticeSettings.current().response_target_days


def response_times(
    *,
    scope: Scope,
    partner_pk: int | None = None,
    seen: FirstVisitStats | None = None,
    care_by_referral: dict | None = None,
) -> ResponseTimes:
    """For the practice (or the scope's location, or one partner). A caller that has the
    first-visit statistics (made with the practice target) or the closed episodes' sums per
    referral passes them in; each part computed here costs a fixed number of queries."""
    target = response_target_days()
    if seen is None:
        seen = first_visit_stats(scope, Value(1), target_days=target, partner_pk=partner_pk).overall
    reports_on_time, informed = reports_and_informed(
        scope=scope, partner_pk=partner_pk, care_by_referral=care_by_referral
    )
    return ResponseTimes(
        seen=seen.seen,
        target_days=target,
        median_days_to_first_visit=seen.median_days,
        p90_days_to_first_visit=seen.p90_days,
        seen_within_target_rate=ratio(seen.seen_within_target, seen.seen),
        reports_on_time=reports_on_time,
        informed=informed,
    )
