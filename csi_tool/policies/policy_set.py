"""The policy files csi knows, and the checks that span more than one of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from csi_tool.policies.base import PolicyProblem
from csi_tool.policies.governance import GovernancePolicy, governance_problems
from csi_tool.policies.measures import MeasuresPolicy, measures_problems
from csi_tool.policies.register import RegisterPolicy
from csi_tool.policies.review import ReviewPolicy
from csi_tool.policies.scoring import ScoringPolicy, scoring_problems
from csi_tool.policies.sources import SourcesPolicy, sources_problems
from csi_tool.policies.workflow import WorkflowPolicy, workflow_problems


@dataclass(frozen=True)
class PolicySpec:
    """A policy file: its model and the consistency rules of its content."""

    model: type[BaseModel]
    problems: Callable[[Any], Iterable[PolicyProblem]]
    default: BaseModel | None = None  # an optional file: what its absence means


def _none(_: Any) -> Iterable[PolicyProblem]:
    return ()


POLICY_FILES: dict[str, PolicySpec] = {
    "governance.yaml": PolicySpec(GovernancePolicy, governance_problems),
    "measures.yaml": PolicySpec(
        MeasuresPolicy, measures_problems, MeasuresPolicy(schema_version=1)
    ),
    "register.yaml": PolicySpec(RegisterPolicy, _none),
    "review.yaml": PolicySpec(ReviewPolicy, _none),
    "scoring.yaml": PolicySpec(ScoringPolicy, scoring_problems),
    "sources.yaml": PolicySpec(SourcesPolicy, sources_problems, SourcesPolicy(schema_version=1)),
    "workflow.yaml": PolicySpec(WorkflowPolicy, workflow_problems),
}


@dataclass(frozen=True)
class Policies:
    """Every policy of a register, validated and consistent with each other."""

    workflow: WorkflowPolicy
    register: RegisterPolicy
    scoring: ScoringPolicy
    governance: GovernancePolicy
    review: ReviewPolicy
    sources: SourcesPolicy
    measures: MeasuresPolicy


def assemble_policies(loaded: Mapping[str, BaseModel]) -> Policies:
    """The Policies of files that each validated; call only when all of them did."""
    workflow, register = loaded["workflow.yaml"], loaded["register.yaml"]
    scoring, governance = loaded["scoring.yaml"], loaded["governance.yaml"]
    review, sources = loaded["review.yaml"], loaded["sources.yaml"]
    measures = loaded["measures.yaml"]
    assert isinstance(workflow, WorkflowPolicy)
    assert isinstance(register, RegisterPolicy)
    assert isinstance(scoring, ScoringPolicy)
    assert isinstance(governance, GovernancePolicy)
    assert isinstance(review, ReviewPolicy)
    assert isinstance(sources, SourcesPolicy)
    assert isinstance(measures, MeasuresPolicy)
    return Policies(workflow, register, scoring, governance, review, sources, measures)


def cross_policy_problems(policies: Policies) -> Iterator[tuple[str, PolicyProblem]]:
    """(policy file, problem) for states named in one policy but missing from the workflow."""
    named: list[tuple[str, tuple[str, ...], list[str]]] = [
        ("scoring.yaml", ("ranked_states",), policies.scoring.ranked_states),
        ("scoring.yaml", ("dependencies_done_in",), policies.scoring.dependencies_done_in),
        ("scoring.yaml", ("capacity", "states"), policies.scoring.capacity.states),
        ("review.yaml", ("reviewed_states",), policies.review.reviewed_states),
        ("review.yaml", ("sustained_states",), policies.review.sustained_states),
        ("review.yaml", ("not_started_states",), policies.review.not_started_states),
        ("review.yaml", ("delivery_states",), policies.review.delivery_states),
    ]
    sources = {spec.name for spec in policies.sources.sources}
    for i, measure in enumerate(policies.measures.measures):
        if measure.source not in sources:
            known = ", ".join(sorted(sources)) or "none declared"
            message = f"{measure.source!r} is not a source of policies/sources.yaml ({known})"
            yield "measures.yaml", PolicyProblem(("measures", i, "source"), message)
    for file, loc, states in named:
        for i, state in enumerate(states):
            if state not in policies.workflow.states:
                message = f"{state!r} is not a state of the workflow policy"
                yield file, PolicyProblem((*loc, i), message)


def protected_paths(policies: Policies) -> list[str]:
    """Paths whose change is a governance change: the governance policy's, and the exports a
    source keeps in the repository (the data behind signals and their baselines)."""
    exports = [spec.path for spec in policies.sources.sources if spec.path is not None]
    return list(dict.fromkeys([*policies.governance.protected_paths, *exports]))
