"""`csi review`: did we get there, and are we staying there? Per record and metric.

Rules, documented in docs/benefit-verdicts.md:
- a review is due at the end of the calendar period after the latest measurement (or the
  approval or planned start, when later), `cadence` (see `cadence`); "due" from
  `due_soon_days` before that date, "overdue" after the policy's grace;
- a breach is the latest measurement beyond the action threshold, in the bad direction;
- progress is (latest − baseline) ÷ (target − baseline), in percent;
- the verdict (see `verdict`) weighs the values since the work started against the target,
  the process behaviour chart of the values before it (see `process`) and a projection
  (see `projection`);
- in a sustained state (closed), a "regression" is a breach, a latest value worse than the
  baseline, or the loss of `regression_share` of the best gain ever measured.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from csi_tool.benefits.cadence import overdue_after, review_due
from csi_tool.benefits.process import ProcessReview, process_review
from csi_tool.benefits.projection import Projection, project
from csi_tool.benefits.verdict import NO_DATA, NOT_STARTED, VERDICTS, Evidence, Verdict, judge
from csi_tool.fields import Direction
from csi_tool.policies.review import ReviewPolicy
from csi_tool.records.metrics import Metric
from csi_tool.records.models import Record

BENEFIT_STATUSES = VERDICTS
# The bound measure's values of the periods before each metric's baseline, oldest first,
# by (record id, metric key): more values for the process behaviour chart's limits.
EarlierValues = Mapping[tuple[str, str], Sequence[float]]


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
    benefit: str  # the verdict's name
    projected: float | None
    regression: str | None  # why the gain counts as fading, or None
    kind: str = "lagging"  # leading indicators are listed before a record's lagging ones
    target_by: dt.date | None = None
    # the least-squares line the projection reads, from its first point to the target date
    trend: tuple[tuple[dt.date, float], tuple[dt.date, float]] | None = None
    process: ProcessReview | None = None  # the process behaviour chart, with a baseline
    overdue_since: dt.date | None = None  # the first overdue day: the due date plus the grace
    reason: str = ""  # why the verdict, in words
    more_needed: int | None = None  # values still needed before a verdict can be given


def review_records(
    records: Iterable[Record],
    policy: ReviewPolicy,
    as_of: dt.date,
    earlier: EarlierValues | None = None,
) -> list[MetricReview]:
    """A review of every metric of every record in a reviewed state, in id order; within a
    record, its leading indicators first (a change in behaviour shows before the outcome).
    `earlier` adds bound measures' values from before their baselines to the charts."""
    reviewed = set(policy.reviewed_states)
    sustained = set(policy.sustained_states)
    results = []
    for record in sorted(records, key=lambda r: r.id):
        if record.status not in reviewed:
            continue
        for metric in sorted(record.metrics, key=lambda m: m.kind.value != "leading"):
            before = (earlier or {}).get((record.id, metric.key), ())
            closed = record.status in sustained
            results.append(_review_metric(record, metric, policy, as_of, closed, before))
    return results


def _review_metric(
    record: Record,
    metric: Metric,
    policy: ReviewPolicy,
    as_of: dt.date,
    sustained: bool,
    earlier: Sequence[float],
) -> MetricReview:
    since = metric.baseline.date if metric.baseline else record.created
    points = [(m.date, m.value) for m in metric.measurements if m.date >= since]
    latest_date, latest = points[-1] if points else (None, None)
    start = record.plan.start if record.plan else None
    approved = _approved_on(record)
    next_review, review, late = _review_clock(
        metric, latest_date or since, [day for day in (approved, start) if day], policy, as_of
    )
    breach = latest is not None and _breaches(metric, latest)
    baseline = metric.baseline.value if metric.baseline else None
    target = metric.target.value if metric.target else None
    began = start or approved  # the work started on its planned start, or on approval
    after = [(day, value) for day, value in points if began is None or day >= began]
    waiting = record.status in policy.not_started_states or (start is not None and start > as_of)
    # until the work starts, every value describes the process before it: none can signal
    rules = policy.process_behaviour
    process = process_review(metric, dt.date.max if waiting else began, rules, earlier)
    progress = projection = None
    if baseline is None or target is None:
        verdict = Verdict(NO_DATA, "no baseline" if baseline is None else "no target")
    elif waiting:
        verdict = Verdict(NOT_STARTED, "the work has not started")
    else:
        progress = None if latest is None else _progress(latest, baseline, target)
        # a metric never negative, aiming at no less than zero, cannot trend below zero
        every = [baseline, target, *(value for _, value in points)]
        # a projection to a target date already past has nothing left to tell
        projection = (
            project(metric, after, policy.projection_points, every)
            if metric.target and as_of <= metric.target.by
            else None
        )
        evidence = _evidence(metric, after, process, projection, sustained, policy)
        verdict = judge(evidence, as_of)
    values = [value for _, value in points]
    regression = (
        _regression(metric, baseline, values, breach, policy.regression_share)
        if sustained
        else None
    )
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
        verdict.name,
        projection.value if projection else None,
        regression,
        metric.kind.value,
        metric.target.by if metric.target else None,
        projection.line if projection else None,
        process,
        late,
        verdict.reason,
        verdict.more_needed,
    )


