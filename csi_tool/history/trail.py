"""`csi history`: the audit trail of each record from git, and lead times through the workflow."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from csi_tool.errors import CsiError
from csi_tool.git.log import CommitInfo, RegisterHistory
from csi_tool.layout import RECORD_SUFFIX, REGISTER_DIR
from csi_tool.policies.loading import DEFAULT_MAX_BYTES
from csi_tool.records.models import Record
from csi_tool.records.reading import parse_record

_PR_PATTERNS = (
    re.compile(r"^Merge pull request #(\d+)"),  # GitHub merge commits
    re.compile(r"\(#(\d+)\)\s*$"),  # GitHub squash merges: "Title (#12)"
)
_MILESTONES = ("approved", "closed")


@dataclass(frozen=True)
class Event:
    """One audited change to one record."""

    record_id: str
    commit: str
    date: dt.date
    author: str
    merged_by: str | None
    pull_request: int | None
    what: str


@dataclass
class RecordTrail:
    """Everything that happened to a record, and when it reached each milestone."""

    record_id: str
    title: str = ""
    events: list[Event] = field(default_factory=list)
    logged: dt.date | None = None
    reached: dict[str, dt.date] = field(default_factory=dict)  # state → first date, from git

    def lead_time(self, start: str, end: str) -> int | None:
        """Days between two milestones ('logged', 'approved', 'closed'), if both happened."""
        dates = {"logged": self.logged, **self.reached}
        first, last = dates.get(start), dates.get(end)
        return (last - first).days if first and last else None


@dataclass(frozen=True)
class LeadTimeStats:
    """Median and 90th percentile of one lead time across the register."""

    name: str
    count: int
    median: float | None
    p90: float | None


def pull_request_number(subject: str) -> int | None:
    """The pull request a mainline commit came from, read from its first line."""
    for pattern in _PR_PATTERNS:
        match = pattern.search(subject)
        if match:
            return int(match.group(1))
    return None


def build_trails(
    root: Path, ref: str = "HEAD", known: Mapping[str, Record] | None = None
) -> dict[str, RecordTrail]:
    """Audit trails of every record ever in the register's mainline history, by id.

    Each distinct version of a file (a blob) is read and parsed once, though it is the
    "after" of one commit and the "before" of the next. `known` maps blob ids to records
    already read, such as the work tree's: the latest version of most records is on disk.
    """
    history = RegisterHistory(root)
    trails: dict[str, RecordTrail] = {}
    parsed: dict[str, Record | None] = dict(known or {})
    for commit in history.commits(REGISTER_DIR, ref):
        paths = [path for path in commit.paths if path.endswith(RECORD_SUFFIX)]
        old_blobs = history.blob_ids(commit.parent, paths)
        new_blobs = history.blob_ids(commit.sha, paths)
        unread = {
            blob: path
            for blobs in (old_blobs, new_blobs)
            for path, blob in blobs.items()
            if blob is not None and blob not in parsed
        }
        for (blob, path), data in zip(unread.items(), history.read(list(unread)), strict=True):
            parsed[blob] = _parse(data, path)
        for path in paths:
            before = _version(old_blobs[path], parsed)
            after = _version(new_blobs[path], parsed)
            either = after or before
            record_id = either.id if either else PurePosixPath(path).stem
            trail = trails.setdefault(record_id, RecordTrail(record_id))
            if after is not None:
                trail.title = after.title
            for what in _differences(before, after):
                trail.events.append(_event(record_id, commit, what))
            _note_milestones(trail, before, after, commit.date.date())
    return trails


def _version(blob: str | None, parsed: Mapping[str, Record | None]) -> Record | None:
    return None if blob is None else parsed[blob]


def lead_time_stats(trails: dict[str, RecordTrail]) -> list[LeadTimeStats]:
    """Median and 90th percentile of logged→approved, approved→closed and logged→closed."""
    stats = []
    for start, end in (("logged", "approved"), ("approved", "closed"), ("logged", "closed")):
        days = sorted(d for t in trails.values() if (d := t.lead_time(start, end)) is not None)
        stats.append(
            LeadTimeStats(f"{start}→{end}", len(days), _percentile(days, 50), _percentile(days, 90))
        )
    return stats


def _percentile(values: list[int], percent: int) -> float | None:
    """The percentile by linear interpolation between the closest ranks (Hyndman and Fan's
    type 7: numpy's default, and DuckDB's quantile_cont, which measures and signals use), so
    every percentile csi shows is computed one way; `values` are sorted."""
    if not values:
        return None
    position = percent / 100 * (len(values) - 1)
    below = math.floor(position)
    above = min(below + 1, len(values) - 1)
    return values[below] + (values[above] - values[below]) * (position - below)


def _parse(data: bytes, path: str) -> Record | None:
    try:
        _, record, _ = parse_record(data, path, DEFAULT_MAX_BYTES)  # older versions read too
    except CsiError:
        return None  # an invalid version is still in the history; it has no fields to compare
    return record


def _event(record_id: str, commit: CommitInfo, what: str) -> Event:
    return Event(
        record_id,
        commit.sha,
        commit.date.date(),
        commit.author,
        commit.merged_by,
        pull_request_number(commit.subject),
        what,
    )


def _differences(before: Record | None, after: Record | None) -> Iterator[str]:
    if before is None and after is None:
        return
    if before is None:
        assert after is not None
        yield f"created ({after.status})"
        return
    if after is None:
        yield "file deleted"
        return
    if before.status != after.status:
        yield f"status {before.status} → {after.status}"
    if before.decision != after.decision and after.decision is not None:
        d = after.decision
        yield f"decision {d.outcome.value} on {d.date.isoformat()} by {d.by}"
    old_metrics = {m.key: m for m in before.metrics}
    for metric in after.metrics:
        old = old_metrics.get(metric.key)
        if metric.baseline != (old.baseline if old else None) and metric.baseline is not None:
            yield f"baseline of {metric.key} set to {metric.baseline.value:g} {metric.unit}"
        if metric.target != (old.target if old else None) and metric.target is not None:
            target = metric.target
            yield f"target of {metric.key} set to {target.value:g} {metric.unit} by {target.by}"
    if before.review != after.review and after.review is not None:
        yield f"review: {after.review.outcome.value} on {after.review.date.isoformat()}"
    for revision in after.revisions:
        if revision not in before.revisions:
            yield f"revision of {revision.metric} {revision.field.value}: {revision.reason}"


def _note_milestones(
    trail: RecordTrail, before: Record | None, after: Record | None, day: dt.date
) -> None:
    if after is None:
        return
    if trail.logged is None:
        trail.logged = after.created
    if before is None and not trail.events[:-1]:
        # First seen already past a milestone (an imported register): the record's own
        # decision and review dates are the best evidence of when it got there.
        if after.decision and after.decision.outcome.value == "approved":
            trail.reached.setdefault("approved", after.decision.date)
        if after.status == "closed" and after.review:
            trail.reached.setdefault("closed", after.review.date)
    changed = before is None or before.status != after.status
    if changed and after.status in _MILESTONES and after.status not in trail.reached:
        trail.reached[after.status] = day
