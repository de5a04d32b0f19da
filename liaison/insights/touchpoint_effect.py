"""Touchpoints that work (docs/metrics.md, "Touchpoint effect"): for each kind of touchpoint,
how a partner's referrals in the 90 days after one compare with the 90 days before it.

Association, not proof: the partners the liaison chooses to visit differ from the others.
"""

import datetime as dt
from dataclasses import dataclass

from liaison.insights.first_visits import received
from liaison.insights.scope import Scope, days
from liaison.insights.sql import days_between_sql, fetch
from liaison.partners.models import Touchpoint

EFFECT_DAYS = 90


@dataclass(frozen=True)
class TouchpointEffect:
    kind: str
    touchpoints: int
    mean_before: float  # referrals from the partner in the 90 days before, per touchpoint
    mean_after: float  # … and in the 90 days after
    mean_change: float  # mean_after − mean_before
    increased: int  # touchpoints followed by more referrals than before them

    @property
    def increased_share(self) -> float:
        return self.increased / self.touchpoints


def last_counted_day(scope: Scope) -> dt.date:
    """The last touchpoint day whose 90 days after end on or before D."""
    return scope.as_of - days(EFFECT_DAYS)


# Each touchpoint joined to its partner's referrals within 90 days either side (d = days from
# the touchpoint to the referral; d = 0, the same day, counts on neither side), then summed
# per touchpoint and per kind.
_EFFECT = """
    SELECT kind, COUNT(*) AS touchpoints, SUM(before_n) AS before_n, SUM(after_n) AS after_n,
        SUM(CASE WHEN after_n > before_n THEN 1 ELSE 0 END) AS increased
    FROM (
        SELECT tp.id, tp.kind,
            SUM(CASE WHEN gap BETWEEN -{n} AND -1 THEN 1 ELSE 0 END) AS before_n,
            SUM(CASE WHEN gap BETWEEN 1 AND {n} THEN 1 ELSE 0 END) AS after_n
        FROM tp LEFT JOIN (
            SELECT tp_near.id AS tp_id, {gap} AS gap
            FROM tp tp_near JOIN refs r ON r.partner_id = tp_near.partner_id
            WHERE {gap} BETWEEN -{n} AND {n}
        ) near ON near.tp_id = tp.id
        GROUP BY tp.id, tp.kind
    ) per_touchpoint
    GROUP BY kind
"""


def touchpoint_effects(*, scope: Scope) -> list[TouchpointEffect]:
    """One row per touchpoint kind with a counted touchpoint, in the order of the kinds; one
    query. Counted: touchpoints dated in the window and on or before D − 90. Referrals are those
    received by D (at the scope's location, if any)."""
    touchpoints = (
        Touchpoint.objects.filter(
            occurred_on__gte=scope.window_start, occurred_on__lte=last_counted_day(scope)
        )
        .values("id", "partner_id", "kind", "occurred_on")
        .order_by()
    )
    referrals = received(scope).values("partner_id", "received_on").order_by()
    gap = days_between_sql("r.received_on", "tp_near.occurred_on")
    rows = fetch(_EFFECT.format(n=EFFECT_DAYS, gap=gap), tp=touchpoints, refs=referrals)
    by_kind = {row["kind"]: row for row in rows}
    return [_effect(kind, by_kind[kind]) for kind in Touchpoint.Kind.values if kind in by_kind]


def _effect(kind: str, row: dict) -> TouchpointEffect:
    n = int(row["touchpoints"])
    before, after = int(row["before_n"] or 0), int(row["after_n"] or 0)
    return TouchpointEffect(
        kind=kind,
        touchpoints=n,
        mean_before=before / n,
        mean_after=after / n,
        mean_change=(after - before) / n,
        increased=int(row["increased"]),
    )
