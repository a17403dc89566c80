"""Append-only history inside a record: what was decided, revised and reviewed stays.

Decisions and goalpost revisions are lists: a pull request may add entries after the ones
at its base, never reword, reorder or remove them (approving a deferred record adds the
approval after the deferral, whose rationale and revisit date stay on record). A
post-implementation review or a withdrawal, once recorded, is never rewritten.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from csi_tool.errors import Finding
from csi_tool.records.register import LoadedRecord

_LISTS = {
    "decisions": "decision",
    "revisions": "revision",
}
_ONCE = {
    "review": "post-implementation review",
    "withdrawal": "withdrawal",
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
    for field, entry in _ONCE.items():
        recorded = getattr(old, field)
        if recorded is not None and getattr(new, field) != recorded:
            yield after.document.finding(
                (field,),
                f"the {entry} was recorded before this pull request and is never rewritten "
                "(add a lesson, or a revision of a metric, instead)",
                "history",
            )
