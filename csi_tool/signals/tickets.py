"""One row per ticket in canonical fields, from an export as it comes, inside the engine.

The export is read as text (nothing guessed), its header checked against the profile, an
event log collapsed to each ticket's last row, and every value converted by the profile's
rules. A date that does not parse is a finding with its row and the format tried, never a
silent empty value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from csi_tool.errors import ConfigError, Finding, FindingsError
from csi_tool.signals.engine import run
from csi_tool.signals.profiles import BOOLEANS, CANONICAL, COUNTS, DATES, REQUIRED, Profile

TABLE = "tickets"


@dataclass(frozen=True)
class LoadedTickets:
    """What a source gave: its rows, its tickets, and the canonical fields it lacks."""

    rows: int
    tickets: int
    missing_fields: tuple[str, ...]


def load_tickets(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    shown: str,
    profile: Profile,
    delimiter: str = ",",
) -> LoadedTickets:
    """Create the `tickets` table from one export file (one row per ticket)."""
    reader = "read_csv($1, header = true, all_varchar = true, delim = $2, nullstr = $3)"
    source: list[object] = [str(path), delimiter, list(profile.null_tokens)]
    try:
        header = [row[0] for row in run(connection, f"DESCRIBE SELECT * FROM {reader}", source)]
    except duckdb.Error as e:
        raise FindingsError(
            [Finding(shown, 1, 1, "", f"cannot be read as CSV: {_first(e)}")]
        ) from e
    mapped = {field: column for field, column in profile.columns.items() if column in header}
    absent = [f for f in REQUIRED if f not in mapped]
    if absent or (profile.event_order and profile.event_order not in header):
        wanted = [profile.columns.get(f, f) for f in absent] or [str(profile.event_order)]
        raise FindingsError(
            [
                Finding(
                    shown,
                    1,
                    1,
                    "",
                    f"the {profile.name} profile needs the column(s) {', '.join(wanted)}; the "
                    f"header has: {', '.join(header)}",
                )
            ]
        )
    numbered = f"SELECT *, row_number() OVER () AS csi_row FROM {reader}"
    order = (  # the last update wins; on a tie of the event order, the later row
        f"TRY_CAST({_quoted(profile.event_order)} AS BIGINT) DESC NULLS LAST, csi_row DESC"
        if profile.event_order
        else "csi_row DESC"
    )
    latest = (
        f"SELECT * FROM ({numbered}) QUALIFY row_number() OVER "
        f"(PARTITION BY {_quoted(mapped['id'])} ORDER BY {order}) = 1"
    )
    _refuse_unparsed_dates(connection, numbered, source, mapped, profile, shown)
    fields = ", ".join(_expression(name, mapped, profile) for name in CANONICAL)
    run(
        connection,
        f"CREATE TABLE {TABLE} AS SELECT {fields} FROM ({latest})",
        [*source, profile.date_format],
    )
    rows = run(connection, f"SELECT count(*) FROM {reader}", source)[0][0]
    tickets = run(connection, f"SELECT count(*) FROM {TABLE}")[0][0]
    missing = tuple(name for name in CANONICAL if name not in mapped)
    return LoadedTickets(int(rows), int(tickets), missing)


def _expression(name: str, mapped: dict[str, str], profile: Profile) -> str:
    """The SQL for one canonical field (the date format is the statement's last parameter)."""
    if name not in mapped:
        return f"NULL AS {name}"
    column = _quoted(mapped[name])
    if name in DATES:
        # positional parameters: the date format follows the reader's three
        return f"try_strptime({column}, $4) AS {name}"
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
    numbered: str,
    source: list[object],
    mapped: dict[str, str],
    profile: Profile,
    shown: str,
) -> None:
    findings = []
    for name in DATES:
        if name not in mapped:
            continue
        column = _quoted(mapped[name])
        bad = run(
            connection,
            f"SELECT csi_row, {column} FROM ({numbered}) WHERE {column} IS NOT NULL "
            f"AND try_strptime({column}, $4) IS NULL ORDER BY csi_row LIMIT 5",
            [*source, profile.date_format],
        )
        for row, value in bad:
            findings.append(
                Finding(
                    shown,
                    int(row) + 1,  # the header is line 1
                    1,
                    "",
                    f"{mapped[name]} {value!r} does not match the date format "
                    f"{profile.date_format!r}",
                )
            )
    if findings:
        raise FindingsError(findings)


def _quoted(identifier: str | None) -> str:
    """A column name as a quoted SQL identifier: a name from a policy is never SQL text."""
    if identifier is None:
        raise ConfigError("no column given")
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    """A token as a quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _first(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
