"""The benchmark harness works (on a small register: benchmarks are not timed tests)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.run import report, run


def test_the_harness_measures_every_command_and_its_peers(tmp_path: Path) -> None:
    rows = run(30, tmp_path, runs=2)
    names = [measurement.name for measurement, _, _ in rows]
    assert names == [
        "check-jsonschema (peer)",
        "csi validate (cold)",
        "csi validate (warm)",
        "csi prioritize",
        "csi gate (5 records changed)",
        "csi review",
        "site page generation",
        "csi site build (whole)",
        "bare MkDocs build (peer)",
    ]
    assert all(m.exit_code == 0 for m, _, _ in rows), rows
    assert all(m.seconds > 0 and m.peak_mb > 10 for m, _, _ in rows)
    text = report(rows, 30, runs=2)
    assert "| csi validate (cold) |" in text and "× check-jsonschema" in text
    assert "Machine: " in text and "python -m benchmarks.run --records 30" in text
    assert "ran 2 times" in text
    assert (tmp_path / "cache").is_dir()  # csi's cache went to the run's own folder
