"""Fault injection: real csi processes killed at every step of a multi-file write, and run at
once on one record. After any kill the register holds all of an import or none of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from csi_tool.records.register import load_work_tree
from tests.conftest import PROJECT, tree_digest

CSI = str(Path(sys.executable).parent / "csi")
SAMPLE = ("CSI-0001", "CSI-0002", "CSI-0003", "CSI-0004", "CSI-0005", "CSI-0007")


@pytest.fixture(scope="module")
def import_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, dict[str, str]]:
    """The example register, a CSV with a row for every metric, and the digest after it."""
    root = tmp_path_factory.mktemp("journal") / "register"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    for record_id in SAMPLE:  # enough files for a kill between any two renames, quick to run
        shutil.copy(PROJECT / "register" / f"{record_id}.yaml", root / "register")
    register = load_work_tree(root)
    rows = ["id,metric,date,value"] + [
        f"{record_id},{metric.key},2026-11-20,1"
        for record_id, item in sorted(register.records.items())
        for metric in item.record.metrics
    ]
    (root / "rows.csv").write_text("\n".join(rows) + "\n")
    done = _csi(root, "measure", "--import", "rows.csv", root=_copy(root, root.parent / "after"))
    assert done.returncode == 0, done.stderr
    files = len({row.split(",")[0] for row in rows[1:]})
    return root, files, tree_digest(root.parent / "after" / "register")


def _copy(source: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    return target


def _csi(
    cwd: Path, *args: str, root: Path | None = None, fault: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CSI_NO_FORK": "1"}
    env.pop("CSI_FAULT_KILL", None)
    if fault:
        env["CSI_FAULT_KILL"] = fault
    return subprocess.run(
        [CSI, "--root", str(root or cwd), *args],
        cwd=root or cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_an_import_killed_at_any_step_leaves_all_or_nothing(
    import_case: tuple[Path, int, dict[str, str]], tmp_path: Path
) -> None:
    source, files, after = import_case
    before = tree_digest(source / "register")
    points = [f"temporary:{n}" for n in range(1, files + 1)] + ["journal:0"]
    points += [f"rename:{n}" for n in range(1, files + 1)]
    outcomes = []
    for point in points:
        root = _copy(source, tmp_path / "run")
        killed = _csi(root, "measure", "--import", "rows.csv", fault=point)
        assert killed.returncode == -9, (point, killed.stdout, killed.stderr)  # SIGKILL
        leftovers = [p.name for p in (root / "register").iterdir() if p.name.startswith(".")]
        assert leftovers or (root / ".csi-journal.json").exists(), point  # it was mid-write

        check = _csi(root, "validate")  # the next csi command recovers first
        assert check.returncode == 0, (point, check.stdout, check.stderr)
        state = tree_digest(root / "register")
        assert state in (before, after), point
        assert not (root / ".csi-journal.json").exists()
        assert [p.name for p in (root / "register").iterdir() if p.name.startswith(".")] == []
        again = _csi(root, "measure", "--import", "rows.csv")
        if state == before:  # nothing landed: the import runs whole
            assert again.returncode == 0, (point, again.stderr)
        else:  # everything landed: every row is already there
            assert again.returncode == 1 and "already has a measurement" in again.stderr, point
        assert tree_digest(root / "register") == after
        outcomes.append(state == after)
    # killed before the journal: nothing; from the journal on: everything
    assert outcomes == [False] * files + [True] * (files + 1)


def test_concurrent_measurements_on_one_record_are_both_kept(tmp_path: Path) -> None:
    root = tmp_path / "register"
    for name in ("policies", "register"):
        shutil.copytree(PROJECT / name, root / name)
    env = {**os.environ, "CSI_NO_FORK": "1"}
    env.pop("CSI_FAULT_KILL", None)
    for round_ in range(3):
        runs = [
            subprocess.Popen(
                [
                    CSI,
                    "--root",
                    str(root),
                    "measure",
                    "CSI-0003",
                    "reopen_rate",
                    str(90 + round_ * 2 + n),
                    "--date",
                    f"2026-11-{10 + round_ * 2 + n:02d}",
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(2)
        ]
        for run in runs:
            _, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
    record = load_work_tree(root).records["CSI-0003"].record
    dates = {m.date.isoformat() for m in record.metrics[0].measurements}
    assert {f"2026-11-{day:02d}" for day in range(10, 16)} <= dates


def test_leftovers_of_a_kill_are_removed_and_other_dotfiles_reported(tmp_path: Path) -> None:
    root = tmp_path / "register"
    for name in ("policies", "register"):
        shutil.copytree(PROJECT / name, root / name)
    leftover = root / "register" / ".CSI-0001.yaml.csi-x1y2.tmp"
    leftover.write_text("half")
    (root / "register" / ".notes.yaml").write_text("mine: true\n")
    result = _csi(root, "validate")
    assert not leftover.exists()  # csi's own temporary, written before any commit point
    assert result.returncode == 1
    assert "register/.notes.yaml:1:1: not read: a hidden file is no record" in result.stdout


def test_a_damaged_journal_stops_with_advice(tmp_path: Path) -> None:
    root = tmp_path / "register"
    for name in ("policies", "register"):
        shutil.copytree(PROJECT / name, root / name)
    (root / ".csi-journal.json").write_text("{not json")
    result = _csi(root, "validate")
    assert result.returncode == 2
    assert ".csi-journal.json is damaged" in result.stderr and "Traceback" not in result.stderr
