import math
from decimal import Decimal, localcontext

import pytest

from liaison.insights.stats import (
    median_from_ranks,
    p90_from_ranks,
    poisson_cdf,
    poisson_sf,
    ratio,
    shrink,
)


def reference_pmf_terms(lam: Decimal, upto: int) -> list[Decimal]:
    """P(X = i) for i in 0..upto, in 60-digit decimal arithmetic: an independent reckoning."""
    with localcontext() as ctx:
        ctx.prec = 60
        return [(-lam).exp() * lam**i / math.factorial(i) for i in range(upto + 1)]


def reference_cdf(k: int, lam: float) -> float:
    with localcontext() as ctx:
        ctx.prec = 60
        return float(sum(reference_pmf_terms(Decimal(lam), k)))


def reference_sf(k: int, lam: float) -> float:
    with localcontext() as ctx:
        ctx.prec = 60
        below = sum(reference_pmf_terms(Decimal(lam), k - 1)) if k > 0 else Decimal(0)
        return float(1 - below)


@pytest.mark.parametrize(
    ("k", "lam"),
    [
        (0, 0.5),
        (2, 5.0),
        (4, 0.7397260273972602),
        (9, 72.73972602739725),
        (150, 51.5),
        (30, 30.0),
        (0, 137.8),
    ],
)
def test_poisson_tails_match_an_independent_high_precision_sum(k, lam):
    assert poisson_cdf(k, lam) == pytest.approx(reference_cdf(k, lam), rel=1e-12, abs=1e-300)
    assert poisson_sf(k, lam) == pytest.approx(reference_sf(k, lam), rel=1e-9, abs=1e-300)


def test_poisson_textbook_values():
    # P(X ≤ 2 | λ = 5) = e^-5 (1 + 5 + 12.5) = 0.124652…
    assert poisson_cdf(2, 5.0) == pytest.approx(18.5 * math.exp(-5), rel=1e-15)
    assert poisson_sf(1, 2.0) == pytest.approx(1 - math.exp(-2), rel=1e-15)


def test_poisson_with_a_zero_mean():
    assert poisson_cdf(0, 0.0) == 1.0
    assert poisson_cdf(3, 0.0) == 1.0
    assert poisson_sf(0, 0.0) == 1.0
    assert poisson_sf(1, 0.0) == 0.0


def test_a_huge_mean_neither_underflows_nor_exceeds_one():
    # e^-2000 underflows a float; the log-space terms do not.
    assert 0 < poisson_cdf(1800, 2000.0) < 1e-4
    assert poisson_sf(1800, 2000.0) == pytest.approx(1.0, abs=1e-4)
    assert poisson_cdf(2000, 2000.0) <= 1.0


def test_shrinkage_pulls_few_towards_the_pooled_rate():
    assert shrink(2, 2, 0.5, 10) == pytest.approx(7 / 12)
    assert shrink(0, 0, 0.5, 10) == 0.5
    assert shrink(1, 1, None, 10) is None


def test_ratio_of_nothing_is_undefined():
    assert ratio(0, 0) is None
    assert ratio(1, 4) == 0.25


@pytest.mark.parametrize(
    ("values", "median", "p90"),
    [
        ([7], 7, 7),
        ([5, 7], 6.0, 7),
        ([1, 2, 3, 4], 2.5, 4),
        (list(range(1, 11)), 5.5, 9),
        (list(range(1, 12)), 6, 10),
        ([3, 3, 3], 3, 3),
    ],
)
def test_median_and_nearest_rank_p90(values, median, p90):
    by_rank = dict(enumerate(sorted(values), start=1))
    assert median_from_ranks(by_rank, len(values)) == median
    assert p90_from_ranks(by_rank, len(values)) == p90
    assert p90 == sorted(values)[math.ceil(0.9 * len(values)) - 1]


def test_no_values_no_median():
    assert median_from_ranks({}, 0) is None
    assert p90_from_ranks({}, 0) is None
