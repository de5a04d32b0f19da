"""Figures as the pages read them. Every partner's scorecard costs about a second on a large
practice (docs/metrics.md computes them from the whole history), so a page reuses the figures
computed for the same scope under the current data version. They live in Django's cache, which
every worker and host shares; a write through the services changes the version
(core/freshness.py), so the next page computes them again."""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from liaison.core.freshness import figures_version
from liaison.insights.channels import ChannelFigures, channel_figures
from liaison.insights.response import ResponseTimes, response_times
from liaison.insights.scope import Scope
from liaison.insights.scorecards import PartnerScorecard, partner_scorecards

FIGURES_SECONDS = 15 * 60

T = TypeVar("T")


def kept(kind: str, scope: Scope, compute: Callable[[], T]) -> T:
    """`compute()`'s value for this kind and scope, computed at most once per data version."""
    key = (
        f"liaison:figures:{kind}:{scope.as_of.isoformat()}:{scope.window_days}:"
        f"{scope.location_id}:{figures_version()}"
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FIGURES_SECONDS)
    return value


def kept_scorecards(scope: Scope) -> list[PartnerScorecard]:
    return kept("scorecards", scope, lambda: partner_scorecards(scope=scope))


def kept_channels(scope: Scope) -> list[ChannelFigures]:
    return kept("channels", scope, lambda: channel_figures(scope=scope))


def kept_response(scope: Scope) -> ResponseTimes:
    return kept("response", scope, lambda: response_times(scope=scope))

