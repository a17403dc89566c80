"""Metrics bound to measures: `csi baseline`, `csi measure --refresh`, `csi validate --data`."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import PROJECT, tree_digest, write_record
from tests.measures.test_evaluate import MEASURES, measured_root, tickets  # noqa: F401

TODAY = {"CSI_TODAY": "2026-07-15"}
BOUND = """\
schema_version: 2
id: CSI-0002
title: Fewer reopened network tickets
created: 2026-01-10
status: logged
metrics:
  - key: reopen_rate
    name: Network tickets reopened
    kind: lagging
    unit: "%"
    direction: decrease
    measure: {key: reopen_rate, where: {category: Network}}
"""


@pytest.fixture
def bound_root(measured_root: Path) -> Path:  # noqa: F811
    write_record(measured_root, "CSI-0002", BOUND)
    return measured_root


def _expected(month: int) -> tuple[float, int]:
    """Plain Python: the share of Network tickets resolved in `month` that were reopened."""
    group = [
        t
        for t in tickets()
        if t["category"] == "Network"
        and (t["opened"] + dt.timedelta(hours=t["hours"])).month == month
    ]
    return round(100 * sum(t["reopened"] > 0 for t in group) / len(group), 2), len(group)


def test_a_baseline_comes_from_the_data_and_is_set_once(
    bound_root: Path, run_csi: Callable[..., Result]
) -> None:
    result = run_csi(
        bound_root, "baseline", "CSI-0002", "reopen_rate", "--period", "2026-02", env=TODAY
    )
    value, count = _expected(2)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"CSI-0002 reopen_rate: baseline {value:g} on 2026-02-28"
    text = (bound_root / "register" / "CSI-0002.yaml").read_text()
    digest = hashlib.sha256((bound_root / "exports" / "incidents.csv").read_bytes()).hexdigest()
    assert f"value: {value}" in text and "date: 2026-02-28" in text
    assert (
        f"csi: measure reopen_rate where category = Network, 2026-02, {count} tickets; source "
        f"incidents (exports/incidents.csv), sha256:{digest[:16]}"
    ) in " ".join(text.split())
    before = tree_digest(bound_root)
    again = run_csi(
        bound_root, "baseline", "CSI-0002", "reopen_rate", "--period", "2026-02", env=TODAY
    )
    assert again.exit_code == 0 and "(no change)" in again.stdout
    other = run_csi(
        bound_root, "baseline", "CSI-0002", "reopen_rate", "--period", "2026-03", env=TODAY
    )
    assert other.exit_code == 2 and "has a baseline already" in other.stderr
    assert tree_digest(bound_root) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "2026-07"), "2026-07 has not ended"),
        (("--period", "2026-13"), "'2026-13' is not a real monthly period"),
        (("--period", "July"), "is not a monthly period such as 2026-08"),
        (("--period", "2025-06"), "the data does not cover all of 2025-06 for measure reopen"),
    ],
)
def test_a_baseline_for_a_period_the_data_cannot_give_is_refused(
    bound_root: Path, run_csi: Callable[..., Result], args: tuple[str, ...], message: str
) -> None:
    before = tree_digest(bound_root)
    result = run_csi(bound_root, "baseline", "CSI-0002", "reopen_rate", *args, env=TODAY)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert tree_digest(bound_root) == before


def test_refresh_adds_each_ended_period_once(
    bound_root: Path, run_csi: Callable[..., Result]
) -> None:
    run_csi(bound_root, "baseline", "CSI-0002", "reopen_rate", "--period", "2026-02", env=TODAY)
    result = run_csi(bound_root, "measure", "--refresh", env=TODAY)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:-1] == [
        f"CSI-0002 reopen_rate: {_expected(m)[0]:g} for the period ending {day}"
        for m, day in ((3, "2026-03-31"), (4, "2026-04-30"), (5, "2026-05-31"), (6, "2026-06-30"))
    ]
    assert lines[-1] == "added 4 measurement(s) to 1 record file(s)"
    before = tree_digest(bound_root)
    again = run_csi(bound_root, "measure", "--refresh", "CSI-0002", env=TODAY)
    assert again.stdout.strip() == "nothing to add: every bound metric is up to date"
    assert tree_digest(bound_root) == before
    assert run_csi(bound_root, "validate", "--data", env=TODAY).exit_code == 0


def test_validate_data_names_a_value_the_data_contradicts(
    bound_root: Path, run_csi: Callable[..., Result]
) -> None:
    run_csi(bound_root, "baseline", "CSI-0002", "reopen_rate", "--period", "2026-02", env=TODAY)
    run_csi(bound_root, "measure", "--refresh", env=TODAY)
    path = bound_root / "register" / "CSI-0002.yaml"
    april = _expected(4)[0]
    april_item = f"- date: 2026-04-30\n        value: {april}\n"
    assert april_item in path.read_text()
    path.write_text(path.read_text().replace(april_item, april_item.replace(str(april), "99.5")))
    result = run_csi(bound_root, "validate", "--data", "--format", "text", env=TODAY)
    assert result.exit_code == 1
    assert (
        f"metrics[0].measurements[1].value: measurement 99.5 but the data gives {april:g} for "
        "2026-04 (measure reopen_rate where category = Network"
    ) in result.stdout
    assert run_csi(bound_root, "validate", env=TODAY).exit_code == 0  # without the data: fine


def test_a_register_without_its_exports_still_validates(
    bound_root: Path, run_csi: Callable[..., Result]
) -> None:
    from tests.signals.exports import sources_policy

    run_csi(bound_root, "baseline", "CSI-0002", "reopen_rate", "--period", "2026-02", env=TODAY)
    sources_policy(
        bound_root, "sources: [{name: incidents, env: CSI_NOT_HERE, profile: servicenow}]\n"
    )
    result = run_csi(bound_root, "validate", "--data", "--format", "text", env=TODAY)
    assert result.exit_code == 0, result.output
    assert "source 'incidents' is not available here" in result.stderr


@pytest.mark.parametrize(
    ("binding", "message"),
    [
        ("{key: reopen_rates}", "unknown measure 'reopen_rates' (measures: median_resolution"),
        ("{key: reopen_rate, where: {service: X}}", "reopen_rate has no parameter 'service'"),
        ("{key: tickets_opened}", "the unit is '%', but measure tickets_opened gives 'tickets'"),
    ],
)
def test_a_binding_the_policy_does_not_offer_is_a_finding(
    bound_root: Path, run_csi: Callable[..., Result], binding: str, message: str
) -> None:
    path = bound_root / "register" / "CSI-0002.yaml"
    path.write_text(
        path.read_text().replace("{key: reopen_rate, where: {category: Network}}", binding)
    )
    result = run_csi(bound_root, "validate", "--format", "text")
    assert result.exit_code == 1 and message in result.stdout


def test_the_example_registers_bound_metric_agrees_with_its_export(
    example_root: Path, run_csi: Callable[..., Result]
) -> None:
    """The quick start's computed evidence: CSI-0003's typed figures are what the data gives."""
    shutil.copytree(PROJECT / "exports", example_root / "exports")
    result = run_csi(example_root, "validate", "--data", "--format", "text")
    assert result.exit_code == 0, result.output
    assert "not available" not in result.stderr
    path = example_root / "register" / "CSI-0003.yaml"
    path.write_text(path.read_text().replace("value: 14.8,", "value: 12.0,"))
    contradicted = run_csi(example_root, "validate", "--data", "--format", "text")
    assert "measurement 12 but the data gives 14.84 for 2026-09" in contradicted.stdout


def test_signals_skip_a_source_that_is_not_here_while_another_is(
    example_root: Path, run_csi: Callable[..., Result]
) -> None:
    shutil.copytree(PROJECT / "exports", example_root / "exports")
    result = run_csi(example_root, "signals", "--limit", "1", env={"CSI_INCIDENT_EXPORT": ""})
    assert result.exit_code == 0, result.output
    assert "skipped, source 'servicenow'" in result.stderr
    assert result.stdout.startswith("Source incidents (exports/example-incidents.csv)")


def test_a_bound_metric_charts_its_measures_history_before_the_baseline(
    measured_root: Path,  # noqa: F811
) -> None:
    """Four months of the export before May's baseline join it as the values before the
    work: enough for natural process limits, which the record alone never had."""
    from csi_tool.benefits.earlier import earlier_values
    from csi_tool.benefits.review import review_records
    from csi_tool.records.models import Record
    from tests.signals.exports import policies_of

    policies = policies_of(measured_root)
    may, _ = _expected(5)
    record = Record.model_validate(
        {
            "schema_version": 2,
            "id": "CSI-0002",
            "title": "Fewer reopened network tickets",
            "created": dt.date(2026, 1, 10),
            "status": "in_progress",
            "plan": {"start": dt.date(2026, 6, 1)},
            "metrics": [
                {
                    "key": "reopen_rate",
                    "name": "Network tickets reopened",
                    "kind": "lagging",
                    "unit": "%",
                    "direction": "decrease",
                    "measure": {"key": "reopen_rate", "where": {"category": "Network"}},
                    "baseline": {"value": may, "date": dt.date(2026, 5, 31), "source": "x"},
                    "target": {"value": 1, "by": dt.date(2026, 12, 31)},
                    "measurements": [{"date": dt.date(2026, 6, 30), "value": 0}],
                }
            ],
        }
    )
    found, unavailable = earlier_values(measured_root, policies, [record])
    history = [_expected(month)[0] for month in (1, 2, 3, 4)]
    assert unavailable == {}
    assert found == {("CSI-0002", "reopen_rate"): pytest.approx(history)}
    (review,) = review_records([record], policies.review, dt.date(2026, 7, 1), found)
    assert review.process is not None and review.process.limits is not None
    assert (review.process.before, review.process.earlier) == (5, 4)
    values = [*history, may]
    assert review.process.limits.centre == pytest.approx(sum(values) / 5)
    (alone,) = review_records([record], policies.review, dt.date(2026, 7, 1))
    assert alone.process is not None and alone.process.limits is None  # two values only

    (measured_root / "exports" / "incidents.csv").unlink()
    found, unavailable = earlier_values(measured_root, policies, [record])
    assert found == {} and list(unavailable) == ["incidents"]
