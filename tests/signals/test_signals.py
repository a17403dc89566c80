"""`csi signals` end to end on exports whose opportunities are known, and on the real one."""

from __future__ import annotations

import datetime as dt
import statistics
from pathlib import Path
from typing import Any

import pytest

from csi_tool.records.models import Record
from csi_tool.signals.finder import SourceSignals, find_signals
from csi_tool.signals.signal import Signal, SignalKind, evidence_of
from tests.signals.exports import (
    REAL_EXPORT,
    SERVICENOW_HEADER,
    final_rows_of_the_real_export,
    policies_of,
    servicenow_row,
    sources_policy,
    write_csv,
)

START = dt.datetime(2026, 3, 1, 8, 0)


def known_export(path: Path, extra_email: int = 0) -> None:
    """Software is healthy; Network breaches, bounces and is slow; Email is rising; one
    problem and one change stand behind several incidents."""
    rows: list[list[str]] = []
    for i in range(60):
        opened = START + dt.timedelta(hours=11 * i)
        rows += servicenow_row(f"INC1{i:03}", opened, reopened=1 if i % 10 == 0 else 0)
    for i in range(40):
        rows += servicenow_row(
            f"INC2{i:03}",
            START + dt.timedelta(hours=16 * i + 3),
            category="Network",
            group="Network Ops",
            made_sla=i % 4 == 0,
            reassigned=4 if i % 2 else 0,
            reopened=1 if i % 10 == 0 else 0,
            hours=40,
            problem="PRB0001" if i < 5 else "?",
        )
    for i in range(22 + extra_email):  # 2 in the first half of March, the rest in the second
        opened = (
            START + dt.timedelta(days=1 + i) if i < 2 else START + dt.timedelta(days=16, hours=i)
        )
        rows += servicenow_row(
            f"INC3{i:03}", opened, category="Email", change="CHG0042" if i < 4 else "?"
        )
    rows += servicenow_row("INC9999", START + dt.timedelta(days=27), category="Software")
    write_csv(path, SERVICENOW_HEADER, rows)


def _signals(root: Path, records: tuple[Record, ...] = ()) -> SourceSignals:
    [result] = find_signals(root, policies_of(root), map(evidence_of, records), environ={})
    return result


def _by_kind(result: SourceSignals, kind: SignalKind) -> list[Signal]:
    return [s for s in result.signals if s.kind is kind]


@pytest.fixture
def data_root(register_root: Path) -> Path:
    known_export(register_root / "exports" / "incidents.csv")
    sources_policy(
        register_root,
        "sources:\n"
        "  - name: incidents\n"
        "    path: exports/*.csv\n"
        "    profile: servicenow\n"
        "    cost: {hours_per_ticket: 2, hourly_rate: 50, currency: EUR}\n",
    )
    return register_root


def test_the_known_opportunities_are_found_and_nothing_else(data_root: Path) -> None:
    result = _signals(data_root)
    assert (result.loaded.rows, result.loaded.tickets) == (2 * 123, 123)
    flagged = {(s.kind, s.value) for s in result.signals if s.kind is not SignalKind.CLUSTER}
    assert flagged == {
        (SignalKind.SLA_BREACH, "Network"),
        (SignalKind.SLA_BREACH, "Network Ops"),
        (SignalKind.PING_PONG, "Network"),
        (SignalKind.PING_PONG, "Network Ops"),
        (SignalKind.SLOW_RESOLUTION, "Network"),
        (SignalKind.SLOW_RESOLUTION, "Network Ops"),
        (SignalKind.RISING_VOLUME, "Email"),
        (SignalKind.PROBLEM, "PRB0001"),
        (SignalKind.CHANGE, "CHG0042"),
    }
    [breach] = [s for s in _by_kind(result, SignalKind.SLA_BREACH) if s.field == "category"]
    assert (breach.affected, breach.tickets) == (30, 40)
    assert breach.figures["rate"] == 0.75 and breach.figures["rest_rate"] == 0.0
    assert breach.examples == ("INC2001", "INC2002", "INC2003", "INC2005", "INC2006")
    # cost: the 30 breaches above the others' rate of none, at 2 hours and 50 EUR each
    assert breach.cost == 30 * 2 * 50
    assert "Wilson score interval at 95%, Bonferroni-corrected" in breach.method
    [rise] = _by_kind(result, SignalKind.RISING_VOLUME)
    assert (rise.figures["earlier"], rise.figures["later"]) == (2, 20)
    [problem] = _by_kind(result, SignalKind.PROBLEM)
    assert problem.tickets == 5 and problem.metric.key == "tickets_per_week"


def test_signals_are_ranked_by_cost_and_their_ids_survive_a_refreshed_export(
    data_root: Path,
) -> None:
    first = _signals(data_root)
    costs = [s.cost for s in first.signals]
    assert costs == sorted(costs, reverse=True)
    assert [s.id for s in _signals(data_root).signals] == [s.id for s in first.signals]
    known_export(data_root / "exports" / "incidents.csv", extra_email=6)
    refreshed = {(s.kind, s.field, s.value): s.id for s in _signals(data_root).signals}
    for signal in first.signals:
        assert refreshed.get((signal.kind, signal.field, signal.value), signal.id) == signal.id
    assert len({s.id for s in first.signals}) == len(first.signals)


