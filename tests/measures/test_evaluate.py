"""Measures computed from an export, checked against plain Python over the same rows."""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
from pathlib import Path
from typing import Any

import pytest

from csi_tool.git.sources import WorkTree
from csi_tool.measures.evaluate import MeasureFailed, PeriodValue, bindings, data_values
from csi_tool.measures.periods import Span
from csi_tool.policies.loading import load_policies
from csi_tool.records.models import Record
from tests.conftest import PROJECT
from tests.signals.exports import (
    REAL_EXPORT,
    SERVICENOW_HEADER,
    final_rows_of_the_real_export,
    policies_of,
    servicenow_row,
    sources_policy,
    write_csv,
)

MEASURES = """\
schema_version: 1
measures:
  - key: reopen_rate
    name: Tickets reopened
    unit: "%"
    direction: decrease
    kind: lagging
    source: incidents
    period: monthly
    dated_by: resolved_at
    aggregate: share
    counting: {reopen_count: {above: 0}}
    parameters: [category]
  - key: tickets_opened
    name: Tickets opened
    unit: tickets
    direction: decrease
    kind: leading
    source: incidents
    period: weekly
    aggregate: count
    where: {priority: ["1 - Critical", "2 - High"]}
  - key: median_resolution
    name: Median resolution time
    unit: hours
    direction: decrease
    kind: lagging
    source: incidents
    period: quarterly
    dated_by: resolved_at
    aggregate: median
    value: resolution_hours
"""


def tickets() -> list[dict[str, Any]]:
    """A spread of tickets over 2026's first half, described as plain data."""
    found = []
    for i in range(120):
        opened = dt.datetime(2026, 1, 1, 9) + dt.timedelta(hours=37 * i)
        found.append(
            {
                "number": f"INC{i:04}",
                "opened": opened,
                "category": "Network" if i % 3 == 0 else "Software",
                "reopened": 1 if i % 7 == 0 else 0,
                "hours": 2.0 + (i % 11),
                "priority": ["1 - Critical", "2 - High", "3 - Moderate"][i % 3],
            }
        )
    return found


@pytest.fixture
def measured_root(register_root: Path) -> Path:
    rows = []
    for t in tickets():
        rows += servicenow_row(
            t["number"],
            t["opened"],
            category=t["category"],
            reopened=t["reopened"],
            hours=t["hours"],
            priority=t["priority"],
        )
    write_csv(register_root / "exports" / "incidents.csv", SERVICENOW_HEADER, rows)
    sources_policy(
        register_root, "sources: [{name: incidents, path: exports/*.csv, profile: servicenow}]\n"
    )
    (register_root / "policies" / "measures.yaml").write_text(MEASURES, encoding="utf-8")
    return register_root


def _record(*metrics: dict[str, Any]) -> Record:
    return Record.model_validate(
        {
            "schema_version": 2,
            "id": "CSI-0009",
            "title": "Bound",
            "created": dt.date(2026, 1, 1),
            "status": "logged",
            "metrics": [
                {"key": f"m{i}", "name": "M", "kind": "lagging", "direction": "decrease", **m}
                for i, m in enumerate(metrics)
            ],
        }
    )


