"""Rank the backlog: a total, deterministic order that respects dependencies.

Order, documented in the README: unblocked records before blocked ones; then higher score;
then higher urgency; then older created date; then id. A record never ranks before a ranked
dependency it needs (a topological order, taken greedily by that key).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from csi_tool.backlog.scoring import Score, score_assessment
from csi_tool.policies.scoring import Lane, ScoringPolicy
from csi_tool.records.models import Assessment, Record


@dataclass(frozen=True)
class Blocker:
    """A dependency that is not done yet; status None when it is not in the register."""

    record_id: str
    status: str | None


@dataclass(frozen=True)
class RankedRecord:
    """A record's place in the backlog and why it is there."""

    rank: int
    record_id: str
    title: str
    status: str
    owner: str | None
    service: str | None
    lane: str
    score: Score
    urgency: int
    created: dt.date
    blocked_by: tuple[Blocker, ...]


@dataclass(frozen=True)
class UnassessedRecord:
    """A record in a ranked state that cannot be scored yet."""

    record_id: str
    title: str
    status: str


@dataclass(frozen=True)
class Backlog:
    """The ranked backlog, in rank order, with the lanes it uses."""

    ranked: tuple[RankedRecord, ...]
    unassessed: tuple[UnassessedRecord, ...]
    lanes: tuple[Lane, ...]

    def lane_records(self, lane_key: str) -> list[RankedRecord]:
        """Records of one lane, in rank order."""
        return [item for item in self.ranked if item.lane == lane_key]

    def blocked(self) -> list[RankedRecord]:
        """Records waiting on a dependency, in rank order."""
        return [item for item in self.ranked if item.blocked_by]


# Scores already computed under one scoring policy, by the assessment object scored.
ScoreMemo = dict[int, tuple[Assessment, Score]]


def rank_records(
    records: Iterable[Record], policy: ScoringPolicy, memo: ScoreMemo | None = None
) -> Backlog:
    """Score and order every record in a ranked state.

    `memo` (for one scoring policy) keeps scores between rankings of registers that share
    record objects, as the gate's base and head do: each assessment is scored once."""
    by_id = {record.id: record for record in records}
    ranked_states = set(policy.ranked_states)
    done = set(policy.dependencies_done_in)
    candidates = sorted(
        (r for r in by_id.values() if r.status in ranked_states and r.assessment is not None),
        key=lambda r: r.id,
    )
    unassessed = tuple(
        UnassessedRecord(r.id, r.title, r.status)
        for r in sorted(by_id.values(), key=lambda r: r.id)
        if r.status in ranked_states and r.assessment is None
    )
    scores = {r.id: _score(_assessment(r), policy, memo) for r in candidates}
    blockers = {
        r.id: tuple(
            Blocker(d, by_id[d].status if d in by_id else None)
            for d in r.depends_on
            if d not in by_id or by_id[d].status not in done
        )
        for r in candidates
    }
    order = _topological_order(candidates, scores, blockers)
    ranked = tuple(
        RankedRecord(
            rank=position,
            record_id=record.id,
            title=record.title,
            status=record.status,
            owner=record.owner,
            service=record.service,
            lane=policy.lane_for(_assessment(record).impact, _assessment(record).effort).key,
            score=scores[record.id],
            urgency=_assessment(record).urgency,
            created=record.created,
            blocked_by=blockers[record.id],
        )
        for position, record in enumerate(order, start=1)
    )
    return Backlog(ranked, unassessed, tuple(policy.lanes))


_SortKey = tuple[bool, float, int, dt.date, str]


def _topological_order(
    candidates: list[Record], scores: dict[str, Score], blockers: dict[str, tuple[Blocker, ...]]
) -> list[Record]:
    def key(record: Record) -> _SortKey:
        return (
            bool(blockers[record.id]),
            -scores[record.id].value,
            -_assessment(record).urgency,
            record.created,
            record.id,
        )

    by_id = {record.id: record for record in candidates}
    waiting_on = {r.id: {d for d in r.depends_on if d in by_id and d != r.id} for r in candidates}
    needed_by: dict[str, list[str]] = {rid: [] for rid in by_id}
    for rid, dependencies in waiting_on.items():
        for dependency in dependencies:
            needed_by[dependency].append(rid)
    heap: list[tuple[_SortKey, str]] = [(key(r), r.id) for r in candidates if not waiting_on[r.id]]
    heapq.heapify(heap)
    order: list[Record] = []
    while heap:
        _, rid = heapq.heappop(heap)
        order.append(by_id[rid])
        for dependent in needed_by[rid]:
            waiting_on[dependent].discard(rid)
            if not waiting_on[dependent]:
                heapq.heappush(heap, (key(by_id[dependent]), dependent))
    placed = {r.id for r in order}
    # A dependency cycle (refused by validation) must still not drop records from the backlog.
    order.extend(sorted((r for r in candidates if r.id not in placed), key=key))
    return order


def _score(assessment: Assessment, policy: ScoringPolicy, memo: ScoreMemo | None) -> Score:
    if memo is None:
        return score_assessment(assessment, policy)
    kept = memo.get(id(assessment))
    if kept is not None and kept[0] is assessment:  # the very object: an id is not reused
        return kept[1]
    score = score_assessment(assessment, policy)
    memo[id(assessment)] = (assessment, score)
    return score


def _assessment(record: Record) -> Assessment:
    assert record.assessment is not None
    return record.assessment