def test_records_that_cover_a_signal_are_named(data_root: Path) -> None:
    first = _signals(data_root)
    [breach] = [s for s in _by_kind(first, SignalKind.SLA_BREACH) if s.field == "category"]
    [rise] = _by_kind(first, SignalKind.RISING_VOLUME)
    records = (
        _record("CSI-0101", incidents=("INC2001",)),  # a breached Network ticket
        _record("CSI-0102", incidents=("INC2000",)),  # Network, but within its SLA
        _record("CSI-0103", signal=rise.id),
        _record("CSI-0104", problems=("PRB0001",)),
    )
    covered = {s.id: s.covered_by for s in _signals(data_root, records).signals}
    assert covered[breach.id] == ("CSI-0101",)
    assert covered[rise.id] == ("CSI-0103",)
    [problem] = _by_kind(first, SignalKind.PROBLEM)
    assert covered[problem.id] == ("CSI-0101", "CSI-0102", "CSI-0104")  # tickets or problem
    [cluster] = [s for s in first.signals if s.kind is SignalKind.CLUSTER and s.value == "Network"]
    assert covered[cluster.id] == ("CSI-0101", "CSI-0102")
    assert not covered[next(s.id for s in first.signals if s.value == "Software")]


def test_since_limits_the_period(data_root: Path) -> None:
    [result] = find_signals(
        data_root, policies_of(data_root), [], since=dt.date(2026, 3, 20), environ={}
    )
    assert result.scope is not None and result.scope.start >= dt.date(2026, 3, 20)
    [late] = find_signals(
        data_root, policies_of(data_root), [], since=dt.date(2027, 1, 1), environ={}
    )
    assert late.scope is None and late.signals == []


def _record(
    record_id: str,
    incidents: tuple[str, ...] = (),
    problems: tuple[str, ...] = (),
    signal: str | None = None,
) -> Record:
    source: dict[str, Any] = {
        "kind": "incident_trend",
        "references": {"incidents": list(incidents), "problems": list(problems)},
    }
    if signal:
        source["signal"] = signal
    return Record.model_validate(
        {
            "schema_version": 2,
            "id": record_id,
            "title": "A record",
            "created": dt.date(2026, 3, 30),
            "status": "logged",
            "source": source,
        }
    )


def _day_first(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d-%m-%Y %H:%M")


@pytest.mark.skipif(not REAL_EXPORT.is_file(), reason="the real export is in ../shared/data")
def test_the_real_export_gives_figures_that_plain_python_agrees_with(register_root: Path) -> None:
    sources_policy(
        register_root,
        "sources:\n  - {name: incidents, env: CSI_TEST_EXPORT, profile: servicenow}\n",
    )
    [result] = find_signals(
        register_root, policies_of(register_root), [], environ={"CSI_TEST_EXPORT": str(REAL_EXPORT)}
    )
    rows = final_rows_of_the_real_export()
    assert result.loaded.tickets == len(rows) == 890
    # resolution time of every ticket resolved after it opened, in hours
    hours = [
        (_day_first(r["resolved_at"]) - _day_first(r["opened_at"])).total_seconds() / 3600
        for r in rows.values()
        if r["resolved_at"] != "?" and _day_first(r["resolved_at"]) >= _day_first(r["opened_at"])
    ]
    assert result.scope is not None
    assert result.scope.median_hours == pytest.approx(statistics.median(hours))
    by_category: dict[str, list[dict[str, str]]] = {}
    for row in rows.values():
        by_category.setdefault(row["category"], []).append(row)
    clusters = [s for s in result.signals if s.kind is SignalKind.CLUSTER and s.field == "category"]
    biggest = sorted(by_category.items(), key=lambda item: (-len(item[1]), item[0]))[:5]
    assert [(s.value, s.tickets) for s in clusters] == [(c, len(r)) for c, r in biggest]
    for signal in _by_kind(result, SignalKind.SLA_BREACH):
        group = [r for r in rows.values() if _value(r, signal.field) == signal.value]
        breached = sum(r["made_sla"] == "FALSE" for r in group)
        rest = [r for r in rows.values() if _value(r, signal.field) != signal.value]
        assert (signal.affected, signal.tickets) == (breached, len(group))
        assert signal.figures["rest_rate"] == round(
            sum(r["made_sla"] == "FALSE" for r in rest) / len(rest), 4
        )
    assert any(s.kind is SignalKind.SLA_BREACH for s in result.signals)
    start = min(_day_first(r["opened_at"]) for r in rows.values())
    end = max(_day_first(r["opened_at"]) for r in rows.values())
    middle = start + (end - start) / 2
    for signal in _by_kind(result, SignalKind.RISING_VOLUME):
        group = [r for r in rows.values() if _value(r, signal.field) == signal.value]
        later = sum(_day_first(r["opened_at"]) >= middle for r in group)
        assert (signal.figures["earlier"], signal.figures["later"]) == (len(group) - later, later)


_COLUMN = {
    "category": "category",
    "subcategory": "subcategory",
    "symptom": "u_symptom",
    "service": "cmdb_ci",
    "assignment_group": "assignment_group",
}


def _value(row: dict[str, str], field: str) -> str:
    return row[_COLUMN[field]]
