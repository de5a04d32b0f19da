"""Reads that turn records into the figures the practice sees (definitions: docs/metrics.md).

The figures live in modules beside this one, one idea each; this module is the door the
pages, the API, the commands and Today come through, for figures computed afresh or kept.
A kept figure (kept.py) is computed at most once per data version of the topics it reads
(data_version.py: figures, reports, contacts), which the database advances on every write.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import TypeVar

from liaison.accounts.models import Location
from liaison.core.codes import by_practice_id
from liaison.insights.channels import ChannelFigures, channel_figures
from liaison.insights.data_version import CONTACTS, FIGURES, REPORTS
from liaison.insights.documents import (
    channels_document,
    gaps_document,
    not_responding_by_partner_document,
    not_responding_document,
    response_document,
    scorecards_document,
)
from liaison.insights.gaps import ActivePlace, NetworkGaps, active_partner_places, network_gaps
from liaison.insights.informed import KeepingInformed, keeping_informed
from liaison.insights.kept import kept, kept_in_hand
from liaison.insights.monthly_counts import (
    MonthPair,
    partner_months,
    referrals_per_month,
    this_year_against_last,
)
from liaison.insights.not_responding import NotResponding, patients_not_responding
from liaison.insights.response import ReportsOnTime, ResponseTimes, reports_on_time, response_times
from liaison.insights.response_breakdown import (
    ResponseBreakdown,
    reports_overdue,
    response_breakdown,
)
from liaison.insights.scope import Scope
from liaison.insights.scorecards import (
    PartnerScorecard,
    Pooled,
    Trend,
    needs_reconnect,
    partner_scorecards,
    pooled_rates,
)
from liaison.insights.touchpoint_effect import TouchpointEffect, touchpoint_effects
from liaison.partners.models import Partner
from liaison.partners.queries import last_contacts
from liaison.reports.obligations import Obligation, obligations_unsent
from liaison.reports.rules import Rules, practice_rules

T = TypeVar("T")

__all__ = [
    "ActivePlace",
    "ChannelFigures",
    "KeepingInformed",
    "ReportsOnTime",
    "MonthPair",
    "NetworkGaps",
    "NotResponding",
    "Obligation",
    "PartnerScorecard",
    "Pooled",
    "ResponseBreakdown",
    "ResponseTimes",
    "Scope",
    "TouchpointEffect",
    "channel_figures",
    "channels_document",
    "find_location",
    "gaps_document",
    "keeping_informed",
    "kept_channels",
    "kept_gaps",
    "kept_gaps_map",
    "kept_reports_overdue",
    "kept_reports_unsent",
    "kept_months_against_last_year",
    "kept_partner_months",
    "kept_pooled_rates",
    "kept_response",
    "kept_response_breakdown",
    "kept_scorecards",
    "kept_touchpoint_effects",
    "reports_on_time",
    "network_gaps",
    "not_responding_by_partner_document",
    "not_responding_document",
    "partner_scorecard",
    "partner_scorecard_today",
    "partner_scorecards",
    "patients_not_responding",
    "practice_scorecards",
    "referrals_per_month",
    "response_document",
    "response_times",
    "scorecards_document",
]


def find_location(practice_id: str) -> Location | None:
    """A location by the practice's own id, or by its code."""
    return by_practice_id(Location.objects, practice_id)


# ----- Kept figures: each at most once per data version of what it reads -----------------


def kept_scorecards(*, scope: Scope) -> list[PartnerScorecard]:
    return kept("scorecards", scope, lambda: partner_scorecards(scope=scope))


def _kept_scorecards_by_partner(scope: Scope) -> dict[int, PartnerScorecard]:
    return kept(
        "scorecards-by-partner",
        scope,
        lambda: {card.pk: card for card in kept_scorecards(scope=scope)},
        shared=False,
    )


def kept_pooled_rates(*, scope: Scope) -> Pooled:
    return kept("pooled", scope, lambda: pooled_rates(scope=scope))


def partner_scorecard(*, scope: Scope, partner: Partner) -> PartnerScorecard:
    """One partner's scorecard, shrunk towards the pooled rates kept for the scope: five
    queries, and two more when the data changed since the pooled rates were last computed."""
    pooled = kept_pooled_rates(scope=scope)
    return partner_scorecards(scope=scope, partner_pk=partner.pk, pooled=pooled)[0]


def kept_channels(*, scope: Scope) -> list[ChannelFigures]:
    return kept("channels", scope, lambda: channel_figures(scope=scope))


