"""What a record still lacks for a workflow state, as the state requirements of the policy say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from csi_tool.policies.workflow import RecordKind, Requirement, WorkflowPolicy
from csi_tool.records.models import Record


@dataclass(frozen=True)
class Gap:
    """One requirement a record does not meet, with the field it concerns."""

    loc: tuple[str | int, ...]
    message: str


def gaps_for_state(record: Record, state: str, workflow: WorkflowPolicy) -> list[Gap]:
    """Everything `record` lacks to be in `state`, including what earlier states required."""
    return [
        Gap(loc, f"{checked_state} needs {message}")
        for checked_state, requirement in workflow.requirements_in(state, record_kinds(record))
        for loc, message in _CHECKS[requirement](record, checked_state)
    ]


def record_kinds(record: Record) -> tuple[RecordKind, ...]:
    """The kinds of record a state's `requires_for` may ask more of."""
    return ("corrective_action",) if record.corrective_action is not None else ()


def work_started(record: Record) -> dt.date | None:
    """When work began: the plan's start, else the approval date."""
    if record.plan and record.plan.start:
        return record.plan.start
    return record.decision.date if record.decision else None


_Check = Callable[[Record, str], Iterator[tuple[tuple[str | int, ...], str]]]


def _owner(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.owner is None:
        yield ("owner",), "an owner"


def _source_references(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.source is None:
        yield ("source",), "a source with at least one reference"
        return
    refs = record.source.references
    if not (refs.incidents or refs.problems or refs.surveys or refs.links):
        yield ("source", "references"), "at least one source reference"


def _current_state(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.current_state is None:
        yield ("current_state",), "a current-state summary"


def _vision(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.vision is None:
        yield ("vision",), "a vision"


def _assessment(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.assessment is None:
        yield ("assessment",), "an assessment (impact, urgency, effort, risk)"


def _option(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if not record.options:
        yield ("options",), "at least one option considered"


def _chosen_option(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if not any(option.chosen for option in record.options):
        yield ("options",), "a chosen option"


def _decision(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.decision is None:
        yield record.decision_loc, "a decision"


def _decision_outcome(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.decision is None:
        yield record.decision_loc, f"a decision with outcome {state}"
    elif record.decision.outcome != state:
        yield (
            (*record.decision_loc, "outcome"),
            f"a decision with outcome {state}, not {record.decision.outcome.value}",
        )


def _decision_rationale(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.decision is None:
        yield record.decision_loc, "a decision with a rationale"
    elif not record.decision.rationale:
        yield record.decision_loc, "a rationale for the decision"


def _decision_revisit(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.decision is None or record.decision.revisit is None:
        yield record.decision_loc, "a date to revisit the decision"


def _metrics(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if not record.metrics:
        yield ("metrics",), "at least one metric"


def _metric_baselines(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for i, metric in enumerate(record.metrics):
        if metric.baseline is None:
            yield ("metrics", i), f"a baseline for metric {metric.key!r}"


def _metric_targets(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for i, metric in enumerate(record.metrics):
        if metric.target is None:
            yield ("metrics", i), f"a target for metric {metric.key!r}"


def _plan_due(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.plan is None or record.plan.due is None:
        yield ("plan",), "a plan with a due date"


def _measurements_after_start(
    record: Record, state: str
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    started = work_started(record)
    if started is None:
        yield ("plan",), "a plan start or decision date to compare measurements with"
        return
    for i, metric in enumerate(record.metrics):
        if not any(m.date >= started for m in metric.measurements):
            yield (
                ("metrics", i, "measurements"),
                f"a measurement of {metric.key!r} dated on or after {started.isoformat()}, "
                "when the work started",
            )


def _review(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.review is None:
        yield ("review",), "a post-implementation review"


def _review_effectiveness(
    record: Record, state: str
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.review is None or record.review.effective is not True:
        yield (
            ("review",),
            "a review that confirms the corrective action was effective (`effective: true`)",
        )


def _lesson(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if not record.lessons:
        yield ("lessons",), "at least one lesson learned"


def _withdrawal(record: Record, state: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if record.withdrawal is None:
        yield ("withdrawal",), "a withdrawal with date, by and reason"


_CHECKS: dict[Requirement, _Check] = {
    Requirement.OWNER: _owner,
    Requirement.SOURCE_REFERENCES: _source_references,
    Requirement.CURRENT_STATE_SUMMARY: _current_state,
    Requirement.VISION: _vision,
    Requirement.ASSESSMENT: _assessment,
    Requirement.OPTION: _option,
    Requirement.CHOSEN_OPTION: _chosen_option,
    Requirement.DECISION: _decision,
    Requirement.DECISION_OUTCOME: _decision_outcome,
    Requirement.DECISION_RATIONALE: _decision_rationale,
    Requirement.DECISION_REVISIT: _decision_revisit,
    Requirement.METRICS: _metrics,
    Requirement.METRIC_BASELINES: _metric_baselines,
    Requirement.METRIC_TARGETS: _metric_targets,
    Requirement.PLAN_DUE: _plan_due,
    Requirement.MEASUREMENTS_AFTER_START: _measurements_after_start,
    Requirement.REVIEW: _review,
    Requirement.LESSON: _lesson,
    Requirement.WITHDRAWAL: _withdrawal,
    Requirement.REVIEW_EFFECTIVENESS: _review_effectiveness,
}
