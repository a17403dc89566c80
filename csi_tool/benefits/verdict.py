"""Did the work deliver its benefit? One honest name per metric, and why.

Judged from the values measured since the work started (`after`), the target, the
process behaviour chart of the values before it (`shift`: which way its latest signal
points, told from noise) and, where there are enough values, a projection. First rule
that holds:

1. **no signal yet** / **not realised**: nothing measured since the work started (not
   realised once the target date has passed);
2. **worse than baseline**: a closed record whose latest value is worse than its baseline;
3. **realised**: the latest `sustained_points` values in a row meet the target and, where
   there are limits to judge by, the process shifted towards it;
4. **no signal yet** (target met): met, but not yet shown to last: the values still needed
   in a row, meeting the target and, with limits, on the better side of the centre line;
5. **realised but not sustained**: the target was met since the work started, and the
   latest value no longer meets it;
6. **not realised**: the target date has passed and the target was never met;
7. **at risk**: the process shifted away from the target;
8. **improving**: the process shifted towards the target, not yet met;
9. **on track** or **at risk**: a projection from at least `projection_points` values
   after the start reaches the target by its date, or falls short of it;
10. **no signal yet**: too few values to say (how many more are needed), or values a
    trend cannot be drawn through.

`not started` (the work has not begun) and `no data` (no baseline or target) come first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

REALISED = "realised"
NOT_SUSTAINED = "realised but not sustained"
IMPROVING = "improving"
ON_TRACK = "on track"
NO_SIGNAL = "no signal yet"
AT_RISK = "at risk"
NOT_REALISED = "not realised"
WORSE = "worse than baseline"
NOT_STARTED = "not started"  # benefit is judged once the work has started
NO_DATA = "no data"
VERDICTS = (
    REALISED,
    NOT_SUSTAINED,
    IMPROVING,
    ON_TRACK,
    NO_SIGNAL,
    AT_RISK,
    NOT_REALISED,
    WORSE,
    NOT_STARTED,
    NO_DATA,
)


@dataclass(frozen=True)
class Verdict:
    """A verdict's name, the reason in words, and the values still needed (no signal yet)."""

    name: str
    reason: str
    more_needed: int | None = None


@dataclass(frozen=True)
class Evidence:
    """What a verdict is judged from, as measured (a decrease metric's values as they are)."""

    increase: bool  # the metric's better direction
    baseline: float
    target: float
    target_by: dt.date
    after: Sequence[float]  # values measured since the work started, oldest first
    centre: float | None  # of the chart of the values before the work; None: no limits
    shift: bool | None  # the latest signal: True up, False down; None: none (or both ways)
    projected: float | None  # at the target date; None without a trend to read
    closed: bool  # in a sustained state: the work is done
    sustained_points: int
    run_length: int
    projection_points: int


def judge(evidence: Evidence, as_of: dt.date) -> Verdict:
    """The verdict for one metric (see the module's rules)."""
    e = evidence
    sign = 1 if e.increase else -1  # turned so that higher is better

    def meets(value: float) -> bool:
        return sign * value >= sign * e.target

    toward = None if e.shift is None else e.shift == e.increase
    if not e.after:
        if as_of > e.target_by:
            return Verdict(NOT_REALISED, f"nothing measured since the start by {e.target_by}")
        return Verdict(NO_SIGNAL, "nothing measured since the work started", e.projection_points)
    latest = e.after[-1]
    if e.closed and sign * latest < sign * e.baseline:
        return Verdict(WORSE, f"latest value is worse than the baseline {e.baseline:g}")
    if meets(latest):
        return _met(e, sign, toward, [meets(value) for value in e.after])
    if any(meets(value) for value in e.after):
        return Verdict(NOT_SUSTAINED, "the target was met, and the latest value misses it")
    if as_of > e.target_by:
        return Verdict(NOT_REALISED, f"the target date {e.target_by} passed without it")
    if toward is False:
        return Verdict(AT_RISK, "the process shifted away from the target")
    if toward is True:
        return Verdict(IMPROVING, "the process shifted towards the target, not yet met")
    if e.projected is not None:
        if meets(e.projected):
            return Verdict(ON_TRACK, "the trend since the start reaches the target by its date")
        return Verdict(AT_RISK, "the trend since the start falls short of the target")
    count = len(e.after)
    if count >= e.projection_points:  # enough values, but the line leaves float's range
        return Verdict(NO_SIGNAL, "no trend can be drawn through the values since the start")
    shown = "1 value" if count == 1 else f"{count} values"
    return Verdict(
        NO_SIGNAL, f"{shown} since the start: too few for a trend", e.projection_points - count
    )


def _met(e: Evidence, sign: int, toward: bool | None, met: list[bool]) -> Verdict:
    """The latest value meets the target: realised once the gain is shown to hold."""
    in_a_row = _trailing(met)
    shown = "the latest value" if in_a_row == 1 else f"the last {in_a_row} values in a row"
    short = max(0, e.sustained_points - in_a_row)
    if e.centre is not None and toward is not True:
        # met within the baseline's own variation: a run on the better side would show it
        centre = sign * e.centre
        run = _trailing(sign * value > centre for value in e.after)
        return Verdict(
            NO_SIGNAL,
            "target met, but within the variation before the work started",
            max(1, e.run_length - run, short),
        )
    if short:
        return Verdict(NO_SIGNAL, f"target met on {shown} only: not yet shown to last", short)
    if e.centre is not None:
        return Verdict(REALISED, f"target met on {shown}, and the process shifted towards it")
    return Verdict(REALISED, f"target met on {shown}")


def _trailing(flags: Iterable[bool]) -> int:
    """How many of the last flags are true in a row."""
    count = 0
    for flag in reversed(list(flags)):
        if not flag:
            break
        count += 1
    return count
