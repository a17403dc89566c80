"""Baselines and measurements of bound metrics, written from the data.

`csi baseline` sets a bound metric's baseline to its measure's value for one ended period;
`csi measure --refresh` appends a measurement for every period that ended since the
metric's last value. Both write through the record editor (validated, all or nothing), and
each value says where it came from: the measure and its parameters, the period, the number
of tickets, the source and a fingerprint of its data. Running either again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from csi_tool.benefits.measurements import NewMeasurement, add_to_tree
from csi_tool.errors import ConfigError, Finding, FindingsError
from csi_tool.measures.evaluate import Binding, DataValues, PeriodValue, bindings, data_values
from csi_tool.measures.periods import Span, ended_after, parse_span
from csi_tool.measures.verify import agrees
from csi_tool.policies.policy_set import Policies
from csi_tool.records.editing import RecordEdit, open_record, save_edits
from csi_tool.records.register import Register


@dataclass
class Refresh:
    """What `csi measure --refresh` added, and what it could not look at."""

    added: list[NewMeasurement] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # bound metrics without a baseline yet
    empty: list[str] = field(default_factory=list)  # periods without a ticket in scope
    unavailable: dict[str, str] = field(default_factory=dict)  # source → why


def write_baseline(
    root: Path,
    register: Register,
    policies: Policies,
    record_id: str,
    metric_key: str,
    period: str | None,
    today: dt.date,
    environ: Mapping[str, str] = os.environ,
) -> tuple[list[Path], float, Span]:
    """Set the baseline of a bound metric from the data; (files written, value, period)."""
    binding = _binding(register, policies, record_id, metric_key)
    kind = binding.measure.period
    found = _values(root, policies, [binding], environ)
    if period:
        span = parse_span(period, kind)
    else:  # the latest period the data covers whole, not the latest on the calendar
        latest = found.latest_covered(binding, today)
        if latest is None:
            raise ConfigError(
                f"the data covers no whole {kind.value.removesuffix('ly')} for "
                f"{binding.description()} that has ended; name one with --period"
            )
        span = latest
    if span.last >= today:
        raise ConfigError(f"{span.name(kind)} has not ended: a baseline is an ended period's")
    value = _value(found, binding, span)
    edit = open_record(root, register, record_id)
    metric = edit.tree["metrics"][binding.metric_index]
    current = metric.get("baseline")
    if current is not None:
        same = current.get("date") == span.last and isinstance(current.get("value"), int | float)
        if same and value.value is not None and agrees(current["value"], value.value):
            return [], float(value.value), span
        raise ConfigError(
            f"{record_id} {metric_key} has a baseline already ({current.get('value')} on "
            f"{current.get('date')}); a baseline is set once, and changed after approval "
            "only with a revision"
        )
    baseline = CommentedMap()
    baseline["value"] = value.value
    baseline["date"] = span.last
    baseline["source"] = _source_line(found, binding, span, value)
    metric["baseline"] = baseline
    return save_edits([edit], policies), float(value.value or 0), span


def refresh_measurements(
    root: Path,
    register: Register,
    policies: Policies,
    record_ids: Collection[str],
    today: dt.date,
    environ: Mapping[str, str] = os.environ,
) -> Refresh:
    """Append every ended period's value since each bound metric's last one; all or nothing."""
    unknown = sorted(set(record_ids) - set(register.records))
    if unknown:
        raise ConfigError(f"no valid record {unknown[0]} in the register (see `csi validate`)")
    records = [
        item.record for rid, item in register.records.items() if not record_ids or rid in record_ids
    ]
    bound = bindings(records, policies)
    found = _values(root, policies, bound, environ, strict=False)
    refresh = Refresh(unavailable=found.unavailable)
    edits: dict[str, RecordEdit] = {}
    problems: list[Finding] = []
    for binding in bound:
        if binding.measure.source in found.unavailable:
            continue
        metric = register.records[binding.record_id].record.metrics[binding.metric_index]
        dates = [m.date for m in metric.measurements]
        if metric.baseline is None:
            refresh.waiting.append(f"{binding.record_id} {binding.metric_key}")
            continue
        since = max([metric.baseline.date, *dates])
        for span in ended_after(since, today, binding.measure.period):
            value = found.in_span(binding, span)
            if value is None:
                break  # the data stops before this period ends: a later refresh measures it
            if value.value is None:
                name = span.name(binding.measure.period)
                refresh.empty.append(f"{binding.record_id} {binding.metric_key} {name}")
                continue  # no ticket in scope: a share or median of nothing is no value
            new = NewMeasurement(
                binding.record_id,
                binding.metric_key,
                span.last,
                value.value,
                _source_line(found, binding, span, value),
            )
            edit = edits.get(binding.record_id) or open_record(root, register, binding.record_id)
            edits[binding.record_id] = edit
            problem = add_to_tree(edit, new)
            if problem:
                problems.append(Finding(edit.relative, 1, 1, "", problem))
            else:
                refresh.added.append(new)
    if problems:
        raise FindingsError(problems)
    refresh.written = save_edits(list(edits.values()), policies) if edits else []
    return refresh


def _binding(register: Register, policies: Policies, record_id: str, metric_key: str) -> Binding:
    item = register.records.get(record_id)
    if item is None:
        raise ConfigError(f"no valid record {record_id} in the register (see `csi validate`)")
    for binding in bindings([item.record], policies):
        if binding.metric_key == metric_key:
            return binding
    keys = [m.key for m in item.record.metrics]
    if metric_key not in keys:
        raise ConfigError(
            f"{record_id} has no metric {metric_key!r} (its metrics: {', '.join(keys) or 'none'})"
        )
    raise ConfigError(
        f"{record_id} {metric_key} is not bound to a measure: add `measure: {{key: …}}` to it "
        "(policies/measures.yaml lists the measures)"
    )


def _values(
    root: Path,
    policies: Policies,
    bound: list[Binding],
    environ: Mapping[str, str],
    strict: bool = True,
) -> DataValues:
    found = data_values(root, policies, bound, environ)
    if strict and found.unavailable:
        source, why = next(iter(found.unavailable.items()))
        raise ConfigError(f"source {source!r} cannot be read here: {why}")
    return found


def _value(found: DataValues, binding: Binding, span: Span) -> PeriodValue:
    value = found.in_span(binding, span)
    name = span.name(binding.measure.period)
    if value is None:
        raise ConfigError(f"the data does not cover all of {name} for {binding.description()}")
    if value.value is None:
        raise ConfigError(f"the data has no tickets for {binding.description()} in {name}")
    return value


def _source_line(found: DataValues, binding: Binding, span: Span, value: PeriodValue) -> str:
    """`csi: measure …` (records/metrics.py's BOUND_SOURCE_PREFIX: validate knows it by that)."""
    source = binding.measure.source
    return (
        f"csi: {binding.description()}, {span.name(binding.measure.period)}, "
        f"{value.tickets} tickets; source {source} ({found.shown.get(source, source)}), "
        f"{found.fingerprints.get(source, '')}"
    )
