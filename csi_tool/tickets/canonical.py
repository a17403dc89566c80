"""One row per ticket in canonical fields, from an export as it comes, inside the engine.

The export is read as text (nothing guessed: CSV with its dialect fixed and strict, typed
formats cast to text), its header checked against the profile, an event log collapsed to
each ticket's last row, and every value converted by the profile's rules. A date that does
not parse, a count that is not a whole number or a flag that is neither true nor false is a
finding with its row, never a silent empty value (a measure would count it as nothing); a
malformed or truncated CSV is a finding at the line DuckDB stopped on.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from csi_tool.errors import Finding, FindingsError
from csi_tool.policies.sources import ExportFormat
from csi_tool.tickets.engine import run
from csi_tool.tickets.latest import TIED, UPDATES, collapse_to_latest, first_lines, quoted
from csi_tool.tickets.profiles import BOOLEANS, CANONICAL, COUNTS, DATES, REQUIRED, Profile
from csi_tool.tickets.sources import PreparedSource

if TYPE_CHECKING:
    import duckdb

TABLE = "tickets"


@dataclass(frozen=True)
class LoadedTickets:
    """What a source gave: its rows, its tickets, and the canonical fields it lacks."""

    rows: int
    tickets: int
    missing_fields: tuple[str, ...]


def load_tickets(
    connection: duckdb.DuckDBPyConnection,
    source: PreparedSource,
    fields: Collection[str] = CANONICAL,
) -> LoadedTickets:
    """Create the `tickets` table from one prepared source (one row per ticket), with every
    canonical field; only those in `fields` are read from the export (the rest are NULL),
    so an analysis pays for the columns it uses alone."""
    import duckdb  # here: see tickets/engine.py

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
                    f"the {profile.name} profile needs the column(s) {', '.join(wanted)}; "
                    + _header_text(source, header),
                )
            ]
        )
    missing = tuple(name for name in CANONICAL if name not in mapped)
    mapped = {f: column for f, column in mapped.items() if f in fields or f == "id"}
    parameters = {**parameters, "formats": list(profile.date_formats)}
    columns = [*mapped.values(), *([profile.event_order] if profile.event_order else [])]
    try:
        rows = collapse_to_latest(
            connection,
            TABLE,
            reader,
            parameters,
            columns,
            _cleaned(mapped["id"]),
            profile.event_order,
            lambda relation: _shaped(relation, mapped, profile),
        )
    except duckdb.Error as e:
        raise FindingsError([_read_finding(e, source)]) from e
    if rows == 0:
        raise FindingsError([Finding(source.shown, 1, 1, "", "has a header but no rows")])
    run(connection, f"DELETE FROM {TABLE} WHERE id IS NULL")
    unparsed = [name for name in _CHECKED if name in mapped]
    _refuse_unconverted(connection, reader, parameters, mapped, source, unparsed)
    tickets = run(connection, f"SELECT count(*) FROM {TABLE}")[0][0]
    return LoadedTickets(rows, int(tickets), missing)


def _cleaned(column: str) -> str:
    """A raw value with the blanks at its ends dropped; blank or a null token: NULL. (Only a
    value with a blank at an end is trimmed: trimming every one would copy each.)"""
    raw = quoted(column)
    text = (
        f"CASE WHEN {raw} = '' THEN NULL WHEN {raw} LIKE ' %' OR {raw} LIKE '% ' "
        f"THEN nullif(trim({raw}), '') ELSE {raw} END"
    )
    return f"CASE WHEN list_contains($nulls, {text}) THEN NULL ELSE {text} END"


def _shaped(relation: str, mapped: dict[str, str], profile: Profile) -> str:
    """The canonical fields of the rows of `relation` (raw columns as the export names them),
    and each value that does not convert kept as text to be named (csi_unparsed_…)."""
    used = sorted(set(mapped.values()))
    passed = f"{UPDATES}, {TIED}"
    cleaned = ", ".join(f"{_cleaned(c)} AS {quoted(c)}" for c in used)
    fields = ", ".join(_expression(name, mapped, profile) for name in CANONICAL)
    fields += "".join(
        f", CASE WHEN ({_converted(name, mapped, profile)}) IS NULL "
        f"THEN {quoted(mapped[name])} END AS csi_unparsed_{name}"
        for name in _CHECKED
        if name in mapped
    )
    return f"SELECT {fields}, {passed} FROM (SELECT {cleaned}, {passed} FROM {relation})"


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
                    f"{', '.join(map(repr, absent))}; " + _header_text(source, header),
                )
            ]
        )


def _header_text(source: PreparedSource, header: list[str]) -> str:
    """What a finding says of the header it read. An export outside the repository (named
    by an environment variable) may be any file on the machine: its first line is not
    repeated, or a wrong variable would print a line of, say, a password file."""
    if source.shown.startswith("$"):
        return f"its first line has {len(header)} field(s), none of them that"
    names = [name if len(name) <= 40 else name[:39] + "…" for name in header[:30]]
    more = f", … {len(header) - 30} more" if len(header) > 30 else ""
    return f"the header has: {', '.join(names)}{more}"


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


_CHECKED = (*DATES, *COUNTS, *BOOLEANS)  # fields whose text must convert, or be a finding


def _expression(name: str, mapped: dict[str, str], profile: Profile) -> str:
    """The SQL for one canonical field, over values already trimmed and nulled."""
    if name not in mapped:
        return f"NULL AS {name}"
    return f"{_converted(name, mapped, profile)} AS {name}"


def _converted(name: str, mapped: dict[str, str], profile: Profile) -> str:
    """A field's value converted from its text; NULL where the text does not convert."""
    column = quoted(mapped[name])
    if name in DATES:
        return f"try_strptime({column}, $formats)"
    if name in COUNTS:
        return f"TRY_CAST({column} AS INTEGER)"
    if name in BOOLEANS:
        true = ", ".join(_literal(token.upper()) for token in profile.true_tokens)
        false = ", ".join(_literal(token.upper()) for token in profile.false_tokens)
        return (
            f"CASE WHEN upper({column}) IN ({true}) THEN true "
            f"WHEN upper({column}) IN ({false}) THEN false END"
        )
    return column


