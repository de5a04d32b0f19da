"""Per-episode facts as of a date, as SQL expressions: attended visits, compliance and the
primary instrument's first and last readings. Partner scorecards, channels and the
not-responding list all sum or filter these."""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from liaison.care.instruments import INSTRUMENTS
from liaison.care.models import Outcome, Visit
from liaison.insights.models import EpisodeFacts
from liaison.insights.scope import Scope
from liaison.insights.sql import Hundredths, fetch


def count_of(queryset: QuerySet, field: str) -> Coalesce:
    """The number of rows of a correlated queryset (0 when none)."""
    counted = queryset.order_by().values(field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# Each figure reads the episode's stored facts (insights_episodefacts) when nothing they count
# is dated after D — always so as of today — and counts the records again otherwise. The
# figures are built over either table: `Base` says where the facts and the episode id are.


@dataclass(frozen=True)
class Base:
    facts: str  # the path from the queryset's rows to the facts' columns
    episode: str  # the path to the episode id, for the correlated counts


OVER_EPISODES = Base(facts="insights_facts__", episode="pk")
OVER_FACTS = Base(facts="", episode="episode_id")


def _stored_holds(base: Base, last: str, as_of: dt.date) -> Q:
    column = f"{base.facts}{last}"
    return Q(**{f"{column}__isnull": True}) | Q(**{f"{column}__lte": as_of})


def _stored_or(base: Base, last: str, stored: str, as_of: dt.date, counted, field) -> Case:
    return Case(
        When(_stored_holds(base, last, as_of), then=F(f"{base.facts}{stored}")),
        default=counted,
        output_field=field,
    )


def attended_visits(as_of: dt.date, base: Base = OVER_EPISODES) -> Case:
    """Attended visits of the outer episode dated on or before `as_of`."""
    visits = Visit.objects.filter(
        episode=OuterRef(base.episode), status=Visit.Status.ATTENDED, visit_on__lte=as_of
    )
    counted = count_of(visits, "episode")
    return _stored_or(base, "last_attended_on", "attended_visits", as_of, counted, IntegerField())


def kept_visits(as_of: dt.date, base: Base = OVER_EPISODES) -> Case:
    """min(attended, planned) for an episode with planned visits, else NULL: its compliance is
    kept / planned. Kept whole, so that sums of compliance are exact fractions."""
    attended = attended_visits(as_of, base)
    return Case(
        When(planned_visits__gt=0, then=Least(attended, F("planned_visits"))),
        default=None,
        output_field=IntegerField(),
    )


def primary_readings(as_of: dt.date, base: Base = OVER_EPISODES) -> QuerySet:
    """Measurements of the outer episode's primary instrument dated on or before `as_of`."""
    return Outcome.objects.filter(
        episode=OuterRef(base.episode),
        instrument=OuterRef("primary_measure"),
        measured_on__lte=as_of,
    )


def reading_count(as_of: dt.date, base: Base = OVER_EPISODES) -> Case:
    counted = count_of(primary_readings(as_of, base), "episode")
    return _stored_or(base, "last_reading_on", "readings", as_of, counted, IntegerField())


def first_reading(as_of: dt.date, column: str = "score", base: Base = OVER_EPISODES) -> Case:
    """The earliest reading (by date, then id); `column` is `score` (in hundredths) or
    `measured_on`."""
    return _reading(as_of, ("measured_on", "id"), column, "first", base)


def last_reading(as_of: dt.date, column: str = "score", base: Base = OVER_EPISODES) -> Case:
    return _reading(as_of, ("-measured_on", "-id"), column, "last", base)


def _reading(as_of, order: tuple[str, str], column: str, which: str, base: Base) -> Case:
    readings = primary_readings(as_of, base).order_by(*order)
    if column == "score":
        counted = Subquery(readings.values(h=Hundredths("score"))[:1], output_field=IntegerField())
        stored, field = f"{which}_score_h", IntegerField()
    else:
        counted = Subquery(readings.values("measured_on")[:1])
        stored, field = f"{which}_reading_on", DateField()
    return _stored_or(base, "last_reading_on", stored, as_of, counted, field)


def improvement(as_of: dt.date, base: Base = OVER_EPISODES) -> Case:
    """First − last for instruments where lower is better, last − first otherwise, in hundredths
    of a point, so that comparing it with the MCID is exact on both databases."""
    first, last = first_reading(as_of, base=base), last_reading(as_of, base=base)
    lower_is_better = [code for code, i in INSTRUMENTS.items() if i.lower_is_better]
    # One difference times the direction: each reading appears once in the SQL, not twice.
    direction = Case(
        When(primary_measure__in=lower_is_better, then=Value(1)),
        default=Value(-1),
        output_field=IntegerField(),
    )
    return ExpressionWrapper((first - last) * direction, output_field=IntegerField())


def mcid() -> Case:
    """The primary instrument's MCID, in hundredths of a point."""
    return Case(
        *[
            When(primary_measure=code, then=Value(int(i.mcid * 100)))
            for code, i in INSTRUMENTS.items()
        ],
        default=None,
        output_field=IntegerField(),
    )


def closed_in_window(scope: Scope) -> QuerySet:
    """The facts of episodes with `ended_on` in the window (so on or before D), at the scope's
    location: one table, no joins."""
    episodes = EpisodeFacts.objects.filter(
        ended_on__gte=scope.window_start, ended_on__lte=scope.as_of
    )
    return located(episodes, scope, "location_id")


def located(queryset: QuerySet, scope: Scope, path: str) -> QuerySet:
    """Narrow patient-side rows to the scope's location, if any (through the patient's clinic)."""
    if scope.location_id is None:
        return queryset
    return queryset.filter(**{path: scope.location_id})


def closed_episode_facts(queryset: QuerySet, scope: Scope, *groups: str) -> QuerySet:
    """One row per closed episode (`queryset` from `closed_in_window`): its `groups` columns
    (partner_id, channel), planned and kept visits, readings, improvement and MCID."""
    return (
        queryset.annotate(
            planned=Case(When(planned_visits__gt=0, then=F("planned_visits")), default=None),
            kept=kept_visits(scope.as_of, OVER_FACTS),
            reading_count=reading_count(scope.as_of, OVER_FACTS),
            improvement=improvement(scope.as_of, OVER_FACTS),
            mcid=mcid(),
        )
        .order_by()
        .values(*groups, "planned", "kept", "reading_count", "improvement", "mcid")
    )


# Sums over `closed_episode_facts` per group and planned visit count: compliance is then the
# exact sum of kept/planned over the planned counts (few distinct values per group).
_CLOSED_EPISODE_SUMS = """
    SELECT {groups}planned,
        COUNT(*) AS episodes,
        SUM(kept) AS kept,
        SUM(CASE WHEN reading_count >= 2 THEN 1 ELSE 0 END) AS outcome_n,
        SUM(CASE WHEN reading_count >= 2 AND improvement >= mcid THEN 1 ELSE 0 END) AS outcome_k
    FROM facts GROUP BY {groups}planned
"""


@dataclass
class CareSums:
    """What compliance and outcome success are made of, for one group of closed episodes.

    Compliance is kept as the kept visits per planned-visit count, so that its sum is an
    exact fraction, added up only when a rate is asked for.
    """

    closed_episodes: int = 0
    outcome_n: int = 0
    outcome_k: int = 0
    kept_by_planned: dict[int, int] = field(default_factory=dict)
    compliance_n: int = 0

    def add(self, other: "CareSums") -> None:
        self.closed_episodes += other.closed_episodes
        self.outcome_n += other.outcome_n
        self.outcome_k += other.outcome_k
        self.compliance_n += other.compliance_n
        for planned, kept in other.kept_by_planned.items():
            self.kept_by_planned[planned] = self.kept_by_planned.get(planned, 0) + kept

    def _kept_over_common(self) -> tuple[int, int]:
        """The sum over episodes of kept / planned visits as a whole numerator over the planned
        counts' common multiple (they are few and positive): exact."""
        if not self.kept_by_planned:
            return 0, 1
        common = math.lcm(*self.kept_by_planned)
        return sum(k * (common // p) for p, k in self.kept_by_planned.items()), common

    @property
    def compliance_sum(self) -> float:
        """The sum over episodes of kept / planned visits, rounded once (integer division is
        correctly rounded)."""
        kept, common = self._kept_over_common()
        return kept / common

    @property
    def compliance_rate(self) -> float | None:
        if not self.compliance_n:
            return None
        kept, common = self._kept_over_common()
        return kept / (common * self.compliance_n)

    @property
    def outcome_success_rate(self) -> float | None:
        return self.outcome_k / self.outcome_n if self.outcome_n else None


def total(parts) -> CareSums:
    result = CareSums()
    for part in parts:
        result.add(part)
    return result


def care_sums(facts: QuerySet, groups: list[str]) -> dict:
    """CareSums per group (a tuple of the `groups` columns; the empty tuple for all of them when
    `groups` is empty), in one query over `closed_episode_facts`."""
    return care_sums_of(groups, facts=facts)


def care_sums_of(
    groups: list[str], *, ctes: str = "", params: Sequence = (), **querysets: QuerySet
) -> dict:
    """`care_sums` over the rows named `facts`: a queryset of that name, or the last of the
    common table expressions `ctes` (", name AS (…), facts AS (…)", with `params`) built
    over the `querysets` (rows of `closed_episode_facts` with more columns to group by)."""
    sums: dict = {}
    select = ctes + _CLOSED_EPISODE_SUMS.format(groups="".join(f"{g}, " for g in groups))
    for row in fetch(select, params, **querysets):
        planned, episodes = row["planned"], row["episodes"]
        key = tuple(row[g] for g in groups)
        sums.setdefault(key, CareSums()).add(
            CareSums(
                closed_episodes=episodes,
                outcome_n=int(row["outcome_n"]),
                outcome_k=int(row["outcome_k"]),
                kept_by_planned={planned: int(row["kept"])} if planned else {},
                compliance_n=episodes if planned else 0,
            )
        )
    return sums


def regroup(sums: dict, position: int) -> dict:
    """Add CareSums up by one column of their key (skipping rows where it is NULL)."""
    totals: dict = {}
    for key, value in sums.items():
        if key[position] is not None:
            totals.setdefault(key[position], CareSums()).add(value)
    return totals
