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
        (
            "id,metric,date,value,colour\nCSI-0002,reset_time,2026-07-31,6,red\n",
            "unknown column(s) colour: name them with --ignore-columns",
        ),
        ("id,metric,date,value,value\n", "column(s) named twice: value"),
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
    assert f"{path}:2:1: file is not UTF-8 (byte 0xff)" in result.stderr


def test_a_windows_export_says_what_encoding_it_looks_like(
    root: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    path = tmp_path / "m.csv"
    text = "id,metric,date,value,note\nCSI-0002,reset_time,2026-07-31,6,Caf\u00e9 closed\n"
    path.write_bytes(text.encode("cp1252"))
    result = run_csi(root, "measure", "--import", str(path))
    assert result.exit_code == 1
    assert "it looks like Windows-1252 (Excel's default on Windows)" in result.stderr
    path.write_bytes(text.encode("utf-16"))
    assert "file is UTF-16" in run_csi(root, "measure", "--import", str(path)).stderr


def test_an_extra_field_is_refused_not_dropped(
    root: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    """Before: the unquoted comma split the note and the extra field vanished silently."""
    csv_file = _csv(
        tmp_path,
        "id,metric,date,value,note\nCSI-0002,reset_time,2026-07-31,6,slower, then faster\n",
    )
    before = tree_digest(root)
    result = run_csi(root, "measure", "--import", str(csv_file))
    assert result.exit_code == 1
    assert f"{csv_file}:2:1: 6 fields where the header has 5: quote a field" in result.stderr
    assert tree_digest(root) == before


def test_real_exports_are_accepted(
    root: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    """Excel in Europe: a BOM, semicolons, header names in capitals with spaces, its own
    columns, and a blank line at the end."""
    path = tmp_path / "export.csv"
    path.write_bytes(
        "\ufeff ID ; Metric;Date ;VALUE;Exported by\n"
        "CSI-0002;reset_time;2026-07-31;6;Jane\n"
        "CSI-0002;portal_share;2026-07-31;41.5;Jane\n\n".encode()
    )
    refused = run_csi(root, "measure", "--import", str(path))
    assert refused.exit_code == 1 and "unknown column(s) exported by" in refused.stderr
    result = run_csi(root, "measure", "--import", str(path), "--ignore-columns", "Exported by")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "imported 2 measurement(s) into 1 record file(s)"
    tabbed = tmp_path / "tabbed.csv"
    tabbed.write_text("id\tmetric\tdate\tvalue\nCSI-0002\treset_time\t2026-08-31\t5\n")
    assert run_csi(root, "measure", "--import", str(tabbed), "--delimiter", "tab").exit_code == 0


def test_devices_huge_files_and_huge_fields_are_refused(
    root: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    """Before: /dev/zero hung and a field past the csv module's limit ended in exit 3."""
    device = run_csi(root, "measure", "--import", "/dev/zero")
    assert device.exit_code == 1 and "not a plain file" in device.stderr
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"id,metric,date,value\n" + b"x" * (21 * 1024 * 1024))
    too_big = run_csi(root, "measure", "--import", str(huge))
    assert too_big.exit_code == 1 and "file is larger than" in too_big.stderr
    field = tmp_path / "field.csv"
    field.write_text(
        "id,metric,date,value,note\n"
        f"CSI-0002,reset_time,2026-07-31,6,{'y' * 25_000}\n"
        f'CSI-0002,reset_time,2026-08-31,6,"{"z" * 200_000}"\n'
    )
    long = run_csi(root, "measure", "--import", str(field))
    assert long.exit_code == 1, long.output
    assert f"{field}:2:1: the note field is longer than 20000 characters" in long.stderr
    assert f"{field}:3:1: row cannot be read: field larger than field limit" in long.stderr


def test_values_a_metric_cannot_take_are_named_at_their_row(
    root: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    """Before: reported at the record's YAML line, and only once the other rows were fixed.
    (portal_share is a percentage.)"""
    csv_file = _csv(
        tmp_path,
        "id,metric,date,value,note\n"
        "CSI-0002,portal_share,2026-07-31,150,\n"
        'CSI-0002,portal_share,2026-08-31,40,"bell \x07"\n'
        "CSI-0099,portal_share,2026-07-31,1,\n",
    )
    result = run_csi(root, "measure", "--import", str(csv_file))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{csv_file}:2:1: 150 is outside what % can be",
        f"{csv_file}:3:1: the note holds a control character",
        f"{csv_file}:4:1: unknown record id 'CSI-0099'",
    ]


@pytest.mark.parametrize(
    ("ignore", "message"),
    [("value", "which every row needs"), ("nosuch", "which the header does not have")],
)
def test_ignore_columns_must_name_extra_columns_of_the_file(
    root: Path, tmp_path: Path, run_csi: Callable[..., Result], ignore: str, message: str
) -> None:
    csv_file = _csv(tmp_path, "id,metric,date,value\nCSI-0002,reset_time,2026-07-31,6\n")
    result = run_csi(root, "measure", "--import", str(csv_file), "--ignore-columns", ignore)
    assert result.exit_code == 1 and message in result.stderr