def test_each_measure_agrees_with_plain_python(measured_root: Path) -> None:
    policies = policies_of(measured_root)
    record = _record(
        {"unit": "%", "measure": {"key": "reopen_rate", "where": {"category": "Network"}}},
        {"unit": "tickets", "measure": {"key": "tickets_opened"}},
        {"unit": "hours", "measure": {"key": "median_resolution"}},
    )
    found = bindings([record], policies)
    result = data_values(measured_root, policies, found, environ={})
    assert result.unavailable == {} and result.fingerprints["incidents"].startswith("sha256:")
    reopen, opened, median = (result.values[b] for b in found)
    network = [t for t in tickets() if t["category"] == "Network"]
    march = [t for t in network if (t["opened"] + dt.timedelta(hours=t["hours"])).month == 3]
    expected = round(100 * sum(t["reopened"] > 0 for t in march) / len(march), 2)
    assert reopen[Span(dt.date(2026, 3, 1), dt.date(2026, 3, 31))].value == expected
    assert reopen[Span(dt.date(2026, 3, 1), dt.date(2026, 3, 31))].tickets == len(march)
    week = Span(dt.date(2026, 1, 5), dt.date(2026, 1, 11))
    urgent = [
        t
        for t in tickets()
        if t["priority"] != "3 - Moderate" and week.first <= t["opened"].date() <= week.last
    ]
    assert opened[week].value == len(urgent)
    first_quarter = [
        t["hours"]
        for t in tickets()
        if (t["opened"] + dt.timedelta(hours=t["hours"])).date() < dt.date(2026, 4, 1)
    ]
    quarter = Span(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert median[quarter].value == round(statistics.median(first_quarter), 2)


def test_an_absent_source_is_named_not_fatal(measured_root: Path) -> None:
    sources_policy(
        measured_root, "sources: [{name: incidents, env: CSI_MEASURES_TEST, profile: servicenow}]\n"
    )
    policies = policies_of(measured_root)
    found = bindings([_record({"unit": "tickets", "measure": {"key": "tickets_opened"}})], policies)
    result = data_values(measured_root, policies, found, environ={})
    assert result.values == {}
    assert "CSI_MEASURES_TEST is not set" in result.unavailable["incidents"]


@pytest.mark.skipif(not REAL_EXPORT.is_file(), reason="the real export is in ../shared/data")
def test_a_measure_over_the_real_export_agrees_with_plain_python(register_root: Path) -> None:
    sources_policy(
        register_root, "sources: [{name: incidents, env: CSI_REAL, profile: servicenow}]\n"
    )
    shutil.copy(PROJECT / "policies" / "measures.yaml", register_root / "policies")
    policies = policies_of(register_root)
    record = _record(
        {"unit": "%", "measure": {"key": "sla_breach_rate", "where": {"category": "Category 45"}}}
    )
    [binding] = bindings([record], policies)
    found = data_values(register_root, policies, [binding], environ={"CSI_REAL": str(REAL_EXPORT)})
    rows = [r for r in final_rows_of_the_real_export().values() if r["category"] == "Category 45"]
    for month, span in (
        (2, Span(dt.date(2016, 2, 1), dt.date(2016, 2, 29))),
        (3, Span(dt.date(2016, 3, 1), dt.date(2016, 3, 31))),
    ):
        opened = [r for r in rows if r["opened_at"][3:5] == f"{month:02d}"]
        breached = sum(r["made_sla"] == "FALSE" for r in opened)
        assert found.values[binding][span] == PeriodValue(
            round(100 * breached / len(opened), 2), len(opened)
        )


def test_a_parameter_is_a_value_never_sql(measured_root: Path) -> None:
    """Only the policy's vocabulary names fields; what a record gives is a bound value."""
    hostile = "Network' OR 1=1; COPY (SELECT 1) TO '/tmp/csi-pwned.csv' --"
    policies = policies_of(measured_root)
    record = _record(
        {"unit": "%", "measure": {"key": "reopen_rate", "where": {"category": hostile}}}
    )
    [binding] = bindings([record], policies)
    result = data_values(measured_root, policies, [binding], environ={})
    assert result.values[binding] == {}  # no ticket has that category
    assert not Path("/tmp/csi-pwned.csv").exists()


def test_a_field_outside_the_vocabulary_is_refused_by_the_policy(register_root: Path) -> None:
    (register_root / "policies" / "measures.yaml").write_text(
        MEASURES.replace("counting: {reopen_count: {above: 0}}", 'counting: {"1; DROP": x}'),
        encoding="utf-8",
    )
    policies, findings = load_policies(WorkTree(register_root))
    assert policies is None
    assert any("measures[0].counting" in f.field for f in findings), findings


def test_a_measure_that_runs_past_its_time_is_a_finding_on_its_policy_line(
    measured_root: Path,
) -> None:
    """Data that loads but a measure that cannot finish: the policy's problem, not the source's."""
    policies = policies_of(measured_root)
    record = _record({"unit": "hours", "measure": {"key": "median_resolution"}})
    found = bindings([record], policies)
    with pytest.raises(MeasureFailed) as failed:
        data_values(measured_root, policies, found, environ={}, seconds_per_query=1e-6)
    [finding] = failed.value.findings
    line = MEASURES.splitlines().index("  - key: median_resolution") + 1
    assert (finding.path, finding.line, finding.field) == (
        "policies/measures.yaml",
        line,
        "measures[2]",
    )
    assert finding.message.startswith("measure 'median_resolution' could not be computed: ")
    assert "ran past" in finding.message
