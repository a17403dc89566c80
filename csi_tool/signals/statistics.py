"""When a difference in the data is credible rather than noise: the tests `csi signals` names.

A register's export is compared group by group (every category, every assignment group...),
so dozens of comparisons run at once and some would look different by chance alone. Every
test here takes the number of comparisons and applies Bonferroni's correction: the whole
family of flags is wrong with at most the stated probability (1 − confidence).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from statistics import NormalDist

WILSON = "Wilson score interval"
RISE = "exact binomial test of the later half's share against all tickets' later share"
# Above this many tickets the binomial tail is summed by its normal approximation instead.
_EXACT_LIMIT = 2_000


@dataclass(frozen=True)
class Interval:
    """A proportion's estimate and its two-sided interval."""

    rate: float
    low: float
    high: float


def wilson_interval(successes: int, trials: int, confidence: float, comparisons: int) -> Interval:
    """The Wilson score interval of successes/trials, Bonferroni-corrected."""
    if trials <= 0:
        return Interval(0.0, 0.0, 1.0)
    z = _critical_value(confidence, comparisons)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - spread)  # exact at the ends, not 1e-17
    high = 1.0 if successes == trials else min(1.0, centre + spread)
    return Interval(p, low, high)


@functools.lru_cache(maxsize=64)
def _critical_value(confidence: float, comparisons: int) -> float:
    """The two-sided normal quantile at the Bonferroni-corrected level (computed once for
    the thousands of groups a large export has)."""
    alpha = (1 - confidence) / max(comparisons, 1)
    return NormalDist().inv_cdf(1 - alpha / 2)


def rise_p_value(earlier: int, later: int, expected_share: float = 0.5) -> float:
    """One-sided p-value of at least `later` of `earlier + later` tickets falling in the later
    half by chance, when a group's tickets fall there as often as all tickets do
    (later ~ Binomial(earlier + later, expected_share))."""
    n = earlier + later
    if n == 0 or expected_share >= 1:
        return 1.0
    if expected_share <= 0:
        return 0.0 if later > 0 else 1.0
    if n > _EXACT_LIMIT:
        mean, spread = n * expected_share, math.sqrt(n * expected_share * (1 - expected_share))
        return 1 - NormalDist().cdf((later - 0.5 - mean) / spread)  # continuity-corrected
    p, q = expected_share, 1 - expected_share
    log_first = (
        math.lgamma(n + 1)
        - math.lgamma(later + 1)
        - math.lgamma(n - later + 1)
        + later * math.log(p)
        + (n - later) * math.log1p(-p)
    )
    term = math.exp(log_first)  # P(X = later); each next term by the ratio of neighbours
    if term == 0.0:  # too far from the mean for a double: the tail is all or nothing
        return 1.0 if later < n * p else 0.0
    total = term
    for k in range(later, n):
        term *= (n - k) / (k + 1) * p / q
        total += term
        if term < total * 1e-17:  # the tail beyond changes nothing a double can hold
            break
    return min(1.0, total)


def significant(p_value: float, confidence: float, comparisons: int) -> bool:
    """Whether a p-value is below the Bonferroni-corrected level."""
    return p_value < (1 - confidence) / max(comparisons, 1)
