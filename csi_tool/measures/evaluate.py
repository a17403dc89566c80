"""The values of every bound metric, period by period, from the data.

Each source is read once, in its sandbox, with just the fields its measures use; then one
query per measure and set of parameter names serves every metric bound that way. A source
that is not available here (its variable unset, its files absent) is reported, not fatal:
a register whose exports live elsewhere still validates. A measure that fails on data that
loaded (it ran past its time, or out of memory) is the policy's problem, not the source's:
a finding on the measure's line in policies/measures.yaml, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from csi_tool.errors import ConfigError, Finding, FindingsError
from csi_tool.layout import POLICIES_DIR
from csi_tool.measures.periods import Span, span_of
from csi_tool.measures.query import VIEW, fields_read, measure_query
from csi_tool.policies.loading import DEFAULT_MAX_BYTES
from csi_tool.policies.measures import Measure
from csi_tool.policies.policy_set import Policies
from csi_tool.records.models import Record
from csi_tool.tickets.canonical import load_tickets
from csi_tool.tickets.engine import SECONDS_PER_STATEMENT, run, sandboxed
from csi_tool.tickets.sources import data_fingerprint, prepared_source
from csi_tool.yaml.documents import parse_document

MEASURES_FILE = f"{POLICIES_DIR}/measures.yaml"


class MeasureFailed(FindingsError):
    """A measure could not be computed over data that loaded: its policy must change."""


@dataclass(frozen=True)
class Binding:
    """One metric bound to a measure, with the values of its parameters."""

    record_id: str
    metric_index: int
    metric_key: str
    measure: Measure = field(compare=False)  # a binding is known by its record and metric
    where: tuple[tuple[str, str], ...] = field(compare=False, default=())

    def description(self) -> str:
        """`reopen_rate where service = Service Desk`."""
        if not self.where:
            return f"measure {self.measure.key}"
        tests = ", ".join(f"{name} = {value}" for name, value in self.where)
        return f"measure {self.measure.key} where {tests}"


@dataclass(frozen=True)
class PeriodValue:
    """A measure's value for one period, and how many tickets it was computed from."""

    value: float | None
    tickets: int


@dataclass
class DataValues:
    """What the data says for each binding, and the sources that could not be read here."""

    values: dict[Binding, dict[Span, PeriodValue]] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)  # source → fingerprint
    shown: dict[str, str] = field(default_factory=dict)  # source → how output names it
    unavailable: dict[str, str] = field(default_factory=dict)  # source → why

    def of(self, binding: Binding, day: dt.date) -> PeriodValue | None:
        """The value of the period holding `day`, if the data has that period."""
        return self.values.get(binding, {}).get(span_of(day, binding.measure.period))


def bindings(records: Iterable[Record], policies: Policies) -> list[Binding]:
    """Every metric bound to a measure the policy has (others are findings of validate)."""
    measures = {measure.key: measure for measure in policies.measures.measures}
    found = []
    for record in records:
        for i, metric in enumerate(record.metrics):
            if metric.measure is None or metric.measure.key not in measures:
                continue
            where = tuple(sorted(metric.measure.where.items()))
            found.append(Binding(record.id, i, metric.key, measures[metric.measure.key], where))
    return found


def data_values(
    root: Path,
    policies: Policies,
    wanted: list[Binding],
    environ: Mapping[str, str] = os.environ,
    seconds_per_query: float = SECONDS_PER_STATEMENT,
) -> DataValues:
    """The values of every binding, each source read once; raises MeasureFailed."""
    result = DataValues()
    by_source: dict[str, list[Binding]] = defaultdict(list)
    for binding in wanted:
        by_source[binding.measure.source].append(binding)
    specs = {spec.name: spec for spec in policies.sources.sources}
    for name, group in sorted(by_source.items()):
        spec = specs[name]  # the policies' cross-check: every measure's source exists
        try:
            with prepared_source(spec, root, environ) as prepared:
                fields = set().union(*(fields_read(b.measure) for b in group))
                with sandboxed(prepared.files) as engine:
                    load_tickets(engine, prepared, {"id", *fields})
                    _measure_all(engine, group, result, root, seconds_per_query)
                result.shown[name] = prepared.shown
            result.fingerprints[name] = data_fingerprint(spec, root, environ)
        except MeasureFailed:
            raise
        except (ConfigError, FindingsError) as e:
            why = e.findings[0].message if isinstance(e, FindingsError) else str(e)
            result.unavailable[name] = why
    return result


def create_measured_view(engine: duckdb.DuckDBPyConnection) -> None:
    """The tickets as measures see them: with their resolution time in hours."""
    run(
        engine,
        f"CREATE VIEW {VIEW} AS SELECT *, CASE WHEN resolved_at >= opened_at THEN "
        "date_diff('second', opened_at, resolved_at) / 3600.0 END AS resolution_hours "
        "FROM tickets",
    )


def _measure_all(
    engine: duckdb.DuckDBPyConnection,
    group: list[Binding],
    result: DataValues,
    root: Path,
    seconds: float,
) -> None:
    create_measured_view(engine)
    queries: dict[tuple[str, tuple[str, ...]], list[Binding]] = defaultdict(list)
    for binding in group:
        names = tuple(name for name, _ in binding.where)
        queries[(binding.measure.key, names)].append(binding)
    for (_, names), bound in queries.items():
        measure = bound[0].measure
        sql, values = measure_query(measure, names)
        try:
            computed = run(engine, sql, values, seconds)
        except (ConfigError, duckdb.Error) as e:
            raise _failed(root, measure, str(e).splitlines()[0]) from e
        rows: dict[tuple[str, ...], dict[Span, PeriodValue]] = defaultdict(dict)
        for first, *rest in computed:
            *parameters, value, tickets = rest
            key = tuple(str(p) for p in parameters)
            rows[key][span_of(first, measure.period)] = PeriodValue(
                None if value is None else round(float(value), 2), int(tickets)
            )
        for binding in bound:
            result.values[binding] = rows.get(tuple(value for _, value in binding.where), {})


def _failed(root: Path, measure: Measure, why: str) -> MeasureFailed:
    """The failure as a finding on the measure's entry in the policy, found by its key."""
    message = f"measure {measure.key!r} could not be computed: {why}"
    try:
        document, data = parse_document(
            (root / MEASURES_FILE).read_bytes(), MEASURES_FILE, DEFAULT_MAX_BYTES
        )
        entries = data.get("measures") or []
        index = next(i for i, m in enumerate(entries) if m.get("key") == measure.key)
    except (OSError, FindingsError, StopIteration, AttributeError):  # changed since it loaded
        return MeasureFailed([Finding(MEASURES_FILE, 1, 1, "measures", message, "data")])
    return MeasureFailed([document.finding(("measures", index), message, "data")])
