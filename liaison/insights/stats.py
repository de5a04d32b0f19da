"""The small statistics the scorecards need, computed from counts: Poisson tails, shrinkage,
medians by rank."""

import math
from functools import lru_cache


def _log_term(i: int, log_lam: float, lam: float) -> float:
    """log P(X = i) for X ~ Poisson(lam), lam > 0."""
    return i * log_lam - lam - math.lgamma(i + 1)


# Partners share a few small counts: each tail is computed once per (k, λ).
@lru_cache(maxsize=4096)
def poisson_cdf(k: int, lam: float) -> float:
    """P(X ≤ k), X ~ Poisson(lam): the exact sum of the terms 0..k.

    Each term is computed in log space, so that a large mean (a partner sending thousands of
    referrals) does not underflow e^−λ, and the terms are added with an exact sum.
    """
    if k < 0:
        return 0.0
    if lam == 0:
        return 1.0
    log_lam = math.log(lam)
    return min(1.0, math.fsum(math.exp(_log_term(i, log_lam, lam)) for i in range(k + 1)))


@lru_cache(maxsize=4096)
def poisson_sf(k: int, lam: float) -> float:
    """P(X ≥ k), X ~ Poisson(lam), summed upward from k (no 1 − cdf cancellation)."""
    if k <= 0:
        return 1.0
    if lam == 0:
        return 0.0
    log_lam = math.log(lam)
    terms = []
    i = k
    while True:
        term = math.exp(_log_term(i, log_lam, lam))
        terms.append(term)
        # Past the mode the terms shrink geometrically; stop once they no longer count.
        if i > lam and term <= 1e-17 * math.fsum(terms):
            break
        i += 1
    return min(1.0, math.fsum(terms))


def shrink(successes: float, trials: float, pooled: float | None, strength: float) -> float | None:
    """(k + s·m) / (n + s): a rate pulled towards the pooled rate m, the more so the fewer n."""
    if pooled is None:
        return None
    return (successes + strength * pooled) / (trials + strength)


def ratio(numerator: float, denominator: float) -> float | None:
    """A rate, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def median_from_ranks(values_by_rank: dict[int, float], n: int) -> float | None:
    """The median of n sorted values given those at ranks ⌊(n+1)/2⌋ and ⌊(n+2)/2⌋."""
    if n == 0:
        return None
    return (values_by_rank[(n + 1) // 2] + values_by_rank[(n + 2) // 2]) / 2


def p90_from_ranks(values_by_rank: dict[int, float], n: int) -> float | None:
    """The nearest-rank 90th percentile: the ⌈0.9·n⌉-th smallest value."""
    if n == 0:
        return None
    return values_by_rank[(9 * n + 9) // 10]
