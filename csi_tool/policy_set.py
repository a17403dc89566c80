"""The policy files csi knows, and the checks that span more than one of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from csi_tool.governance_policy import GovernancePolicy, governance_problems
from csi_tool.policy import PolicyProblem, RegisterPolicy, WorkflowPolicy, workflow_problems
from csi_tool.scoring_policy import ScoringPolicy, scoring_problems


@dataclass(frozen=True)
class PolicySpec:
    """A policy file: its model and the consistency rules of its content."""

    model: type[BaseModel]
    problems: Callable[[Any], Iterable[PolicyProblem]]


def _none(_: Any) -> Iterable[PolicyProblem]:
    return ()


POLICY_FILES: dict[str, PolicySpec] = {
    "governance.yaml": PolicySpec(GovernancePolicy, governance_problems),
    "register.yaml": PolicySpec(RegisterPolicy, _none),
    "scoring.yaml": PolicySpec(ScoringPolicy, scoring_problems),
    "workflow.yaml": PolicySpec(WorkflowPolicy, workflow_problems),
}


@dataclass(frozen=True)
class Policies:
    """Every policy of a register, validated and consistent with each other."""

    workflow: WorkflowPolicy
    register: RegisterPolicy
    scoring: ScoringPolicy
    governance: GovernancePolicy


def assemble_policies(loaded: Mapping[str, BaseModel]) -> Policies:
    """The Policies of files that each validated; call only when all of them did."""
    workflow, register = loaded["workflow.yaml"], loaded["register.yaml"]
    scoring, governance = loaded["scoring.yaml"], loaded["governance.yaml"]
    assert isinstance(workflow, WorkflowPolicy)
    assert isinstance(register, RegisterPolicy)
    assert isinstance(scoring, ScoringPolicy)
    assert isinstance(governance, GovernancePolicy)
    return Policies(workflow=workflow, register=register, scoring=scoring, governance=governance)


def cross_policy_problems(policies: Policies) -> Iterator[tuple[str, PolicyProblem]]:
    """(policy file, problem) for states named in one policy but missing from the workflow."""
    states = policies.workflow.states
    scoring = policies.scoring
    for field in ("ranked_states", "dependencies_done_in"):
        for i, state in enumerate(getattr(scoring, field)):
            if state not in states:
                yield (
                    "scoring.yaml",
                    PolicyProblem((field, i), f"{state!r} is not a state of the workflow policy"),
                )
    for i, state in enumerate(scoring.capacity.states):
        if state not in states:
            yield (
                "scoring.yaml",
                PolicyProblem(
                    ("capacity", "states", i), f"{state!r} is not a state of the workflow policy"
                ),
            )
