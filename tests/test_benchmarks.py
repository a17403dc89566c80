"""The benchmark harness works (on a small register: benchmarks are not timed tests)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from benchmarks.measures import report as measures_report
from benchmarks.measures import run as run_measures
from benchmarks.results import write_section
from benchmarks.run import KindResult, _measure, report, run
from benchmarks.signals import report as signals_report
from benchmarks.signals import run as run_signals


def test_the_harness_measures_every_command_and_its_peers(tmp_path: Path) -> None:
    rows = run(30, tmp_path, runs=2)
    names = [row.measurement.name for row in rows]
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
    assert all(row.measurement.exit_code == 0 for row in rows), rows
    assert all(row.measurement.seconds > 0 and row.measurement.peak_mb > 10 for row in rows)
    # CPU time counts the command's own process: at least its Python's start, never nothing
    assert all(row.measurement.cpu_seconds > 0.01 for row in rows), rows
    assert (tmp_path / "cache").is_dir()  # csi's cache went to the run's own folder
    # the second kind's numbers are the first's, doubled: the report puts each in its column
    doubled = [
        replace(row, measurement=replace(row.measurement, seconds=2 * row.measurement.seconds))
        for row in rows
    ]
    text = report(
        {"realistic": KindResult(rows, 1.0), "synthetic": KindResult(doubled, 0.5)}, 30, 2
    )
    assert "python -m benchmarks.run --records 30`" in text and "ran 2 times" in text
    assert "| Command | Target | Realistic | Synthetic |" in text
    assert "Files on the fast path: realistic 100.0%, synthetic 50.0%" in text
    cold = next(line for line in text.splitlines() if line.startswith("| csi validate (cold)"))
    cells = [cell.strip() for cell in cold.strip("|").split("|")]
    assert cells[1] == "≤ 0.15× check-jsonschema"
    cpu = f"({rows[1].measurement.cpu_seconds:.2f} s CPU), "
    assert cells[2].startswith(f"{rows[1].measurement.seconds:.2f} s {cpu}")
    assert cells[3].startswith(f"{2 * rows[1].measurement.seconds:.2f} s {cpu}")
    assert cells[2].endswith(("×: met", "×: NOT met"))
    assert text.count("Peak memory of csi commands") == 2 and "Machine: " in text
    one = report({"synthetic": KindResult(rows, 1.0)}, 30, 2)
    assert "--records 30 --kind synthetic`" in one and "| Command | Target | Synthetic |" in one


def test_a_commands_cpu_time_counts_the_processes_it_forks(tmp_path: Path) -> None:
    # the child works until it has used 0.2 s of CPU while the command only waits for it:
    # the command's CPU time holds the child's, whatever the machine's speed
    busy_child = (
        "import os, resource\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    while resource.getrusage(resource.RUSAGE_SELF).ru_utime < 0.2:\n"
        "        sum(range(100_000))  # user time, a system call now and then\n"
        "    os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
    )
    measured = _measure("forks", [sys.executable, "-c", busy_child], tmp_path, tmp_path, runs=1)
    assert measured.exit_code == 0 and measured.cpu_seconds >= 0.2, measured


def test_the_signals_harness_compares_equal_work_with_pandas(tmp_path: Path) -> None:
    measured, tickets = run_signals(5_000, tmp_path, runs=1)  # checks both agree first
    assert tickets > 900 and [m.name for m in measured] == [
        "csi signals",
        "pandas, same aggregations (peer)",
        "pandas, only the columns needed, as text",
    ]
    assert all(m.exit_code == 0 and m.seconds > 0 for m in measured)
    text = signals_report(measured, 5_000, tickets, runs=1)
    assert "| csi signals |" in text and "× pandas" in text and "< 1024 MB" in text


def test_each_harness_replaces_only_its_own_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    write_section(results, "register", "## Register\n\nold")
    write_section(results, "signals", "## Signals\n\nfirst")
    write_section(results, "register", "## Register\n\nnew")
    text = results.read_text()
    assert text.startswith("# Benchmark results\n")
    assert "new" in text and "old" not in text and "first" in text
    assert text.index("## Register") < text.index("## Signals")


def test_the_measures_harness_refreshes_and_compares_with_one_query_per_metric(
    tmp_path: Path,
) -> None:
    refresh, grouped, naive, values = run_measures(20_000, 24, tmp_path)  # the ways agree first
    assert refresh.exit_code == 0 and refresh.seconds > 0 and values > 100
    text = measures_report(refresh, grouped, naive, values, 20_000)
    assert "| csi measure --refresh (24 metrics), writing every record |" in text
    assert "× the naive way" in text


def test_the_site_sizes_harness_weighs_every_page_and_the_index(tmp_path: Path) -> None:
    from benchmarks.site_sizes import report as sizes_report
    from benchmarks.site_sizes import sizes

    small, large = sizes(20, tmp_path), sizes(200, tmp_path)
    assert {"register.html", "assets/tables/register.js", "search index"} <= set(large)
    assert all(size > 0 for size in large.values())
    assert large["assets/tables/register.js"] > 5 * small["assets/tables/register.js"]
    text = sizes_report(small, large, 200)
    assert "| register.html |" in text and "KB at 200" in text
