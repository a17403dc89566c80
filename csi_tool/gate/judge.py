"""`csi gate`: what a pull request changes in the register must follow the policy.

The change is judged from the fork point (where the pull request branched off the base) to
the head, under the rules in force at the fork point, so a pull request cannot loosen the
rules it is judged by. Ids are also checked against the base's tip, where another pull
request may have taken the same id since. A change to policies/, schema/ or a protected path
(the workflows, the site project, what CI installs: the governance policy lists them) is a
governance change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from csi_tool.backlog.delta import RankingDelta, compare_backlogs
from csi_tool.backlog.ranking import Backlog, ScoreMemo, rank_records
from csi_tool.errors import ConfigError, Finding, shown_path
from csi_tool.gate.append_only import rewritten_history
from csi_tool.gate.approvals import Approval, required_approvals
from csi_tool.gate.changes import (
    ChangeKind,
    RecordChange,
    changed_files,
    fingerprints,
    record_changes,
)
from csi_tool.gate.codeowners import CODEOWNERS_PATH, routed_records
from csi_tool.gate.evidence import changed_exports, judged_by_data
from csi_tool.gate.fatigue import check_work_in_progress
from csi_tool.gate.goalposts import goalpost_refusals
from csi_tool.gate.protected import protected_changes
from csi_tool.git.repo import fork_point
from csi_tool.git.revisions import GitRevision, changed_paths
from csi_tool.git.sources import WHOLE_FILE, FileSource, WorkTree
from csi_tool.layout import POLICIES_DIR, REGISTER_DIR
from csi_tool.policies.policy_set import Policies, protected_paths
from csi_tool.policies.workflow import WorkflowPolicy
from csi_tool.records.readiness import gaps_for_state
from csi_tool.records.reading import LoadedRecord
from csi_tool.records.register import Register, load_register
from csi_tool.records.schema import SCHEMA_DIR
from csi_tool.yaml.journal import recover

GOVERNED_DIRS = (POLICIES_DIR, SCHEMA_DIR)


@dataclass(frozen=True)
class GateResult:
    """Everything a reviewer needs: changes, refusals, approvers, and the ranking delta."""

    base: str
    head: str
    changes: list[RecordChange]
    refusals: list[Finding]
    approvals: list[Approval]
    governance_files: list[str]
    delta: RankingDelta
    unjudged: list[str] = field(default_factory=list)  # bound values the data could not judge


def run_gate(
    root: Path, base_ref: str, head_ref: str | None, author: str | None = None
) -> GateResult:
    """Judge the change from the fork point of `base_ref` to `head_ref` (default: work tree).

    `author` (the pull request's author) is never listed as an approver of the change.
    """
    if head_ref is None:
        recover(root)  # an interrupted write is finished (or undone) before anything is read
    head: FileSource = WorkTree(root) if head_ref is None else GitRevision(root, head_ref)
    tip = GitRevision(root, base_ref)
    fork = fork_point(root, base_ref, head_ref or "HEAD")
    start = GitRevision(root, fork)
    after = load_register(head)
    folders = (REGISTER_DIR, *GOVERNED_DIRS)
    old_files, new_files = fingerprints(start, folders), fingerprints(head, folders)
    by_path = {item.document.path: item for item in after.records.values()}
    unchanged = {
        path: by_path[path]
        for path, content in new_files.items()
        if path in by_path and old_files.get(path) == content
    }
    # The base shares all but a few files with the head: only those are read again.
    before = load_register(start, require_policies=False, reuse=unchanged, check=False)
    if before.policies is None:  # never fall back to the pull request's own rules
        raise ConfigError(
            f"the base ({base_ref}, where this branch started) has no valid {POLICIES_DIR}/, so "
            "there are no rules to judge this pull request by: the pull request that adds the "
            "register is reviewed by the repository's own rules, and the gate judges those after"
        )
    policies = before.policies
    touched = changed_files(old_files, new_files, (REGISTER_DIR,))
    changes = record_changes(before, after, [path for path in touched if path in new_files])
    paths = changed_paths(root, fork, head_ref)
    protected = protected_changes(paths, protected_paths(policies))
    # shown as findings show them: a name that is not UTF-8 cannot be written to a summary
    governed = {*changed_files(old_files, new_files, GOVERNED_DIRS), *protected}
    governance = sorted(map(shown_path, governed))
    by_data, unjudged = judged_by_data(
        root, after, policies, touched, changed_exports(paths, policies)
    )
    wip = check_work_in_progress(changes, policies, after)
    refusals = sorted(
        {
            *_refusals(changes, policies, after),
            *wip.refusals,
            *by_data,
            *_deleted_files(start, head, before),
            *_findings_in(after, {*touched, *governance}),
            *_ids_taken_at_base(changes, tip),
            *_unrouted_at_base(changes, start),
        }
    )
    approvals = required_approvals(changes, governance, policies, author, wip.exceptions)
    refusals += _author_left_alone(approvals, author)
    scoring = (after.policies or policies).scoring
    memo: ScoreMemo | None = {} if scoring == policies.scoring else None  # shared records
    delta = compare_backlogs(
        _backlog(before, policies, memo),
        _backlog(after, after.policies or policies, memo),
        {rid: item.record.status for rid, item in after.records.items()},
        base_ref,
    )
    label = head_ref or "work tree"
    return GateResult(base_ref, label, changes, refusals, approvals, governance, delta, unjudged)


def _backlog(register: Register, policies: Policies, memo: ScoreMemo | None) -> Backlog:
    return rank_records((i.record for i in register.records.values()), policies.scoring, memo)


def _refusals(
    changes: list[RecordChange], policies: Policies, after: Register
) -> Iterator[Finding]:
    workflow = policies.workflow
    by_path = {item.document.path: item for item in after.records.values()}
    for change in changes:
        old, new = change.before, change.after
        if change.kind is ChangeKind.UNREADABLE:  # the file's own findings say why
            continue
        if change.kind is ChangeKind.DELETED:
            assert old is not None
            replacement = by_path.get(old.document.path)
            if replacement is not None:
                yield replacement.document.finding(
                    ("id",),
                    f"id changed from {old.record.id} to {replacement.record.id}: "
                    "ids are fixed once set",
                    "fixed",
                )
                continue
            advice = (
                "restore the file (it is in a final state, and stays on record as it is)"
                if old.record.status in workflow.terminal
                else "restore the file and set its status to withdrawn"
            )
            message = f"records are withdrawn, never deleted: {advice}"
            yield Finding(old.document.path, 1, 1, "", message, "deleted")
            continue
        assert new is not None
        yield from _requirements_at_base(new, workflow)
        if change.kind is ChangeKind.REPAIRED:  # nothing readable to compare it with
            continue
        if change.kind is ChangeKind.ADDED:
            allowed = {workflow.initial, *workflow.new_records_may_start_in}
            if new.record.status not in allowed:
                yield new.document.finding(
                    ("status",),
                    f"a new record starts in {workflow.initial}, not {new.record.status}",
                    "transition",
                )
            continue
        assert old is not None
        if change.kind is ChangeKind.RENAMED:
            yield new.document.finding(
                ("id",),
                f"renamed from {old.document.path}: a record keeps its file for life",
                "renamed",
            )
        if new.record.created != old.record.created:
            yield new.document.finding(
                ("created",),
                f"created is fixed once set (was {old.record.created.isoformat()})",
                "fixed",
            )
        yield from _transition_refusal(change, policies)
        yield from goalpost_refusals(old, new, workflow)
        yield from rewritten_history(old, new)


def _author_left_alone(approvals: list[Approval], author: str | None) -> list[Finding]:
    """The author still listed means nobody else can stand in: the change cannot be approved."""
    if author is None:
        return []
    mine = [a for a in approvals if a.handle.casefold() == author.casefold()]
    if not mine:
        return []
    message = (
        f"only {author}, the author, could approve {len(mine[0].reasons)} part(s) of this "
        "change, and nobody approves their own: add another governance approver, or let "
        "someone else open the pull request"
    )
    return [
        Finding(
            f"{POLICIES_DIR}/governance.yaml", 1, 1, "governance_approvers", message, "approval"
        )
    ]


def _requirements_at_base(item: LoadedRecord, workflow: WorkflowPolicy) -> Iterator[Finding]:
    """What the record's state requires under the base's workflow: a pull request that also
    loosens policies/workflow.yaml is still held to the rules it started under."""
    if item.record.status in workflow.states:
        for gap in gaps_for_state(item.record, item.record.status, workflow):
            yield item.document.finding(gap.loc, gap.message, "requirement")


def _transition_refusal(change: RecordChange, policies: Policies) -> Iterator[Finding]:
    assert change.before is not None and change.after is not None
    source, target = change.before.record.status, change.after.record.status
    if source == target:
        return
    allowed = policies.workflow.transitions.get(source, [])
    if target not in allowed:
        options = ", ".join(allowed) if allowed else "nothing (it is terminal)"
        yield change.after.document.finding(
            ("status",),
            f"{source} → {target} is not allowed in one pull request; from {source} a record "
            f"may move to {options} (one step per pull request, each reviewed)",
            "transition",
        )


def _deleted_files(start: FileSource, head: FileSource, before: Register) -> Iterator[Finding]:
    """Record files gone from the head that `record_changes` could not see (unreadable before)."""
    known = {item.document.path for item in before.records.values()}
    remaining = set(head.list_files(REGISTER_DIR) or [])
    for path in start.list_files(REGISTER_DIR) or []:
        if path not in remaining and path not in known and path.endswith(".yaml"):
            yield Finding(path, 1, 1, "", "record files are never deleted", "deleted")


def _findings_in(after: Register, touched: set[str]) -> Iterator[Finding]:
    """The head must validate wherever the pull request touched it, and in its policies
    (findings name a file that is not UTF-8 as `shown_path` does)."""
    shown = set(map(shown_path, touched))
    for finding in after.findings:
        if finding.path in shown or finding.path.startswith(f"{POLICIES_DIR}/"):
            yield finding


def _ids_taken_at_base(changes: list[RecordChange], tip: FileSource) -> Iterator[Finding]:
    """A new record whose id another pull request has merged into the base since."""
    at_tip = {p.rpartition("/")[2].rpartition(".")[0] for p in tip.list_files(REGISTER_DIR) or []}
    for change in changes:
        if change.kind is ChangeKind.ADDED and change.record_id in at_tip:
            assert change.after is not None
            yield change.after.document.finding(
                ("id",),
                f"{change.record_id} was taken at the base by another change since this branch "
                "started; rename the file and id to the next free id (`csi new` finds one)",
                "duplicate-id",
            )


def _unrouted_at_base(changes: list[RecordChange], start: FileSource) -> Iterator[Finding]:
    """A changed record that the base's CODEOWNERS does not route: GitHub would not ask its
    approvers. (A record added since has no line until the next `csi codeowners`.)"""
    path = CODEOWNERS_PATH.as_posix()
    if path not in (start.list_files(CODEOWNERS_PATH.parent.as_posix()) or []):
        return
    routed = routed_records(start.read_bytes(path, WHOLE_FILE).decode("utf-8", "replace"))
    if routed is None:  # the repository routes reviews its own way
        return
    for change in changes:
        if change.before is None or change.after is None:  # added, deleted or unreadable
            continue
        if change.before.document.path not in routed:
            yield change.after.document.finding(
                ("id",),
                f"{change.record_id} has no line in the base branch's CODEOWNERS, so GitHub "
                "would not ask its approvers: first merge `csi codeowners` (it adds the lines "
                "of records added since), then this change",
                "routing",
            )
