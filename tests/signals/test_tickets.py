"""Canonical tickets from exports as they come: the real ServiceNow event log, a Jira-shaped
export, and bad input, all inside the sandboxed engine."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from csi_tool.errors import FindingsError
from csi_tool.signals.engine import run, sandboxed
from csi_tool.signals.profiles import JIRA_SERVICE_MANAGEMENT, SERVICENOW
from csi_tool.signals.tickets import load_tickets
from tests.conftest import PROJECT

EVENT_LOG = PROJECT.parent / "shared" / "data" / "servicenow-incident-event-log"
REAL = EVENT_LOG / "incident_event_log.csv"
needs_real_export = pytest.mark.skipif(
    not REAL.is_file(), reason="the real ServiceNow export is in ../shared/data, absent here"
)


def _independent_final_rows() -> dict[str, dict[str, str]]:
    """Each incident's last update by sys_mod_count, then file order: plain Python."""
    final: dict[str, tuple[int, int, dict[str, str]]] = {}
    with REAL.open(newline="", encoding="utf-8") as stream:
        for position, row in enumerate(csv.DictReader(stream)):
            key = (int(row["sys_mod_count"]), position)
            if row["number"] not in final or key > final[row["number"]][:2]:
                final[row["number"]] = (*key, row)
    return {number: row for number, (_, _, row) in final.items()}


@needs_real_export
def test_the_real_servicenow_event_log_collapses_to_its_incidents() -> None:
    expected = _independent_final_rows()
    with sandboxed([REAL]) as engine:
        loaded = load_tickets(engine, REAL, "incident_event_log.csv", SERVICENOW)
        assert (loaded.rows, loaded.tickets) == (5998, 890) == (5998, len(expected))
        states = dict(run(engine, "SELECT state, count(*) FROM tickets GROUP BY state"))
        assert states == dict(Counter(row["incident_state"] for row in expected.values()))
        reopened = run(engine, "SELECT sum(reopen_count), count(*) FILTER (sla_met) FROM tickets")
        assert reopened[0] == (
            sum(int(row["reopen_count"]) for row in expected.values()),
            sum(row["made_sla"] == "TRUE" for row in expected.values()),
        )
        opened = run(engine, "SELECT id, strftime(opened_at, '%Y-%m-%d %H:%M') FROM tickets")
        day_first = {number: row["opened_at"] for number, row in expected.items()}
        for number, text in opened:  # 29-02-2016 01:16 read day first
            day, month, rest = day_first[number].split("-", 2)
            year, time = rest.split(" ")
            assert text == f"{year}-{month}-{day} {time}", number
        nulls = run(engine, "SELECT count(*) FROM tickets WHERE problem_id IS NULL")[0][0]
        assert nulls == sum(row["problem_id"] == "?" for row in expected.values())
    assert "short_description" in loaded.missing_fields


def test_a_jira_shaped_export_reads_one_row_per_issue(tmp_path: Path) -> None:
    export = tmp_path / "jira.csv"
    export.write_text(
        "Issue key,Summary,Status,Created,Resolved,Priority,Request Type,"
        "Time to resolution SLA met\n"
        "SD-1,VPN down,Resolved,21/Mar/24 3:05 PM,22/Mar/24 9:00 AM,High,Access,Yes\n"
        "SD-2,Laptop slow,Open,22/Mar/24 10:30 AM,,Low,Hardware,\n"
    )
    with sandboxed([export]) as engine:
        loaded = load_tickets(engine, export, "jira.csv", JIRA_SERVICE_MANAGEMENT)
        assert (loaded.rows, loaded.tickets) == (2, 2)
        rows = run(
            engine, "SELECT id, state, sla_met, resolved_at IS NULL FROM tickets ORDER BY id"
        )
        assert rows == [("SD-1", "Resolved", True, False), ("SD-2", "Open", None, True)]


def test_a_missing_column_names_what_the_header_has(tmp_path: Path) -> None:
    export = tmp_path / "wrong.csv"
    export.write_text("ticket,opened,status\nA,1,New\n")
    with sandboxed([export]) as engine, pytest.raises(FindingsError) as refused:
        load_tickets(engine, export, "wrong.csv", SERVICENOW)
    message = refused.value.findings[0].message
    assert "needs the column(s) number, opened_at, incident_state" in message
    assert "the header has: ticket, opened, status" in message


def test_a_date_that_does_not_parse_names_its_row_and_format(tmp_path: Path) -> None:
    export = tmp_path / "dates.csv"
    export.write_text(
        "number,incident_state,opened_at,sys_mod_count\n"
        "INC1,New,29-02-2016 01:16,0\n"
        "INC2,New,2016-03-01T10:00,0\n"
    )
    with sandboxed([export]) as engine, pytest.raises(FindingsError) as refused:
        load_tickets(engine, export, "dates.csv", SERVICENOW)
    [finding] = refused.value.findings
    assert (finding.path, finding.line) == ("dates.csv", 3)
    assert "'2016-03-01T10:00' does not match the date format '%d-%m-%Y %H:%M'" in finding.message


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
        ):
            with pytest.raises(duckdb.Error):
                run(engine, sql, parameters)
    assert not (tmp_path / "out.csv").exists()


def test_a_runaway_query_is_stopped(tmp_path: Path) -> None:
    with sandboxed([]) as engine, pytest.raises(Exception, match="was stopped"):
        run(engine, "SELECT count(*) FROM range(100000000000) a, range(1000) b", seconds=0.5)
