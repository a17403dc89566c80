"""Benchmark of `csi measure --refresh`: 1,000 bound metrics over the signals benchmark's export.

    python -m benchmarks.measures --rows 1000000 --metrics 1000

A register of `--metrics` records, each with one metric bound to a bundled measure (the
four of policies/measures.yaml, by category or assignment group) and a baseline in January
2025, reads a generated event log of `--rows` rows spanning 2025. `csi measure --refresh`
then appends every ended period (months, or ISO weeks) to every metric, in one process,
timed with its peak memory. Its peer is the naive way, measured in the same run: the same
values computed with one query per metric instead of one per measure. The section
"measures" of benchmarks/RESULTS.md is replaced.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.generate_export import generate_event_log
from benchmarks.results import write_section
from benchmarks.run import BIN, Measurement, _measure, machine

PROJECT = Path(__file__).resolve().parent.parent
TODAY = "2026-01-15"  # every period of 2025 has ended
TARGET_SECONDS = 10.0
_MEASURES = (  # (key, unit, baseline date: the last day of 2025's first period)
    ("reopen_rate", "%", "2025-01-31"),
    ("sla_breach_rate", "%", "2025-01-31"),
    ("median_resolution_hours", "hours", "2025-01-31"),
    ("reassigned_tickets", "tickets", "2025-01-05"),
)


def prepare(work: Path, rows: int, metrics: int) -> Path:
    """A register with `metrics` bound metrics, and the export it reads."""
    root = work / "register"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "policies" / "sources.yaml").write_text(
        "schema_version: 1\nsources:\n"
        "  - {name: incidents, path: exports/*.csv, profile: servicenow}\n",
        encoding="utf-8",
    )
    (root / "exports").mkdir()
    generate_event_log(root / "exports" / "incidents.csv", rows)
    (root / "register").mkdir()
    for number in range(1, metrics + 1):
        key, unit, since = _MEASURES[number % len(_MEASURES)]
        field = "category" if number % 2 else "assignment_group"
        value = f"Category {number % 40 + 1}" if number % 2 else f"Group {number % 40 + 1}"
        (root / "register" / f"CSI-{number:04d}.yaml").write_text(
            f"schema_version: 2\nid: CSI-{number:04d}\ntitle: Bound metric {number}\n"
            "created: 2025-01-02\nstatus: logged\nmetrics:\n"
            f"  - key: {key}\n    name: {key} for {value}\n    kind: lagging\n"
            f'    unit: "{unit}"\n    direction: decrease\n'
            f"    measure: {{key: {key}, where: {{{field}: {value}}}}}\n"
            f"    baseline: {{value: 0, date: {since}, source: set for the benchmark}}\n",
            encoding="utf-8",
        )
    return root


def compute_both_ways(root: Path) -> tuple[float, float, int]:
    """Seconds to compute every bound metric's values once per measure (csi's way) and once
    per metric (the naive way), in this process; and how many values each gave."""
    from csi_tool.measures.evaluate import bindings, data_values
    from csi_tool.records.register import load_work_tree

    register = load_work_tree(root)
    assert register.policies is not None
    bound = bindings([i.record for i in register.records.values()], register.policies)
    started = time.perf_counter()
    grouped = data_values(root, register.policies, bound, {})
    grouped_seconds = time.perf_counter() - started
    naive, naive_seconds = _one_query_per_metric(root, register.policies, bound)
    assert naive == grouped.values, "the naive way must compute the same values"
    return grouped_seconds, naive_seconds, sum(len(v) for v in grouped.values.values())


def _one_query_per_metric(
    root: Path, policies: Any, bound: list[Any]
) -> tuple[dict[Any, Any], float]:
    """The naive way: the export loaded once, then each metric's values by a query of its own."""
    from csi_tool.measures.evaluate import PeriodValue, create_measured_view
    from csi_tool.measures.periods import span_of
    from csi_tool.measures.query import fields_read, measure_query
    from csi_tool.tickets.canonical import load_tickets
    from csi_tool.tickets.engine import run as run_sql
    from csi_tool.tickets.engine import sandboxed
    from csi_tool.tickets.sources import prepared_source

    [spec] = policies.sources.sources
    fields = set().union(*(fields_read(b.measure) for b in bound))
    started = time.perf_counter()  # the export's load counts, as it does in data_values
    with prepared_source(spec, root, {}) as prepared, sandboxed(prepared.files) as engine:
        load_tickets(engine, prepared, {"id", *fields})
        create_measured_view(engine)
        values = {}
        for binding in bound:
            sql, parameters = measure_query(binding.measure, ())
            tests = " AND ".join(f"{name} = $p_{name}" for name, _ in binding.where)
            sql = sql.replace(" GROUP BY ALL", f" AND {tests} GROUP BY ALL") if tests else sql
            parameters |= {f"p_{name}": value for name, value in binding.where}
            values[binding] = {
                span_of(first, binding.measure.period): PeriodValue(
                    None if value is None else round(float(value), 2), int(tickets)
                )
                for first, value, tickets in run_sql(engine, sql, parameters)
            }
        return values, time.perf_counter() - started


def run(rows: int, metrics: int, work: Path) -> tuple[Measurement, float, float, int]:
    root = prepare(work, rows, metrics)
    grouped, naive, values = compute_both_ways(root)
    refresh = _measure(
        f"csi measure --refresh ({metrics} metrics)",
        ["env", f"CSI_TODAY={TODAY}", str(BIN / "csi"), "--root", str(root), "measure",
         "--refresh"],
        root, work / "cache", runs=1,
    )  # fmt: skip
    return refresh, grouped, naive, values


def report(refresh: Measurement, grouped: float, naive: float, values: int, rows: int) -> str:
    met = refresh.exit_code == 0 and refresh.seconds <= TARGET_SECONDS
    return "\n".join(
        [
            "## csi measure --refresh over an event log",
            "",
            f"{rows:,} update rows (benchmarks/generate_export.py); bound metrics as in "
            "benchmarks/measures.py, measured on "
            f"{dt.date.today()} with `python -m benchmarks.measures --rows {rows}`.",
            f"Machine: {machine()}.",
            "",
            "| What | Seconds | Peak memory (MB) | Target |",
            "|---|---:|---:|---|",
            f"| {refresh.name}, writing every record | {refresh.seconds:.2f} | "
            f"{refresh.peak_mb:.0f} | ≤ {TARGET_SECONDS:g} s: {'met' if met else 'NOT met'} |",
            f"| computing the {values:,} period values, one query per measure | "
            f"{grouped:.2f} |  | {grouped / naive:.3f}× the naive way |",
            f"| the same, one query per metric (the naive way, peer) | {naive:.2f} |  |  |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--metrics", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="csi-bench-measures-"))
    try:
        refresh, grouped, naive, values = run(args.rows, args.metrics, work)
        text = report(refresh, grouped, naive, values, args.rows)
        write_section(args.out, "measures", text)
        print(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
