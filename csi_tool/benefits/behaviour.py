"""Process behaviour charts (XmR, or individuals, charts): a real change told from noise.

Natural process limits come from a baseline period: the centre line is the mean of its
values, and the limits lie 2.66 average moving ranges either side (Wheeler's scaling, 3 / d2
with d2 = 1.128 for ranges of two). Values after the change signal a shift by the standard
run rules:

- a value beyond a limit (one on the limit is not beyond it);
- a run: `run_length` values in a row on one side of the centre line (one on the line breaks
  the run);
- a trend: `trend_length` values in a row, each above the one before (or each below; a value
  equal to the one before breaks it).

Each signal names its rule, its direction and the values it covers, a maximal stretch (a
run of twelve is one run, not five). The centre line and limits are held to 12 significant
digits: float arithmetic put the lower limit of 64, 65, 63, 66, 64 at 59.080000000000005, so
a value written as 59.08 would have been beyond it. Values that never vary (to those 12
digits) give no limits: any value after them would signal, however small the difference.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

SCALING = 2.66  # 3 / 1.128: three sigma from the average moving range of two values


class Rule(StrEnum):
    BEYOND_LIMIT = "beyond a limit"
    RUN = "run"
    TREND = "trend"


@dataclass(frozen=True)
class Limits:
    """The centre line and natural process limits of a baseline period."""

    centre: float
    lower: float
    upper: float
    moving_range: float  # the average moving range they come from


@dataclass(frozen=True)
class Signal:
    """Values that show the process changed: by which rule, which way, which values."""

    rule: Rule
    upward: bool
    indices: tuple[int, ...]


def natural_limits(values: Sequence[float], minimum: int) -> Limits | None:
    """The limits of a baseline period's values; None with fewer than `minimum` (and than
    two: one value has no moving range), for values that never vary, or where the
    arithmetic leaves float's range."""
    if len(values) < max(2, minimum):
        return None
    try:
        centre = math.fsum(values) / len(values)
        moving = math.fsum(abs(b - a) for a, b in pairwise(values)) / (len(values) - 1)
    except OverflowError:  # fsum's sum of finite values past float's range
        return None
    lower, upper = centre - SCALING * moving, centre + SCALING * moving
    if not all(map(math.isfinite, (centre, moving, lower, upper))):
        return None
    limits = Limits(held(centre), held(lower), held(upper), held(moving))
    # values that never vary, to 12 digits: limits on the centre line would make any
    # different value a shift
    return None if limits.lower == limits.upper else limits


def held(value: float) -> float:
    """To 12 significant digits: the arithmetic's last-digit error is not a difference."""
    return float(f"{value:.12g}")


def signals(
    limits: Limits, values: Sequence[float], run_length: int = 8, trend_length: int = 6
) -> list[Signal]:
    """Every signal in `values` (after the baseline period), in order of where it starts."""
    found = [
        Signal(Rule.BEYOND_LIMIT, value > limits.upper, (i,))
        for i, value in enumerate(values)
        if value > limits.upper or value < limits.lower
    ]
    sides = [_sign(value - limits.centre) for value in values]
    found += _stretches(Rule.RUN, sides, run_length)
    steps = [0, *(_sign(b - a) for a, b in pairwise(values))]
    # a trend of M values is M - 1 steps the same way; its first value starts the first step
    found += [
        Signal(Rule.TREND, s.upward, (s.indices[0] - 1, *s.indices))
        for s in _stretches(Rule.TREND, steps, trend_length - 1)
    ]
    return sorted(found, key=lambda s: (s.indices[0], s.rule.value))


# Where signals both ways end on the same value, the stronger rule says which way the process
# moved: a level (values beyond a limit, or a run on one side of the centre) outranks a slope
# within it (six values far above the upper limit, each a little lower, moved up).
_PRECEDENCE = (Rule.BEYOND_LIMIT, Rule.RUN, Rule.TREND)


def shift(found: Sequence[Signal]) -> bool | None:
    """Which way the process shifted, by the signal that ends latest (an early spike does
    not outvote a shift that followed it), the stronger rule first where signals both ways
    end there: True up, False down, None for no signal."""
    if not found:
        return None
    last = max(s.indices[-1] for s in found)
    latest = [s for s in found if s.indices[-1] == last]
    strongest = min(_PRECEDENCE.index(s.rule) for s in latest)
    ways = {s.upward for s in latest if _PRECEDENCE.index(s.rule) == strongest}
    # one rule cannot signal both ways on one value; None only if that ever changes
    return next(iter(ways)) if len(ways) == 1 else None


def _sign(difference: float) -> int:
    return (difference > 0) - (difference < 0)


def _stretches(rule: Rule, signs: Sequence[int], length: int) -> list[Signal]:
    """Maximal stretches of at least `length` equal non-zero signs."""
    found = []
    start = 0
    for end in range(1, len(signs) + 1):
        if end == len(signs) or signs[end] != signs[start]:
            if signs[start] != 0 and end - start >= length:
                found.append(Signal(rule, signs[start] > 0, tuple(range(start, end))))
            start = end
    return found