def _review_clock(
    metric: Metric,
    measured_on: dt.date,
    started: list[dt.date],
    policy: ReviewPolicy,
    as_of: dt.date,
) -> tuple[dt.date, str, dt.date | None]:
    """When the metric's next review is due; "ok", "due" or "overdue" on `as_of`; and the
    first overdue day, when overdue. The clock runs from the latest measurement (or the
    baseline), or from when the work was approved or started if that came later: a
    baseline taken months before approval starts nothing."""
    clock = max([measured_on, *started])
    next_review = review_due(clock, metric.review_cadence, clock == measured_on)
    overdue_from = overdue_after(next_review, metric.review_cadence, policy.grace_days)
    overdue_from += dt.timedelta(days=1)
    if as_of >= overdue_from:
        return next_review, "overdue", overdue_from
    if as_of >= next_review - dt.timedelta(days=policy.due_soon_days):
        return next_review, "due", None
    return next_review, "ok", None


def _evidence(
    metric: Metric,
    after: list[tuple[dt.date, float]],
    process: ProcessReview | None,
    projection: Projection | None,
    closed: bool,
    policy: ReviewPolicy,
) -> Evidence:
    """The verdict's inputs."""
    assert metric.baseline is not None and metric.target is not None
    limits = process.limits if process else None
    return Evidence(
        increase=metric.direction is Direction.INCREASE,
        baseline=metric.baseline.value,
        target=metric.target.value,
        target_by=metric.target.by,
        after=[value for _, value in after],
        centre=limits.centre if limits else None,
        shift=process.shift if process else None,
        projected=projection.value if projection else None,
        closed=closed,
        sustained_points=policy.sustained_points,
        run_length=policy.process_behaviour.run_length,
        projection_points=policy.projection_points,
    )


def _approved_on(record: Record) -> dt.date | None:
    decision = record.decision
    return decision.date if decision and decision.outcome.value == "approved" else None


def _progress(latest: float, baseline: float, target: float) -> float | None:
    """How far from baseline to target, in percent; None where no number can say it (a
    target equal to the baseline, or a distance past float's range, which `csi validate`
    reports). Halves first: a distance from -1e308 to 1e308 overflows, its half does not."""
    span = target / 2 - baseline / 2
    if span == 0 or not math.isfinite(span):
        return None
    share = (latest / 2 - baseline / 2) / span * 100
    return round(share, 1) + 0.0 if math.isfinite(share) else None  # + 0.0: never "-0%"


def _breaches(metric: Metric, value: float) -> bool:
    threshold = metric.action_threshold
    if threshold is None:
        return False
    return value < threshold if metric.direction is Direction.INCREASE else value > threshold


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
    # halves, as for progress: a gain from -1e308 to 1.7e308 overflows, its half does not
    halves = [sign * (value / 2 - baseline / 2) for value in values]
    best, now = max(halves), halves[-1]
    if now < 0:
        return f"latest value {values[-1]:g} is worse than the baseline {baseline:g}"
    share = 1 - now / best if best > 0 else 0
    if best > 0 and share >= limit:
        gain = 2 * best  # the gain itself, where a number can hold it
        said = f" ({gain:g} {metric.unit})" if math.isfinite(gain) else ""
        return f"lost {share:.0%} of the best gain{said}"
    return None
