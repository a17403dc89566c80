"""Checks that compare fields within one record: what a schema of single fields cannot express."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

from csi_tool.clock import today
from csi_tool.fields import DecisionOutcome, Direction
from csi_tool.policies.measures import MeasuresPolicy
from csi_tool.records.analysis import process_map_problems
from csi_tool.records.metrics import BOUND_SOURCE_PREFIX, Metric
from csi_tool.records.models import Record, RevisedField

Problem = tuple[tuple[str | int, ...], str]


def record_problems(record: Record) -> Iterator[Problem]:
    """Every internal inconsistency of a record, each placed at the field to fix."""
    yield from _metric_problems(record)
    yield from _dependency_problems(record)
    keys = {metric.key for metric in record.metrics}
    for i, revision in enumerate(record.revisions):
        if revision.field is not RevisedField.REMOVED and revision.metric not in keys:
            yield ("revisions", i, "metric"), f"no metric has the key {revision.metric!r}"
    yield from _decision_problems(record)
    plan = record.plan
    if plan and plan.start and plan.due and plan.due < plan.start:
        yield ("plan", "due"), "the due date is before the start date"
    yield from _event_order(record)
    if record.process_map is not None:
        for loc, message in process_map_problems(record.process_map):
            yield ("process_map", *loc), message


def review_outcome_problems(record: Record) -> Iterator[Problem]:
    """A review outcome the metrics contradict, judged on what was known on the review date."""
    review = record.review
    if review is None or review.outcome.value == "partially_achieved":
        return
    missed, judged = [], 0
    for metric in record.metrics:
        known = [m for m in metric.measurements if m.date <= review.date]
        if metric.target is None or not known:
            continue
        judged += 1
        latest = max(known, key=lambda m: m.date).value
        met = (
            latest >= metric.target.value
            if metric.direction is Direction.INCREASE
            else latest <= metric.target.value
        )
        if not met:
            missed.append(f"{metric.key} at {latest:g} against {metric.target.value:g}")
    if review.outcome.value == "achieved" and missed:
        yield (
            ("review", "outcome"),
            (
                f"achieved, but the metrics say otherwise on {review.date.isoformat()}: "
                f"{'; '.join(missed)} (partially_achieved or not_achieved, or revise the target)"
            ),
        )
    elif review.outcome.value == "not_achieved" and judged and not missed:
        yield ("review", "outcome"), "not_achieved, but every measured target was met"


def _event_order(record: Record) -> Iterator[Problem]:
    """Events happen in order (created → decision → start → review) and never after today."""
    now = today()
    events: list[tuple[tuple[str | int, ...], dt.date]] = [(("created",), record.created)]
    events += [(("decisions", i, "date"), d.date) for i, d in enumerate(record.decisions)]
    if record.plan and record.plan.start:
        events.append((("plan", "start"), record.plan.start))
    if record.review:
        events.append((("review", "date"), record.review.date))
    if record.withdrawal:
        events.append((("withdrawal", "date"), record.withdrawal.date))
    for i, metric in enumerate(record.metrics):
        for j, measurement in enumerate(metric.measurements):
            events.append((("metrics", i, "measurements", j, "date"), measurement.date))
    for loc, day in events:
        if day > now:
            yield loc, f"{day.isoformat()} is in the future: record events once they happen"
    approval = next((d.date for d in record.decisions if d.outcome.value == "approved"), None)
    start = record.plan.start if record.plan else None
    if start and start < record.created:
        yield ("plan", "start"), "the work starts before the record was created"
    elif start and approval and start < approval:
        yield ("plan", "start"), f"the work starts before it was approved ({approval.isoformat()})"
    if record.review:
        after = start or record.created
        if record.review.date < after:
            what = "the work started" if start else "the record was created"
            yield ("review", "date"), f"the review is dated before {what}"
    if record.withdrawal and record.withdrawal.date < record.created:
        yield ("withdrawal", "date"), "the withdrawal is dated before the record was created"


def _decision_problems(record: Record) -> Iterator[Problem]:
    previous = None
    for i, decision in enumerate(record.decisions):
        if decision.revisit:
            if decision.outcome is not DecisionOutcome.DEFERRED:
                message = "a revisit date only belongs to a deferred decision"
                yield ("decisions", i, "revisit"), message
            elif decision.revisit <= decision.date:
                message = "the revisit date must come after the decision date"
                yield ("decisions", i, "revisit"), message
        if decision.date < record.created:
            yield ("decisions", i, "date"), "the decision is dated before the record was created"
        elif previous is not None and decision.date < previous.date:
            message = (
                "decisions are listed in the order they were taken: this one is dated "
                f"before the one above it ({previous.date.isoformat()})"
            )
            yield ("decisions", i, "date"), message
        previous = decision


def _metric_problems(record: Record) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for i, metric in enumerate(record.metrics):
        if metric.key in seen:
            yield (
                ("metrics", i, "key"),
                f"metric key {metric.key!r} is already used by metrics[{seen[metric.key]}]",
            )
        seen.setdefault(metric.key, i)
        yield from _metric_value_problems(i, metric)
        yield from _out_of_bounds(i, metric)


def _out_of_bounds(i: int, metric: Metric) -> Iterator[Problem]:
    """Values a metric cannot take: -5 % or 120 %, or past its declared minimum or maximum."""
    low, high = metric.bounds()
    if low is None and high is None:
        return
    if low is not None and high is not None and low >= high:
        yield ("metrics", i, "maximum"), "the maximum must be above the minimum"
        return
    values: list[tuple[tuple[str | int, ...], float]] = []
    if metric.baseline:
        values.append((("metrics", i, "baseline", "value"), metric.baseline.value))
    if metric.target:
        values.append((("metrics", i, "target", "value"), metric.target.value))
    if metric.action_threshold is not None:
        values.append((("metrics", i, "action_threshold"), metric.action_threshold))
    values += [
        (("metrics", i, "measurements", j, "value"), m.value)
        for j, m in enumerate(metric.measurements)
    ]
    if low is not None and high is not None:
        allowed = f"{low:g} to {high:g}"
    elif low is not None:
        allowed = f"at least {low:g}"
    else:
        allowed = f"at most {high:g}"
    for loc, value in values:
        if (low is not None and value < low) or (high is not None and value > high):
            yield loc, f"{value:g} is outside what {metric.unit} can be ({allowed})"


def _metric_value_problems(i: int, metric: Metric) -> Iterator[Problem]:
    if metric.baseline and metric.target:
        if metric.target.by <= metric.baseline.date:
            yield (
                ("metrics", i, "target", "by"),
                "the target date must come after the baseline date",
            )
        better = (
            metric.target.value > metric.baseline.value
            if metric.direction is Direction.INCREASE
            else metric.target.value < metric.baseline.value
        )
        if not better:
            word = "above" if metric.direction is Direction.INCREASE else "below"
            yield (
                ("metrics", i, "target", "value"),
                f"the target {metric.target.value:g} must be {word} the baseline "
                f"{metric.baseline.value:g} for a metric that should {metric.direction.value}",
            )
        else:
            yield from _span_problems(i, metric.target.value - metric.baseline.value)
    previous = None
    for j, measurement in enumerate(metric.measurements):
        if metric.baseline and measurement.date < metric.baseline.date:
            yield (
                ("metrics", i, "measurements", j, "date"),
                f"dated before the baseline ({metric.baseline.date.isoformat()}): progress is "
                "measured from the baseline on; correct the date, or the baseline's",
            )
        if previous is not None and measurement.date == previous:
            yield (
                ("metrics", i, "measurements", j, "date"),
                f"{metric.key!r} already has a measurement dated {measurement.date.isoformat()}",
            )
        elif previous is not None and measurement.date < previous:
            yield (
                ("metrics", i, "measurements", j, "date"),
                "measurements must be listed oldest first",
            )
        previous = measurement.date


def _span_problems(i: int, span: float) -> Iterator[Problem]:
    """Progress is (value − baseline) ÷ (target − baseline): a distance that overflows, or
    one so small that its reciprocal does, leaves no number to report."""
    loc = ("metrics", i, "target", "value")
    if not math.isfinite(span):
        yield (
            loc,
            (
                "the distance from the baseline to the target is beyond what a number can hold; "
                "measure in a larger unit"
            ),
        )
    elif not math.isfinite(1 / span):
        yield (
            loc,
            (
                "the target is too close to the baseline for progress to be computed; measure in "
                "a smaller unit"
            ),
        )


def _dependency_problems(record: Record) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, dependency in enumerate(record.depends_on):
        if dependency == record.id:
            yield ("depends_on", i), "a record cannot depend on itself"
        elif dependency in seen:
            yield ("depends_on", i), f"{dependency} is listed twice"
        seen.add(dependency)


def binding_problems(record: Record, measures: MeasuresPolicy) -> Iterator[Problem]:
    """Metrics bound to a measure the policy lacks, to parameters it does not offer, or in
    another unit or direction than the measure's (the data would then contradict them)."""
    known = measures.by_key
    for i, metric in enumerate(record.metrics):
        if metric.measure is None:
            yield from _claimed_by_csi(metric, i)
            continue
        at = ("metrics", i, "measure")
        measure = known.get(metric.measure.key)
        if measure is None:
            offered = ", ".join(sorted(known)) or "none: policies/measures.yaml declares none"
            yield (*at, "key"), f"unknown measure {metric.measure.key!r} (measures: {offered})"
            continue
        for name in metric.measure.where:
            if name not in measure.parameters:
                allowed = ", ".join(measure.parameters) or "none"
                yield (
                    (*at, "where", name),
                    f"{measure.key} has no parameter {name!r} (its parameters: {allowed})",
                )
        if metric.unit.strip() != measure.unit.strip():
            yield (
                ("metrics", i, "unit"),
                f"the unit is {metric.unit!r}, but measure {measure.key} gives {measure.unit!r}",
            )
        if metric.direction != measure.direction:
            yield (
                ("metrics", i, "direction"),
                f"measure {measure.key} is better when it {measure.direction.value}s",
            )


def _claimed_by_csi(metric: Metric, index: int) -> Iterator[Problem]:
    """A value whose source says csi computed it, in a metric no longer bound: nothing checks
    it against the data any more, yet it reads as if something did."""
    if metric.baseline and metric.baseline.source.startswith(BOUND_SOURCE_PREFIX):
        yield ("metrics", index, "baseline", "source"), _CLAIMED
    for j, measurement in enumerate(metric.measurements):
        if measurement.source is not None and measurement.source.startswith(BOUND_SOURCE_PREFIX):
            yield ("metrics", index, "measurements", j, "source"), _CLAIMED


_CLAIMED = (
    "says csi computed it from a measure, but the metric is not bound to one: bind it again "
    "(`measure:`), or write where the value comes from"
)