def kept_gaps(*, scope: Scope) -> NetworkGaps:
    return kept("gaps", scope, lambda: network_gaps(scope=scope))


def kept_gaps_map(*, scope: Scope, draw: Callable[[NetworkGaps, list[ActivePlace]], T]) -> T:
    """What the gaps page draws from the gaps and the active partners' places (its map)."""
    gaps = kept_gaps(scope=scope)
    return kept("gaps-map", scope, lambda: draw(gaps, active_partner_places(scope=scope)))


def kept_months_against_last_year(*, scope: Scope) -> list[MonthPair]:
    return kept("months-against-last-year", scope, lambda: this_year_against_last(scope))


def kept_partner_months(*, scope: Scope, card: PartnerScorecard) -> dict:
    return kept(f"partner-months-{card.pk}", scope, lambda: partner_months(scope=scope, card=card))


def kept_touchpoint_effects(*, scope: Scope) -> list[TouchpointEffect]:
    return kept(
        "touchpoint-effects",
        scope,
        lambda: touchpoint_effects(scope=scope),
        reads=(FIGURES, CONTACTS),
    )


# The on-time figures also read the reports: writing or sending one changes the reports'
# version, not the figures'.


def kept_response(*, scope: Scope) -> ResponseTimes:
    return kept("response", scope, lambda: response_times(scope=scope), reads=(FIGURES, REPORTS))


def kept_response_breakdown(*, scope: Scope) -> ResponseBreakdown:
    return kept("response-breakdown", scope, lambda: response_breakdown(scope=scope))


def kept_reports_overdue(*, scope: Scope) -> list[Obligation]:
    return kept("reports-overdue", scope, lambda: reports_overdue(scope), reads=(FIGURES, REPORTS))


def kept_reports_unsent(*, as_of: dt.date, location_ids: list[int]) -> list[Obligation]:
    """The due engine's unsent reports at these locations (Today's reports owed): it reads
    the whole year's record (a second on a large practice). The practice's rules are part of
    the key."""
    kind = ":".join(
        ["reports-unsent", ",".join(map(str, location_ids)), _rules_token(practice_rules())]
    )
    return kept(
        kind,
        Scope(as_of=as_of),
        lambda: obligations_unsent(as_of=as_of, location_ids=location_ids),
        reads=(FIGURES, REPORTS),
    )


def _rules_token(rules: Rules) -> str:
    # Stable across processes (a frozenset's order is not): the practice's rules in a word.
    fields = {**asdict(rules), "kinds": sorted(rules.kinds)}
    return hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()[:16]


# ----- Scorecards with the latest contacts ------------------------------------------------
# A contact logged counts at once: `needs_reconnect` is decided again from the partners'
# latest touchpoints, read again after every touchpoint logged (the contacts' version), without
# recomputing the scorecards.


def practice_scorecards(*, as_of: dt.date) -> dict[int, PartnerScorecard]:
    """Every partner's scorecard as of `as_of`, by partner id, with a fresh reconnect flag."""
    scope = Scope(as_of=as_of)
    return kept(
        "cards-with-contacts",
        scope,
        lambda: _with_fresh_contacts(_kept_scorecards_by_partner(scope), as_of),
        reads=(FIGURES, CONTACTS),
        shared=False,
    )


def partner_scorecard_today(*, partner: Partner, as_of: dt.date) -> PartnerScorecard:
    """One partner's scorecard: from the practice's cards when they are at hand."""
    scope = Scope(as_of=as_of)
    cards = kept_in_hand("scorecards-by-partner", scope)
    if cards is not None and partner.pk in cards:
        return _with_fresh_contacts({partner.pk: cards[partner.pk]}, as_of)[partner.pk]
    return partner_scorecard(scope=scope, partner=partner)


def _with_fresh_contacts(cards: dict, as_of: dt.date) -> dict[int, PartnerScorecard]:
    cooling = [pk for pk, c in cards.items() if c.trend in (Trend.DECLINING, Trend.DORMANT)]
    latest = last_contacts(partner_ids=cooling, as_of=as_of) if cooling else {}
    scope = Scope(as_of=as_of)
    fresh = dict(cards)
    for pk in cooling:
        card, last = cards[pk], latest.get(pk)
        if last != card.last_touchpoint_on:
            fresh[pk] = replace(
                card,
                last_touchpoint_on=last,
                needs_reconnect=needs_reconnect(card.trend, last, scope),
            )
    return fresh
