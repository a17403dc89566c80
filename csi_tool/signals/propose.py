"""`csi signals --propose SIGNAL`: a logged record drafted from a signal's evidence.

The record says where it came from (the signal's id, its example tickets), what the data
shows (the signal's figures as evidence lines) and where its metric starts: a baseline
computed from the export, whose source line names the source, the query in words and a
fingerprint of the data, so anyone with the same export can reproduce the number.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from csi_tool.errors import ConfigError
from csi_tool.fields import SourceKind
from csi_tool.policies.policy_set import Policies
from csi_tool.records.models import TITLE_MAX_LENGTH
from csi_tool.records.new import NewRecord, next_record_id, write_new_record
from csi_tool.signals.finder import SourceSignals
from csi_tool.signals.signal import (
    RecordEvidence,
    Signal,
    SignalKind,
    printable,
    value_label,
)

_TITLES = {
    SignalKind.CLUSTER: "Reduce recurring tickets in {label}",
    SignalKind.SLA_BREACH: "Reduce SLA breaches in {label}",
    SignalKind.REOPEN: "Reduce reopened tickets in {label}",
    SignalKind.PING_PONG: "Stop tickets in {label} bouncing between groups",
    SignalKind.SLOW_RESOLUTION: "Resolve {label} tickets faster",
    SignalKind.RISING_VOLUME: "Reverse the rise of tickets in {label}",
    SignalKind.PROBLEM: "Resolve {label} and the incidents it causes",
    SignalKind.CHANGE: "Prevent incidents like those caused by {label}",
}
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/#-]*$")  # fields.Reference's pattern


def find_signal(
    results: list[SourceSignals], signal_id: str, records: Iterable[RecordEvidence]
) -> tuple[SourceSignals, Signal]:
    """The signal with this id (`SIG-3f9a2c1b`, in any case, with or without `SIG-`), and its
    source; a clear error when no source has it, or when a record already came from it
    (proposing twice would make two records of one signal)."""
    given = signal_id.strip()
    signal_id = "SIG-" + given.upper().removeprefix("SIG-").lower()
    if not re.fullmatch(r"SIG-[0-9a-f]{8}", signal_id):
        raise ConfigError(f"{given!r} is no signal id; ids look like SIG-3f9a2c1b")
    named = [r.record_id for r in records if r.signal == signal_id]
    if named:
        raise ConfigError(
            f"{signal_id} is already the signal of {', '.join(named)}; improve that record "
            "instead of drafting another"
        )
    for result in results:
        for signal in result.signals:
            if signal.id == signal_id:
                return result, signal
    raise ConfigError(
        f"no signal {signal_id} in the data now; `csi signals` lists the current ones "
        "(check --source and --since)"
    )


def propose_record(
    root: Path,
    policies: Policies,
    result: SourceSignals,
    signal: Signal,
    fingerprint: str,
    today: dt.date,
) -> NewRecord:
    """Write a new record in the initial state drafted from `signal`."""
    label = value_label(signal.field, signal.value)
    tree = CommentedMap()
    tree["schema_version"] = 2
    tree["id"] = next_record_id(root, policies.register.id)
    tree["title"] = _shortened(_TITLES[signal.kind].format(label=label), TITLE_MAX_LENGTH)
    tree["created"] = today
    if signal.field == "service":
        tree["service"] = _shortened(printable(signal.value), 300)
    tree["status"] = policies.workflow.initial
    tree["source"] = _source(result, signal)
    current = CommentedMap()
    current["summary"] = printable(signal.headline) + "."
    current["evidence"] = CommentedSeq([*signal.evidence, f"Method: {signal.method}."])
    tree["current_state"] = current
    tree["metrics"] = CommentedSeq([_metric(result, signal, fingerprint)])
    return write_new_record(root, policies, tree)


def _source(result: SourceSignals, signal: Signal) -> CommentedMap:
    source = CommentedMap()
    source["kind"] = SourceKind.INCIDENT_TREND.value
    references = CommentedMap()
    incidents = [ticket for ticket in signal.examples if _REFERENCE.match(ticket)]
    references["incidents"] = CommentedSeq(incidents)
    note = (
        f"Found by csi signals in source {result.name} ({result.shown}), tickets opened "
        f"{signal.period[0]} to {signal.period[1]}"
    )
    if signal.kind is SignalKind.PROBLEM and _REFERENCE.match(signal.value):
        references["problems"] = CommentedSeq([signal.value])
    elif signal.kind is SignalKind.PROBLEM:  # an id a reference cannot hold is kept in words
        note += f"; the problem is {printable(signal.value)!r}"
    unnamed = [t for t in signal.examples if not _REFERENCE.match(t)]
    if unnamed:
        note += f"; example tickets {', '.join(repr(printable(t)) for t in unnamed)}"
    source["references"] = references
    source["note"] = note + "."
    source["signal"] = signal.id
    return source


def _metric(result: SourceSignals, signal: Signal, fingerprint: str) -> CommentedMap:
    metric = CommentedMap()
    metric["key"] = signal.metric.key
    metric["name"] = _shortened(printable(signal.metric.name), 300)
    metric["kind"] = "lagging"
    metric["unit"] = signal.metric.unit
    metric["direction"] = "decrease"
    baseline = CommentedMap()
    baseline["value"] = signal.metric.baseline
    baseline["date"] = signal.period[1]
    baseline["source"] = (
        f"csi signals, source {result.name} ({result.shown}), {fingerprint}: {signal.metric.query}"
    )
    metric["baseline"] = baseline
    if signal.metric.unit != "%":
        metric["minimum"] = 0
    return metric


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
