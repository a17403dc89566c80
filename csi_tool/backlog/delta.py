"""How a ranking changed between two revisions: moved, entered, left, changed lane.

"Moved" compares records present in both rankings by their order among each other, so a
record that enters at the top does not make every other record look as if it moved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from csi_tool.backlog.ranking import Backlog


@dataclass(frozen=True)
class Move:
    """A record ranked in both revisions whose place among the others changed."""

    record_id: str
    title: str
    before: int
    after: int


@dataclass(frozen=True)
class LaneChange:
    """A record whose lane changed (its impact or effort was reassessed)."""

    record_id: str
    title: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    """A record ranked now but not at the base."""

    record_id: str
    title: str
    rank: int
    lane: str


@dataclass(frozen=True)
class Exit:
    """A record ranked at the base but not now; status None when the file is gone."""

    record_id: str
    title: str
    rank: int
    status: str | None


@dataclass(frozen=True)
class RankingDelta:
    """Every difference between the base ranking and the current one."""

    base_label: str
    moved: tuple[Move, ...]
    entered: tuple[Entry, ...]
    left: tuple[Exit, ...]
    lane_changes: tuple[LaneChange, ...]

    @property
    def is_empty(self) -> bool:
        """True when the pull request leaves the ranking as it was."""
        return not (self.moved or self.entered or self.left or self.lane_changes)


def compare_backlogs(
    base: Backlog, head: Backlog, head_statuses: Mapping[str, str], base_label: str
) -> RankingDelta:
    """The delta from `base` to `head`; `head_statuses` names where leaving records went."""
    base_items = {item.record_id: item for item in base.ranked}
    head_items = {item.record_id: item for item in head.ranked}
    common_base = [item.record_id for item in base.ranked if item.record_id in head_items]
    common_head = [item.record_id for item in head.ranked if item.record_id in base_items]
    order_before = {rid: i for i, rid in enumerate(common_base)}
    moved = tuple(
        Move(rid, head_items[rid].title, base_items[rid].rank, head_items[rid].rank)
        for i, rid in enumerate(common_head)
        if order_before[rid] != i
    )
    entered = tuple(
        Entry(item.record_id, item.title, item.rank, item.lane)
        for item in head.ranked
        if item.record_id not in base_items
    )
    left = tuple(
        Exit(item.record_id, item.title, item.rank, head_statuses.get(item.record_id))
        for item in base.ranked
        if item.record_id not in head_items
    )
    lane_changes = tuple(
        LaneChange(rid, head_items[rid].title, base_items[rid].lane, head_items[rid].lane)
        for rid in common_head
        if base_items[rid].lane != head_items[rid].lane
    )
    return RankingDelta(base_label, moved, entered, left, lane_changes)
