"""Checks that compare fields within one record: what a schema of single fields cannot express."""

from __future__ import annotations

from collections.abc import Iterator

from csi_tool.fields import DecisionOutcome, Direction
from csi_tool.records.models import Metric, Record, RevisedField

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
    if record.review and record.review.date < record.created:
        yield ("review", "date"), "the review is dated before the record was created"


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
    previous = None
    for j, measurement in enumerate(metric.measurements):
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


def _dependency_problems(record: Record) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, dependency in enumerate(record.depends_on):
        if dependency == record.id:
            yield ("depends_on", i), "a record cannot depend on itself"
        elif dependency in seen:
            yield ("depends_on", i), f"{dependency} is listed twice"
        seen.add(dependency)
