"""Did the work deliver its benefit? One honest name per metric, and why.

Judged from the values measured since the work started (`after`), the target, the
process behaviour chart of the values before it (`shift`: which way the process moved,
told from noise) and, where there are enough values, a projection. First rule that holds:

1. **worse than baseline**: a closed record whose latest value is worse than its baseline,
   or whose process shifted away from the target;
2. **realised**: the latest value meets the target and the gain is sustained: the chart
   shows a shift towards the target, or, without limits to judge by, the target was met on
   the last `sustained_points` values in a row;
3. **no signal yet** (target met): met, but not yet shown to last: the values still needed,
   on the better side of the centre line for a run, or meeting the target in a row;
4. **realised but not sustained**: the target was met since the work started, and the
   latest value no longer meets it;
5. **not realised**: the target date has passed and the target was never met;
6. **at risk**: the process shifted away from the target;
7. **improving**: the process shifted towards the target, not yet met;
8. **on track** or **at risk**: a projection from at least `projection_points` values
   after the start reaches the target by its date, or falls short of it;
9. **no signal yet**: too few values to say; how many more are needed.

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
    """What a verdict is judged from; values are oriented so that higher is better."""

    baseline: float
    target: float
    target_by: dt.date
    after: Sequence[float]  # values measured since the work started, oldest first
    centre: float | None  # of the chart of the values before the work; None: no limits
    shift: bool | None  # True: towards the target; False: away; None: no signal either way
    projected: float | None  # at the target date; None without enough values after
    closed: bool  # in a sustained state: the work is done
    sustained_points: int
    run_length: int
    projection_points: int


def judge(evidence: Evidence, as_of: dt.date) -> Verdict:
    """The verdict for one metric (see the module's rules)."""
    e = evidence
    if not e.after:
        return Verdict(NO_SIGNAL, "nothing measured since the work started", e.projection_points)
    latest = e.after[-1]
    met = [value >= e.target for value in e.after]
    if e.closed and (latest < e.baseline or e.shift is False):
        why = "the process shifted away from the target" if e.shift is False else None
        return Verdict(WORSE, why or f"latest value is worse than the baseline {e.baseline:g}")
    if met[-1]:
        return _met(e, met)
    if any(met):
        return Verdict(NOT_SUSTAINED, "the target was met, and the latest value misses it")
    if as_of > e.target_by:
        return Verdict(NOT_REALISED, f"the target date {e.target_by} passed without it")
    if e.shift is False:
        return Verdict(AT_RISK, "the process shifted away from the target")
    if e.shift is True:
        return Verdict(IMPROVING, "the process shifted towards the target, not yet met")
    if e.projected is not None:
        if e.projected >= e.target:
            return Verdict(ON_TRACK, "the trend since the start reaches the target by its date")
        return Verdict(AT_RISK, "the trend since the start falls short of the target")
    count = len(e.after)
    shown = "1 value" if count == 1 else f"{count} values"
    return Verdict(
        NO_SIGNAL, f"{shown} since the start: too few for a trend", e.projection_points - count
    )


def _met(e: Evidence, met: list[bool]) -> Verdict:
    """The latest value meets the target: realised if the gain holds, else not yet shown."""
    if e.shift is True:
        return Verdict(REALISED, "target met, and the process shifted towards it")
    if e.centre is not None:
        # met within the baseline's own variation: a run on the better side would show it
        centre = e.centre
        run = _trailing(value > centre for value in e.after)
        return Verdict(
            NO_SIGNAL,
            "target met, but within the variation before the work started",
            max(1, e.run_length - run),
        )
    in_a_row = _trailing(met)
    if in_a_row >= e.sustained_points:
        return Verdict(REALISED, f"target met on the last {in_a_row} values in a row")
    shown = "the latest value only" if in_a_row == 1 else f"the last {in_a_row} values"
    return Verdict(
        NO_SIGNAL, f"target met on {shown}: not yet shown to last", e.sustained_points - in_a_row
    )


def _trailing(flags: Iterable[bool]) -> int:
    """How many of the last flags are true in a row."""
    count = 0
    for flag in reversed(list(flags)):
        if not flag:
            break
        count += 1
    return count
