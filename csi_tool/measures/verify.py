"""Recorded values of bound metrics against what the data gives for their periods.

A bound baseline or measurement is dated by the last day of its period and must agree with
the data to the precision it is written with: 14.2 agrees with 14.23, 14 with 13.6, and
14.2 does not agree with 16.9. A period the data does not cover is left unjudged (an export
may start later than a record's history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from csi_tool.errors import Finding
from csi_tool.measures.evaluate import Binding, DataValues, bindings, data_values
from csi_tool.measures.periods import span_of
from csi_tool.records.register import Register, load_work_tree


def verify_with_data(root: Path) -> tuple[list[Finding], dict[str, str]]:
    """Findings where the data contradicts a bound value, and the sources not available here
    (their metrics are not judged: a register without its exports still validates)."""
    register = load_work_tree(root)
    if register.policies is None:
        return [], {}
    records = [item.record for item in register.records.values()]
    bound = bindings(records, register.policies)
    found = data_values(root, register.policies, bound)
    return data_findings(register, found, bound), found.unavailable


def data_findings(register: Register, found: DataValues, bound: list[Binding]) -> list[Finding]:
    """Each bound baseline or measurement the data contradicts, at its line."""
    findings: list[Finding] = []
    for binding in bound:
        if binding.measure.source in found.unavailable:
            continue
        item = register.records[binding.record_id]
        metric = item.record.metrics[binding.metric_index]
        at: tuple[str | int, ...] = ("metrics", binding.metric_index)
        if metric.baseline is not None:
            for loc, message in _judged(
                binding, found, metric.baseline.date, metric.baseline.value, "baseline"
            ):
                findings.append(item.document.finding((*at, "baseline", *loc), message, "data"))
        for j, measurement in enumerate(metric.measurements):
            for loc, message in _judged(
                binding, found, measurement.date, measurement.value, "measurement"
            ):
                findings.append(
                    item.document.finding((*at, "measurements", j, *loc), message, "data")
                )
    return sorted(findings)


def _judged(
    binding: Binding, found: DataValues, day: dt.date, recorded: float, what: str
) -> Iterator[tuple[tuple[str, ...], str]]:
    period = binding.measure.period
    span = span_of(day, period)
    if day != span.last:
        yield (
            ("date",),
            f"a {what} of {binding.description()} is dated by the last day of its "
            f"{period.value.removesuffix('ly')} ({span.last}), not {day}",
        )
        return
    value = found.of(binding, day)
    if value is None or value.value is None:
        return  # the data does not cover that period
    if not agrees(recorded, value.value):
        yield (
            ("value",),
            f"{what} {recorded:g} but the data gives {value.value:g} for {span.name(period)} "
            f"({binding.description()}, {value.tickets} tickets)",
        )


def agrees(recorded: float, computed: float) -> bool:
    """Whether a written value agrees with the data to the decimals it is written with."""
    text = repr(float(recorded))
    decimals = 0 if text.endswith(".0") else min(len(text.partition(".")[2]), 6)
    return round(computed, decimals) == round(recorded, decimals)
