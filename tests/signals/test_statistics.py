"""The tests `csi signals` names, checked against values computed another way."""

from __future__ import annotations

import math

import pytest

from csi_tool.signals.statistics import rise_p_value, significant, wilson_interval


def test_the_wilson_interval_matches_its_textbook_values() -> None:
    # Newcombe (1998), table I: 81 of 263 at 95% gives 0.2553 to 0.3662
    interval = wilson_interval(81, 263, 0.95, comparisons=1)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.2553, 0.3662)
    # 0 of 10 keeps a sensible upper bound instead of the normal approximation's zero width
    empty = wilson_interval(0, 10, 0.95, comparisons=1)
    assert empty.low == 0 and round(empty.high, 4) == 0.2775


def test_bonferroni_widens_the_interval_with_the_number_of_comparisons() -> None:
    one = wilson_interval(30, 100, 0.95, comparisons=1)
    many = wilson_interval(30, 100, 0.95, comparisons=50)
    assert many.low < one.low < 0.3 < one.high < many.high
    assert significant(0.001, 0.95, comparisons=10)
    assert not significant(0.006, 0.95, comparisons=10)  # 0.05 / 10 = 0.005


@pytest.mark.parametrize(("earlier", "later"), [(0, 5), (3, 9), (10, 10), (40, 61), (7, 2)])
def test_the_rise_test_is_the_exact_binomial_tail(earlier: int, later: int) -> None:
    n = earlier + later
    exact = sum(math.comb(n, k) for k in range(later, n + 1)) / 2**n
    assert rise_p_value(earlier, later) == pytest.approx(exact, rel=1e-9)


@pytest.mark.parametrize(("earlier", "later", "share"), [(3, 9, 0.7), (40, 61, 0.3), (5, 0, 0.2)])
def test_the_rise_test_takes_the_share_all_tickets_have(
    earlier: int, later: int, share: float
) -> None:
    n = earlier + later
    exact = sum(math.comb(n, k) * share**k * (1 - share) ** (n - k) for k in range(later, n + 1))
    assert rise_p_value(earlier, later, share) == pytest.approx(exact, rel=1e-9)


def test_a_count_far_from_the_mean_does_not_underflow() -> None:
    assert rise_p_value(1_900, 100) == 1.0  # P(X ≥ 100 of 2,000 at ½): all but certain
    assert rise_p_value(100, 1_900) == 0.0


def test_large_counts_use_the_normal_approximation_closely() -> None:
    earlier, later = 1_480, 1_560
    n = earlier + later
    exact = sum(math.comb(n, k) for k in range(later, n + 1)) / 2**n
    assert rise_p_value(earlier, later) == pytest.approx(exact, rel=0.02)
