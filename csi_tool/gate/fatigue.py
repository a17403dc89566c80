"""The fatigue guard: a record may not start work beyond its owner's or service's limit.

A pull request that moves a record into a limited state (capacity.states of the base's
scoring policy, `in_progress` by default), or hands work in progress to another owner or
service, while that owner or service is already at the limit is refused, naming the limit
and the records that fill it, unless the record carries a `wip_exception` (who asked, when,
why); the governance approvers must then approve the pull request, which is the exception
being granted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from csi_tool.backlog.capacity import broken_by
from csi_tool.errors import Finding
from csi_tool.gate.changes import RecordChange
from csi_tool.policies.policy_set import Policies
from csi_tool.records.reading import LoadedRecord
from csi_tool.records.register import Register


@dataclass(frozen=True)
class WipCheck:
    """Entries refused, and entries let through by an exception the governance must grant."""

    refusals: list[Finding]
    exceptions: list[tuple[str, str]]  # (record id, the limits it goes beyond)


def check_work_in_progress(
    changes: list[RecordChange], policies: Policies, after: Register
) -> WipCheck:
    """Judge every record a pull request moves into a limited state."""
    capacity = policies.scoring.capacity
    limited = set(capacity.states)
    states = "/".join(capacity.states)
    records = [item.record for item in after.records.values()]
    refusals, exceptions = [], []
    for change, new in _entries(changes, limited):
        broken = broken_by(new.record, records, capacity)
        if not broken:
            continue
        limits = "; ".join(load.describe(states) for load in broken)
        if new.record.wip_exception is not None:
            exceptions.append((change.record_id, limits))
            continue
        refusals.append(
            new.document.finding(
                ("status",),
                f"starting {change.record_id} goes beyond a work-in-progress limit: {limits}. "
                "Finish or pause one of them, or record a `wip_exception` for the governance "
                "approvers to approve",
                "capacity",
            )
        )
    return WipCheck(refusals, exceptions)


def _entries(
    changes: list[RecordChange], limited: set[str]
) -> Iterator[tuple[RecordChange, LoadedRecord]]:
    for change in changes:
        new, old = change.after, change.before
        if new is None or new.record.status not in limited:
            continue
        if old is not None and old.record.status in limited and not _moved(old, new):
            continue  # counted where it was at the base: no new load on anyone
        yield change, new


def _moved(old: LoadedRecord, new: LoadedRecord) -> bool:
    """Whether work in progress changed hands or services (a load moved onto another)."""
    before, after = old.record, new.record
    return (before.owner or "").casefold() != (after.owner or "").casefold() or (
        before.service != after.service
    )
