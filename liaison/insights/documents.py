"""The figures as JSON-ready objects: what `liaison scorecards --format json` prints and the
API serves. Counts are integers, rates and p-values floats (unrounded), money strings with two
decimals, dates ISO strings, and None where a figure is undefined."""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db.models import F

from liaison.insights.care_sums import care_sums, closed_episode_facts, closed_in_window, regroup
from liaison.insights.channels import ChannelFigures, channel_figures
from liaison.insights.first_visits import first_visit_stats
from liaison.insights.gaps import NetworkGaps, network_gaps
from liaison.insights.informed import FIELDS as INFORMED_FIELDS
from liaison.insights.not_responding import (
    NotResponding,
    not_responding_by_partner,
    patients_not_responding,
)
from liaison.insights.response import ResponseTimes, response_target_days, response_times
from liaison.insights.scope import Scope
from liaison.insights.scorecards import PartnerScorecard, partner_scorecards

# The scorecard's fields, in the order of docs/metrics.md, after partner_id, name, specialty.
PARTNER_FIELDS = [
    "partner_id",
    "name",
    "specialty",
    "referrals",
    "mature_referrals",
    "seen",
    "conversion_rate",
    "declined_not_appropriate",
    "appropriateness_rate",
    "median_days_to_first_visit",
    "closed_episodes",
    "compliance_rate",
    "outcome_success_rate",
    "revenue",
    "quality_index",
    "value_score",
    "recent_referrals",
    "baseline_referrals",
    "expected_recent",
    "p_decline",
    "p_growth",
    "trend",
    "last_referral_on",
    "last_touchpoint_on",
    "needs_reconnect",
]
CHANNEL_FIELDS = [
    "channel",
    "new_patients",
    "ltv_12m",
    "ltv_24m",
    "spend",
    "cost_per_new_patient",
    "ltv_to_cac",
    "return_rate",
    "compliance_rate",
]
TIMES_FIELDS = [
    "median_days_to_first_visit",
    "p90_days_to_first_visit",
    "seen_within_target_rate",
    "on_time_rate",
]
RESPONSE_FIELDS = [*TIMES_FIELDS, *INFORMED_FIELDS]


def plain(value):
    """A value as JSON carries it: dates as ISO text, money (Decimal) as text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def pick(obj, fields: list[str]) -> dict:
    return {name: plain(getattr(obj, name)) for name in fields}


def header(scope: Scope) -> dict:
    return {"as_of": scope.as_of.isoformat(), "window_days": scope.window_days}


def partner_object(card: PartnerScorecard) -> dict:
    # Spelled out rather than through plain(): thousands of partners, 25 fields each.
    values = card.__dict__
    out = {name: values[name] for name in PARTNER_FIELDS}
    out["revenue"] = f"{card.revenue:.2f}"
    out["value_score"] = None if card.value_score is None else f"{card.value_score:.2f}"
    for name in ("last_referral_on", "last_touchpoint_on"):
        out[name] = None if values[name] is None else values[name].isoformat()
    return out


def channel_object(figures: ChannelFigures) -> dict:
    return pick(figures, CHANNEL_FIELDS)


def response_object(times: ResponseTimes) -> dict:
    return {**pick(times, TIMES_FIELDS), **pick(times.informed, INFORMED_FIELDS)}


def scorecards_document(*, scope: Scope) -> dict:
    """The whole of `liaison scorecards`: partners, channels and response times (with the
    reports on time and keeping referrers informed).

    The closed episodes' sums are computed once, per partner, channel and referral, for the
    partners, the channels and keeping referrers informed; the first visits once, per partner
    and overall, for both the partners and the response times. Twelve queries.
    """
    facts = closed_episode_facts(
        closed_in_window(scope), scope, "partner_id", "channel", "referral_id"
    )
    care = care_sums(facts, ["partner_id", "channel", "referral_id"])
    seen = first_visit_stats(scope, F("partner_id"), target_days=response_target_days())
    partners = partner_scorecards(scope=scope, care=regroup(care, 0), first_visits=seen.by_group)
    channels = channel_figures(scope=scope, care=regroup(care, 1))
    response = response_times(scope=scope, seen=seen.overall, care_by_referral=regroup(care, 2))
    return {
        **header(scope),
        "partners": [partner_object(p) for p in partners],
        "channels": [channel_object(c) for c in channels if c.has_patients],
        "response": response_object(response),
    }


def channels_document(*, scope: Scope) -> dict:
    channels = channel_figures(scope=scope)
    return {**header(scope), "channels": [channel_object(c) for c in channels if c.has_patients]}


def response_document(*, scope: Scope) -> dict:
    return {**header(scope), "response": response_object(response_times(scope=scope))}


def gaps_document(*, scope: Scope) -> dict:
    gaps: NetworkGaps = network_gaps(scope=scope)
    return {
        **header(scope),
        "specialties": [plain(dataclasses.asdict(s)) for s in gaps.specialties],
        "zips": [plain(dataclasses.asdict(z)) for z in gaps.zips],
    }


def not_responding_document(*, scope: Scope, user=None) -> dict:
    episodes: list[NotResponding] = patients_not_responding(scope=scope, user=user)
    return {**header(scope), "episodes": [dataclasses.asdict(e) for e in episodes]}


def not_responding_by_partner_document(*, scope: Scope) -> dict:
    partners = not_responding_by_partner(scope=scope)
    return {**header(scope), "partners": [dataclasses.asdict(p) for p in partners]}
