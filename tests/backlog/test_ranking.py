"""Ranking: a total, deterministic order that respects dependencies, with lanes."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from csi_tool.backlog.ranking import Blocker, rank_records
from csi_tool.records.models import Record
from tests.builders import assessed_record, default_scoring, plain_record

POLICY = default_scoring(confidence_factor=False)


def _order(records: list[Record]) -> list[str]:
    return [item.record_id for item in rank_records(records, POLICY).ranked]


def test_higher_score_ranks_first_and_lanes_follow_the_matrix() -> None:
    records = [
        assessed_record("CSI-0001", 2, 2, 4, 2),  # (6+4+2)/4 = 3 reconsider
        assessed_record("CSI-0002", 5, 4, 1, 3),  # (15+8+3)/1 = 26 quick win
        assessed_record("CSI-0003", 4, 4, 4, 4),  # (12+8+4)/4 = 6 strategic
        assessed_record("CSI-0004", 1, 2, 1, 1),  # (3+4+1)/1 = 8 fill-in
    ]
    backlog = rank_records(records, POLICY)
    assert [(i.rank, i.record_id, i.lane, i.score.value) for i in backlog.ranked] == [
        (1, "CSI-0002", "quick_win", 26),
        (2, "CSI-0004", "fill_in", 8),
        (3, "CSI-0003", "strategic", 6),
        (4, "CSI-0001", "reconsider", 3),
    ]
    assert [i.record_id for i in backlog.lane_records("strategic")] == ["CSI-0003"]


def test_ties_break_on_urgency_then_created_then_id() -> None:
    # All score 12: (3×i + 2×u + r) / e
    records = [
        assessed_record("CSI-0005", 3, 1, 1, 1, created=dt.date(2026, 1, 1)),  # 9+2+1 = 12
        assessed_record("CSI-0004", 2, 2, 1, 2, created=dt.date(2026, 1, 1)),  # 6+4+2 = 12
        assessed_record("CSI-0003", 2, 2, 1, 2, created=dt.date(2025, 6, 1)),  # 12, older
        assessed_record("CSI-0002", 2, 2, 1, 2, created=dt.date(2026, 1, 1)),  # 12, same as 4
    ]
    assert _order(records) == ["CSI-0003", "CSI-0002", "CSI-0004", "CSI-0005"]


def test_blocked_records_rank_after_unblocked_and_name_their_blockers() -> None:
    records = [
        assessed_record("CSI-0001", 5, 5, 1, 5, depends_on=("CSI-0009",)),  # top score, blocked
        assessed_record("CSI-0002", 1, 1, 5, 1),  # lowest score, unblocked
        plain_record("CSI-0009", "in_progress"),
        assessed_record("CSI-0003", 3, 3, 3, 3, depends_on=("CSI-0010",)),  # dependency closed
        plain_record("CSI-0010", "closed"),
        assessed_record("CSI-0004", 3, 3, 3, 3, depends_on=("CSI-0404",)),  # not in register
    ]
    backlog = rank_records(records, POLICY)
    assert [i.record_id for i in backlog.ranked] == ["CSI-0003", "CSI-0002", "CSI-0001", "CSI-0004"]
    assert backlog.ranked[2].blocked_by == (Blocker("CSI-0009", "in_progress"),)
    assert backlog.ranked[3].blocked_by == (Blocker("CSI-0404", None),)
    assert [i.record_id for i in backlog.blocked()] == ["CSI-0001", "CSI-0004"]


def test_a_record_never_ranks_before_a_dependency_it_needs() -> None:
    records = [
        assessed_record("CSI-0001", 5, 5, 1, 5, depends_on=("CSI-0002",)),
        assessed_record("CSI-0002", 1, 1, 5, 1, depends_on=("CSI-0003",)),
        assessed_record("CSI-0003", 1, 1, 5, 1, status="in_progress"),
    ]
    # 0003 is unblocked; 0002 waits on 0003; 0001 waits on 0002 though it scores highest
    assert _order(records) == ["CSI-0003", "CSI-0002", "CSI-0001"]


def test_unranked_states_and_unassessed_records_are_kept_apart() -> None:
    records = [
        assessed_record("CSI-0001", 3, 3, 3, 3, status="closed"),
        assessed_record("CSI-0002", 3, 3, 3, 3, status="measuring"),
        plain_record("CSI-0003", "validated"),
        plain_record("CSI-0004", "logged"),
    ]
    backlog = rank_records(records, POLICY)
    assert backlog.ranked == ()
    assert [u.record_id for u in backlog.unassessed] == ["CSI-0003"]


def test_a_dependency_cycle_does_not_drop_records() -> None:
    records = [
        assessed_record("CSI-0001", 3, 3, 3, 3, depends_on=("CSI-0002",)),
        assessed_record("CSI-0002", 3, 3, 3, 3, depends_on=("CSI-0001",)),
    ]
    assert sorted(_order(records)) == ["CSI-0001", "CSI-0002"]


Spec = tuple[int, int, int, int, str, list[int], dt.date]

# Hypothesis: random registers of assessed records with dependencies on lower ids (no cycles).
_RECORDS = st.lists(
    st.tuples(
        st.integers(1, 5),
        st.integers(1, 5),
        st.integers(1, 5),
        st.integers(1, 5),
        st.sampled_from(["assessed", "approved", "deferred", "in_progress", "closed"]),
        st.lists(st.integers(0, 30), max_size=2),
        st.dates(dt.date(2025, 1, 1), dt.date(2026, 6, 1)),
    ),
    min_size=1,
    max_size=25,
)


def _build(specs: list[Spec]) -> list[Record]:
    records = []
    for n, (impact, urgency, effort, risk, status, deps, created) in enumerate(specs, start=1):
        dependencies = tuple(sorted({f"CSI-{d:04d}" for d in deps if 0 < d < n}))
        records.append(
            assessed_record(
                f"CSI-{n:04d}",
                impact,
                urgency,
                effort,
                risk,
                status=status,
                created=created,
                depends_on=dependencies,
            )
        )
    return records


@settings(max_examples=200, deadline=None)
@given(_RECORDS, st.randoms(use_true_random=False))
def test_shuffling_the_files_gives_the_identical_ranking(
    specs: list[Spec], rnd: random.Random
) -> None:
    records = _build(specs)
    shuffled = records[:]
    rnd.shuffle(shuffled)
    assert rank_records(records, POLICY) == rank_records(shuffled, POLICY)


@settings(max_examples=200, deadline=None)
@given(
    _RECORDS,
    st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)),
    st.lists(st.integers(1, 30), max_size=3),
)
def test_adding_a_record_does_not_reorder_the_others(
    specs: list[Spec],
    new: tuple[int, int, int, int],
    deps: list[int],
) -> None:
    records = _build(specs)
    dependencies = tuple(sorted({f"CSI-{d:04d}" for d in deps if d <= len(records)}))
    newcomer = assessed_record("CSI-0999", *new, depends_on=dependencies)
    before = _order(records)
    after = [rid for rid in _order([*records, newcomer]) if rid != "CSI-0999"]
    assert after == before


@settings(max_examples=200, deadline=None)
@given(_RECORDS)
def test_every_ranked_dependency_comes_first(specs: list[Spec]) -> None:
    records = _build(specs)
    position = {rid: i for i, rid in enumerate(_order(records))}
    for record in records:
        for dependency in record.depends_on:
            if record.id in position and dependency in position:
                assert position[dependency] < position[record.id]
