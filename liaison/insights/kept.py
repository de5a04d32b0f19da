"""Figures as the pages read them. Every partner's scorecard costs about a second on a large
practice (docs/metrics.md computes them from the whole history), so a page reuses the figures
computed for the same scope under the current data version.

Two layers: Django's cache, which every worker and host shares, so figures are computed once
for all of them; and a copy in this process of the latest few, so that a warm page does not
fetch and unpickle 8,000 scorecards on every request. Both are keyed by the data version: a
write through the services or an import changes it (core/freshness.py), so the next page, in
any worker, computes the figures again. Writes that bypass both (the admin) are seen when the
kept figures expire."""

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from liaison.core.freshness import figures_version, letters_version
from liaison.insights.channels import ChannelFigures, channel_figures
from liaison.insights.gaps import NetworkGaps, network_gaps
from liaison.insights.response import ResponseTimes, response_times
from liaison.insights.scope import Scope
from liaison.insights.scorecards import PartnerScorecard, partner_scorecards

FIGURES_SECONDS = 15 * 60
HELD = 24  # (kind, scope) values this process holds at once

T = TypeVar("T")
# key -> (good until, on the monotonic clock; the value), the most recently used last.
_held: OrderedDict[str, tuple[float, object]] = OrderedDict()


def kept(kind: str, scope: Scope, compute: Callable[[], T], *, shared: bool = True) -> T:
    """`compute()`'s value for this kind and scope, computed at most once per data version
    (per process when not `shared`: for values quickly derived from shared ones)."""
    key = _key(kind, scope)
    value = _in_process(key)
    if value is None:
        value = cache.get(key) if shared else None
        if value is None:
            value = compute()
            if shared:
                cache.set(key, value, FIGURES_SECONDS)
        _hold(key, value)
    return value


def kept_in_hand(kind: str, scope: Scope):
    """The value this process holds for the kind and scope at the current version, or None:
    for a caller that would rather compute something smaller than the whole figure."""
    return _in_process(_key(kind, scope))


def kept_scorecards(scope: Scope) -> list[PartnerScorecard]:
    return kept("scorecards", scope, lambda: partner_scorecards(scope=scope))


def kept_scorecards_by_partner(scope: Scope) -> dict[int, PartnerScorecard]:
    return kept(
        "scorecards-by-partner",
        scope,
        lambda: {card.pk: card for card in kept_scorecards(scope)},
        shared=False,
    )


def kept_channels(scope: Scope) -> list[ChannelFigures]:
    return kept("channels", scope, lambda: channel_figures(scope=scope))


def kept_gaps(scope: Scope) -> NetworkGaps:
    return kept("gaps", scope, lambda: network_gaps(scope=scope))


def kept_response(scope: Scope) -> ResponseTimes:
    return kept(_with_letters("response"), scope, lambda: response_times(scope=scope))


def _with_letters(kind: str) -> str:
    """The kind of a figure that also reads the reports: writing or sending a letter changes
    the letters' version, not the figures' (core/freshness.py)."""
    return f"{kind}-{letters_version()}"


def _key(kind: str, scope: Scope) -> str:
    return (
        f"liaison:figures:{kind}:{scope.as_of.isoformat()}:{scope.window_days}:"
        f"{scope.location_id}:{figures_version()}"
    )


def _in_process(key: str):
    entry = _held.get(key)
    if entry is None or entry[0] < time.monotonic():
        return None
    _held.move_to_end(key)
    return entry[1]


def _hold(key: str, value) -> None:
    _held[key] = (time.monotonic() + FIGURES_SECONDS, value)
    _held.move_to_end(key)
    while len(_held) > HELD:
        _held.popitem(last=False)
