"""Failures found by trying `csi signals` as a new user and as an attacker, each kept as a test."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from click.testing import Result

from csi_tool.signals.finder import find_signals
from csi_tool.signals.signal import SignalKind
from tests.conftest import tree_digest
from tests.signals.exports import (
    SERVICENOW_HEADER,
    policies_of,
    servicenow_row,
    sources_policy,
    write_csv,
)
from tests.signals.test_signals import START, known_export


def _run(run_csi: Callable[..., Result], root: Path, *args: str, **env: str) -> Result:
    result = run_csi(root, "signals", *args, env=env or None)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "unexpected error" not in result.output
    return result


def test_a_policy_cannot_make_csi_print_an_environment_variable(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    sources_policy(
        register_root, "sources: [{name: incidents, env: GITHUB_TOKEN, profile: servicenow}]\n"
    )
    refused = run_csi(register_root, "validate")
    assert refused.exit_code == 1 and "sources[0].env" in refused.output
    sources_policy(
        register_root, "sources: [{name: incidents, env: CSI_EXPORT, profile: servicenow}]\n"
    )
    result = _run(run_csi, register_root, CSI_EXPORT="ghp_hunter2SECRET")
    assert result.exit_code == 2
    assert "the path in $CSI_EXPORT matches no file" in result.stderr
    assert "hunter2" not in result.output


def test_parquet_with_a_generic_mapping(register_root: Path) -> None:
    export = register_root / "exports" / "tickets.parquet"
    export.parent.mkdir()
    with duckdb.connect() as convert:
        convert.execute(
            f"COPY (SELECT 'T-' || i AS ref, '2026-03-0' || (1 + i % 9) AS raised, 'open' AS st, "
            f"'Net' AS team FROM range(12) r(i)) TO '{export}' (FORMAT parquet)"
        )
    sources_policy(
        register_root,
        "sources:\n  - name: incidents\n    path: exports/*.parquet\n    format: parquet\n"
        "    profile: generic\n    date_formats: ['%Y-%m-%d']\n"
        "    columns: {id: ref, opened_at: raised, state: st, assignment_group: team}\n",
    )
    [result] = find_signals(register_root, policies_of(register_root), [], environ={})
    assert result.loaded.tickets == 12
    assert [s.value for s in result.signals if s.kind is SignalKind.CLUSTER] == ["Net"]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("delimiter: ';;'", "sources[0].delimiter"),
        ("date_formats: ['%s']", "'%s' is not a date directive csi reads"),
        ("date_formats: ['%Y-%']", "'%' is not a date directive"),
        ("path: ../outside.csv", "must stay inside the register"),
        ("path: /etc/passwd", "must stay inside the register"),
    ],
)
def test_policy_values_duckdb_would_refuse_are_findings_of_validate(
    register_root: Path, run_csi: Callable[..., Result], setting: str, message: str
) -> None:
    path = "" if setting.startswith("path") else "path: x.csv, "
    sources_policy(
        register_root, f"sources: [{{name: incidents, {path}profile: servicenow, {setting}}}]\n"
    )
    for command in (("validate",), ("signals",)):
        result = run_csi(register_root, *command)
        assert result.exit_code == 1, (command, result.output)
        assert message in result.output and "unexpected error" not in result.output


def test_a_record_drafted_from_one_signal_covers_that_signal_only(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    known_export(register_root / "exports" / "incidents.csv")
    sources_policy(
        register_root, "sources: [{name: incidents, path: exports/*.csv, profile: servicenow}]\n"
    )
    listed = json.loads(_run(run_csi, register_root, "--format", "json").stdout)
    signals = listed["sources"][0]["signals"]
    breach = next(s for s in signals if s["kind"] == "sla_breach" and s["field"] == "category")
    assert _run(run_csi, register_root, "--propose", breach["id"]).exit_code == 0
    after = json.loads(_run(run_csi, register_root, "--format", "json").stdout)
    covered = [s["id"] for s in after["sources"][0]["signals"] if s["covered_by"]]
    assert covered == [breach["id"]]


def test_a_period_that_rises_as_a_whole_flags_only_what_rises_faster(register_root: Path) -> None:
    rows: list[list[str]] = []
    for i in range(40):  # every group triples in the later half: more users, not a problem
        later = i % 4 != 0
        opened = START + dt.timedelta(days=15 + i % 10 if later else i % 10)
        for category in ("Software", "Hardware", "Network"):
            rows += servicenow_row(f"INC{category[0]}{i:03}", opened, category=category)
    write_csv(register_root / "exports" / "incidents.csv", SERVICENOW_HEADER, rows)
    sources_policy(
        register_root, "sources: [{name: incidents, path: exports/*.csv, profile: servicenow}]\n"
    )
    [result] = find_signals(register_root, policies_of(register_root), [], environ={})
    assert not [s for s in result.signals if s.kind is SignalKind.RISING_VOLUME]
    # and a period of a few days compares no halves at all
    short = [
        row
        for i in range(30)  # 10 on the first day, 20 on the second: "rising", over two days
        for row in servicenow_row(f"INC{i:04}", START + dt.timedelta(hours=12 + 2 * i))
    ]
    write_csv(register_root / "exports" / "incidents.csv", SERVICENOW_HEADER, short)
    [result] = find_signals(register_root, policies_of(register_root), [], environ={})
    assert result.scope is not None and not [
        s for s in result.signals if s.kind is SignalKind.RISING_VOLUME
    ]
    cluster = next(s for s in result.signals if s.kind is SignalKind.CLUSTER)
    assert cluster.metric.unit == "tickets/day"  # two days never become a monthly figure


def test_broken_rows_name_their_file_line_and_reason(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    folder = register_root / "exports"
    rows = [r for i in range(40) for r in servicenow_row(f"INC{i:04}", START)]
    write_csv(folder / "a.csv", SERVICENOW_HEADER, rows)
    text = (folder / "a.csv").read_text()
    sources_policy(
        register_root, "sources: [{name: incidents, path: exports/*.csv, profile: servicenow}]\n"
    )
    (folder / "a.csv").write_text(text[: len(text) - 40])  # cut inside the last row
    result = _run(run_csi, register_root)
    assert result.exit_code == 1
    assert "exports/a.csv:81:1: Expected Number of Columns: 17 Found:" in result.stderr
    (folder / "a.csv").write_text(text)
    (folder / "b.csv").write_text("")  # the second file of the glob is the empty one
    assert "exports/b.csv:1:1: is empty" in _run(run_csi, register_root).stderr
    (folder / "b.csv").write_text("number,other\n")
    assert (
        "exports/b.csv:1:1: its header differs from exports/a.csv's"
        in _run(run_csi, register_root).stderr
    )
    (folder / "b.csv").unlink()
    late = text.replace("INC0030,", "INC0030\xe9,", 1).encode("cp1252")  # a bad byte, line 62
    (folder / "a.csv").write_bytes(late)
    result = _run(run_csi, register_root)
    assert "exports/a.csv:62:1: is not utf-8 text; set the source's encoding" in result.stderr
    sources_policy(
        register_root,
        "sources: [{name: incidents, path: exports/*.csv, profile: servicenow, encoding: ascii}]\n",
    )
    assert "exports/a.csv:62:1: is not ascii text" in _run(run_csi, register_root).stderr


def test_control_characters_and_blanks_in_values(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    rows: list[list[str]] = []
    for i in range(30):
        category = "Net\u202ework\x1b[31m\tA" if i % 2 else "   "
        rows += servicenow_row(f"INC{i:04}", START + dt.timedelta(hours=i), category=category)
    write_csv(register_root / "exports" / "incidents.csv", SERVICENOW_HEADER, rows)
    sources_policy(
        register_root, "sources: [{name: incidents, path: exports/*.csv, profile: servicenow}]\n"
    )
    listed = json.loads(_run(run_csi, register_root, "--format", "json").stdout)
    clusters = [s for s in listed["sources"][0]["signals"] if s["field"] == "category"]
    assert [s["tickets"] for s in clusters] == [15]  # the blank category is no category
    assert clusters[0]["headline"].startswith("Category Net work [31m A: 15 tickets")
    text = _run(run_csi, register_root).stdout
    assert "\x1b" not in text and "\u202e" not in text
    before = tree_digest(register_root)
    proposed = _run(run_csi, register_root, "--propose", clusters[0]["id"])
    assert proposed.exit_code == 0, proposed.output
    assert run_csi(register_root, "validate").exit_code == 0
    assert len(tree_digest(register_root)) == len(before) + 1


def test_signals_about_the_same_tickets_say_so(register_root: Path) -> None:
    known_export(register_root / "exports" / "incidents.csv")
    sources_policy(
        register_root, "sources: [{name: incidents, path: exports/*.csv, profile: servicenow}]\n"
    )
    [result] = find_signals(register_root, policies_of(register_root), [], environ={})
    # every ticket has subcategory 'Subcategory 1' and symptom 'Symptom 1': one set, twice
    subcategory, symptom = (
        next(s for s in result.signals if s.kind is SignalKind.CLUSTER and s.field == field)
        for field in ("subcategory", "symptom")
    )
    first, second = sorted((subcategory, symptom), key=result.signals.index)
    assert first.same_tickets_as is None and second.same_tickets_as == first.id
    # Network's tickets are Network Ops' tickets; Software's are only some of Service Desk's
    clusters = {s.value: s for s in result.signals if s.kind is SignalKind.CLUSTER}
    pair = (clusters["Network"], clusters["Network Ops"])
    assert len({s.same_tickets_as or s.id for s in pair}) == 1  # both lead to one signal
    assert clusters["Software"].same_tickets_as is None
    assert clusters["Service Desk"].same_tickets_as is None


def test_old_data_is_named_as_old(register_root: Path, run_csi: Callable[..., Result]) -> None:
    known_export(register_root / "exports" / "incidents.csv")  # March 2026
    sources_policy(
        register_root, "sources: [{name: incidents, path: exports/*.csv, profile: servicenow}]\n"
    )
    fresh = _run(run_csi, register_root, CSI_TODAY="2026-04-15").stdout
    stale = _run(run_csi, register_root, CSI_TODAY="2026-11-27").stdout
    assert "days ago" not in fresh.splitlines()[0]
    assert "(the data ends 244 days ago)" in stale.splitlines()[0]
