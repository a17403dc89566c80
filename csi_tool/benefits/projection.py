"""Where a metric is heading: the least-squares line through the values measured since
the work started, read at the target date and kept within what the metric can be.

A line needs the review policy's `projection_points` values after the start: a line
through the baseline and one new value is no trend, and a baseline taken before the work
would tilt the line by the step the work made.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from csi_tool.records.metrics import Metric

Point = tuple[dt.date, float]


@dataclass(frozen=True)
class Projection:
    """The value the trend reaches by the target date, and the line drawn to it."""

    value: float
    line: tuple[Point, Point]  # from the first value after the start to the target date


def project(
    metric: Metric, after: Sequence[Point], minimum: int, every: Sequence[float]
) -> Projection | None:
    """The projection to the metric's target date; None without a target, with fewer than
    `minimum` points, or where the line leaves float's range. `every` holds all the
    metric's values, its baseline and its target: if none is negative, neither is the
    projection."""
    if metric.target is None or len(after) < max(2, minimum):
        return None
    at_target = _line_at(after, metric.target.by)
    begins = _line_at(after, after[0][0])
    if at_target is None or begins is None:
        return None
    value = _clamp(at_target, metric, every)
    if not (math.isfinite(value) and math.isfinite(begins)):
        return None
    return Projection(value, ((after[0][0], begins), (metric.target.by, value)))


def _clamp(value: float, metric: Metric, every: Sequence[float]) -> float:
    """Within the metric's bounds, and no lower than zero for a metric that has never been
    negative (a count of tickets cannot trend below none)."""
    low, high = metric.bounds()
    if low is None and all(v >= 0 for v in every):
        low = 0.0
    value = max(value, low) if low is not None else value
    return min(value, high) if high is not None else value


def _line_at(points: Sequence[Point], day: dt.date) -> float | None:
    """The least-squares line through the points, read at `day`; None when all are on one
    day or the arithmetic leaves float's range (plain sums: fsum raises on overflow)."""
    xs = [(d - points[0][0]).days for d, _ in points]
    ys = [v for _, v in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    reading = mean_y + slope * ((day - points[0][0]).days - mean_x)
    # to 10 significant digits, not decimals: 1.8e-5 rounded to four decimals was 0
    return float(f"{reading:.10g}") if math.isfinite(reading) else None
