"""Recorded values of bound metrics against what the data gives for their periods.

A bound baseline or measurement is dated by the last day of its period and must agree with
the data to the precision it is written with, one decimal at least: 14.2 agrees with 14.23,
14 does not, and 14.2 does not agree with 16.9. A period the data does not cover whole is
left unjudged (an export may start later than a record's history); one it covers without a
ticket in scope has no value, so a number typed for it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from csi_tool.errors import Finding
from csi_tool.measures.evaluate import Binding, DataValues, bindings, data_values
from csi_tool.measures.periods import Span, span_of
from csi_tool.records.metrics import Baseline, Measurement
from csi_tool.records.register import Register, load_work_tree


@dataclass
class Judgement:
    """What the data said of the bound values: contradictions, and what it could not judge."""

    findings: list[Finding] = field(default_factory=list)
    unjudged: list[str] = field(default_factory=list)  # one sentence per bound metric
    unavailable: dict[str, str] = field(default_factory=dict)  # source → why it is not here


def verify_with_data(root: Path) -> Judgement:
    """Every bound value of the work tree's register judged by the data that is here (a
    source not available here judges nothing: a register without its exports validates)."""
    register = load_work_tree(root)
    if register.policies is None:
        return Judgement()
    records = [item.record for item in register.records.values()]
    bound = bindings(records, register.policies)
    return judge_values(register, data_values(root, register.policies, bound), bound)


def judge_values(register: Register, found: DataValues, bound: list[Binding]) -> Judgement:
    """Each bound baseline or measurement the data contradicts, at its line; and, per
    metric, the values in periods the data does not cover whole (left unjudged, and said)."""
    judgement = Judgement(unavailable=dict(found.unavailable))
    for binding in bound:
        if binding.measure.source in found.unavailable:
            continue
        item = register.records[binding.record_id]
        metric = item.record.metrics[binding.metric_index]
        at: tuple[str | int, ...] = ("metrics", binding.metric_index)
        values: list[tuple[tuple[str | int, ...], Baseline | Measurement, str]] = (
            [(("baseline",), metric.baseline, "baseline")] if metric.baseline else []
        )
        values += [
            (("measurements", j), m, "measurement") for j, m in enumerate(metric.measurements)
        ]
        outside = []
        period = binding.measure.period
        for loc, value, what in values:
            span = span_of(value.date, period)
            if value.date != span.last:  # the rule holds with or without the data
                message = (
                    f"a {what} of {binding.description()} is dated by the last day of its "
                    f"{period.value.removesuffix('ly')} ({span.last}), not {value.date}"
                )
                judgement.findings.append(item.document.finding((*at, *loc, "date"), message))
            elif not found.covers(binding, span):
                outside.append(span)
            elif contradiction := _contradiction(binding, found, span, value.value, what):
                judgement.findings.append(
                    item.document.finding((*at, *loc, "value"), contradiction, "data")
                )
        if outside:
            names = ", ".join(span.name(binding.measure.period) for span in outside[:6])
            more = ", …" if len(outside) > 6 else ""
            judgement.unjudged.append(
                f"{binding.record_id} {binding.metric_key}: {len(outside)} value(s) in periods "
                f"the data does not cover whole ({names}{more}) were not judged"
            )
    judgement.findings.sort()
    return judgement


def _contradiction(
    binding: Binding, found: DataValues, span: Span, recorded: float, what: str
) -> str | None:
    """Why a value of a covered period disagrees with the data, or None."""
    value = found.in_span(binding, span)
    name = span.name(binding.measure.period)
    # as written: 5 as 5, and 14.2000001 in full (:g would show it as 14.2, which agrees)
    shown = f"{recorded:g}" if float(f"{recorded:g}") == recorded else repr(recorded)
    if value is None or value.value is None:
        return f"{what} {shown} but the data has no ticket for {binding.description()} in {name}"
    if agrees(recorded, value.value):
        return None
    return (
        f"{what} {shown} but the data gives {value.value:g} for {name} "
        f"({binding.description()}, {value.tickets} tickets)"
    )


def agrees(recorded: float, computed: float) -> bool:
    """Whether a written value agrees with the data to the decimals it is written with, and
    to one decimal at least: 14.2 agrees with 14.23, 14 and 14.0 do not (a whole number
    agrees with a count, which is whole itself)."""
    if float(computed).is_integer():
        return float(recorded) == float(computed)
    text = repr(float(recorded))
    decimals = max(1, min(len(text.partition(".")[2]), 6))
    return round(computed, decimals) == round(recorded, decimals)
