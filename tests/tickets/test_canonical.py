"""Canonical tickets from exports as they come: the real ServiceNow event log, a Jira-shaped
export, a generic mapping, every file format, and bad input, all inside the sandboxed engine."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import Workbook

from csi_tool.errors import ConfigError, FindingsError
from csi_tool.policies.sources import SourceSpec
from csi_tool.tickets.canonical import LoadedTickets, load_tickets
from csi_tool.tickets.engine import run, sandboxed
from csi_tool.tickets.sources import prepared_source
from tests.signals.exports import (
    REAL_EXPORT,
    SERVICENOW_HEADER,
    final_rows_of_the_real_export,
    servicenow_row,
    write_csv,
)

needs_real_export = pytest.mark.skipif(
    not REAL_EXPORT.is_file(), reason="the real ServiceNow export is in ../shared/data, absent here"
)
OPENED = dt.datetime(2026, 3, 2, 9, 30)


def _spec(**fields: Any) -> SourceSpec:
    return SourceSpec.model_validate({"name": "incidents", "profile": "servicenow", **fields})


def _tickets(
    root: Path, spec: SourceSpec, sql: str, environ: dict[str, str] | None = None
) -> tuple[LoadedTickets, list[tuple[Any, ...]]]:
    """Load a source and run one query over its tickets."""
    with prepared_source(spec, root, environ or {}) as source, sandboxed(source.files) as engine:
        loaded = load_tickets(engine, source)
        return loaded, run(engine, sql)


def _refusal(root: Path, spec: SourceSpec, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(FindingsError) as refused:
        _tickets(root, spec, "SELECT 1", environ)
    [finding] = refused.value.findings
    return f"{finding.path}:{finding.line}: {finding.message}"


@needs_real_export
def test_the_real_servicenow_event_log_collapses_to_its_incidents() -> None:
    expected = final_rows_of_the_real_export()
    spec = _spec(env="CSI_EXPORT")
    environ = {"CSI_EXPORT": str(REAL_EXPORT)}
    loaded, states = _tickets(
        REAL_EXPORT.parent, spec, "SELECT state, count(*) FROM tickets GROUP BY state", environ
    )
    assert (loaded.rows, loaded.tickets) == (5998, 890) == (5998, len(expected))
    assert dict(states) == dict(Counter(row["incident_state"] for row in expected.values()))
    _, sums = _tickets(
        REAL_EXPORT.parent,
        spec,
        "SELECT sum(reopen_count), count(*) FILTER (sla_met), count(*) FILTER (problem_id "
        "IS NULL) FROM tickets",
        environ,
    )
    assert sums[0] == (
        sum(int(row["reopen_count"]) for row in expected.values()),
        sum(row["made_sla"] == "TRUE" for row in expected.values()),
        sum(row["problem_id"] == "?" for row in expected.values()),
    )
    _, opened = _tickets(
        REAL_EXPORT.parent,
        spec,
        "SELECT id, strftime(opened_at, '%Y-%m-%d %H:%M') FROM tickets",
        environ,
    )
    for number, text in opened:  # 29-02-2016 01:16 read day first
        day, month, rest = expected[number]["opened_at"].split("-", 2)
        year, time = rest.split(" ")
        assert text == f"{year}-{month}-{day} {time}", number
    assert "short_description" in loaded.missing_fields


def test_a_jira_shaped_export_reads_one_row_per_issue(tmp_path: Path) -> None:
    (tmp_path / "jira.csv").write_text(
        "Issue key,Summary,Status,Created,Resolved,Priority,Request Type,"
        "Time to resolution SLA met\n"
        "SD-1,VPN down,Resolved,21/Mar/24 3:05 PM,22/Mar/24 9:00 AM,High,Access,Yes\n"
        "SD-2,Laptop slow,Open,22/Mar/24 10:30 AM,,Low,Hardware,\n"
    )
    spec = _spec(path="jira.csv", profile="jira-service-management")
    loaded, rows = _tickets(
        tmp_path,
        spec,
        "SELECT id, state, sla_met, resolved_at, short_description FROM tickets ORDER BY id",
    )
    assert (loaded.rows, loaded.tickets) == (2, 2)
    assert rows == [
        ("SD-1", "Resolved", True, dt.datetime(2024, 3, 22, 9, 0), "VPN down"),
        ("SD-2", "Open", None, None, "Laptop slow"),
    ]


def test_a_generic_mapping_with_its_own_delimiter_dates_and_event_log(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "tickets.csv").write_text(
        "Ref;Raised;Stage;Team;Version\n"
        "T-1;2026-03-01 08:00;open;Network;1\n"
        "T-1;2026-03-01 08:00;fixed;Network;2\n"
        "T-2;01.03.2026;n/a;Desktop;1\n"
    )
    spec = _spec(
        path="exports/*.csv",
        profile="generic",
        delimiter=";",
        columns={"id": "Ref", "opened_at": "Raised", "state": "Stage", "assignment_group": "Team"},
        date_formats=["%Y-%m-%d %H:%M", "%d.%m.%Y"],
        null_tokens=["n/a"],
        event_log={"latest_by": "Version"},
    )
    loaded, rows = _tickets(
        tmp_path, spec, "SELECT id, state, opened_at, assignment_group FROM tickets ORDER BY id"
    )
    assert (loaded.rows, loaded.tickets) == (3, 2)
    assert rows == [
        ("T-1", "fixed", dt.datetime(2026, 3, 1, 8, 0), "Network"),
        ("T-2", None, dt.datetime(2026, 3, 1), "Desktop"),
    ]


def _servicenow_rows() -> list[list[str]]:
    return servicenow_row("INC1", OPENED) + servicenow_row("INC2", OPENED, category="Network")


@pytest.mark.parametrize("form", ["parquet", "jsonl", "xlsx"])
def test_parquet_json_lines_and_xlsx_read_like_csv(tmp_path: Path, form: str) -> None:
    rows = _servicenow_rows()
    export = tmp_path / f"export.{form}"
    if form == "xlsx":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(SERVICENOW_HEADER)
        for row in rows:  # dates as real dates, counts as numbers: how Excel keeps them
            cells: list[Any] = list(row)
            cells[4] = int(row[4])
            cells[6] = dt.datetime.strptime(row[6], "%d-%m-%Y %H:%M")
            sheet.append(cells)
        book.save(export)
    else:
        write_csv(tmp_path / "plain.csv", SERVICENOW_HEADER, rows)
        with duckdb.connect() as convert:
            copy = "(FORMAT parquet)" if form == "parquet" else "(FORMAT json)"
            convert.execute(
                f"COPY (SELECT * FROM read_csv('{tmp_path / 'plain.csv'}', all_varchar = true))"
                f" TO '{export}' {copy}"
            )
    spec = _spec(path=export.name, format=form)
    loaded, tickets = _tickets(
        tmp_path, spec, "SELECT id, category, state, opened_at FROM tickets ORDER BY id"
    )
    assert (loaded.rows, loaded.tickets) == (4, 2)
    assert tickets == [
        ("INC1", "Software", "Closed", OPENED),
        ("INC2", "Network", "Closed", OPENED),
    ]


def test_an_export_in_windows_1252_is_read_when_the_source_says_so(tmp_path: Path) -> None:
    rows = servicenow_row("INC1", OPENED, category="Café")
    write_csv(tmp_path / "export.csv", SERVICENOW_HEADER, rows, encoding="cp1252")
    spec = _spec(path="export.csv", encoding="cp1252")
    _, categories = _tickets(tmp_path, spec, "SELECT category FROM tickets")
    assert categories == [("Café",)]
    assert "is not utf-8 text" in _refusal(tmp_path, _spec(path="export.csv"))


def test_a_missing_column_names_what_the_header_has(tmp_path: Path) -> None:
    (tmp_path / "wrong.csv").write_text("ticket,opened,status\nA,1,New\n")
    message = _refusal(tmp_path, _spec(path="wrong.csv"))
    assert "needs the column(s) number, opened_at, incident_state" in message
    assert "the header has: ticket, opened, status" in message
    override = _spec(path="wrong.csv", columns={"id": "ticket", "category": "Kategorie"})
    assert _refusal(tmp_path, override) == (
        "wrong.csv:1: source 'incidents' names the column(s) 'Kategorie'; the header has: "
        "ticket, opened, status"
    )


def test_a_date_that_does_not_parse_names_its_row_and_format(tmp_path: Path) -> None:
    (tmp_path / "dates.csv").write_text(
        "number,incident_state,opened_at,sys_mod_count\n"
        "INC1,New,29-02-2016 01:16,0\n"
        "INC2,New,2016-03-01T10:00,0\n"
    )
    assert _refusal(tmp_path, _spec(path="dates.csv")) == (
        "dates.csv:3: opened_at '2016-03-01T10:00' does not match the date format(s) "
        "'%d-%m-%Y %H:%M' or '%d-%m-%Y %H:%M:%S'"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "export.csv:1: is empty: no header, no tickets"),
        (
            b"number,incident_state,opened_at,sys_mod_count\n",
            "export.csv:1: has a header but no rows",
        ),
        (  # cut off in the middle of a row, as an interrupted download leaves it
            b"number,incident_state,opened_at,sys_mod_count\nINC1,New,29-02-2016 01:16,0\nINC2,Ne",
            "export.csv:3: Expected Number of Columns: 4 Found: 2",
        ),
        (
            b'number,incident_state,opened_at,sys_mod_count\nINC1,"New,29-02-2016 01:16,0\n',
            "export.csv:2: Value with unterminated quote found",
        ),
    ],
)
def test_empty_and_truncated_exports_are_findings(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    (tmp_path / "export.csv").write_bytes(content)
    assert _refusal(tmp_path, _spec(path="export.csv")) == expected


def test_a_location_that_matches_nothing_is_a_clear_error(tmp_path: Path) -> None:
    for spec, environ, message in (
        (_spec(path="exports/*.csv"), {}, "source 'incidents': exports/*.csv matches no file"),
        (_spec(env="CSI_EXPORT"), {}, "the environment variable CSI_EXPORT is not set"),
        (
            _spec(env="CSI_EXPORT"),
            {"CSI_EXPORT": " "},
            "the environment variable CSI_EXPORT is empty",
        ),
        (
            _spec(env="CSI_EXPORT"),
            {"CSI_EXPORT": str(tmp_path)},
            "the path in $CSI_EXPORT is a folder; name the export file in it",
        ),
        (
            _spec(env="CSI_EXPORT"),
            {"CSI_EXPORT": str(tmp_path / "gone.csv")},
            "the path in $CSI_EXPORT matches no file",
        ),
    ):
        with pytest.raises(ConfigError) as refused:
            _tickets(tmp_path, spec, "SELECT 1", environ)
        assert message in str(refused.value)
        assert "gone.csv" not in str(refused.value)  # the variable's value is never shown


def test_a_path_source_cannot_follow_a_link_out_of_the_register(tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    write_csv(outside, SERVICENOW_HEADER, _servicenow_rows())
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "export.csv").symlink_to(outside)
    with pytest.raises(FindingsError) as refused:  # the repository's export: a finding
        _tickets(tmp_path / "repo", _spec(path="export.csv"), "SELECT 1")
    [finding] = refused.value.findings
    assert finding.path == "export.csv" and "leads outside the register" in finding.message


def test_the_engine_reads_only_the_declared_files(tmp_path: Path) -> None:
    declared, secret = tmp_path / "declared.csv", tmp_path / "secret.csv"
    declared.write_text("a\n1\n")
    secret.write_text("password\nhunter2\n")
    with sandboxed([declared]) as engine:
        assert run(engine, "SELECT count(*) FROM read_csv(?)", [str(declared)]) == [(1,)]
        for sql, parameters in (
            ("SELECT * FROM read_csv(?)", [str(secret)]),
            ("SELECT * FROM read_csv(?)", ["https://example.invalid/x.csv"]),
            ("COPY (SELECT 1) TO '" + str(tmp_path / "out.csv") + "'", []),
            ("INSTALL httpfs", []),
            ("SET enable_external_access = true", []),
            ("SET allowed_paths = ['/']", []),
            ("SET memory_limit = '100GB'", []),
        ):
            with pytest.raises(duckdb.Error):
                run(engine, sql, parameters)
    assert not (tmp_path / "out.csv").exists()


def test_a_column_name_from_a_policy_is_never_sql(tmp_path: Path) -> None:
    hostile = "x\" FROM read_csv('/etc/passwd') --"
    write_csv(
        tmp_path / "export.csv",
        [*SERVICENOW_HEADER, hostile],
        [[*row, "v"] for row in _servicenow_rows()],
    )
    spec = _spec(path="export.csv", columns={"short_description": hostile})
    _, rows = _tickets(tmp_path, spec, "SELECT DISTINCT short_description FROM tickets")
    assert rows == [("v",)]


def test_a_runaway_query_is_stopped(tmp_path: Path) -> None:
    with sandboxed([]) as engine, pytest.raises(ConfigError, match="was stopped"):
        run(engine, "SELECT count(*) FROM range(100000000000) a, range(1000) b", seconds=0.5)


def test_a_query_that_outlives_its_time_is_over_time_even_if_the_interrupt_came_early(
    tmp_path: Path,
) -> None:
    """An interrupt sent before DuckDB starts listening is lost; the clock still decides."""
    with sandboxed([]) as engine, pytest.raises(ConfigError, match="ran past 1e-09 s"):
        run(engine, "SELECT sum(range) FROM range(100000)", seconds=1e-9)
