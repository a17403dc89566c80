"""Findings about the backlog's health: overloaded owners and services, stale records, overdue
revisits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from csi_tool.backlog.capacity import loads
from csi_tool.errors import Finding
from csi_tool.fields import DecisionOutcome
from csi_tool.policies.policy_set import Policies
from csi_tool.records.reading import LoadedRecord
from csi_tool.report import counted


def backlog_findings(
    records: Mapping[str, LoadedRecord],
    policies: Policies,
    as_of: dt.date,
    last_changed: Mapping[str, dt.date],
) -> list[Finding]:
    """Every capacity, staleness and revisit finding, sorted by file and line."""
    findings = [
        *_over_capacity(records, policies),
        *_stale(records, policies, as_of, last_changed),
        *_revisits_due(records, as_of),
        *_dead_dependencies(records, policies),
    ]
    return sorted(findings)


def _over_capacity(records: Mapping[str, LoadedRecord], policies: Policies) -> Iterator[Finding]:
    capacity = policies.scoring.capacity
    states = "/".join(capacity.states)
    over = [load for load in loads((i.record for i in records.values()), capacity) if load.over]
    for load in over:
        who = load.name if load.scope == "owner" else f"service {load.name}"
        for record_id in load.records:
            yield records[record_id].document.finding(
                (load.scope,),
                f"{who} has {len(load.records)} records {states} (limit {load.limit}): "
                f"{_some(list(load.records))}; improvement fatigue risk",
                "capacity",
            )


# Each of an owner's records gets the finding: naming every other one in each would make the
# output grow with the square of the owner's load.
_NAMED_IDS = 10


def _some(ids: list[str]) -> str:
    shown = ", ".join(ids[:_NAMED_IDS])
    return shown if len(ids) <= _NAMED_IDS else f"{shown} and {len(ids) - _NAMED_IDS} more"


def _stale(
    records: Mapping[str, LoadedRecord],
    policies: Policies,
    as_of: dt.date,
    last_changed: Mapping[str, dt.date],
) -> Iterator[Finding]:
    limit = policies.scoring.staleness_days
    terminal = set(policies.workflow.terminal)
    for item in records.values():
        if item.record.status in terminal:
            continue
        changed = last_changed.get(item.document.path)
        if changed is None:
            continue
        idle = (as_of - changed).days
        if idle > limit:
            yield item.document.finding(
                ("status",),
                f"stale: {item.record.status} with no change for {counted(idle, 'day')} "
                f"(since {changed.isoformat()}; limit {limit})",
                "stale",
            )


def _dead_dependencies(
    records: Mapping[str, LoadedRecord], policies: Policies
) -> Iterator[Finding]:
    """An open record that waits on one that ended without being done waits forever."""
    terminal = set(policies.workflow.terminal)
    done = set(policies.scoring.dependencies_done_in)
    for item in records.values():
        if item.record.status in terminal:
            continue
        for i, dependency in enumerate(item.record.depends_on):
            other = records.get(dependency)
            if other and other.record.status in terminal - done:
                yield item.document.finding(
                    ("depends_on", i),
                    f"depends on {dependency}, which is {other.record.status} and will never be "
                    "done: drop the dependency, or withdraw this record",
                    "dead-dependency",
                )


def _revisits_due(records: Mapping[str, LoadedRecord], as_of: dt.date) -> Iterator[Finding]:
    for item in records.values():
        decision = item.record.decision
        if (
            item.record.status == "deferred"
            and decision is not None
            and decision.outcome is DecisionOutcome.DEFERRED
            and decision.revisit is not None
            and decision.revisit < as_of
        ):
            days = (as_of - decision.revisit).days
            yield item.document.finding(
                (*item.record.decision_loc, "revisit"),
                f"deferral was due for revisit on {decision.revisit.isoformat()} "
                f"({counted(days, 'day')} ago)",
                "revisit",
            )
