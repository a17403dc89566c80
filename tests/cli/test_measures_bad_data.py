"""Bound metrics against exports that lie by omission: found by an adversarial trial.

Each test reproduces one way a typed number got past the data, or the data was read wrong
without a word: a filter matching no ticket, a count of nothing, a missing or unreadable
column, a broken export, a period the export only half covers, a value with its decimals
left off, a source line that claims csi computed a value nothing checks any more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from csi_tool.measures.verify import agrees
from tests.cli.test_measures import BOUND, TODAY, bound_root  # noqa: F401
from tests.conftest import tree_digest, write_record
from tests.measures.test_evaluate import MEASURES, measured_root, tickets  # noqa: F401
from tests.signals.exports import SERVICENOW_HEADER, servicenow_row, sources_policy, write_csv

COUNTED = """\
  - key: tickets_in
    name: Tickets in a category
    unit: tickets
    direction: decrease
    kind: leading
    source: incidents
    period: monthly
    aggregate: count
    parameters: [category]
"""


def _export(root: Path) -> Path:
    return root / "exports" / "incidents.csv"


def _validate(run_csi: Callable[..., Result], root: Path) -> Result:
    return run_csi(root, "validate", "--data", "--format", "text", env=TODAY)


def test_a_filter_no_ticket_matches_cannot_hide_a_typed_value(
    bound_root: Path,  # noqa: F811
    run_csi: Callable[..., Result],
) -> None:
    path = bound_root / "register" / "CSI-0002.yaml"
    path.write_text(
        path.read_text().replace("category: Network", "category: Nope")
        + "    baseline: {value: 91.67, date: 2026-02-28, source: typed}\n"
    )
    result = _validate(run_csi, bound_root)
    assert result.exit_code == 1, result.output
    assert (
        "baseline 91.67 but the data has no ticket for measure reopen_rate where category = "
        "Nope in 2026-02"
    ) in result.stdout


def test_a_count_of_nothing_is_zero(
    measured_root: Path,  # noqa: F811
    run_csi: Callable[..., Result],
) -> None:
    (measured_root / "policies" / "measures.yaml").write_text(MEASURES + COUNTED)
    write_record(
        measured_root,
        "CSI-0002",
        BOUND.replace('unit: "%"', "unit: tickets").replace(
            "{key: reopen_rate, where: {category: Network}}",
            "{key: tickets_in, where: {category: Nope}}",
        ),
    )
    baseline = run_csi(
        measured_root, "baseline", "CSI-0002", "reopen_rate", "--period", "2026-02", env=TODAY
    )
    assert baseline.exit_code == 0, baseline.output
    refresh = run_csi(measured_root, "measure", "--refresh", env=TODAY)
    assert refresh.exit_code == 0, refresh.output
    text = (measured_root / "register" / "CSI-0002.yaml").read_text()
    assert "value: 0\n" in text and "value: 0.0" not in text  # a count is a whole number
    assert text.count("value: 0\n") == 5  # February's baseline, March to June measured
    path = measured_root / "register" / "CSI-0002.yaml"
    path.write_text(
        text.replace(
            "- date: 2026-04-30\n        value: 0\n", "- date: 2026-04-30\n        value: 7\n"
        )
    )
    result = _validate(run_csi, measured_root)
    assert (
        result.exit_code == 1 and "measurement 7 but the data gives 0 for 2026-04" in result.stdout
    )


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (
            lambda text: text.replace("reopen_count", "reopen_cnt", 1),
            "exports/incidents.csv:1:1: has no column for reopen_count, which measure "
            "reopen_rate needs",
        ),
        (
            lambda text: text.replace(",Closed,0,0,", ",Closed,0,abc,", 1),
            "reopen_count 'abc' is not a whole number",
        ),
        (
            lambda text: text.replace("01-01-2026 09:00", "31-02-2026 09:00"),
            "opened_at '31-02-2026 09:00' does not match the date format(s)",
        ),
        (
            lambda text: text.replace("\n", "\r,extra\n", 1),
            "exports/incidents.csv:1:1: its header cannot be read",
        ),
    ],
    ids=["missing column", "not a number", "bad date", "carriage return in the header"],
)
def test_a_broken_export_is_a_finding_never_a_silent_zero(
    bound_root: Path,  # noqa: F811
    run_csi: Callable[..., Result],
    spoil: Callable[[str], str],
    message: str,
) -> None:
    """Before: a renamed column or text in a count made refresh write 0.0, and a bad date
    made the source 'not available here', exit 0, every bound value unjudged."""
    run_csi(bound_root, "baseline", "CSI-0002", "reopen_rate", "--period", "2026-02", env=TODAY)
    export = _export(bound_root)
    export.write_text(spoil(export.read_text()))
    before = tree_digest(bound_root)
    result = _validate(run_csi, bound_root)
    assert result.exit_code == 1, result.output
    assert message in result.stdout
    refresh = run_csi(bound_root, "measure", "--refresh", env=TODAY)
    assert refresh.exit_code == 1 and message in refresh.output
    assert tree_digest(bound_root) == before


def test_refresh_stops_where_the_export_stops(
    bound_root: Path,  # noqa: F811
    run_csi: Callable[..., Result],
) -> None:
    """An export taken on June 10 holds a third of June: June is measured by a later one."""
    rows = []
    for t in tickets():
        if t["opened"] + dt.timedelta(days=2) < dt.datetime(2026, 6, 10):
            rows += servicenow_row(
                t["number"], t["opened"], category=t["category"], reopened=t["reopened"],
                hours=t["hours"], priority=t["priority"],
            )  # fmt: skip
    write_csv(_export(bound_root), SERVICENOW_HEADER, rows)
    run_csi(bound_root, "baseline", "CSI-0002", "reopen_rate", "--period", "2026-02", env=TODAY)
    result = run_csi(bound_root, "measure", "--refresh", env=TODAY)
    assert result.exit_code == 0, result.output
    assert [
        line.split(" for the period ending ")[1] for line in result.stdout.splitlines()[:-1]
    ] == [
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
    ]


def test_a_baseline_without_a_period_takes_the_latest_the_data_covers(
    bound_root: Path,  # noqa: F811
    run_csi: Callable[..., Result],
) -> None:
    later = {"CSI_TODAY": "2026-12-01"}  # the data ends in early July
    result = run_csi(bound_root, "baseline", "CSI-0002", "reopen_rate", env=later)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("on 2026-06-30")
    before = tree_digest(bound_root)
    again = run_csi(
        bound_root, "baseline", "CSI-0002", "reopen_rate", "--period", "2026-06", env=later
    )
    assert again.exit_code == 0, again.output  # the same baseline again changes nothing
    assert tree_digest(bound_root) == before


def test_a_value_claiming_csi_computed_it_needs_its_binding(
    bound_root: Path,  # noqa: F811
    run_csi: Callable[..., Result],
) -> None:
    run_csi(bound_root, "baseline", "CSI-0002", "reopen_rate", "--period", "2026-02", env=TODAY)
    path = bound_root / "register" / "CSI-0002.yaml"
    path.write_text(
        path.read_text().replace(
            "    measure: {key: reopen_rate, where: {category: Network}}\n", ""
        )
    )
    result = run_csi(bound_root, "validate", "--format", "text")
    assert result.exit_code == 1
    assert "metrics[0].baseline.source: says csi computed it from a measure" in result.stdout


def test_an_environment_source_never_prints_the_file_it_points_at(
    bound_root: Path,  # noqa: F811
    run_csi: Callable[..., Result],
    tmp_path: Path,
) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$secrethash:19000:0:99999:7:::\ndaemon:*:19000\n")
    sources_policy(
        bound_root, "sources: [{name: incidents, env: CSI_EXPORT, profile: servicenow}]\n"
    )
    result = run_csi(
        bound_root,
        "validate",
        "--data",
        "--format",
        "text",
        env={**TODAY, "CSI_EXPORT": str(secret)},
    )
    assert result.exit_code == 1
    assert "secrethash" not in result.output and "root" not in result.output
    assert "the servicenow profile needs the column(s)" in result.output


@pytest.mark.parametrize(
    ("written", "computed", "agreed"),
    [
        (14.2, 14.21, True),
        (14.21, 14.21, True),
        (14.0, 14.21, False),  # before: 14.0 and 14 agreed with 14.21
        (14, 14.21, False),
        (8.0, 8.33, False),
        (14.2000001, 14.21, False),
        (14, 14.0, True),  # a whole number agrees with a whole value
        (0, 0, True),
    ],
)
def test_a_value_agrees_to_its_decimals_and_one_at_least(
    written: float, computed: float, agreed: bool
) -> None:
    assert agrees(written, computed) is agreed
