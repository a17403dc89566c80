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
from typing import TYPE_CHECKING

from csi_tool.errors import ConfigError, Finding, FindingsError
from csi_tool.layout import POLICIES_DIR
from csi_tool.measures.periods import Span, last_ended, span_of
from csi_tool.measures.query import VIEW, fields_read, measure_query
from csi_tool.policies.loading import DEFAULT_MAX_BYTES
from csi_tool.policies.measures import Aggregate, Measure
from csi_tool.policies.policy_set import Policies
from csi_tool.records.models import Record
from csi_tool.tickets.canonical import load_tickets
from csi_tool.tickets.engine import SECONDS_PER_STATEMENT, run, sandboxed
from csi_tool.tickets.sources import data_fingerprint, prepared_source, source_files
from csi_tool.yaml.documents import parse_document

if TYPE_CHECKING:
    import duckdb

MEASURES_FILE = f"{POLICIES_DIR}/measures.yaml"


_DATES = ("opened_at", "resolved_at", "closed_at")


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

    value: float | None  # a whole number for a count
    tickets: int


@dataclass
class DataValues:
    """What the data says for each binding, and the sources that could not be read here."""

    values: dict[Binding, dict[Span, PeriodValue]] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)  # source → fingerprint
    shown: dict[str, str] = field(default_factory=dict)  # source → how output names it
    unavailable: dict[str, str] = field(default_factory=dict)  # source → why

    # (source, date field) → what the tickets cover: from the first day a ticket has that
    # date to the last day any ticket has any date (the export was taken then at the earliest)
    extents: dict[tuple[str, str], tuple[dt.date, dt.date]] = field(default_factory=dict)

    def of(self, binding: Binding, day: dt.date) -> PeriodValue | None:
        """The value of the period holding `day`; None when the data does not cover it."""
        return self.in_span(binding, span_of(day, binding.measure.period))

    def in_span(self, binding: Binding, span: Span) -> PeriodValue | None:
        """A period's value; None when the data does not cover all of it. A covered period
        without a ticket in scope counts 0, and has no value for any other aggregate."""
        if not self.covers(binding, span):
            return None
        value = self.values.get(binding, {}).get(span)
        if value is not None:
            return value
        return PeriodValue(0 if binding.measure.aggregate is Aggregate.COUNT else None, 0)

    def covers(self, binding: Binding, span: Span) -> bool:
        """Whether the tickets' dates span the whole period (a partial one would mislead)."""
        extent = self.extents.get((binding.measure.source, binding.measure.dated_by))
        return extent is not None and extent[0] <= span.first and span.last <= extent[1]

    def latest_covered(self, binding: Binding, today: dt.date) -> Span | None:
        """The latest ended period the data covers, if any."""
        extent = self.extents.get((binding.measure.source, binding.measure.dated_by))
        if extent is None:
            return None
        span = last_ended(min(today, extent[1] + dt.timedelta(days=1)), binding.measure.period)
        return span if self.covers(binding, span) else None


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
            source_files(spec, root, environ)
        except ConfigError as e:  # not here (its variable unset, no file): judged elsewhere
            result.unavailable[name] = str(e)
            continue
        # Here but unreadable, or lacking what a measure needs: findings, never a notice,
        # or a pull request that breaks the export would leave every bound value unjudged.
        with prepared_source(spec, root, environ) as prepared:
            fields = set().union(*(fields_read(b.measure) for b in group))
            with sandboxed(prepared.files) as engine:
                loaded = load_tickets(engine, prepared, {"id", *_DATES, *fields})
                _refuse_missing_fields(prepared.shown, group, loaded.missing_fields, spec.profile)
                _measure_all(engine, group, result, root, seconds_per_query)
            result.shown[name] = prepared.shown
        result.fingerprints[name] = data_fingerprint(spec, root, environ)
    return result


def _refuse_missing_fields(
    shown: str, group: list[Binding], missing: tuple[str, ...], profile: str
) -> None:
    """A measure over a field the export has no column for would count every ticket as
    lacking it (a reopen rate of 0): a finding on the export instead."""
    needs = {
        f: sorted({b.measure.key for b in group if f in fields_read(b.measure)}) for f in missing
    }
    needs = {f: keys for f, keys in needs.items() if keys}
    if needs:
        field_name, keys = sorted(needs.items())[0]
        raise FindingsError(
            [
                Finding(
                    shown,
                    1,
                    1,
                    "",
                    f"has no column for {field_name}, which measure {', '.join(keys)} needs "
                    f"(map it in policies/sources.yaml `columns:` if the {profile} profile "
                    "names it differently)",
                )
            ]
        )


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
    import duckdb  # here: see tickets/engine.py

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
                _number(value, measure), int(tickets)
            )
        for binding in bound:
            result.values[binding] = rows.get(tuple(value for _, value in binding.where), {})
    for dated_by in sorted({b.measure.dated_by for b in group}):
        [(first, last)] = run(
            engine,
            f"SELECT min({dated_by})::DATE, max(greatest({', '.join(_DATES)}))::DATE FROM {VIEW}",
        )
        if first is not None:
            result.extents[(group[0].measure.source, dated_by)] = (first, last)


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


def _number(value: float | int | None, measure: Measure) -> float | None:
    if value is None:
        return None
    if measure.aggregate is Aggregate.COUNT:
        return int(value)
    return round(float(value), 2)
