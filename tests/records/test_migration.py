"""`csi migrate`: version 1 records rewritten as version 2, meaning the same, all or nothing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import GOLDEN, PROJECT, git, tree_digest

V1_FLOW = """\
schema_version: 1
id: CSI-0003
title: One-line decision
created: 2026-01-05
status: logged
decision: {outcome: rejected, date: 2026-02-01, by: '@board', rationale: No}  # short
"""


@pytest.fixture
def old_register(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    shutil.copy(GOLDEN / "migrate.before.yaml", root / "register" / "CSI-0002.yaml")
    (root / "register" / "CSI-0003.yaml").write_text(V1_FLOW)
    return root


def test_migrate_matches_its_golden_file_and_a_rerun_changes_nothing(
    old_register: Path, run_csi: Callable[..., Result]
) -> None:
    outdated = run_csi(old_register, "validate")
    assert outdated.exit_code == 1
    assert "register/CSI-0002.yaml:3:1: schema_version: version 1 is outdated" in outdated.stdout

    result = run_csi(old_register, "migrate")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "migrated register/CSI-0002.yaml",
        "migrated register/CSI-0003.yaml",
    ]
    record = old_register / "register" / "CSI-0002.yaml"
    assert record.read_text() == (GOLDEN / "migrate.after.yaml").read_text()
    one_line = (old_register / "register" / "CSI-0003.yaml").read_text().splitlines()
    assert one_line[0] == "schema_version: 2"
    assert one_line[-1] == (  # the comment keeps its column
        "decisions: [{outcome: rejected, date: 2026-02-01, by: '@board', rationale: No}] # short"
    )
    assert run_csi(old_register, "validate").exit_code == 0

    migrated = tree_digest(old_register)
    again = run_csi(old_register, "migrate")
    assert again.exit_code == 0 and again.stdout == ""
    assert tree_digest(old_register) == migrated


def test_crlf_files_stay_crlf(old_register: Path, run_csi: Callable[..., Result]) -> None:
    record = old_register / "register" / "CSI-0002.yaml"
    record.write_bytes(record.read_bytes().replace(b"\n", b"\r\n"))
    assert run_csi(old_register, "migrate").exit_code == 0
    expected = (GOLDEN / "migrate.after.yaml").read_bytes().replace(b"\n", b"\r\n")
    assert record.read_bytes() == expected


def test_check_lists_outdated_records_and_writes_nothing(
    old_register: Path, run_csi: Callable[..., Result]
) -> None:
    before = tree_digest(old_register)
    check = run_csi(old_register, "migrate", "--check")
    assert check.exit_code == 1
    assert "register/CSI-0003.yaml: outdated; run `csi migrate`" in check.stdout
    assert tree_digest(old_register) == before
    run_csi(old_register, "migrate")
    assert run_csi(old_register, "migrate", "--check").exit_code == 0


def test_a_record_that_cannot_be_migrated_stops_all_of_them(
    old_register: Path, run_csi: Callable[..., Result]
) -> None:
    (old_register / "register" / "CSI-0004.yaml").write_text(
        V1_FLOW.replace("CSI-0003", "CSI-0004").replace("2026-01-05", "2026-02-30")
    )
    before = tree_digest(old_register)
    result = run_csi(old_register, "migrate")
    assert result.exit_code == 1
    assert "register/CSI-0004.yaml:1:1: cannot be migrated until this is fixed" in result.stderr
    assert tree_digest(old_register) == before  # nothing half-migrated


def test_the_gate_passes_a_migration_and_history_reads_across_it(
    old_register: Path, run_csi: Callable[..., Result]
) -> None:
    git(old_register, "init", "-q")
    git(old_register, "add", "-A")
    git(old_register, "commit", "-qm", "Version 1 register")
    git(old_register, "switch", "-qc", "migrate")
    assert run_csi(old_register, "migrate").exit_code == 0
    git(old_register, "commit", "-qam", "csi migrate")

    gate = run_csi(old_register, "gate", "--base", "main", "--format", "json")
    assert gate.exit_code == 0, gate.output
    assert json.loads(gate.stdout)["refusals"] == []

    history = run_csi(old_register, "history", "CSI-0002", "--format", "json")
    assert history.exit_code == 0, history.output
    events = json.loads(history.stdout)["records"][0]["events"]
    changes = [event["change"] for event in events]
    assert changes[0] == "created (deferred)"
    assert not any("decision" in change for change in changes[1:]), changes  # same decision


def test_a_transition_adds_its_decision_after_the_earlier_ones(
    old_register: Path, run_csi: Callable[..., Result]
) -> None:
    run_csi(old_register, "migrate")
    record = old_register / "register" / "CSI-0002.yaml"
    assert run_csi(old_register, "transition", "CSI-0002", "assessed").exit_code == 0
    text = record.read_text().replace(
        "lessons: []",
        "metrics:\n  - {key: wait, name: Wait, kind: lagging, unit: days, direction: decrease,"
        " baseline: {value: 10, date: 2026-01-31, source: ITSM}, target: {value: 5, by:"
        " 2026-12-31}}\nlessons: []",
    )
    record.write_text(text)
    approve = run_csi(
        old_register,
        "transition",
        "CSI-0002",
        "approved",
        "--by",
        "@board",
        "--date",
        "2026-07-01",
        "--rationale",
        "The platform is live",
    )
    assert approve.exit_code == 0, approve.output
    assert (
        "    revisit: 2026-06-01\n"
        "  - outcome: approved\n"
        "    date: 2026-07-01\n"
        "    by: '@board'\n"
        "    rationale: The platform is live\n"
        "\n"
    ) in record.read_text()
