"""Numbers that stay numbers: figures at float's edges are findings, never Infinity or NaN in
JSON, never a crash, and no measurement is dropped unseen (issue 21, item 5)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from csi_tool.benefits.review import MetricReview, review_records
from csi_tool.policies.review import ReviewPolicy
from csi_tool.records.models import Record
from csi_tool.yaml.strict import load_fast
from tests.conftest import PROJECT, write_record

RECORD = """\
schema_version: 2
id: CSI-0002
title: Figures at the edges
created: 2026-01-05
status: measuring
metrics:
  - key: m
    name: Something measured
    kind: lagging
    unit: count
    direction: {direction}
    baseline: {{value: {baseline}, date: 2026-01-10, source: report}}
    target: {{value: {target}, by: 2026-12-31}}
    review_cadence: monthly
    measurements:
{measurements}
"""


def _record(root: Path, baseline: str, target: str, direction: str, *points: str) -> None:
    measurements = "".join(
        f"      - {{date: {day}, value: {value}, source: report}}\n"
        for day, value in (point.split("=") for point in points)
    )
    text = RECORD.format(
        direction=direction, baseline=baseline, target=target, measurements=measurements
    )
    write_record(root, "CSI-0002", text)


def _no_constants(name: str) -> None:
    raise AssertionError(f"{name} in JSON")


@pytest.mark.parametrize(
    ("baseline", "target", "said"),
    [
        ("-1e308", "1e308", "beyond what a number can hold"),
        ("0", "5e-324", "too close to the baseline for progress to be computed"),
    ],
)
def test_a_distance_past_floats_range_is_a_finding_and_never_infinity(
    baseline: str, target: str, said: str, register_root: Path, run_csi: Callable[..., Result]
) -> None:
    _record(register_root, baseline, target, "increase", "2026-02-10=1e300", "2026-03-10=1e307")
    validate = run_csi(register_root, "validate")
    assert validate.exit_code == 1
    assert "metrics[0].target.value: the " in validate.output and said in validate.output
    assert _not_reviewed(register_root, run_csi) == ["CSI-0002"]


def test_progress_across_the_whole_float_range_is_still_computed(register_root: Path) -> None:
    """From -1e308 to 1e308 the distance overflows; its half does not, so 1e307 is 55%.
    (`csi validate` refuses such a record, and `csi review` leaves it out; what judges the
    numbers directly still never overflows.)"""
    _record(register_root, "-1e308", "1e308", "increase", "2026-02-10=1e300", "2026-03-10=1e307")
    [review] = _review_directly(register_root)
    assert review.progress == 55.0


def test_a_target_equal_to_its_baseline_is_reported_and_left_out_without_a_crash(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    _record(register_root, "10", "10", "decrease", "2026-02-10=8")
    assert "must be below the baseline" in run_csi(register_root, "validate").output
    assert _not_reviewed(register_root, run_csi) == ["CSI-0002"]
    [review] = _review_directly(register_root)
    assert review.progress is None


def test_a_record_with_findings_is_not_judged_and_the_review_exits_1(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    """From an adversarial review: measurements out of order made the older value the
    latest ("64 % → 64 %") and raised a false overdue alarm, and the review exited 0."""
    _record(register_root, "64", "2", "decrease", "2026-03-31=58", "2026-02-28=64")
    assert "measurements must be listed oldest first" in run_csi(register_root, "validate").output
    result = run_csi(register_root, "review", "--as-of", "2026-04-01")
    assert result.exit_code == 1
    assert "CSI-0002  " not in result.stdout  # no verdict on it
    assert "Not reviewed, for findings of their own (csi validate lists them): CSI-0002" in (
        result.stdout
    )
    assert "oldest first" in result.stderr  # the findings themselves, as a warning


def test_a_record_that_cannot_be_read_is_named_as_not_reviewed(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    """A file that does not parse has no record to take an id from: its name says which."""
    _record(register_root, "64", "2", "decrease", "2026-03-31=58")
    with (register_root / "register" / "CSI-0002.yaml").open("a") as stream:
        stream.write("x: [\n")
    assert _not_reviewed(register_root, run_csi) == ["CSI-0002"]


def _not_reviewed(root: Path, run_csi: Callable[..., Result]) -> list[str]:
    result = run_csi(root, "review", "--as-of", "2026-04-01", "--format", "json")
    assert result.exit_code == 1, result.output  # a register with findings
    payload = json.loads(result.stdout, parse_constant=_no_constants)
    assert not [m for m in payload["metrics"] if m["id"] == "CSI-0002"]
    return list(payload["not_reviewed"])


def _review_directly(root: Path) -> list[MetricReview]:
    """The record's metrics judged as the review judges them, without the command's checks."""
    text = (root / "register" / "CSI-0002.yaml").read_text(encoding="utf-8")
    record = Record.model_validate(load_fast(text, "CSI-0002.yaml"))
    policy = load_fast((PROJECT / "policies" / "review.yaml").read_text(), "review.yaml")
    return review_records([record], ReviewPolicy.model_validate(policy), dt.date(2026, 4, 1))


def test_a_measurement_dated_before_its_baseline_is_a_finding_not_dropped(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    _record(register_root, "10", "5", "decrease", "2026-01-02=12", "2026-02-10=8")
    result = run_csi(register_root, "validate")
    assert result.exit_code == 1
    assert (
        "metrics[0].measurements[0].date: dated before the baseline (2026-01-10)" in result.output
    )
