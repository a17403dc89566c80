"""Append-only history inside a record: what was decided, revised and reviewed stays.

Decisions and goalpost revisions are lists: a pull request may add entries after the ones
at its base, never reword, reorder or remove them (approving a deferred record adds the
approval after the deferral, whose rationale and revisit date stay on record). A
post-implementation review, a withdrawal or a corrective action marker, once recorded, is never
rewritten; nor is the `before` process map of an approved improvement, its baseline.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from csi_tool.errors import Finding
from csi_tool.fields import DecisionOutcome
from csi_tool.records.models import Record
from csi_tool.records.reading import LoadedRecord

_LISTS = {
    "decisions": "decision",
    "revisions": "revision",
}
_ONCE = {
    "review": "post-implementation review",
    "withdrawal": "withdrawal",
    # a record found to act on a nonconformity stays one: removing the marker would let it
    # close without the effectiveness its workflow requires of corrective actions
    "corrective_action": "corrective action marker",
}


def rewritten_history(before: LoadedRecord, after: LoadedRecord) -> Iterator[Finding]:
    """A refusal for every past entry the pull request changed or removed."""
    old, new = before.record, after.record
    for field, entry in _LISTS.items():
        past: Sequence[object] = getattr(old, field)
        present: Sequence[object] = getattr(new, field)
        for index, earlier in enumerate(past):
            if index >= len(present):
                yield after.document.finding(
                    (field,),
                    f"{len(past) - index} earlier {entry}(s) removed: {field} are append-only; "
                    "restore them and add new entries after them",
                    "history",
                )
                break
            if present[index] != earlier:
                yield after.document.finding(
                    (field, index),
                    f"this {entry} was recorded before this pull request and may not be "
                    f"rewritten: {field} are append-only; restore it and add a new {entry} "
                    "after the earlier ones",
                    "history",
                )
    if _before_map_locked(old) and (
        new.process_map is None or new.process_map.before != old.process_map.before  # type: ignore[union-attr]
    ):
        yield after.document.finding(
            ("process_map", "before"),
            "the process as it was before the change is the improvement's baseline, fixed "
            "since its approval: map the changed process as `after` instead",
            "history",
        )
    for field, entry in _ONCE.items():
        recorded = getattr(old, field)
        if recorded is not None and getattr(new, field) != recorded:
            yield after.document.finding(
                (field,),
                f"the {entry} was recorded before this pull request and is never rewritten "
                "(add a lesson, or a revision of a metric, instead)",
                "history",
            )


def _before_map_locked(record: Record) -> bool:
    """Whether a record's `before` process map is fixed: once the improvement is approved,
    as its metrics' baselines are."""
    decision = record.decision
    approved = decision is not None and decision.outcome is DecisionOutcome.APPROVED
    return approved and record.process_map is not None and bool(record.process_map.before)
