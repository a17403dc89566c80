"""Safe edits: golden before/after files, no-op reruns, validation before writing, atomic writes."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from csi_tool.yaml.atomic import replace_file
from tests.conftest import GOLDEN, PROJECT, tree_digest

CASES = {
    "measure_flow_item": [
        "measure",
        "CSI-0002",
        "reset_time",
        "6",
        "--date",
        "2026-07-31",
        "--source",
        "ITSM report",
    ],
    "measure_new_block_list": [
        "measure",
        "CSI-0002",
        "portal_share",
        "35.5",
        "--date",
        "2026-06-30",
        "--note",
        "Launched in May",
    ],
    "measure_in_date_order": ["measure", "CSI-0002", "reset_time", "20", "--date", "2026-04-30"],
    "transition_in_progress": ["transition", "CSI-0002", "in_progress", "--date", "2026-06-01"],
    "transition_withdrawn": [
        "transition",
        "CSI-0002",
        "withdrawn",
        "--by",
        "@alice",
        "--rationale",
        "Superseded by the identity programme",
        "--date",
        "2026-06-02",
    ],
}


@pytest.fixture
def golden_root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    shutil.copy(GOLDEN / "before.yaml", root / "register" / "CSI-0002.yaml")
    shutil.copy(PROJECT / "register" / "CSI-0001.yaml", root / "register" / "CSI-0001.yaml")
    return root


@pytest.mark.parametrize("case", sorted(CASES))
def test_edit_matches_its_golden_file_and_a_rerun_changes_nothing(
    case: str, golden_root: Path, run_csi: Callable[..., Result]
) -> None:
    record = golden_root / "register" / "CSI-0002.yaml"
    untouched = (golden_root / "register" / "CSI-0001.yaml").read_bytes()

    first = run_csi(golden_root, *CASES[case])
    assert first.exit_code == 0, first.output
    assert record.read_text() == (GOLDEN / f"{case}.after.yaml").read_text()
    assert (golden_root / "register" / "CSI-0001.yaml").read_bytes() == untouched
    assert run_csi(golden_root, "validate").exit_code == 0

    after = tree_digest(golden_root)
    second = run_csi(golden_root, *CASES[case])
    assert second.exit_code != 0  # the same measurement or move twice is refused...
    assert tree_digest(golden_root) == after  # ...and nothing is written


def test_a_transition_that_lacks_requirements_lists_them_and_writes_nothing(
    golden_root: Path, run_csi: Callable[..., Result]
) -> None:
    text = (golden_root / "register" / "CSI-0002.yaml").read_text()
    (golden_root / "register" / "CSI-0002.yaml").write_text(
        text.replace("status: approved", "status: assessed").replace(
            "    target: {value: 1, by: 2026-12-31}\n", ""
        )
    )
    before = tree_digest(golden_root)
    result = run_csi(golden_root, "transition", "CSI-0002", "approved", "--by", "@acme/board")
    assert result.exit_code == 1
    assert (
        "register/CSI-0002.yaml:31:5: metrics[0]: approved needs a target for metric "
        "'reset_time'" in result.stderr
    )
    assert tree_digest(golden_root) == before


def test_transitions_the_workflow_forbids_or_that_miss_options(
    golden_root: Path, run_csi: Callable[..., Result]
) -> None:
    before = tree_digest(golden_root)
    closed = run_csi(golden_root, "transition", "CSI-0002", "closed", "--outcome", "achieved")
    assert closed.exit_code == 1
    assert (
        "approved → closed is not allowed; from approved a record may move to in_progress, "
        "withdrawn" in closed.stderr
    )
    no_by = run_csi(golden_root, "transition", "CSI-0002", "withdrawn", "--rationale", "x")
    assert no_by.exit_code == 2 and "--by is needed" in no_by.stderr
    unknown = run_csi(golden_root, "transition", "CSI-0002", "done")
    assert unknown.exit_code == 2 and "unknown state 'done'" in unknown.stderr
    assert tree_digest(golden_root) == before


def test_measure_refuses_bad_input_and_writes_nothing(
    golden_root: Path, run_csi: Callable[..., Result]
) -> None:
    before = tree_digest(golden_root)
    for args, fragment in [
        (["CSI-0002", "reset_time", "fast"], "'fast' is not a number"),
        (["CSI-0002", "reset_time", "nan"], "'nan' is not a finite number"),
        (["CSI-0002", "reset_time", "5", "--date", "31/07/2026"], "is not a date written as"),
        (
            ["CSI-0002", "speed", "5"],
            "CSI-0002 has no metric 'speed' (its metrics: reset_time, portal_share)",
        ),
        (["CSI-0404", "reset_time", "5"], "no valid record CSI-0404"),
        (
            ["CSI-0002", "reset_time", "5", "--date", "2026-05-31"],
            "already has a measurement dated 2026-05-31",
        ),
    ]:
        result = run_csi(golden_root, "measure", *args)
        assert result.exit_code == 2, args
        assert fragment in result.stderr, result.stderr
    assert tree_digest(golden_root) == before


def test_other_records_findings_warn_but_the_edited_record_must_be_valid(
    golden_root: Path, run_csi: Callable[..., Result]
) -> None:
    (golden_root / "register" / "CSI-0003.yaml").write_text("schema_version: 2\n")
    result = run_csi(golden_root, "measure", "CSI-0002", "reset_time", "6", "--date", "2026-07-31")
    assert result.exit_code == 0
    assert "register/CSI-0003.yaml:1:1: id: required field 'id' is missing" in result.stderr
    assert "warning: 4 finding(s) elsewhere in the register" in result.stderr

    (golden_root / "register" / "CSI-0002.yaml").write_text(
        (GOLDEN / "before.yaml").read_text().replace("owner: '@acme/desk'", "owner: desk")
    )
    refused = run_csi(golden_root, "measure", "CSI-0002", "reset_time", "7", "--date", "2026-08-31")
    assert refused.exit_code == 1
    assert "register/CSI-0002.yaml:7:1: owner: must be a handle" in refused.stderr


def test_a_failing_rename_leaves_the_original_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operating system refusing the rename (a full disk, a read-only mount)."""
    (tmp_path / "register").mkdir()
    target = tmp_path / "register" / "CSI-0001.yaml"
    target.write_text("original\n")

    def refuse(self: Path, other: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(OSError):
        replace_file(target, "new text\n")
    assert target.read_text() == "original\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["CSI-0001.yaml"]  # no temp left


def _write_forever(path: str) -> None:
    big = "x: " + "y" * 20_000_000 + "\n"
    while True:
        replace_file(Path(path), big)


def test_a_killed_writer_never_leaves_a_half_written_file(tmp_path: Path) -> None:
    target = tmp_path / "CSI-0001.yaml"
    original = "schema_version: 1\n"
    target.write_text(original)
    complete = {original, "x: " + "y" * 20_000_000 + "\n"}
    context = multiprocessing.get_context("fork")
    for delay in (0.02, 0.05, 0.1, 0.2):
        writer = context.Process(target=_write_forever, args=(str(target),))
        writer.start()
        time.sleep(delay)
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)
        writer.join()
        assert target.read_text() in complete


