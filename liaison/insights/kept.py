"""Keeping computed figures: every partner's scorecard costs about a second on a large practice
(docs/metrics.md computes them from the whole history), so a value computed for a scope is
reused until the data it reads changes. The figures themselves, and which are kept, are in
queries.py (the door every page, the API, the CLI and Today read them through).

Two layers: Django's cache, which every worker and host shares, so figures are computed once
for all of them; and a copy in this process of the latest few, so that a warm page does not
fetch and unpickle 8,000 scorecards on every request. Both are keyed by the data version of
the topics the value reads (data_version.py), which the database advances on every write, so
the next read after a commit, in any worker, computes the value again."""

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache

from liaison.insights.data_version import FIGURES, data_version
from liaison.insights.scope import Scope

FIGURES_SECONDS = 15 * 60
# In every key. Raised when a kept value's classes move or are renamed: a value the code
# before pickled stays in the shared cache for FIGURES_SECONDS and could not be unpickled.
SHAPE = 2
HELD = 24  # (kind, scope) values this process holds at once

T = TypeVar("T")
# key -> (good until, on the monotonic clock; the value), the most recently used last.
_held: OrderedDict[str, tuple[float, object]] = OrderedDict()


def kept(
    kind: str,
    scope: Scope,
    compute: Callable[[], T],
    *,
    reads: Iterable[str] = (FIGURES,),
    shared: bool = True,
) -> T:
    """`compute()`'s value for this kind and scope, computed at most once per version of the
    topics it `reads` (per process when not `shared`: for values quickly derived from shared
    ones)."""
    key = _key(kind, scope, reads)
    value = _in_process(key)
    if value is None:
        value = cache.get(key) if shared else None
        if value is None:
            value = compute()
            if shared:
                cache.set(key, value, FIGURES_SECONDS)
        _hold(key, value)
    return value


def kept_in_hand(kind: str, scope: Scope, *, reads: Iterable[str] = (FIGURES,)):
    """The value this process holds for the kind and scope at the current version, or None:
    for a caller that would rather compute something smaller than the whole figure."""
    return _in_process(_key(kind, scope, reads))


def forget() -> None:
    """Let go of the values this process holds (tests: a rolled-back database repeats its
    versions). The shared ones go with `cache.clear()`."""
    _held.clear()


def _key(kind: str, scope: Scope, reads: Iterable[str]) -> str:
    """The one place a kept value's key is made: its kind, its scope and the counters of the
    topics it reads."""
    version = data_version()
    counters = ",".join(f"{topic}={version[topic]}" for topic in sorted(reads))
    return (
        f"liaison:figures:v{SHAPE}:{kind}:{scope.as_of.isoformat()}:{scope.window_days}:"
        f"{scope.location_id}:{counters}"
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
