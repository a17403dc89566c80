"""`csi review`: did we get there, and are we staying there? Per record and metric.

Rules, documented in the README:
- a review is due `cadence` days after the latest measurement (or the baseline when there is
  none): "due" from `due_soon_days` before that date, "overdue" after it;
- a breach is the latest measurement beyond the action threshold, in the bad direction;
- progress is (latest − baseline) ÷ (target − baseline), in percent;
- benefit: "realised" when the latest measurement meets the target; "not realised" when the
  target date has passed without it; otherwise "on track" or "at risk" as the least-squares
  trend through the baseline and the measurements reaches the target by its date or not;
  "no data" without a measurement, baseline or target;
- in a sustained state (closed), a "regression" is a breach, or the loss of
  `regression_share` of the best gain ever measured.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from csi_tool.benefits.behaviour import Limits, Signal, natural_limits, shift, signals
from csi_tool.benefits.cadence import overdue_after, review_due
from csi_tool.fields import Direction
from csi_tool.policies.review import ProcessBehaviour, ReviewPolicy
from csi_tool.records.metrics import Metric
from csi_tool.records.models import Record

REALISED, ON_TRACK, AT_RISK, NOT_REALISED, NO_DATA, NOT_STARTED = (
    "realised",
    "on track",
    "at risk",
    "not realised",
    "no data",
    "not started",  # benefit is judged once the work has started
)
BENEFIT_STATUSES = (REALISED, ON_TRACK, AT_RISK, NOT_REALISED, NOT_STARTED, NO_DATA)
MIN_TREND_POINTS = 3  # a line through two points is no trend


@dataclass(frozen=True)
class MetricReview:
    """Where one metric of one record stands on the review date."""

    record_id: str
    title: str
    status: str
    metric: str
    name: str
    unit: str
    baseline: float | None
    target: float | None
    latest: float | None
    latest_date: dt.date | None
    next_review: dt.date
    review: str  # "ok", "due" or "overdue"
    breach: bool
    progress: float | None
    benefit: str
    projected: float | None
    regression: str | None  # why the gain counts as fading, or None
    kind: str = "lagging"  # leading indicators are listed before a record's lagging ones
    target_by: dt.date | None = None
    # the least-squares line the projection reads, from its first point to the target date
    trend: tuple[tuple[dt.date, float], tuple[dt.date, float]] | None = None
    process: ProcessReview | None = None  # the process behaviour chart, with a baseline
    overdue_since: dt.date | None = None  # the first overdue day: the due date plus the grace


@dataclass(frozen=True)
class ProcessReview:
    """Whether the process shifted after the work started, told from noise: natural limits
    from the values before (the baseline's among them) and the run rules after."""

    before: int  # values before the work started
    needed: int  # more values before it needed for limits (0: there are limits)
    limits: Limits | None
    signals: tuple[Signal, ...]
    shift: bool | None  # True up, False down, None no signal (or both ways)


def review_records(
    records: Iterable[Record], policy: ReviewPolicy, as_of: dt.date
) -> list[MetricReview]:
    """A review of every metric of every record in a reviewed state, in id order; within a
    record, its leading indicators first (a change in behaviour shows before the outcome)."""
    reviewed = set(policy.reviewed_states)
    sustained = set(policy.sustained_states)
    results = []
    for record in sorted(records, key=lambda r: r.id):
        if record.status not in reviewed:
            continue
        for metric in sorted(record.metrics, key=lambda m: m.kind.value != "leading"):
            results.append(
                _review_metric(record, metric, policy, as_of, record.status in sustained)
            )
    return results


def _review_metric(
    record: Record, metric: Metric, policy: ReviewPolicy, as_of: dt.date, sustained: bool
) -> MetricReview:
    since = metric.baseline.date if metric.baseline else record.created
    points = [(m.date, m.value) for m in metric.measurements if m.date >= since]
    latest_date, latest = points[-1] if points else (None, None)
    # The clock runs from the latest measurement, or from when the work was approved or
    # started if that came later: a baseline taken months before approval starts nothing.
    started = [day for day in (_approved_on(record), _planned_start(record)) if day]
    clock = max([latest_date or since, *started])
    measured = clock == (latest_date or since)  # the baseline measured its period too
    next_review = review_due(clock, metric.review_cadence, measured)
    overdue_from = overdue_after(next_review, metric.review_cadence, policy.grace_days)
    overdue_from += dt.timedelta(days=1)
    if as_of >= overdue_from:
        review = "overdue"
    elif as_of >= next_review - dt.timedelta(days=policy.due_soon_days):
        review = "due"
    else:
        review = "ok"
    breach = latest is not None and _breaches(metric, latest)
    baseline = metric.baseline.value if metric.baseline else None
    target = metric.target.value if metric.target else None
    progress = projected = None
    trend: tuple[tuple[dt.date, float], tuple[dt.date, float]] | None = None
    benefit = NO_DATA
    start = record.plan.start if record.plan else None
    waiting = record.status in policy.not_started_states or (start is not None and start > as_of)
    if baseline is not None and target is not None and waiting:
        benefit = NOT_STARTED
    elif baseline is not None and target is not None and latest is not None:
        progress = _progress(latest, baseline, target)
        assert metric.baseline and metric.target
        since_start = [(day, value) for day, value in points if start is None or day >= start]
        line = [(metric.baseline.date, baseline), *since_start]
        projected = _finite(_clamp(_trend_at(line, metric.target.by), metric, baseline, points))
        benefit = _benefit(metric, latest, projected, as_of)
        begins = _finite(_trend_at(line, line[0][0]))
        if projected is not None and begins is not None:
            trend = ((line[0][0], begins), (metric.target.by, projected))
    values = [value for _, value in points]
    regression = (
        _regression(metric, baseline, values, breach, policy.regression_share)
        if sustained
        else None
    )
    process = _process(metric, start or _approved_on(record), policy.process_behaviour)
    late = overdue_from if review == "overdue" else None
    return MetricReview(
        record.id,
        record.title,
        record.status,
        metric.key,
        metric.name,
        metric.unit,
        baseline,
        target,
        latest,
        latest_date,
        next_review,
        review,
        breach,
        progress,
        benefit,
        projected,
        regression,
        metric.kind.value,
        metric.target.by if metric.target else None,
        trend,
        process,
        late,
    )


def _process(
    metric: Metric, started: dt.date | None, rules: ProcessBehaviour
) -> ProcessReview | None:
    """The metric's process behaviour chart: the baseline and the measurements before the
    work started (on approval, when the plan gives no start) set the limits; those after
    are judged by the run rules. None without a baseline."""
    if metric.baseline is None:
        return None
    before = [metric.baseline.value]
    after = []
    for measurement in metric.measurements:
        if measurement.date < metric.baseline.date:
            continue  # a finding of its own (`csi validate`)
        if started is None or measurement.date < started:
            before.append(measurement.value)
        else:
            after.append(measurement.value)
    limits = natural_limits(before, rules.minimum_baseline_points)
    found = signals(limits, after, rules.run_length, rules.trend_length) if limits else []
    needed = max(0, max(2, rules.minimum_baseline_points) - len(before))
    return ProcessReview(len(before), needed, limits, tuple(found), shift(found))


def _approved_on(record: Record) -> dt.date | None:
    decision = record.decision
    return decision.date if decision and decision.outcome.value == "approved" else None


def _planned_start(record: Record) -> dt.date | None:
    return record.plan.start if record.plan else None


def _progress(latest: float, baseline: float, target: float) -> float | None:
    """How far from baseline to target, in percent; None where no number can say it (a
    target equal to the baseline, or a distance past float's range, which `csi validate`
    reports). Halves first: a distance from -1e308 to 1e308 overflows, its half does not."""
    span = target / 2 - baseline / 2
    if span == 0 or not math.isfinite(span):
        return None
    share = (latest / 2 - baseline / 2) / span * 100
    return round(share, 1) if math.isfinite(share) else None


def _finite(value: float | None) -> float | None:
    """A derived value, or None where the arithmetic left float's range (never Infinity in
    JSON or on a chart)."""
    return value if value is not None and math.isfinite(value) else None


def _better(metric: Metric, value: float, than: float) -> bool:
    """Whether `value` is at least as good as `than` for this metric's direction."""
    return value >= than if metric.direction is Direction.INCREASE else value <= than


def _breaches(metric: Metric, value: float) -> bool:
    threshold = metric.action_threshold
    if threshold is None:
        return False
    return value < threshold if metric.direction is Direction.INCREASE else value > threshold


def _benefit(metric: Metric, latest: float, projected: float | None, as_of: dt.date) -> str:
    assert metric.target is not None
    if _better(metric, latest, metric.target.value):
        return REALISED
    if as_of > metric.target.by:
        return NOT_REALISED
    if projected is not None and _better(metric, projected, metric.target.value):
        return ON_TRACK
    return AT_RISK


def _clamp(
    value: float | None, metric: Metric, baseline: float, points: list[tuple[dt.date, float]]
) -> float | None:
    """A projection within what the metric can be: its bounds, and no lower than zero for a
    metric that has never been negative (a count of tickets cannot trend below none)."""
    if value is None:
        return None
    low, high = metric.bounds()
    if low is None and baseline >= 0 and all(v >= 0 for _, v in points):
        low = 0.0
    value = max(value, low) if low is not None else value
    return min(value, high) if high is not None else value


def _trend_at(points: list[tuple[dt.date, float]], day: dt.date) -> float | None:
    """The least-squares line through the points, read at `day` (None: too few points)."""
    if len(points) < MIN_TREND_POINTS:
        return None
    xs = [(d - points[0][0]).days for d, _ in points]
    ys = [v for _, v in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return round(mean_y + slope * ((day - points[0][0]).days - mean_x), 4)


def _regression(
    metric: Metric, baseline: float | None, values: list[float], breach: bool, limit: float
) -> str | None:
    if not values:
        return None
    if breach:
        return (
            f"latest value {values[-1]:g} is past the action threshold {metric.action_threshold:g}"
        )
    if baseline is None:
        return None
    sign = 1 if metric.direction is Direction.INCREASE else -1
    gains = [sign * (value - baseline) for value in values]
    best, now = max(gains), gains[-1]
    share = 1 - now / best if best > 0 else 0
    if best > 0 and share >= limit:
        return f"lost {share:.0%} of the best gain ({best:g} {metric.unit})"
    return None
