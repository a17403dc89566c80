"""`csi prioritize` on real registers and real git histories: findings, formats, --base."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.builders import record_yaml
from tests.conftest import PROJECT, git


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    return root


def _write(root: Path, record_id: str, status: str, **kw: object) -> Path:
    path = root / "register" / f"{record_id}.yaml"
    path.write_text(record_yaml(record_id, status, **kw), encoding="utf-8")  # type: ignore[arg-type]
    return path


def _commit(repo: Path, message: str, date: str) -> None:
    git(repo, "add", "-A")
    env_date = f"{date}T12:00:00+00:00"
    os.environ["GIT_COMMITTER_DATE"] = env_date
    os.environ["GIT_AUTHOR_DATE"] = env_date
    try:
        git(repo, "commit", "-qm", message)
    finally:
        del os.environ["GIT_COMMITTER_DATE"], os.environ["GIT_AUTHOR_DATE"]


def _set_mtime(path: Path, day: str) -> None:
    stamp = dt.datetime.fromisoformat(f"{day}T12:00:00+00:00").timestamp()
    os.utime(path, (stamp, stamp))


def test_staleness_comes_from_git_history_then_file_dates(
    root: Path, run_csi: Callable[..., Result]
) -> None:
    git(root, "init", "-q")
    _write(root, "CSI-0001", "assessed")
    _write(root, "CSI-0002", "assessed")
    _commit(root, "Log two improvements", "2026-01-10")
    _write(root, "CSI-0002", "assessed", impact=4)
    _commit(root, "Reassess CSI-0002", "2026-11-01")
    edited = _write(root, "CSI-0003", "assessed")  # never committed: its file date counts
    _set_mtime(edited, "2026-08-01")

    result = run_csi(root, "prioritize", "--as-of", "2026-11-25", "--format", "json")

    stale = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "stale"]
    assert [(f["path"], f["line"], f["message"]) for f in stale] == [
        (
            "register/CSI-0001.yaml",
            6,
            "stale: assessed with no change for 319 days (since 2026-01-10; limit 60)",
        ),
        (
            "register/CSI-0003.yaml",
            6,
            "stale: assessed with no change for 116 days (since 2026-08-01; limit 60)",
        ),
    ]


def test_staleness_outside_git_uses_file_dates(root: Path, run_csi: Callable[..., Result]) -> None:
    _set_mtime(_write(root, "CSI-0001", "assessed"), "2026-09-01")
    _set_mtime(_write(root, "CSI-0002", "assessed"), "2026-10-01")
    result = run_csi(root, "prioritize", "--as-of", "2026-11-25")
    assert "register/CSI-0001.yaml:6:1: status: stale: assessed with no change for 85 days" in (
        result.stdout
    )
    assert "CSI-0002.yaml:6:1: status: stale" not in result.stdout  # 55 days: within the limit


def test_owners_over_capacity_and_overdue_revisits_are_reported(
    root: Path, run_csi: Callable[..., Result]
) -> None:
    for rid in ("CSI-0001", "CSI-0002", "CSI-0003"):
        _write(root, rid, "in_progress", owner="@acme/busy")
    _write(root, "CSI-0004", "in_progress", owner="@acme/calm")
    _write(root, "CSI-0005", "deferred", revisit="2026-10-01")

    result = run_csi(root, "prioritize", "--as-of", "2026-11-25", "--format", "json")
    findings = json.loads(result.stdout)["findings"]

    capacity = [(f["path"], f["line"], f["field"]) for f in findings if f["code"] == "capacity"]
    assert capacity == [(f"register/CSI-000{n}.yaml", 5, "owner") for n in (1, 2, 3)]
    assert findings[0]["message"] == (
        "@acme/busy has 3 records in_progress (limit 2): CSI-0001, CSI-0002, CSI-0003; "
        "improvement fatigue risk"
    )
    revisit = [f for f in findings if f["code"] == "revisit"]
    assert [(f["path"], f["line"], f["message"]) for f in revisit] == [
        ("register/CSI-0005.yaml", 13, "deferral was due for revisit on 2026-10-01 (55 days ago)")
    ]


def test_table_shows_lanes_breakdowns_blockers_and_left_out_files(
    root: Path, run_csi: Callable[..., Result]
) -> None:
    _write(root, "CSI-0001", "assessed", impact=5, effort=1)
    _write(root, "CSI-0002", "assessed", impact=4, effort=4, depends_on=("CSI-0003",))
    _write(root, "CSI-0003", "in_progress", impact=1, effort=5)
    (root / "register" / "CSI-0004.yaml").write_text("schema_version: 2\nid: CSI-0004\n")

    out = run_csi(root, "prioritize", "--as-of", "2026-01-06").stdout

    assert "Quick wins (quick_win): 1" in out
    assert "why: (3×5 impact + 2×3 urgency + 1×3 risk) ÷ 1 effort × 1 confidence = 24" in out
    assert "CSI-0002 waits for CSI-0003 (in_progress)" in out
    assert "Reconsider (reconsider): 1" in out
    assert "Left out (run `csi validate`): register/CSI-0004.yaml" in out


def test_lane_filter_and_unknown_lane(root: Path, run_csi: Callable[..., Result]) -> None:
    _write(root, "CSI-0001", "assessed", impact=5, effort=1)
    _write(root, "CSI-0002", "assessed", impact=4, effort=4)
    filtered = json.loads(
        run_csi(root, "prioritize", "--lane", "strategic", "--format", "json").stdout
    )
    assert [r["id"] for r in filtered["ranked"]] == ["CSI-0002"]
    assert filtered["ranked"][0]["rank"] == 2  # ranks stay global

    unknown = run_csi(root, "prioritize", "--lane", "quick_wins")
    assert unknown.exit_code == 2
    assert "lanes are: quick_win, strategic, fill_in, reconsider" in unknown.stderr


def test_markdown_neutralises_hostile_titles(root: Path, run_csi: Callable[..., Result]) -> None:
    _write(
        root, "CSI-0001", "assessed", title="<script>alert(1)</script> | [x](javascript:y) **b**"
    )
    out = run_csi(root, "prioritize", "--format", "markdown").stdout
    row = next(line for line in out.splitlines() if "CSI-0001" in line)
    assert "<script>" not in row
    assert "&lt;script&gt;" in row
    assert "\\|" in row and "\\[x\\]\\(javascript:y\\)" in row and "\\*\\*b\\*\\*" in row
    assert row.startswith("| 1 | `CSI-0001` |")
    assert len(re.findall(r"(?<!\\)\|", row)) == 9  # 8 cells: the title's pipe is escaped


def test_ranks_are_never_written_into_records(root: Path, run_csi: Callable[..., Result]) -> None:
    path = _write(root, "CSI-0001", "assessed")
    before = path.read_bytes()
    run_csi(root, "prioritize")
    assert path.read_bytes() == before


def test_base_shows_moves_entries_exits_and_lane_changes(
    root: Path, run_csi: Callable[..., Result]
) -> None:
    git(root, "init", "-q")
    _write(root, "CSI-0001", "assessed", impact=5, effort=1)  # 24: first
    _write(root, "CSI-0002", "assessed", impact=3, effort=3)  # 6
    _write(root, "CSI-0003", "assessed", impact=2, effort=2)  # 7.5
    _write(root, "CSI-0004", "assessed", impact=4, effort=2)  # 10.5 quick win
    _write(root, "CSI-0006", "assessed", impact=1, effort=5)  # 2.4 last
    _commit(root, "Base register", "2026-03-01")
    git(root, "switch", "-qc", "pr")
    _write(root, "CSI-0002", "assessed", impact=5, urgency=5, risk=5, effort=1)  # 30: moves up
    _write(root, "CSI-0003", "in_progress", impact=2, effort=2)  # still ranked
    _write(root, "CSI-0004", "assessed", impact=4, effort=4)  # strategic now
    (root / "register" / "CSI-0001.yaml").unlink()  # leaves (deleted)
    _write(root, "CSI-0005", "assessed", impact=1, effort=1)  # enters
    _write(root, "CSI-0006", "measuring", impact=1, effort=5)  # leaves: measuring is not ranked

    text = run_csi(root, "prioritize", "--base", "main")
    markdown = run_csi(root, "prioritize", "--base", "main", "--format", "markdown")
    delta = json.loads(run_csi(root, "prioritize", "--base", "main", "--format", "json").stdout)

    assert text.exit_code == 0
    # base: 0001 (24), 0004 (10.5), 0003 (7.5), 0002 (6); head: 0002 (30), 0005 (12),
    # 0003 (7.5), 0004 (5.25). Among the records in both, 0003 keeps its place.
    assert delta["moved"] == [
        {"id": "CSI-0002", "from": 4, "to": 1},
        {"id": "CSI-0004", "from": 2, "to": 4},
    ]
    assert delta["entered"] == [{"id": "CSI-0005", "rank": 2, "lane": "fill_in"}]
    assert delta["left"] == [
        {"id": "CSI-0001", "rank": 1, "status": None},
        {"id": "CSI-0006", "rank": 5, "status": "measuring"},
    ]
    assert delta["lane_changes"] == [
        {"id": "CSI-0002", "from": "strategic", "to": "quick_win"},
        {"id": "CSI-0004", "from": "quick_win", "to": "strategic"},
    ]
    assert "Ranking changes since main:" in text.stdout
    assert "left     CSI-0001  was 1, now deleted" in text.stdout
    assert "| entered | `CSI-0005` |" in markdown.stdout


def test_base_that_does_not_exist_or_is_missing_from_a_shallow_clone(
    root: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    git(root, "init", "-q")
    _write(root, "CSI-0001", "assessed")
    _commit(root, "one", "2026-03-01")
    _write(root, "CSI-0002", "assessed")
    _commit(root, "two", "2026-03-02")

    unknown = run_csi(root, "prioritize", "--base", "origin/nope")
    assert unknown.exit_code == 2
    assert "unknown revision 'origin/nope'" in unknown.stderr

    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(shallow))
    first = git(root, "rev-list", "--max-parents=0", "HEAD").strip()
    result = run_csi(shallow, "prioritize", "--base", first)
    assert result.exit_code == 2
    assert "not in this shallow clone" in result.stderr
    assert "fetch-depth: 0" in result.stderr


def test_an_overloaded_owner_is_named_with_a_bounded_list(
    root: Path, run_csi: Callable[..., Result]
) -> None:
    for n in range(1, 14):
        _write(root, f"CSI-{n:04d}", "in_progress", owner="@acme/busy")

    result = run_csi(root, "prioritize", "--as-of", "2026-11-25", "--format", "json")
    capacity = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "capacity"]
    assert len(capacity) == 13
    named = ", ".join(f"CSI-{n:04d}" for n in range(1, 11))
    assert {f["message"] for f in capacity} == {
        f"@acme/busy has 13 records in_progress (limit 2): {named} and 3 more; "
        "improvement fatigue risk"
    }
