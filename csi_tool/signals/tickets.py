"""One row per ticket in canonical fields, from an export as it comes, inside the engine.

The export is read as text (nothing guessed: CSV with its dialect fixed and strict, typed
formats cast to text), its header checked against the profile, an event log collapsed to
each ticket's last row, and every value converted by the profile's rules. A date that does
not parse is a finding with its row and the formats tried, never a silent empty value; a
malformed or truncated CSV is a finding at the line DuckDB stopped on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import duckdb

from csi_tool.errors import ConfigError, Finding, FindingsError
from csi_tool.policies.sources import ExportFormat
from csi_tool.signals.engine import run
from csi_tool.signals.profiles import BOOLEANS, CANONICAL, COUNTS, DATES, REQUIRED, Profile
from csi_tool.signals.sources import PreparedSource

TABLE = "tickets"


@dataclass(frozen=True)
class LoadedTickets:
    """What a source gave: its rows, its tickets, and the canonical fields it lacks."""

    rows: int
    tickets: int
    missing_fields: tuple[str, ...]


def load_tickets(connection: duckdb.DuckDBPyConnection, source: PreparedSource) -> LoadedTickets:
    """Create the `tickets` table from one prepared source (one row per ticket)."""
    reader, parameters = _reader(source)
    try:
        header = [row[0] for row in run(connection, f"DESCRIBE SELECT * FROM {reader}", parameters)]
    except duckdb.Error as e:
        raise FindingsError([_read_finding(e, source)]) from e
    _refuse_unknown_columns(source, header)
    profile = source.profile
    mapped = {field: column for field, column in profile.columns.items() if column in header}
    absent = [f for f in REQUIRED if f not in mapped]
    if absent or (profile.event_order and profile.event_order not in header):
        wanted = [profile.columns.get(f, f) for f in absent] or [str(profile.event_order)]
        raise FindingsError(
            [
                Finding(
                    source.shown,
                    1,
                    1,
                    "",
                    f"the {profile.name} profile needs the column(s) {', '.join(wanted)}; the "
                    f"header has: {', '.join(header)}",
                )
            ]
        )
    rows = _latest_rows(connection, reader, parameters, mapped, profile, source)
    parameters = {**parameters, "formats": list(profile.date_formats)}
    _refuse_unparsed_dates(connection, parameters, mapped, source)
    fields = ", ".join(_expression(name, mapped, profile) for name in CANONICAL)
    run(
        connection,
        f"CREATE TABLE {TABLE} AS SELECT {fields} FROM {_LATEST} "
        f"WHERE {_quoted(mapped['id'])} IS NOT NULL",
        parameters,
    )
    run(connection, f"DROP TABLE {_LATEST}")
    tickets = run(connection, f"SELECT count(*) FROM {TABLE}")[0][0]
    missing = tuple(name for name in CANONICAL if name not in mapped)
    return LoadedTickets(rows, int(tickets), missing)


def _refuse_unknown_columns(source: PreparedSource, header: list[str]) -> None:
    """A column the source names itself must be in the export; say which ones are."""
    absent = [column for column in source.named_columns if column not in header]
    if absent:
        raise FindingsError(
            [
                Finding(
                    source.shown,
                    1,
                    1,
                    "",
                    f"source {source.name!r} names the column(s) "
                    f"{', '.join(map(repr, absent))}; the header has: {', '.join(header)}",
                )
            ]
        )


_LATEST = "csi_latest"  # each ticket's last row, as text, with its line in the export


def _latest_rows(
    connection: duckdb.DuckDBPyConnection,
    reader: str,
    parameters: dict[str, Any],
    mapped: dict[str, str],
    profile: Profile,
    source: PreparedSource,
) -> int:
    """Read the export once: keep each ticket's last row (an event log's latest update; on a
    tie of the event order, the later row); return how many rows the export has."""
    columns = sorted({*mapped.values()})
    # One grouped pass, not a window over every row: arg_max keeps one row per ticket in a
    # hash table, where a window would sort the whole export. The key orders by the event
    # order first (empty or not a number: lowest), then by the row.
    order = (
        f"coalesce(TRY_CAST({_quoted(profile.event_order)} AS BIGINT), {-(2**63)})"
        if profile.event_order
        else "0"
    )
    key = f"{{'order': {order}, 'row': csi_row}}"
    projected = ", ".join(_quoted(c) for c in columns)
    if profile.event_order and profile.event_order not in columns:
        projected += f", {_quoted(profile.event_order)}"
    packed = ", ".join(f"{_quoted(c)} := {_quoted(c)}" for c in columns)
    try:
        run(
            connection,
            f"CREATE TABLE {_LATEST} AS SELECT unnest(latest), csi_updates FROM ("
            f"SELECT arg_max(struct_pack({packed}, csi_row := csi_row), {key}) AS latest, "
            f"count(*) AS csi_updates FROM (SELECT {projected}, row_number() OVER () AS csi_row "
            f"FROM {reader}) GROUP BY {_quoted(mapped['id'])})",
            parameters,
        )
    except duckdb.Error as e:
        raise FindingsError([_read_finding(e, source)]) from e
    rows = run(connection, f"SELECT coalesce(sum(csi_updates), 0) FROM {_LATEST}")[0][0]
    if rows == 0:
        raise FindingsError([Finding(source.shown, 1, 1, "", "has a header but no rows")])
    return int(rows)


def _reader(source: PreparedSource) -> tuple[str, dict[str, Any]]:
    """The table function that reads the source as text, and its bound parameters."""
    parameters: dict[str, Any] = {
        "files": [str(path) for path in source.files],
        "nulls": list(source.profile.null_tokens),
    }
    if source.format is ExportFormat.CSV:
        if len(set(source.header)) != len(source.header):
            twice = sorted({n for n in source.header if source.header.count(n) > 1})
            raise FindingsError(
                [Finding(source.shown, 1, 1, "", f"its header names {twice[0]!r} twice")]
            )
        parameters |= {
            "columns": {name: "VARCHAR" for name in source.header},
            "delim": source.delimiter,
            "encoding": source.encoding,
        }
        return (
            "read_csv($files, header = true, auto_detect = false, columns = $columns, "
            "delim = $delim, quote = '\"', escape = '\"', strict_mode = true, "
            "nullstr = $nulls, encoding = $encoding)",
            parameters,
        )
    function = (
        "read_parquet($files, union_by_name = true)"
        if source.format is ExportFormat.PARQUET
        else "read_json($files, format = 'newline_delimited', union_by_name = true)"
    )
    return f"(SELECT COLUMNS(*)::VARCHAR FROM {function})", parameters  # text, as a CSV


def _expression(name: str, mapped: dict[str, str], profile: Profile) -> str:
    """The SQL for one canonical field (values compared with the null tokens first)."""
    if name not in mapped:
        return f"NULL AS {name}"
    # surrounding blanks dropped, and a blank or null token is no value at all
    raw = f"trim({_quoted(mapped[name])})"
    column = f"(CASE WHEN {raw} = '' OR list_contains($nulls, {raw}) THEN NULL ELSE {raw} END)"
    if name in DATES:
        return f"try_strptime({column}, $formats) AS {name}"
    if name in COUNTS:
        return f"TRY_CAST({column} AS INTEGER) AS {name}"
    if name in BOOLEANS:
        true = ", ".join(_literal(token.upper()) for token in profile.true_tokens)
        false = ", ".join(_literal(token.upper()) for token in profile.false_tokens)
        return (
            f"CASE WHEN upper({column}) IN ({true}) THEN true "
            f"WHEN upper({column}) IN ({false}) THEN false END AS {name}"
        )
    return f"{column} AS {name}"


def _refuse_unparsed_dates(
    connection: duckdb.DuckDBPyConnection,
    parameters: dict[str, Any],
    mapped: dict[str, str],
    source: PreparedSource,
) -> None:
    """Every date csi will use parses, or the first rows that do not are findings."""
    findings = []
    tried = " or ".join(repr(f) for f in source.profile.date_formats)
    for name in DATES:
        if name not in mapped:
            continue
        column = _quoted(mapped[name])
        bad = run(
            connection,
            f"SELECT csi_row, {column} FROM {_LATEST} WHERE {column} IS NOT NULL "
            f"AND NOT list_contains($nulls, {column}) "
            f"AND try_strptime({column}, $formats) IS NULL ORDER BY csi_row LIMIT 5",
            parameters,
        )
        for row, value in bad:
            line = int(row) + 1 if source.format is ExportFormat.CSV else int(row)
            findings.append(
                Finding(
                    source.shown,
                    line,  # a CSV's header is line 1
                    1,
                    "",
                    f"{mapped[name]} {value!r} does not match the date format(s) {tried}",
                )
            )
    if findings:
        raise FindingsError(findings)


_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_CSV_FILE = re.compile(r"^\s*file = (.+)$", re.MULTILINE)
# What DuckDB says is wrong with a row, as opposed to the row it quotes.
_REASONS = re.compile(
    r"Expected Number of Columns.*|Value with unterminated quote.*|Invalid unicode.*"
    r"|Maximum line size.*",
    re.IGNORECASE,
)


def _read_finding(error: duckdb.Error, source: PreparedSource) -> Finding:
    """DuckDB's reading error as a finding at its file and line, in a sentence."""
    text = str(error)
    file = _CSV_FILE.search(text)
    shown = source.names.get(file.group(1).strip(), source.shown) if file else source.shown
    line = _CSV_LINE.search(text)
    if line is None:
        return Finding(shown, 1, 1, "", f"cannot be read as {source.format}: {_first(text)}")
    reasons = [m.group(0).strip() for m in map(_REASONS.match, text.splitlines()[2:]) if m]
    reason = reasons[0].rstrip(".") if reasons else "a malformed row: it cannot be read as CSV"
    if reason.lower().startswith("invalid unicode"):
        reason = f"is not {source.encoding} text; set the source's encoding"
    return Finding(shown, int(line.group(1)), 1, "", reason)


def _quoted(identifier: str | None) -> str:
    """A column name as a quoted SQL identifier: a name from a policy is never SQL text."""
    if identifier is None:
        raise ConfigError("no column given")
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    """A token as a quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _first(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unreadable"
