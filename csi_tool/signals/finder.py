"""`csi signals`: every source read in its sandbox, its signals found, ranked and matched
with the records that already cover them.

A record covers a signal when it names it (`source.signal`), when its referenced incidents
include a ticket the signal is about, or, for a problem, when it references that problem.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from csi_tool.errors import ConfigError
from csi_tool.policies.policy_set import Policies
from csi_tool.policies.sources import SignalSettings, SourceSpec
from csi_tool.signals.analysis import (
    CONDITIONS,
    LINKED_FIELDS,
    READ_FIELDS,
    SCOPE,
    Scope,
    condition_parameters,
    example_tickets,
    field_groups,
    scope_tickets,
)
from csi_tool.signals.detect import CONDITION_OF, detect_signals
from csi_tool.signals.signal import RecordEvidence, Signal, SignalKind, ranked
from csi_tool.tickets.canonical import LoadedTickets, load_tickets
from csi_tool.tickets.engine import run, sandboxed
from csi_tool.tickets.sources import prepared_source, source_files

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class SourceSignals:
    """One source: what was read, the period analysed, and its signals ranked."""

    name: str
    shown: str
    loaded: LoadedTickets
    scope: Scope | None
    signals: list[Signal]
    currency: str


def find_signals(
    root: Path,
    policies: Policies,
    records: Iterable[RecordEvidence],
    source: str | None = None,
    since: dt.date | None = None,
    environ: Mapping[str, str] = os.environ,
    unavailable: dict[str, str] | None = None,
) -> list[SourceSignals]:
    """Signals of every source (or the one named), each source ranked on its own.

    With `unavailable` given and no source named, a source whose export is not here (its
    variable unset, nothing matched) is recorded there instead of failing the whole run,
    as long as some source could be read.
    """
    import duckdb  # here: see tickets/engine.py

    references = list(_references(records))
    found = []
    for spec in selected_sources(policies, source):
        try:
            if unavailable is not None and source is None:
                try:
                    source_files(spec, root, environ)
                except ConfigError as e:
                    unavailable[spec.name] = str(e)
                    continue
            found.append(_one_source(root, policies, spec, since, references, environ))
        except duckdb.Error as e:  # what a policy's values make of a query: an error, no crash
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise ConfigError(
                f"source {spec.name!r}: the export could not be analysed: {first}"
            ) from e
    if unavailable and not found:
        raise ConfigError(next(iter(unavailable.values())))
    return found


def selected_sources(policies: Policies, name: str | None) -> list[SourceSpec]:
    """The sources of the policy, or the one named; a clear error when there is none."""
    sources = policies.sources.sources
    if not sources:
        raise ConfigError(
            "policies/sources.yaml declares no source; add one (docs/signals.md shows how)"
        )
    if name is None:
        return list(sources)
    chosen = [spec for spec in sources if spec.name == name]
    if not chosen:
        known = ", ".join(spec.name for spec in sources)
        raise ConfigError(f"no source named {name!r}; the sources are: {known}")
    return chosen


def _one_source(
    root: Path,
    policies: Policies,
    spec: SourceSpec,
    since: dt.date | None,
    references: list[tuple[str, str, str]],
    environ: Mapping[str, str],
) -> SourceSignals:
    settings = policies.sources.signals
    with prepared_source(spec, root, environ) as prepared, sandboxed(prepared.files) as engine:
        loaded = load_tickets(engine, prepared, READ_FIELDS)
        scope = scope_tickets(engine, since, spec.cost, settings)
        if scope is None:
            return SourceSignals(spec.name, prepared.shown, loaded, None, [], spec.cost.currency)
        fields = [*settings.dimensions, *LINKED_FIELDS]
        by_field = field_groups(engine, fields, scope, settings)
        signals = detect_signals(spec.name, scope, by_field, settings, spec.cost)
        signals = _with_examples(engine, signals, scope, settings)
        hits = _covering_records(engine, fields, references, scope, settings)
    named = defaultdict(set)
    for record_id, kind, value in references:
        named[(kind, value)].add(record_id)
    covered = []
    for signal in signals:
        by = hits.get((signal.field, signal.value, CONDITION_OF[signal.kind]), set())
        by |= named[("signal", signal.id)]
        if signal.kind is SignalKind.PROBLEM:
            by |= named[("problem", signal.value)]
        covered.append(replace(signal, covered_by=tuple(sorted(by))))
    return SourceSignals(
        spec.name, prepared.shown, loaded, scope, ranked(covered), spec.cost.currency
    )


def _with_examples(
    engine: duckdb.DuckDBPyConnection,
    signals: list[Signal],
    scope: Scope,
    settings: SignalSettings,
) -> list[Signal]:
    """The signals with their example tickets, looked up for them alone."""
    wanted: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for signal in signals:
        wanted[signal.field][CONDITION_OF[signal.kind]].add(signal.value)
    found = example_tickets(engine, wanted, settings, scope)
    return [
        replace(s, examples=found.get((s.field, s.value, CONDITION_OF[s.kind]), ()))
        for s in signals
    ]


def _references(records: Iterable[RecordEvidence]) -> Iterable[tuple[str, str, str]]:
    """(record id, kind, value) for every incident, problem and signal a record names.

    A record that names its signal covers that signal only: its incidents are the signal's
    examples, and would otherwise mark every cluster they also fall in as covered.
    """
    for record in records:
        if record.signal is not None:
            yield record.record_id, "signal", record.signal
            continue
        for incident in record.incidents:
            yield record.record_id, "incident", incident
        for problem in record.problems:
            yield record.record_id, "problem", problem


def _covering_records(
    engine: duckdb.DuckDBPyConnection,
    fields: list[str],
    references: list[tuple[str, str, str]],
    scope: Scope,
    settings: SignalSettings,
) -> dict[tuple[str, str, str], set[str]]:
    """(field, value, condition) → records whose referenced incidents are among its tickets."""
    incidents = [(record, value) for record, kind, value in references if kind == "incident"]
    run(
        engine,
        "CREATE OR REPLACE TABLE referenced AS SELECT unnest($records::VARCHAR[]) AS record_id, "
        "unnest($tickets::VARCHAR[]) AS ticket",
        {"records": [r for r, _ in incidents], "tickets": [t for _, t in incidents]},
    )
    hits: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    if not incidents:
        return hits
    flags = ", ".join(f"bool_or({hit})" for hit, _ in CONDITIONS.values())
    parameters = condition_parameters(settings, scope.midpoint, scope.median_hours)
    parameters.pop("examples")
    for field in fields:  # a name from the fixed list of canonical fields, never from input
        rows = run(
            engine,
            f"SELECT {field}, record_id, {flags} FROM {SCOPE} JOIN referenced "
            f"ON referenced.ticket = {SCOPE}.id WHERE {field} IS NOT NULL GROUP BY ALL",
            parameters,
        )
        for value, record_id, *hit in rows:
            for condition, flag in zip(CONDITIONS, hit, strict=True):
                if flag:
                    hits[(field, str(value), condition)].add(record_id)
    return hits
