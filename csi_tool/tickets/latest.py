"""Each ticket's last row of an export, shaped into a table in as few passes as the data
allows.

An event log has a row per update; the ticket as it ended is its row with the highest event
order, and on a tie the later row in the file. Numbering rows forces DuckDB to read the
file on one thread, so the first pass does without: it keeps each ticket's highest row by
event order alone (a grouped arg_max, in parallel), and the two highest orders of each
ticket show where that was a tie. Only when some ticket tied does a second, numbered pass
settle those tickets by their row. An export with one row per ticket is the same case: the
order is constant, and only a ticket listed twice needs its rows numbered.

The caller shapes the rows kept (trimming, converting, renaming) with a SELECT over them,
in the same statement: the export's text is never stored twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from csi_tool.tickets.engine import run

if TYPE_CHECKING:  # imported where a query runs (see tickets/engine.py)
    import duckdb

UPDATES = "csi_updates"  # how many rows of the export the ticket had
TIED = "csi_tied"
_TIES = "csi_ties"
_LOWEST = -(2**63)

# shape(relation) → "SELECT … FROM relation": the raw columns (as the export names them)
# in, the table's columns out, among them `id`; it passes UPDATES and csi_tied through.
Shape = Callable[[str], str]


def collapse_to_latest(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    reader: str,
    parameters: dict[str, Any],
    columns: list[str],
    ticket_key: str,
    event_order: str | None,
    shape: Shape,
) -> int:
    """Create `table`, one shaped row per ticket (raises duckdb.Error on unreadable input);
    return the number of rows the export has. `ticket_key` is the SQL of a row's ticket id
    over the raw columns, as `shape` makes the column `id`."""
    order = (
        f"coalesce(TRY_CAST({quoted(event_order)} AS BIGINT), {_LOWEST})" if event_order else "0"
    )
    kept = sorted(set(columns))
    projected = ", ".join(quoted(c) for c in kept)
    packed = ", ".join(f"{quoted(c)} := {quoted(c)}" for c in kept)
    grouped = (
        f"(SELECT unnest(latest), {UPDATES}, len(top) = 2 AND top[1] = top[2] AS {TIED} FROM ("
        f"SELECT arg_max(struct_pack({packed}), csi_order) AS latest, "
        f"max(csi_order, 2) AS top, count(*) AS {UPDATES} FROM (SELECT {projected}, "
        f"{order} AS csi_order, {ticket_key} AS csi_ticket FROM {reader}) GROUP BY csi_ticket))"
    )
    run(connection, f"CREATE TABLE {table} AS {shape(grouped)}", parameters)
    rows = int(run(connection, f"SELECT coalesce(sum({UPDATES}), 0) FROM {table}")[0][0])
    if run(connection, f"SELECT count(*) FROM {table} WHERE {TIED}")[0][0]:
        tied = (
            f"(SELECT unnest(latest), 0 AS {UPDATES}, false AS {TIED} FROM (SELECT arg_max("
            f"struct_pack({packed}), {{'order': csi_order, 'row': csi_row}}) AS latest FROM ("
            f"SELECT {projected}, {order} AS csi_order, {ticket_key} AS csi_ticket, "
            f"row_number() OVER () AS csi_row FROM {reader}) WHERE csi_ticket IN "
            f"(SELECT id FROM {table} WHERE {TIED}) GROUP BY csi_ticket))"
        )
        _replace_rows(connection, table, shape(tied), parameters)
    run(connection, f"ALTER TABLE {table} DROP COLUMN {TIED}")
    run(connection, f"ALTER TABLE {table} DROP COLUMN {UPDATES}")
    return rows


def _replace_rows(
    connection: duckdb.DuckDBPyConnection, table: str, rows: str, parameters: dict[str, Any]
) -> None:
    """Put the rows of a query in place of the table's rows with the same id."""
    names = [r[0] for r in run(connection, f"DESCRIBE {table}")]
    settable = [n for n in names if n not in ("id", UPDATES, TIED)]
    run(connection, f"CREATE TEMPORARY TABLE {_TIES} AS {rows}", parameters)
    assignments = ", ".join(f"{quoted(n)} = {_TIES}.{quoted(n)}" for n in settable)
    run(
        connection,
        f"UPDATE {table} SET {assignments}, {TIED} = false FROM {_TIES} "
        f"WHERE {table}.id = {_TIES}.id",
    )
    run(connection, f"DROP TABLE {_TIES}")


def first_lines(
    connection: duckdb.DuckDBPyConnection,
    reader: str,
    parameters: dict[str, Any],
    column: str,
    values: list[str],
) -> list[tuple[int, str]]:
    """(row, value) of the first rows holding any of `values` in `column`: a numbered pass,
    paid only when there is something to point at."""
    return [
        (int(row), str(value))
        for row, value in run(
            connection,
            f"SELECT csi_row, {quoted(column)} FROM (SELECT {quoted(column)}, "
            f"row_number() OVER () AS csi_row FROM {reader}) "
            f"WHERE list_contains($bad_values, {quoted(column)}) ORDER BY csi_row LIMIT 5",
            {**parameters, "bad_values": values},
        )
    ]


def quoted(identifier: str) -> str:
    """A column name as a quoted SQL identifier: a name from a policy is never SQL text."""
    return '"' + identifier.replace('"', '""') + '"'
