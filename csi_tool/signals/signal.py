"""What `csi signals` reports: one improvement opportunity with its evidence and its id.

A signal's id depends only on what it is about (source, kind, field and value), never on its
figures, so it stays the same as the export is refreshed and a pull request can name it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from csi_tool.errors import CsiError
from csi_tool.layout import RECORD_SUFFIX, REGISTER_DIR
from csi_tool.yaml.journal import recover
from csi_tool.yaml.strict import load_fast

if TYPE_CHECKING:  # records are read lean here; the model is only a type
    from csi_tool.records.models import Record


LABELS = {
    "category": "Category",
    "subcategory": "Subcategory",
    "service": "Service",
    "symptom": "Symptom",
    "assignment_group": "Assignment group",
    "problem_id": "Problem",
    "caused_by_change": "Change",
}


def printable(text: str) -> str:
    """Text on one line without control or formatting characters (an ESC, a right-to-left
    override): export values reach titles and terminals."""
    kept = "".join(c if unicodedata.category(c) not in ("Cc", "Cf") else " " for c in text)
    return " ".join(kept.split())


def value_label(field: str, value: str) -> str:
    """`Category Network`, but `Category 45` rather than `Category Category 45`."""
    shown, name = printable(value), LABELS[field]
    return shown if shown.lower().startswith(name.split()[0].lower()) else f"{name} {shown}"


class SignalKind(StrEnum):
    """The opportunities csi looks for."""

    CLUSTER = "cluster"  # a value of a field with many tickets
    SLA_BREACH = "sla_breach"  # breaches more often than the rest
    REOPEN = "reopen"  # reopened more often than the rest
    PING_PONG = "ping_pong"  # passed between groups more often than the rest
    SLOW_RESOLUTION = "slow_resolution"  # resolved slower than the rest
    RISING_VOLUME = "rising_volume"  # more tickets in the later half of the period
    PROBLEM = "problem"  # one problem behind many incidents
    CHANGE = "change"  # one change that caused incidents


@dataclass(frozen=True)
class ProposedMetric:
    """The metric a record proposed from the signal measures, and its baseline from the data."""

    key: str
    name: str
    unit: str
    baseline: float
    query: str  # what was computed, in words a reader can reproduce


@dataclass(frozen=True)
class Signal:
    """One opportunity: its figures, examples, cost, and the records that already cover it."""

    id: str
    kind: SignalKind
    source: str
    field: str  # the canonical field grouped by (category, problem_id...)
    value: str
    headline: str
    period: tuple[dt.date, dt.date]
    tickets: int  # tickets of the group
    affected: int  # tickets the signal is about (breached, reopened... or all)
    figures: dict[str, float | int]
    evidence: tuple[str, ...]
    method: str
    cost: float
    examples: tuple[str, ...]
    metric: ProposedMetric
    fingerprint: int = 0  # of the tickets the signal is about
    covered_by: tuple[str, ...] = ()
    same_tickets_as: str | None = None  # a higher-ranked signal about exactly these tickets

    @property
    def covered(self) -> bool:
        """Whether a record of the register already covers the signal."""
        return bool(self.covered_by)


def signal_id(source: str, kind: SignalKind, field_name: str, value: str) -> str:
    """A stable id such as `SIG-3f9a2c1b` for what a signal is about."""
    digest = hashlib.sha256(f"{source}\0{kind}\0{field_name}\0{value}".encode()).hexdigest()
    return f"SIG-{digest[:8]}"


def ranked(signals: list[Signal]) -> list[Signal]:
    """Highest cost first; ties by tickets affected, then id, so every run agrees. A signal
    about exactly the tickets of one ranked above it (a subcategory that is its whole
    category) names that one, so its cost is not counted twice by a reader adding up."""
    ordered = sorted(signals, key=lambda s: (-round(s.cost, 6), -s.affected, s.id))
    first: dict[tuple[int, int], str] = {}
    marked = []
    for signal in ordered:
        key = (signal.fingerprint, signal.affected)
        earlier = first.setdefault(key, signal.id)
        marked.append(replace(signal, same_tickets_as=earlier) if earlier != signal.id else signal)
    return marked


@dataclass(frozen=True)
class RecordEvidence:
    """What a record says its opportunity came from: all that matching it with signals needs."""

    record_id: str
    incidents: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    signal: str | None = None


def evidence_of(record: Record) -> RecordEvidence:
    """The evidence of a validated record."""
    if record.source is None:
        return RecordEvidence(record.id)
    references = record.source.references
    return RecordEvidence(
        record.id, tuple(references.incidents), tuple(references.problems), record.source.signal
    )


def read_record_evidence(root: Path) -> list[RecordEvidence]:
    """Every record's evidence, read fast and leniently: each file's `id` and `source` only,
    without building the record models (at 10,000 records, validating them all would cost
    more than the signals themselves). `csi validate` judges the files; a file that cannot
    be read here covers nothing."""
    recover(root)  # an interrupted write is finished (or undone) before anything is read
    found = []
    for path in sorted((root / REGISTER_DIR).glob(f"*{RECORD_SUFFIX}")):
        try:
            data = load_fast(path.read_text(encoding="utf-8"), f"{REGISTER_DIR}/{path.name}")
        except (CsiError, OSError, UnicodeDecodeError):
            continue
        record_id = data.get("id") if isinstance(data.get("id"), str) else path.stem
        source = _mapping(data.get("source"))
        references = _mapping(source.get("references"))
        signal = source.get("signal")
        found.append(
            RecordEvidence(
                str(record_id),
                _texts(references.get("incidents")),
                _texts(references.get("problems")),
                signal if isinstance(signal, str) else None,
            )
        )
    return found


def _mapping(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _texts(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()