def _why_unconverted(name: str, column: str, value: str, profile: Profile) -> str:
    if name in DATES:
        tried = " or ".join(repr(f) for f in profile.date_formats)
        return f"{column} {value!r} does not match the date format(s) {tried}"
    if name in COUNTS:
        return f"{column} {value!r} is not a whole number"
    true, false = "/".join(profile.true_tokens), "/".join(profile.false_tokens)
    return f"{column} {value!r} is neither true ({true}) nor false ({false})"


def _refuse_unconverted(
    connection: duckdb.DuckDBPyConnection,
    reader: str,
    parameters: dict[str, Any],
    mapped: dict[str, str],
    source: PreparedSource,
    unparsed: list[str],
) -> None:
    """Every date, count and flag csi uses converted, or the first rows that did not are
    findings."""
    if not unparsed:
        return
    columns = [f"csi_unparsed_{name}" for name in unparsed]
    bad = run(
        connection,
        f"SELECT {', '.join(columns)} FROM {TABLE} WHERE "
        + " OR ".join(f"{c} IS NOT NULL" for c in columns)
        + " LIMIT 5",
    )
    if not bad:
        run(connection, "".join(f"ALTER TABLE {TABLE} DROP COLUMN {c};" for c in columns))
        return
    findings = []
    for i, name in enumerate(unparsed):
        values = sorted({row[i] for row in bad if row[i] is not None})
        if not values:
            continue
        for row, value in first_lines(connection, reader, parameters, mapped[name], values):
            line = row + 1 if source.format is ExportFormat.CSV else row  # the header: line 1
            findings.append(
                Finding(
                    source.shown,
                    line,
                    1,
                    "",
                    _why_unconverted(name, mapped[name], value, source.profile),
                )
            )
    raise FindingsError(sorted(findings))


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


def _literal(text: str) -> str:
    """A token as a quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _first(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unreadable"
