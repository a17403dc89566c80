"""Workflow policy semantics: which earlier states' requirements a state inherits."""

from __future__ import annotations

from pathlib import Path

import pytest

from csi_tool.policies.workflow import WorkflowPolicy, workflow_problems
from csi_tool.yaml.documents import parse_document
from tests.conftest import PROJECT


@pytest.fixture(scope="module")
def workflow() -> WorkflowPolicy:
    path = PROJECT / "policies" / "workflow.yaml"
    _, data = parse_document(path.read_bytes(), "policies/workflow.yaml", 100_000)
    return WorkflowPolicy.model_validate(data)


@pytest.mark.parametrize(
    ("state", "before"),
    [
        ("logged", []),
        ("validated", ["logged"]),
        ("assessed", ["logged", "validated"]),
        ("approved", ["logged", "validated", "assessed"]),
        ("deferred", ["logged", "validated", "assessed"]),
        ("rejected", ["logged", "validated", "assessed"]),
        ("in_progress", ["logged", "validated", "assessed", "approved"]),
        ("measuring", ["logged", "validated", "assessed", "approved", "in_progress"]),
        ("closed", ["logged", "validated", "assessed", "approved", "in_progress", "measuring"]),
        # withdrawn can be reached from logged directly, so nothing else is implied
        ("withdrawn", ["logged"]),
    ],
)
def test_states_before_are_the_states_every_path_passes(
    workflow: WorkflowPolicy, state: str, before: list[str]
) -> None:
    assert workflow.states_before(state) == before


def test_default_workflow_is_consistent(workflow: WorkflowPolicy) -> None:
    assert list(workflow_problems(workflow)) == []


def test_a_shortcut_removes_a_state_from_the_inherited_ones() -> None:
    """If assessed may jump straight to in_progress, in_progress no longer implies approved."""
    workflow = WorkflowPolicy.model_validate(
        {
            "schema_version": 1,
            "initial": "a",
            "terminal": ["d"],
            "states": {s: {"description": s} for s in "abcd"},
            "transitions": {"a": ["b"], "b": ["c", "d"], "c": ["d"]},
        }
    )
    assert workflow.states_before("d") == ["a", "b"]
    assert workflow.states_before("c") == ["a", "b"]


def test_policy_files_in_the_repository_are_the_ones_csi_knows() -> None:
    names = sorted(p.name for p in Path(PROJECT / "policies").iterdir())
    assert names == [
        "governance.yaml",
        "measures.yaml",
        "register.yaml",
        "review.yaml",
        "scoring.yaml",
        "sources.yaml",
        "workflow.yaml",
    ]
