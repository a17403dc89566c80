"""`csi transition`: move a record to another state, recording the decision, review or withdrawal.

The move is refused, and nothing written, when the workflow does not allow it or when the
record lacks something the new state requires; every missing piece is listed at its line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from csi_tool.errors import ConfigError, FindingsError
from csi_tool.fields import DecisionOutcome, ReviewOutcome
from csi_tool.policies.policy_set import Policies
from csi_tool.records.editing import RecordEdit, open_record, save_edits
from csi_tool.records.register import Register

_DECISIONS = {outcome.value for outcome in DecisionOutcome}
_CLOSING = "closed"
_WITHDRAWN = "withdrawn"
_STARTED = "in_progress"


@dataclass(frozen=True)
class TransitionRequest:
    """What the user asked for on the command line."""

    record_id: str
    target: str
    on: dt.date
    rationale: str | None = None
    by: str | None = None
    revisit: dt.date | None = None
    outcome: str | None = None


def transition(
    root: Path, register: Register, policies: Policies, request: TransitionRequest
) -> tuple[str, list[Path]]:
    """Apply the transition; returns the state it left and the file written."""
    edit = open_record(root, register, request.record_id)
    source = str(edit.tree["status"])
    workflow = policies.workflow
    if request.target not in workflow.states:
        raise ConfigError(f"unknown state {request.target!r}; states: {', '.join(workflow.states)}")
    _refuse_unkept_options(request)
    allowed = workflow.transitions.get(source, [])
    if request.target not in allowed:
        document = register.records[request.record_id].document
        options = ", ".join(allowed) or "nothing (it is terminal)"
        raise FindingsError(
            [
                document.finding(
                    ("status",),
                    f"{source} → {request.target} is not allowed; "
                    f"from {source} a record may move to {options}",
                    "transition",
                )
            ]
        )
    edit.tree["status"] = request.target
    _record_what_the_move_means(edit, request)
    return source, save_edits([edit], policies)


def _kept_options(target: str) -> set[str]:
    """The options a move to `target` records; any other given option would be lost."""
    if target in _DECISIONS:
        return {"rationale", "by"} | ({"revisit"} if target == "deferred" else set())
    if target == _CLOSING:
        return {"rationale", "by", "outcome"}
    return {"rationale", "by"} if target == _WITHDRAWN else set()


def _refuse_unkept_options(request: TransitionRequest) -> None:
    """Never drop an option silently: say which ones this move has nowhere to keep."""
    given = {
        name
        for name in ("rationale", "by", "revisit", "outcome")
        if getattr(request, name) is not None
    }
    unkept = sorted(given - _kept_options(request.target))
    if unkept:
        options = ", ".join(f"--{name}" for name in unkept)
        raise ConfigError(
            f"{options}: a move to {request.target} has nowhere to keep it (only decisions, "
            "closing and withdrawal record who and why); nothing was written"
        )


def _record_what_the_move_means(edit: RecordEdit, request: TransitionRequest) -> None:
    target = request.target
    if target in _DECISIONS:
        decision = CommentedMap()
        decision["outcome"] = target
        decision["date"] = request.on
        decision["by"] = _needed(request.by, "--by", f"record who decided {target}")
        if request.rationale:
            decision["rationale"] = request.rationale
        if request.revisit:
            decision["revisit"] = request.revisit
        _append_decision(edit.tree, decision)
    elif target == _CLOSING:
        review = CommentedMap()
        review["date"] = request.on
        outcome = _needed(request.outcome, "--outcome", "record the review's outcome")
        if outcome not in {o.value for o in ReviewOutcome}:
            raise ConfigError(
                f"--outcome must be one of {', '.join(o.value for o in ReviewOutcome)}"
            )
        review["outcome"] = outcome
        review["summary"] = _needed(request.rationale, "--rationale", "summarise the review")
        if request.by:
            review["by"] = request.by
        edit.tree["review"] = review
    elif target == _WITHDRAWN:
        withdrawal = CommentedMap()
        withdrawal["date"] = request.on
        withdrawal["by"] = _needed(request.by, "--by", "record who withdrew it")
        withdrawal["reason"] = _needed(request.rationale, "--rationale", "say why")
        edit.tree["withdrawal"] = withdrawal
    elif target == _STARTED and isinstance(edit.tree.get("plan"), CommentedMap):
        edit.tree["plan"].setdefault("start", request.on)
    if request.revisit and target != DecisionOutcome.DEFERRED.value:
        raise ConfigError("--revisit only applies to a deferral")


def _needed(value: str | None, option: str, why: str) -> str:
    if not value:
        raise ConfigError(f"{option} is needed to {why}")
    return value


def _append_decision(tree: CommentedMap, decision: CommentedMap) -> None:
    """Add a decision after the earlier ones (which stay), in the style of the list."""
    decisions = tree.get("decisions")
    if not isinstance(decisions, CommentedSeq):
        decisions = CommentedSeq()
        tree["decisions"] = decisions
    elif decisions.fa.flow_style():
        decision.fa.set_flow_style()
    previous = decisions[-1] if decisions else None
    decisions.append(decision)
    if isinstance(previous, CommentedMap) and previous and not decisions.fa.flow_style():
        _move_blank_lines_after(previous, decision)


def _move_blank_lines_after(previous: CommentedMap, new: CommentedMap) -> None:
    """Blank lines that closed the list end the new item instead, not split the list."""
    last = list(previous)[-1]
    slots = previous.ca.items.get(last)
    if slots and slots[2] is not None and not slots[2].value.strip():
        new.ca.items[list(new)[-1]] = [None, None, slots[2], None]
        slots[2] = None
