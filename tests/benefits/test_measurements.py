"""`csi measure --import`: every good row or none, every bad row named with its row number."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from csi_tool.yaml import strict
from tests.conftest import GOLDEN, PROJECT, tree_digest


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    shutil.copy(GOLDEN / "before.yaml", root / "register" / "CSI-0002.yaml")
    shutil.copy(PROJECT / "register" / "CSI-0001.yaml", root / "register" / "CSI-0001.yaml")
    return root


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "measurements.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_is_imported_into_every_record(
    root: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    csv_file = _csv(
        tmp_path,
        (
            "id,metric,date,value,source\n"
            "CSI-0002,reset_time,2026-07-31,6,ITSM report\n"
            "CSI-0002,portal_share,2026-07-31,41.5,\n"
            "CSI-0001,repeat_rate,2026-10-31,11.2,ITSM reopen report\n"
        ),
    )
    result = run_csi(root, "measure", "--import", str(csv_file))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "imported 3 measurement(s) into 2 record file(s)"
    two = strict.load_fast((root / "register" / "CSI-0002.yaml").read_text(), "x")
    assert two["metrics"][0]["measurements"][-1] == {
        "date": strict.load_fast("d: 2026-07-31", "x")["d"],
        "value": 6,
        "source": "ITSM report",
    }
    assert two["metrics"][1]["measurements"][0]["value"] == 41.5
    assert run_csi(root, "validate").exit_code == 0


def test_bad_rows_are_all_listed_and_nothing_is_written(
    root: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    csv_file = _csv(
        tmp_path,
        (
            "id,metric,date,value\n"
            "CSI-0002,reset_time,2026-07-31,6\n"  # row 2: fine on its own
            "CSI-0099,reset_time,2026-07-31,6\n"  # row 3: unknown id
            "CSI-0002,speed,2026-07-31,6\n"  # row 4: unknown metric
            "CSI-0002,reset_time,31/07/2026,6\n"  # row 5: bad date
            "CSI-0002,reset_time,2026-08-31,six\n"  # row 6: bad number
            "CSI-0002,reset_time,2026-07-31,7\n"  # row 7: repeats row 2
            "CSI-0002,reset_time,2026-05-31,9\n"  # row 8: date already in the record
        ),
    )
    before = tree_digest(root)
    result = run_csi(root, "measure", "--import", str(csv_file))
    shown = str(csv_file)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{shown}:3:1: unknown record id 'CSI-0099'",
        f"{shown}:4:1: CSI-0002 has no metric 'speed' (its metrics: reset_time, portal_share)",
        f"{shown}:5:1: '31/07/2026' is not a date written as YYYY-MM-DD",
        f"{shown}:6:1: 'six' is not a number",
        f"{shown}:7:1: repeats row 2: same id, metric and date",
        f"{shown}:8:1: CSI-0002 reset_time already has a measurement dated 2026-05-31",
    ]
    assert tree_digest(root) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,metric,value\nCSI-0002,reset_time,6\n", "the header must name the columns"),
        ("id,metric,date,value,colour\n", "the header must name the columns"),
        ("id,metric,date,value\n", "no rows to import"),
    ],
)
def test_bad_files_are_refused(
    content: str, message: str, root: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    before = tree_digest(root)
    result = run_csi(root, "measure", "--import", str(_csv(tmp_path, content)))
    assert result.exit_code == 1
    assert message in result.stderr
    assert tree_digest(root) == before


def test_not_utf8(root: Path, tmp_path: Path, run_csi: Callable[..., Result]) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(b"id,metric,date,value\nCSI-0002,reset_time,2026-07-31,\xff\n")
    result = run_csi(root, "measure", "--import", str(path))
    assert result.exit_code == 1
    assert "file is not valid UTF-8" in result.stderr
