"""policies/workflow.yaml: states, transitions, entry requirements, and the rules that keep
the workflow self-consistent (no unknown states, dead ends or unreachable states)."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field

from csi_tool.policies.base import PolicyModel, PolicyProblem, StateName


class Requirement(StrEnum):
    """Things a record must have on entering a state; `readiness.py` knows how to check each."""

    OWNER = "owner"
    SOURCE_REFERENCES = "source_references"
    CURRENT_STATE_SUMMARY = "current_state_summary"
    VISION = "vision"
    ASSESSMENT = "assessment"
    OPTION = "option"
    CHOSEN_OPTION = "chosen_option"
    DECISION = "decision"
    DECISION_OUTCOME = "decision_outcome"
    DECISION_RATIONALE = "decision_rationale"
    DECISION_REVISIT = "decision_revisit"
    METRICS = "metrics"
    METRIC_BASELINES = "metric_baselines"
    METRIC_TARGETS = "metric_targets"
    PLAN_DUE = "plan_due"
    MEASUREMENTS_AFTER_START = "measurements_after_start"
    REVIEW = "review"
    LESSON = "lesson"
    WITHDRAWAL = "withdrawal"
    REVIEW_EFFECTIVENESS = "review_effectiveness"  # the review says the action was effective


LaxRequirement = Annotated[Requirement, Field(strict=False)]
# Kinds of record a state may ask more of: a corrective action is one with `corrective_action`.
RecordKind = Literal["corrective_action"]


class StateSpec(PolicyModel):
    """One state of the workflow."""

    description: str = Field(min_length=1, description="What the state means to a reader.")
    requires: list[LaxRequirement] = Field(
        default_factory=list,
        description="What a record must have on entering this state (and keep afterwards).",
    )
    requires_for: dict[RecordKind, list[LaxRequirement]] = Field(
        default_factory=dict,
        description="What records of a kind must have besides, e.g. `{corrective_action: "
        "[review_effectiveness]}`: a corrective action closes only when its review confirms "
        "it was effective (ISO/IEC 20000-1, 10.1).",
    )


class WorkflowPolicy(PolicyModel):
    """policies/workflow.yaml: the states an improvement moves through."""

    schema_version: Literal[1] = Field(description="Version of the policy format; always 1.")
    initial: StateName = Field(description="The state every new record starts in.")
    terminal: list[StateName] = Field(
        min_length=1, description="States a record never leaves (closed, rejected, withdrawn)."
    )
    states: dict[StateName, StateSpec] = Field(
        min_length=1, description="Every state, in the order a reader expects them."
    )
    transitions: dict[StateName, list[StateName]] = Field(
        description="For each state, the states a record may move to next."
    )
    new_records_may_start_in: list[StateName] = Field(
        default_factory=list,
        description="States besides the initial one that a new record may be added in "
        "(e.g. when importing an existing register).",
    )

    def states_before(self, state: str) -> list[str]:
        """States every path from the initial state to `state` passes through (its dominators).

        A record in `state` must also meet the requirements of these states: a closed record was
        approved, so it still needs its baselines; a withdrawn one may have left from anywhere,
        so it needs only what the initial state needs.
        """
        dominators = self._dominator_sets.get(state, set())
        return [s for s in self.states if s in dominators and s != state]

    def requirements_in(
        self, state: str, kinds: tuple[RecordKind, ...]
    ) -> list[tuple[str, Requirement]]:
        """(state, requirement) of everything a record of `kinds` in `state` must meet: what
        the states before it require, then its own requirements. Worked out once per state
        and kinds: every record of the register asks."""
        known = self._requirements.get((state, kinds))
        if known is None:
            known = []
            for checked in [*self.states_before(state), state]:
                spec = self.states.get(checked)
                if spec is not None:
                    extra = [r for kind in kinds for r in spec.requires_for.get(kind, [])]
                    known += [(checked, requirement) for requirement in [*spec.requires, *extra]]
            self._requirements[(state, kinds)] = known
        return known

    @cached_property
    def _requirements(
        self,
    ) -> dict[tuple[str, tuple[RecordKind, ...]], list[tuple[str, Requirement]]]:
        return {}

    @cached_property
    def _dominator_sets(self) -> dict[str, set[str]]:
        # computed once per policy: every record of the register asks
        return _dominators(self.initial, self.transitions, list(self.states))


_DECISION_STATES = {"approved", "deferred", "rejected"}


def workflow_problems(workflow: WorkflowPolicy) -> Iterator[PolicyProblem]:
    """Inconsistencies a schema alone cannot see: unknown states, dead ends, unreachable states."""
    states = set(workflow.states)
    if workflow.initial not in states:
        yield PolicyProblem(("initial",), f"initial state {workflow.initial!r} is not in states")
        return  # every state would also be unreachable: one finding says it all
    if workflow.initial in workflow.terminal:
        yield PolicyProblem(("initial",), "the initial state cannot be terminal")
    for i, state in enumerate(workflow.terminal):
        if state not in states:
            yield PolicyProblem(("terminal", i), f"terminal state {state!r} is not in states")
    for i, state in enumerate(workflow.new_records_may_start_in):
        if state not in states:
            yield PolicyProblem(
                ("new_records_may_start_in", i), f"state {state!r} is not in states"
            )
    for source, targets in workflow.transitions.items():
        if source not in states:
            yield PolicyProblem(("transitions", source), f"state {source!r} is not in states")
        if source in workflow.terminal and targets:
            yield PolicyProblem(
                ("transitions", source), f"terminal state {source!r} cannot have transitions"
            )
        for i, target in enumerate(targets):
            if target not in states:
                yield PolicyProblem(
                    ("transitions", source, i), f"target state {target!r} is not in states"
                )
            elif target == source:
                yield PolicyProblem(
                    ("transitions", source, i), f"state {source!r} cannot move to itself"
                )
    reachable = _reachable(workflow.initial, workflow.transitions)
    for state, spec in workflow.states.items():
        if state not in reachable:
            yield PolicyProblem(
                ("states", state), f"state {state!r} cannot be reached from {workflow.initial!r}"
            )
        elif state not in workflow.terminal and not workflow.transitions.get(state):
            yield PolicyProblem(
                ("states", state), f"state {state!r} is not terminal but has no way out"
            )
        for i, requirement in enumerate(spec.requires):
            if requirement is Requirement.DECISION_OUTCOME and state not in _DECISION_STATES:
                yield PolicyProblem(
                    ("states", state, "requires", i),
                    "decision_outcome only applies to states named approved, deferred or rejected",
                )


def _reachable(start: str, transitions: dict[str, list[str]]) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for target in transitions.get(stack.pop(), []):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _dominators(
    start: str, transitions: dict[str, list[str]], states: list[str]
) -> dict[str, set[str]]:
    """Classic iterative dominator sets; workflows are tiny, so clarity beats speed."""
    reachable = _reachable(start, transitions)
    predecessors: dict[str, set[str]] = {s: set() for s in reachable}
    for source, targets in transitions.items():
        if source in reachable:
            for target in targets:
                if target in reachable:
                    predecessors[target].add(source)
    dominators = {s: set(reachable) for s in reachable}
    dominators[start] = {start}
    changed = True
    while changed:
        changed = False
        for state in (s for s in states if s in reachable and s != start):
            preds = [dominators[p] for p in predecessors[state]]
            new = set.intersection(*preds) | {state} if preds else {state}
            if new != dominators[state]:
                dominators[state] = new
                changed = True
    return dominators
