"""Benchmark of `csi signals` on a generated event log, against pandas doing the same work.

    python -m benchmarks.signals --rows 1000000

A ServiceNow-shaped event log of `--rows` updates (about five per incident) is generated
once per run (benchmarks/generate_export.py). `csi signals --format json` reads it through
the bundled policies; the peer is benchmarks/pandas_signals.py, a plain pandas version of the
same aggregations. Each runs in its own process, timed with its peak memory, the fastest of
`--runs` counting. Before timing, both run once and their figures are compared, so the
ratio compares equal work. The section "signals" of benchmarks/RESULTS.md is replaced.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from benchmarks.generate_export import generate_event_log
from benchmarks.results import write_section
from benchmarks.run import BIN, Measurement, _measure, machine

PROJECT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.25
TARGET_MB = 1024
_POLICY = (
    "schema_version: 1\n"
    "sources:\n  - {name: incidents, env: CSI_BENCH_EXPORT, profile: servicenow}\n"
)


def prepare(work: Path, rows: int) -> tuple[Path, Path]:
    """The export, and a register whose sources policy reads it."""
    export = work / "incident_event_log.csv"
    generate_event_log(export, rows)
    root = work / "register"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "policies" / "sources.yaml").write_text(_POLICY, encoding="utf-8")
    (root / "register").mkdir()
    return export, root


def agree(export: Path, root: Path) -> int:
    """Run both once and check they computed the same figures; the number of tickets."""
    env = {**os.environ, "CSI_BENCH_EXPORT": str(export)}
    csi = subprocess.run(
        [str(BIN / "csi"), "--root", str(root), "signals", "--format", "json"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    peer = subprocess.run(
        [sys.executable, "-m", "benchmarks.pandas_signals", str(export)],
        cwd=PROJECT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    [source] = json.loads(csi.stdout)["sources"]
    figures = json.loads(peer.stdout)
    assert source["tickets"] == figures["tickets"], (source["tickets"], figures["tickets"])
    for signal in source["signals"]:
        group = figures[signal["field"]][signal["value"]]
        assert signal["tickets"] == group["tickets"], signal["id"]
        kind = {"cluster": "all", "problem": "all", "change": "all", "rising_volume": "later"}
        assert signal["examples"] == group[f"{kind.get(signal['kind'], signal['kind'])}_examples"]
    return int(source["tickets"])


def run(rows: int, work: Path, runs: int) -> tuple[list[Measurement], int]:
    export, root = prepare(work, rows)
    tickets = agree(export, root)
    env_command = ["env", f"CSI_BENCH_EXPORT={export}"]
    csi = _measure(
        "csi signals",
        [*env_command, str(BIN / "csi"), "--root", str(root), "signals", "--format", "json"],
        PROJECT, work / "cache", runs=runs,
    )  # fmt: skip
    peer = _measure(
        "pandas, same aggregations (peer)",
        [sys.executable, "-m", "benchmarks.pandas_signals", str(export)],
        PROJECT, work / "cache", runs=runs,
    )  # fmt: skip
    tuned = _measure(
        "pandas, only the columns needed, as text",
        [sys.executable, "-m", "benchmarks.pandas_signals", str(export), "--tuned"],
        PROJECT, work / "cache", runs=runs,
    )  # fmt: skip
    return [csi, peer, tuned], tickets


def report(measured: list[Measurement], rows: int, tickets: int, runs: int) -> str:
    csi, peer, tuned = measured
    ratio = csi.seconds / peer.seconds
    return "\n".join(
        [
            "## csi signals on an event log",
            "",
            f"{rows:,} update rows for {tickets:,} incidents (benchmarks/generate_export.py), "
            f"measured on {dt.date.today()} with `python -m benchmarks.signals --rows {rows}`.",
            f"Machine: {machine()}; DuckDB {version('duckdb')}, pandas {version('pandas')}. "
            f"Each ran {runs} times in its own process; the fastest run "
            "is shown. Both computed the same figures first (tickets, groups, examples).",
            "",
            "| Command | Seconds | Peak memory (MB) | Compared with | Target |",
            "|---|---:|---:|---|---|",
            f"| {csi.name} | {csi.seconds:.2f} | {csi.peak_mb:.0f} | {ratio:.3f}× pandas | "
            f"≤ {TARGET_RATIO}×: {'met' if ratio <= TARGET_RATIO else 'NOT met'}; "
            f"< {TARGET_MB} MB: {'met' if csi.peak_mb < TARGET_MB else 'NOT met'} |",
            f"| {peer.name} | {peer.seconds:.2f} | {peer.peak_mb:.0f} | peer |  |",
            f"| {tuned.name} | {tuned.seconds:.2f} | {tuned.peak_mb:.0f} | "
            f"csi at {csi.seconds / tuned.seconds:.3f}× of it |  |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="csi-bench-signals-"))
    try:
        measured, tickets = run(args.rows, work, args.runs)
        text = report(measured, args.rows, tickets, args.runs)
        write_section(args.out, "signals", text)
        print(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
