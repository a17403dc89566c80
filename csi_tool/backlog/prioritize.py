"""`csi prioritize`: rank the work tree's register, report its health, compare with a base."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from csi_tool.backlog.capacity import Load, loads
from csi_tool.backlog.delta import RankingDelta, compare_backlogs
from csi_tool.backlog.findings import backlog_findings
from csi_tool.backlog.ranking import Backlog, rank_records
from csi_tool.errors import Finding, FindingsError
from csi_tool.git.log import last_change_dates
from csi_tool.git.revisions import GitRevision
from csi_tool.layout import POLICIES_DIR, REGISTER_DIR
from csi_tool.policies.policy_set import Policies
from csi_tool.records.register import Register, load_register, load_work_tree


@dataclass(frozen=True)
class Prioritization:
    """The ranked backlog, its health findings, and record files that could not be ranked."""

    backlog: Backlog
    findings: list[Finding]
    left_out: list[str]
    as_of: dt.date
    capacity: list[Load] = field(default_factory=list)  # work in progress against the limits


def prioritize(root: Path, as_of: dt.date) -> Prioritization:
    """Rank the register on disk; findings use git history (else file dates) for staleness."""
    register = load_work_tree(root)
    policies = _usable_policies(register)
    backlog = rank_records((item.record for item in register.records.values()), policies.scoring)
    last_changed = last_changed_dates(root, register)
    findings = backlog_findings(register.records, policies, as_of, last_changed)
    capacity = loads((item.record for item in register.records.values()), policies.scoring.capacity)
    return Prioritization(backlog, findings, sorted(register.unreadable), as_of, capacity)


def ranking_delta(root: Path, base_ref: str) -> RankingDelta:
    """How the work tree's ranking differs from the ranking at `base_ref`."""
    head = load_work_tree(root)
    head_policies = _usable_policies(head)
    head_backlog = rank_records((i.record for i in head.records.values()), head_policies.scoring)
    # The base may predate the register or its policies: it is then ranked by today's rules.
    base = load_register(GitRevision(root, base_ref), require_policies=False, check=False)
    base_scoring = (base.policies or head_policies).scoring
    base_backlog = rank_records((i.record for i in base.records.values()), base_scoring)
    statuses = {rid: item.record.status for rid, item in head.records.items()}
    return compare_backlogs(base_backlog, head_backlog, statuses, base_ref)


def _usable_policies(register: Register) -> Policies:
    if register.policies is None:
        raise FindingsError([f for f in register.findings if f.path.startswith(POLICIES_DIR)])
    return register.policies


def last_changed_dates(root: Path, register: Register) -> dict[str, dt.date]:
    """Last change per record file: its last commit, or its modification date when uncommitted."""
    dates = last_change_dates(root, REGISTER_DIR)
    for item in register.records.values():
        path = item.document.path
        if path not in dates:
            stamp = (root / path).stat().st_mtime
            dates[path] = dt.datetime.fromtimestamp(stamp, tz=dt.UTC).date()
    return dates
