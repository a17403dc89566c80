"""The figures behind every signal, computed by the engine in a few grouped queries.

The tickets in scope (opened on or after `--since`) are materialised once with their
handling hours and resolution time; then one query per field computes, for every value at
once, the counts each kind of signal needs: tickets, SLA breaches, reopens, ping-pong,
slow resolutions, the two halves of the period, their handling hours and example ids.
Everything reaches SQL as bound parameters; field names come from a fixed list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from csi_tool.policies.sources import HandlingCost, SignalSettings
from csi_tool.tickets.engine import run

if TYPE_CHECKING:  # imported where a query runs (see tickets/engine.py)
    import duckdb

SCOPE = "scoped"
# kind → (the tickets it is about, the tickets it can be judged on)
CONDITIONS: dict[str, tuple[str, str]] = {
    "all": ("true", "true"),
    "sla_breach": ("sla_met = false", "sla_met IS NOT NULL"),
    "reopen": ("reopen_count > 0", "reopen_count IS NOT NULL"),
    "ping_pong": ("reassignment_count >= $threshold", "reassignment_count IS NOT NULL"),
    "slow_resolution": ("resolution_hours > $median", "resolution_hours IS NOT NULL"),
    "later": ("opened_at >= $midpoint", "true"),
}
LINKED_FIELDS = ("problem_id", "caused_by_change")
# The ticket fields the analyses read: the tickets in scope are a narrower copy.
ANALYSED = (
    "id",
    "opened_at",
    "resolved_at",
    "category",
    "subcategory",
    "service",
    "symptom",
    "assignment_group",
    "reopen_count",
    "reassignment_count",
    "sla_met",
    *LINKED_FIELDS,
)
READ_FIELDS = (*ANALYSED, "priority")  # what signals read from an export (priority: cost)


@dataclass(frozen=True)
class Counts:
    """One kind's figures for a group: tickets hit, tickets judged, their hours, and a
    fingerprint of the tickets hit."""

    hit: int
    known: int
    hours: float
    fingerprint: int


@dataclass(frozen=True)
class Group:
    """Every figure of one value of one field (or of all tickets, for the overview)."""

    field: str
    value: str
    tickets: int
    hours: float
    p50_hours: float | None
    p90_hours: float | None
    counts: dict[str, Counts]


@dataclass(frozen=True)
class Scope:
    """The tickets analysed: their period, its midpoint, and the whole as one group."""

    start: dt.date
    end: dt.date
    midpoint: dt.datetime
    median_hours: float
    overall: Group
    undated: int  # tickets without an opening date, left out of every figure
    resolved_before_opened: int  # data errors, left out of resolution times


def scope_tickets(
    connection: duckdb.DuckDBPyConnection,
    since: dt.date | None,
    cost: HandlingCost,
    settings: SignalSettings,
) -> Scope | None:
    """Materialise the tickets in scope; None when no ticket was opened in it."""
    hours = list(cost.hours_by_priority.items())
    run(
        connection,
        f"CREATE OR REPLACE TABLE {SCOPE} AS SELECT {', '.join(ANALYSED)}, hash(id) AS id_hash, "
        "coalesce(list_extract($hour_values, list_position($hour_keys, priority)), "
        "$default_hours) AS hours, "
        "CASE WHEN resolved_at >= opened_at THEN "
        "date_diff('second', opened_at, resolved_at) / 3600.0 END "
        "AS resolution_hours FROM tickets WHERE opened_at >= $since",
        {
            "hour_keys": [k for k, _ in hours],
            "hour_values": [v for _, v in hours],
            "default_hours": cost.hours_per_ticket,
            "since": dt.datetime.combine(since or dt.date(1, 1, 1), dt.time()),
        },
    )
    undated = run(connection, "SELECT count(*) FROM tickets WHERE opened_at IS NULL")[0][0]
    start, end, median, backwards = run(
        connection,
        f"SELECT min(opened_at), max(opened_at), median(resolution_hours), "
        f"count(*) FILTER (WHERE resolved_at < opened_at) FROM {SCOPE}",
    )[0]
    if start is None:
        return None
    midpoint = start + (end - start) / 2
    parameters = condition_parameters(settings, midpoint, float(median or 0.0))
    [overall] = _groups(connection, [], parameters)
    return Scope(
        start.date(),
        end.date(),
        midpoint,
        float(median or 0.0),
        overall,
        int(undated),
        int(backwards),
    )


def field_groups(
    connection: duckdb.DuckDBPyConnection,
    fields: list[str],
    scope: Scope,
    settings: SignalSettings,
) -> dict[str, list[Group]]:
    """Every value of each canonical field with its figures, most tickets first: the fields
    unpivoted into (field, value) pairs, so one parallel pass groups them all."""
    parameters = condition_parameters(settings, scope.midpoint, scope.median_hours)
    groups: dict[str, list[Group]] = {field: [] for field in fields}
    for group in _groups(connection, fields, parameters):
        groups[group.field].append(group)
    return groups


def condition_parameters(
    settings: SignalSettings, midpoint: dt.datetime, median_hours: float
) -> dict[str, Any]:
    """The bound values the CONDITIONS read."""
    return {
        "threshold": settings.reassignment_threshold,
        "median": median_hours,
        "midpoint": midpoint,
        "examples": settings.examples,
    }


def _groups(
    connection: duckdb.DuckDBPyConnection, fields: list[str], parameters: dict[str, Any]
) -> list[Group]:
    """Figures per value of every field (names from the fixed canonical list), or of all
    tickets as one group when `fields` is empty."""
    aggregates = []
    for hit, known in CONDITIONS.values():
        aggregates += [
            f"count(*) FILTER (WHERE {hit})",
            f"count(*) FILTER (WHERE {known})",
            f"coalesce(sum(hours) FILTER (WHERE {hit}), 0)",
            # which tickets, in one number: equal sets give equal fingerprints
            f"coalesce(bit_xor(id_hash) FILTER (WHERE {hit}), 0)",
        ]
    relation = (
        f"(UNPIVOT {SCOPE} ON {', '.join(fields)} INTO NAME field VALUE value)"
        if fields
        else f"(SELECT 'all' AS field, 'all' AS value, * FROM {SCOPE})"
    )
    rows = run(
        connection,
        "SELECT field, value, count(*), coalesce(sum(hours), 0), "
        "quantile_cont(resolution_hours, [0.5, 0.9]), "
        f"{', '.join(aggregates)} FROM {relation} "
        "GROUP BY field, value ORDER BY field, count(*) DESC, value",
        parameters,
    )
    groups = []
    for field, value, tickets, hours, percentiles, *figures in rows:
        counts = {
            kind: Counts(
                int(figures[4 * i]),
                int(figures[4 * i + 1]),
                float(figures[4 * i + 2]),
                int(figures[4 * i + 3]),
            )
            for i, kind in enumerate(CONDITIONS)
        }
        p50, p90 = percentiles if percentiles else (None, None)
        groups.append(Group(field, str(value), int(tickets), float(hours), p50, p90, counts))
    return groups


def example_tickets(
    connection: duckdb.DuckDBPyConnection,
    wanted: dict[str, dict[str, set[str]]],
    settings: SignalSettings,
    scope: Scope,
) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(field, value, condition) → the lowest ticket ids of that group meeting that
    condition, for the groups that became signals only (field → condition → values): a
    query per field and condition, the values matched by a hash join (hundreds of problems
    would make a list test per row the slowest step)."""
    parameters = condition_parameters(settings, scope.midpoint, scope.median_hours)
    found: dict[tuple[str, str, str], tuple[str, ...]] = {}
    for field, by_condition in wanted.items():  # names from the fixed canonical list
        for condition, values in by_condition.items():
            rows = run(
                connection,
                f"SELECT {field}, min(id, $examples) FROM {SCOPE} "
                f"WHERE {CONDITIONS[condition][0]} AND {field} IN (SELECT unnest($values)) "
                f"GROUP BY {field}",
                {**parameters, "values": sorted(values)},
            )
            for value, ids in rows:
                found[(field, str(value), condition)] = tuple(ids)
    return found
