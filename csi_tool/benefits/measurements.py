"""`csi measure`: add measurements to metrics, one from the command line or many from a CSV."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from csi_tool import clock
from csi_tool.benefits.measurement_csv import read_rows
from csi_tool.errors import ConfigError, Finding, FindingsError
from csi_tool.policies.policy_set import Policies
from csi_tool.records.editing import RecordEdit, open_record, save_edits
from csi_tool.records.register import Register

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class NewMeasurement:
    """A measurement to add to one metric of one record."""

    record_id: str
    metric: str
    date: dt.date
    value: int | float
    source: str | None = None
    note: str | None = None


def parse_value(text: str) -> int | float:
    """A measured value: an integer stays one (so `12` is written as 12, not 12.0)."""
    cleaned = text.strip()
    if _INTEGER.match(cleaned):
        return int(cleaned)
    if cleaned.lower() in {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity"}:
        raise ValueError(f"{text!r} is not a finite number")
    if not _DECIMAL.match(cleaned):  # no 1_000, no 0x1F: a measurement is a plain number
        raise ValueError(f"{text!r} is not a number")
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def parse_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD."""
    if not _ISO_DATE.match(text.strip()):
        raise ValueError(f"{text!r} is not a date written as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def record_measurement(
    root: Path, register: Register, policies: Policies, new: NewMeasurement
) -> list[Path]:
    """Add one measurement; returns the file written (none if nothing changed)."""
    edit = open_record(root, register, new.record_id)
    problem = add_to_tree(edit, new)
    if problem:
        raise ConfigError(problem)
    return save_edits([edit], policies)


def import_measurements(
    root: Path,
    register: Register,
    policies: Policies,
    csv_path: Path,
    shown_path: str,
    delimiter: str | None = None,
    ignore: Sequence[str] = (),
) -> tuple[int, list[Path]]:
    """Add every row of a CSV file, or none: each bad row is reported with its row number."""
    rows, problems = _read_rows(csv_path, shown_path, register, delimiter, ignore)
    edits: dict[str, RecordEdit] = {}
    for row_number, new in rows:
        if new.record_id not in edits:
            edits[new.record_id] = open_record(root, register, new.record_id)
        problem = add_to_tree(edits[new.record_id], new)
        if problem:
            problems.append(Finding(shown_path, row_number, 1, "", problem))
    if problems:
        raise FindingsError(sorted(problems))
    return len(rows), save_edits(list(edits.values()), policies)


def add_to_tree(edit: RecordEdit, new: NewMeasurement) -> str | None:
    """Insert the measurement in date order; a message instead when it cannot be added."""
    metrics = edit.tree.get("metrics") or []
    metric = next((m for m in metrics if m.get("key") == new.metric), None)
    if metric is None:
        known = ", ".join(str(m.get("key")) for m in metrics) or "none"
        return f"{new.record_id} has no metric {new.metric!r} (its metrics: {known})"
    if "measurements" not in metric or metric["measurements"] is None:
        metric["measurements"] = CommentedSeq()
    measurements = metric["measurements"]
    if new.date > clock.today():
        return f"{new.date} is in the future: record measurements once they are taken"
    baseline = metric.get("baseline") or {}
    baseline_date = _as_date(baseline.get("date"))
    if baseline_date and new.date < baseline_date:
        return f"{new.date} is before the baseline of {new.metric} ({baseline_date})"
    dates = [_as_date(item.get("date")) for item in measurements]
    if new.date in dates:
        return f"{new.record_id} {new.metric} already has a measurement dated {new.date}"
    item = CommentedMap()
    item["date"] = new.date
    item["value"] = new.value
    if new.source:
        item["source"] = _text(new.source)
    if new.note:
        item["note"] = _text(new.note)
    if measurements and measurements[-1].fa.flow_style():
        item.fa.set_flow_style()  # match the one-line style of the measurements above
    position = sum(1 for existing in dates if existing is not None and existing < new.date)
    measurements.insert(position, item)
    return None


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def _text(value: str) -> str:
    """Quote text the emitter might leave plain where a parser would stumble (`a:b` in a
    one-line mapping, a leading `@`): quoted, any text reads back exactly as given."""
    if _PLAIN_SAFE.match(value):
        return value
    quoted: str = DoubleQuotedScalarString(value)
    return quoted


_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/()%+=-]*$")


def _read_rows(
    csv_path: Path, shown: str, register: Register, delimiter: str | None, ignore: Sequence[str]
) -> tuple[list[tuple[int, NewMeasurement]], list[Finding]]:
    table, problems = read_rows(csv_path, shown, delimiter, ignore)
    rows: list[tuple[int, NewMeasurement]] = []
    seen: dict[tuple[str, str, dt.date], int] = {}
    for row in table:
        try:
            new = _measurement_from(row.cells, register)
        except ValueError as e:
            problems.append(Finding(shown, row.line, 1, "", str(e)))
            continue
        key = (new.record_id, new.metric, new.date)
        if key in seen:
            message = f"repeats row {seen[key]}: same id, metric and date"
            problems.append(Finding(shown, row.line, 1, "", message))
            continue
        seen[key] = row.line
        rows.append((row.line, new))
    return rows, problems


def _measurement_from(cells: dict[str, str], register: Register) -> NewMeasurement:
    record_id = cells.get("id", "")
    if record_id not in register.records:
        raise ValueError(f"unknown record id {record_id!r}")
    metric = cells.get("metric", "")
    keys = [m.key for m in register.records[record_id].record.metrics]
    if metric not in keys:
        raise ValueError(
            f"{record_id} has no metric {metric!r} (its metrics: {', '.join(keys) or 'none'})"
        )
    value = parse_value(cells.get("value", ""))
    definition = next(m for m in register.records[record_id].record.metrics if m.key == metric)
    low, high = definition.bounds()
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{value:g} is outside what {definition.unit} can be")
    for column in ("source", "note"):
        if _CONTROL.search(cells.get(column, "")):
            raise ValueError(f"the {column} holds a control character")
    return NewMeasurement(
        record_id,
        metric,
        parse_date(cells.get("date", "")),
        value,
        cells.get("source") or None,
        cells.get("note") or None,
    )


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
