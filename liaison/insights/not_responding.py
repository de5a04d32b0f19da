"""Patients not responding to care (docs/metrics.md): open episodes whose primary instrument
has moved less than its MCID over at least four weeks. Only episode codes and partner ids go
out: nothing that names a patient."""

import uuid
from dataclasses import dataclass

from django.db.models import F, Value
from django.db.models.functions import Coalesce

from liaison.care.instruments import NOT_RESPONDING_AFTER_DAYS
from liaison.care.models import Episode
from liaison.insights.care_sums import (
    first_reading,
    improvement,
    last_reading,
    located,
    mcid,
    reading_count,
)
from liaison.insights.scope import Scope
from liaison.insights.sql import as_date, days_between_sql, fetch


@dataclass(frozen=True)
class NotResponding:
    episode_code: str
    partner_id: str | None  # the referring partner's practice id; None for a self-referral
    instrument: str
    readings: int
    days_measured: int
    improvement: float  # points on the instrument's scale; positive is better
    mcid: float
    worsening: bool


_NOT_RESPONDING = """
    SELECT * FROM facts
    WHERE reading_count >= 2 AND {days} >= %s AND improvement < mcid
    ORDER BY improvement + mcid, episode_code
"""


def patients_not_responding(*, scope: Scope, user=None) -> list[NotResponding]:
    """Episodes open on D that are not responding (worsening ones flagged), worst first; only
    those of patients `user` may see, when a user is given."""
    days = days_between_sql("last_on", "first_on")
    facts = _facts(scope, user)
    rows = fetch(_NOT_RESPONDING.format(days=days), [NOT_RESPONDING_AFTER_DAYS], facts=facts)
    return [_item(row) for row in rows]


@dataclass(frozen=True)
class PartnerNotResponding:
    partner_id: str | None  # None: patients who came without a partner's referral
    not_responding: int
    worsening: int


def not_responding_by_partner(*, scope: Scope) -> list[PartnerNotResponding]:
    """How many episodes of each partner's patients are not responding (and worsening): the
    partner-level count the liaison role may see, naming no episode."""
    counts: dict[str | None, list[int]] = {}
    for item in patients_not_responding(scope=scope):
        count = counts.setdefault(item.partner_id, [0, 0])
        count[0] += 1
        count[1] += item.worsening
    ordered = sorted(counts.items(), key=lambda pair: (pair[0] is None, pair[0] or ""))
    return [PartnerNotResponding(partner, n, worse) for partner, (n, worse) in ordered]


def _facts(scope: Scope, user=None):
    episodes = Episode.objects.open_on(scope.as_of)
    if user is not None:
        episodes = episodes.visible_to(user)
    episodes = located(episodes, scope, "patient__location_id")
    return (
        episodes.filter(primary_measure__isnull=False)
        .annotate(
            episode_code=F("code"),
            partner_external_id=Coalesce(F("referral__partner__external_id"), Value("")),
            partner_code=F("referral__partner__code"),
            instrument=F("primary_measure"),
            reading_count=reading_count(scope.as_of),
            first_on=first_reading(scope.as_of, "measured_on"),
            last_on=last_reading(scope.as_of, "measured_on"),
            improvement=improvement(scope.as_of),
            mcid=mcid(),
        )
        .order_by()
        .values(
            "episode_code",
            "partner_external_id",
            "partner_code",
            "instrument",
            "reading_count",
            "first_on",
            "last_on",
            "improvement",
            "mcid",
        )
    )


def _item(row: dict) -> NotResponding:
    code = row["partner_code"]
    partner_id = row["partner_external_id"] or (str(code) if code else None)
    return NotResponding(
        episode_code=str(uuid.UUID(str(row["episode_code"]))),
        partner_id=partner_id,
        instrument=row["instrument"],
        readings=row["reading_count"],
        days_measured=(as_date(row["last_on"]) - as_date(row["first_on"])).days,
        improvement=row["improvement"] / 100,
        mcid=row["mcid"] / 100,
        worsening=row["improvement"] <= -row["mcid"],
    )