def test_text_with_colons_is_quoted_and_crlf_files_stay_crlf(
    golden_root: Path, run_csi: Callable[..., Result]
) -> None:
    record = golden_root / "register" / "CSI-0002.yaml"
    record.write_bytes((GOLDEN / "before.yaml").read_bytes().replace(b"\n", b"\r\n"))
    result = run_csi(
        golden_root,
        "measure",
        "CSI-0002",
        "reset_time",
        "6",
        "--date",
        "2026-07-31",
        "--source",
        "https://reports.example/q4",
        "--note",
        "Ratio 3:1, ::error::x",
    )
    assert result.exit_code == 0, result.output
    after = record.read_bytes()
    assert after.count(b"\r\n") == after.count(b"\n")  # every line still ends in CRLF
    expected = (
        (GOLDEN / "before.yaml")
        .read_bytes()
        .replace(b"\n", b"\r\n")
        .replace(
            b"      - {date: 2026-05-31, value: 12}\r\n",
            b"      - {date: 2026-05-31, value: 12}\r\n"
            b"      - {date: 2026-07-31, value: 6, source: "
            b'"https://reports.example/q4", note: "Ratio 3:1, ::error::x"}\r\n',
        )
    )
    assert after == expected
    assert run_csi(golden_root, "validate").exit_code == 0


def test_implausible_measurements_are_refused(
    golden_root: Path, run_csi: Callable[..., Result]
) -> None:
    before = tree_digest(golden_root)
    for args, fragment in [
        (["5", "--date", "2999-01-01"], "is in the future"),
        (["5", "--date", "2025-12-31"], "is before the baseline of reset_time (2026-01-31)"),
        (["1_000"], "'1_000' is not a number"),
    ]:
        result = run_csi(golden_root, "measure", "CSI-0002", "reset_time", *args)
        assert result.exit_code == 2 and fragment in result.stderr, (args, result.stderr)
    assert tree_digest(golden_root) == before


@pytest.mark.parametrize(
    ("state", "options", "message"),
    [
        ("withdrawn", ["--by", "@me", "--rationale", "x", "--date", "2030-01-01"], "in the future"),
        (
            "withdrawn",
            ["--by", "@me", "--rationale", "x", "--date", "2020-01-01"],
            "before the record",
        ),
    ],
)
def test_transition_dates_cannot_lie_in_the_future_or_before_the_record(
    golden_root: Path,
    run_csi: Callable[..., Result],
    state: str,
    options: list[str],
    message: str,
) -> None:
    """Before: a withdrawal dated 2030, or before the record existed, was written and passed."""
    before = tree_digest(golden_root)
    env = {"CSI_TODAY": "2026-11-27"}
    result = run_csi(golden_root, "transition", "CSI-0002", state, *options, env=env)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert tree_digest(golden_root) == before


@pytest.mark.parametrize(
    ("state", "options"),
    [
        ("in_progress", ["--by", "@me"]),
        ("in_progress", ["--rationale", "why"]),
        ("withdrawn", ["--by", "@me", "--rationale", "x", "--outcome", "achieved"]),
    ],
)
def test_an_option_a_move_cannot_keep_is_refused_not_dropped(
    golden_root: Path, run_csi: Callable[..., Result], state: str, options: list[str]
) -> None:
    """Before: `--by` on a move to validated or assessed vanished without a word."""
    before = tree_digest(golden_root)
    result = run_csi(golden_root, "transition", "CSI-0002", state, *options)
    assert result.exit_code == 2
    assert f"a move to {state} has nowhere to keep it" in result.stderr
    assert tree_digest(golden_root) == before
