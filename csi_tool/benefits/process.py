"""A metric's process behaviour chart: did the process shift after the work started?

The values before the work started set the natural process limits: the bound measure's
history before the baseline date (where the data has it), the baseline, and the
measurements taken before the start. The values from the start on are judged by the run
rules of `behaviour`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from csi_tool.benefits.behaviour import Limits, Signal, held, natural_limits, shift, signals
from csi_tool.policies.review import ProcessBehaviour
from csi_tool.records.metrics import Metric


@dataclass(frozen=True)
class ProcessReview:
    """Whether the process shifted after the work started, told from noise: natural limits
    from the values before (the baseline's among them) and the run rules after."""

    before: int  # values before the work started
    needed: int  # more values before it needed for limits (0: there are limits)
    limits: Limits | None
    signals: tuple[Signal, ...]
    shift: bool | None  # True up, False down, None no signal (or both ways)
    earlier: int = 0  # of `before`, the bound measure's values from before the baseline
    # when each judged value was measured, for charts to mark the values that signal
    after_dates: tuple[dt.date, ...] = ()
    unvarying: bool = False  # enough values before, but all the same: no limits


def process_review(
    metric: Metric,
    started: dt.date | None,
    rules: ProcessBehaviour,
    earlier: Sequence[float] = (),
) -> ProcessReview | None:
    """The metric's chart, with the work started on `started` (None: every measurement
    after the baseline is judged); None without a baseline."""
    if metric.baseline is None:
        return None
    before = [*earlier, metric.baseline.value]
    after: list[tuple[dt.date, float]] = []
    for measurement in metric.measurements:
        if measurement.date < metric.baseline.date:
            continue  # a finding of its own (`csi validate`)
        if started is not None and measurement.date < started:
            before.append(measurement.value)
        else:
            after.append((measurement.date, measurement.value))
    limits = natural_limits(before, rules.minimum_baseline_points)
    values = [value for _, value in after]
    found = signals(limits, values, rules.run_length, rules.trend_length) if limits else []
    needed = max(0, max(2, rules.minimum_baseline_points) - len(before))
    return ProcessReview(
        len(before),
        needed,
        limits,
        tuple(found),
        shift(found),
        len(earlier),
        tuple(day for day, _ in after),
        unvarying=limits is None and needed == 0 and _unvarying(before),
    )


def _unvarying(values: Sequence[float]) -> bool:
    """Values whose limits collapse onto the centre line (see `natural_limits`), not those
    beyond float's range."""
    return len({held(value) for value in values}) == 1
