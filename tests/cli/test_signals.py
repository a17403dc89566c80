"""`csi signals` on the command line: formats, --propose, and bad input as exit codes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import tree_digest
from tests.signals.exports import SERVICENOW_HEADER, sources_policy, write_csv
from tests.signals.test_signals import known_export

SOURCES = (
    "sources:\n"
    "  - name: incidents\n"
    "    path: exports/*.csv\n"
    "    profile: servicenow\n"
    "    cost: {hours_per_ticket: 2, hourly_rate: 50, currency: EUR}\n"
)


@pytest.fixture
def data_root(register_root: Path) -> Path:
    known_export(register_root / "exports" / "incidents.csv")
    sources_policy(register_root, SOURCES)
    return register_root


def _signals(run_csi: Callable[..., Result], root: Path) -> list[dict[str, Any]]:
    result = run_csi(root, "signals", "--format", "json")
    assert result.exit_code == 0, result.output
    [source] = json.loads(result.stdout)["sources"]
    signals: list[dict[str, Any]] = source["signals"]
    return signals


def test_text_ranks_signals_and_marks_the_uncovered(
    data_root: Path, run_csi: Callable[..., Result]
) -> None:
    result = run_csi(data_root, "signals", "--limit", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Source incidents (exports/incidents.csv): 246 rows, 123 tickets")
    assert "  1. SIG-" in result.stdout and "  4. SIG-" not in result.stdout
    assert "NOT COVERED" in result.stdout and "more (--limit 0 shows all)" in result.stdout
    signals = _signals(run_csi, data_root)
    assert len(signals) > 3
    assert [s["id"] for s in signals][:3] == [
        line.split()[1] for line in lines if line[:5].strip().rstrip(".").isdigit()
    ]
    markdown = run_csi(data_root, "signals", "--format", "markdown")
    assert "| 1 | `SIG-" in markdown.stdout and "**not covered**" in markdown.stdout


def test_propose_drafts_a_valid_record_with_a_baseline_from_the_data(
    data_root: Path, run_csi: Callable[..., Result]
) -> None:
    signals = _signals(run_csi, data_root)
    breach = next(s for s in signals if s["kind"] == "sla_breach" and s["value"] == "Network")
    result = run_csi(data_root, "signals", "--propose", str(breach["id"]))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "register/CSI-0002.yaml"
    assert "next: csi validate, then commit it and open a pull request" in result.stderr
    text = (data_root / "register" / "CSI-0002.yaml").read_text()
    export = data_root / "exports" / "incidents.csv"
    fingerprint = hashlib.sha256(export.read_bytes()).hexdigest()[:16]  # as sha256sum has it
    for expected in (
        "title: Reduce SLA breaches in Category Network",
        "kind: incident_trend",
        f"signal: {breach['id']}",
        "      - INC2001\n",
        "  summary: 'Category Network: 75.0% breached their SLA, against 0.0% elsewhere.'",
        "30 of 40 tickets with category 'Network' breached their SLA (75.0%;",
        "key: sla_breach_rate",
        "value: 75.0",
        "date: 2026-03-28",
        f"sha256:{fingerprint}: share of tickets with category 'Network'",
    ):
        assert expected in text, expected
    assert run_csi(data_root, "validate").exit_code == 0
    after = {s["id"]: s["covered_by"] for s in _signals(run_csi, data_root)}
    assert after[breach["id"]] == ["CSI-0002"]
    before = tree_digest(data_root)
    again = run_csi(data_root, "signals", "--propose", str(breach["id"]))
    assert again.exit_code == 2  # one signal, one record: a second draft is refused
    assert f"{breach['id']} is already the signal of CSI-0002" in again.stderr
    assert tree_digest(data_root) == before


def test_a_signal_that_is_not_in_the_data_writes_nothing(
    data_root: Path, run_csi: Callable[..., Result]
) -> None:
    before = tree_digest(data_root)
    result = run_csi(data_root, "signals", "--propose", "SIG-00000000")
    assert result.exit_code == 2
    assert "no signal SIG-00000000 in the data now" in result.stderr
    assert (
        "'SIG-123' is no signal id" in run_csi(data_root, "signals", "--propose", "SIG-123").stderr
    )
    assert tree_digest(data_root) == before


def test_an_id_is_found_in_any_case_and_without_its_prefix(
    data_root: Path, run_csi: Callable[..., Result]
) -> None:
    signal = _signals(run_csi, data_root)[0]["id"]
    result = run_csi(
        data_root, "signals", "--propose", signal.lower().removeprefix("sig-"), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "written": "register/CSI-0002.yaml",
        "record": "CSI-0002",
        "signal": signal,
    }


@pytest.mark.parametrize(
    ("policy", "export", "code", "message"),
    [
        ("sources: []\n", None, 2, "policies/sources.yaml declares no source"),
        (
            "sources: [{name: incidents, env: CSI_NOT_SET_ANYWHERE, profile: servicenow}]\n",
            None,
            2,
            "the environment variable CSI_NOT_SET_ANYWHERE is empty",
        ),
        (SOURCES, "number,opened_at\nINC1,2016-13-45\n", 1, "exports/incidents.csv:1:1:"),
        (
            SOURCES,
            "number,incident_state,opened_at,sys_mod_count\nINC1,New,tomorrow,0\n",
            1,
            "exports/incidents.csv:2:1: opened_at 'tomorrow' does not match the date format(s)",
        ),
        (
            "sources: [{name: incidents, path: exports/*.csv, env: X, profile: generic}]\n",
            None,
            1,
            "policies/sources.yaml:3:",
        ),
    ],
)
def test_bad_sources_are_findings_or_errors_never_tracebacks(
    register_root: Path,
    run_csi: Callable[..., Result],
    policy: str,
    export: str | None,
    code: int,
    message: str,
) -> None:
    (register_root / "policies" / "measures.yaml").unlink()  # its measures name a source
    sources_policy(register_root, policy)
    if export is not None:
        (register_root / "exports").mkdir()
        (register_root / "exports" / "incidents.csv").write_text(export)
    result = run_csi(register_root, "signals", env={"CSI_NOT_SET_ANYWHERE": ""})
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_hostile_values_in_an_export_stay_inert_in_every_format(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    hostile = "::error::pwned <b>x</b> | `y`"
    tail = [hostile, "s", "y", "?", "3", "g", "?", "?", "?", "?"]
    rows = [
        [f"INC{i:04}", "Closed", "0", "0", "0", "TRUE", f"0{1 + i % 9}-03-2026 10:00", *tail]
        for i in range(12)
    ]
    write_csv(register_root / "exports" / "incidents.csv", SERVICENOW_HEADER, rows)
    sources_policy(register_root, SOURCES)
    text = run_csi(register_root, "signals")
    assert text.exit_code == 0, text.output
    assert not any(line.startswith("::") for line in text.stdout.splitlines())
    assert "pwned" in text.stdout
    markdown = run_csi(register_root, "signals", "--format", "markdown").stdout
    assert "<b>" not in markdown and "&lt;b&gt;" in markdown and "\\|" in markdown
