"""pass@k: the product-form estimator against exact rational values computed independently."""
from fractions import Fraction
from math import comb

import numpy as np
import pytest

from agent.eval.metrics import mean_pass_at_k, pass_at_k


def exact_pass_at_k(n: int, c: int, k: int) -> Fraction:
    """1 - C(n-c, k) / C(n, k) with exact integers (C(a, b) = 0 for b > a)."""
    return 1 - Fraction(comb(n - c, k), comb(n, k))


def humaneval_pass_at_k(n: int, c: int, k: int) -> float:
    """The formula as the HumanEval paper states it (Chen et al. 2021), written out independently."""
    if n - c < k:
        return 1.0
    return 1.0 - float(np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


TABLE = [
    (1, 0, 1), (1, 1, 1), (5, 0, 1), (5, 5, 5), (5, 1, 1), (5, 1, 5), (10, 3, 1), (10, 3, 5),
    (10, 3, 8),  # k > n - c: every subset contains a pass
    (10, 7, 4), (20, 1, 10), (50, 2, 10), (100, 0, 100), (100, 1, 1), (100, 37, 16), (200, 5, 128),
]


@pytest.mark.parametrize("n,c,k", TABLE)
def test_matches_exact_value(n, c, k):
    assert pass_at_k(n, c, k) == pytest.approx(float(exact_pass_at_k(n, c, k)), abs=1e-12)


@pytest.mark.parametrize("n,c,k", TABLE)
def test_matches_humaneval_formula(n, c, k):
    assert pass_at_k(n, c, k) == pytest.approx(humaneval_pass_at_k(n, c, k), abs=1e-12)


def test_edge_cases():
    assert pass_at_k(7, 0, 3) == 0.0  # nothing passes
    assert pass_at_k(7, 7, 1) == 1.0  # everything passes
    assert pass_at_k(7, 5, 3) == 1.0  # k > n - c
    assert pass_at_k(10, 4, 1) == pytest.approx(0.4)  # pass@1 is the pass fraction


def test_large_n_is_stable():
    # C(1000, 500) overflows a float; the product form must not.
    got = pass_at_k(1000, 10, 500)
    assert got == pytest.approx(float(exact_pass_at_k(1000, 10, 500)), abs=1e-12)
    assert 0.99 < got <= 1.0


@pytest.mark.parametrize("n,c,k", [(0, 0, 1), (5, 6, 1), (5, -1, 1), (5, 2, 0), (5, 2, 6)])
def test_rejects_impossible_arguments(n, c, k):
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)


def test_mean_over_problems():
    counts = [(4, 0), (4, 2), (4, 4)]
    assert mean_pass_at_k(counts, 1) == pytest.approx((0 + 0.5 + 1) / 3)
    assert mean_pass_at_k(counts, 2) == pytest.approx((0 + float(exact_pass_at_k(4, 2, 2)) + 1) / 3)
    assert mean_pass_at_k(counts, 5) is None  # not enough samples for k=5
    assert mean_pass_at_k([], 1) is None
