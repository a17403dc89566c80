"""Moved goalposts: changing a baseline, target or action threshold after approval, or
correcting a past measurement, needs a recorded revision.

A record's goalposts are locked once it is in a state whose requirements (its own or
inherited from the states every path to it passes) include baselines or targets: with the
default workflow, from approved onwards.
"""

from __future__ import annotations

from collections.abc import Iterator

from csi_tool.errors import Finding
from csi_tool.policies.workflow import Requirement, WorkflowPolicy
from csi_tool.records.metrics import Metric
from csi_tool.records.models import RevisedField, Revision
from csi_tool.records.reading import LoadedRecord

_LOCKING = {Requirement.METRIC_BASELINES, Requirement.METRIC_TARGETS}


def goalposts_locked(state: str, workflow: WorkflowPolicy) -> bool:
    """Whether a record in `state` has approved baselines and targets that must not move."""
    for checked in [*workflow.states_before(state), state]:
        spec = workflow.states.get(checked)
        if spec and _LOCKING & set(spec.requires):
            return True
    return False


def goalpost_refusals(
    before: LoadedRecord, after: LoadedRecord, workflow: WorkflowPolicy
) -> Iterator[Finding]:
    """A refusal for each baseline or target changed, or metric removed, without a revision."""
    if not goalposts_locked(before.record.status, workflow):
        return
    new_revisions = [r for r in after.record.revisions if r not in before.record.revisions]
    after_metrics = {metric.key: (i, metric) for i, metric in enumerate(after.record.metrics)}
    for metric in before.record.metrics:
        if metric.key not in after_metrics:
            if not _revised(new_revisions, metric.key, RevisedField.REMOVED):
                yield after.document.finding(
                    ("metrics",),
                    f"metric {metric.key!r} was removed after approval without a revision "
                    "(revisions: date, metric, field: removed, reason, approved_by)",
                    "goalposts",
                )
            continue
        index, current = after_metrics[metric.key]
        for meaning in ("unit", "direction"):  # what the numbers mean: no revision changes it
            if getattr(metric, meaning) != getattr(current, meaning):
                yield after.document.finding(
                    ("metrics", index, meaning),
                    f"the {meaning} of {metric.key!r} changed after approval: the numbers "
                    "would mean something else; add a new metric instead (and remove this one "
                    "with a revision)",
                    "goalposts",
                )
        for field in (
            RevisedField.BASELINE,
            RevisedField.TARGET,
            RevisedField.ACTION_THRESHOLD,
            RevisedField.MEASUREMENTS,
        ):
            if _moved(metric, current, field) and not _revised(new_revisions, metric.key, field):
                yield after.document.finding(
                    ("metrics", index, field.value),
                    f"the {_WHAT[field]} of {metric.key!r} changed after approval without a "
                    f"revision (add to revisions: date, metric: {metric.key}, "
                    f"field: {field.value}, reason, approved_by)",
                    "goalposts",
                )


_WHAT = {
    RevisedField.BASELINE: "baseline",
    RevisedField.TARGET: "target",
    RevisedField.ACTION_THRESHOLD: "action threshold",
    RevisedField.MEASUREMENTS: "earlier measurements",
}


def _value(metric: Metric, field: RevisedField) -> object:
    if field is RevisedField.MEASUREMENTS:
        # adding measurements is the normal course; changing or dropping earlier ones is not
        return [(m.date, m.value) for m in metric.measurements]
    return getattr(metric, field.value)


def _moved(before: Metric, after: Metric, field: RevisedField) -> bool:
    old, new = _value(before, field), _value(after, field)
    if field is RevisedField.MEASUREMENTS:
        assert isinstance(old, list) and isinstance(new, list)
        return not set(old) <= set(new)
    return old != new


def _revised(revisions: list[Revision], key: str, field: RevisedField) -> bool:
    return any(r.metric == key and r.field is field for r in revisions)
