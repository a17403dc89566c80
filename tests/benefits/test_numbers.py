"""Numbers that stay numbers: figures at float's edges are findings, never Infinity or NaN in
JSON, never a crash, and no measurement is dropped unseen (issue 21, item 5)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import write_record

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


def _review_json(root: Path, run_csi: Callable[..., Result]) -> list[dict[str, object]]:
    result = run_csi(root, "review", "--as-of", "2026-04-01", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    payload = json.loads(result.stdout, parse_constant=_no_constants)
    return [m for m in payload["metrics"] if m["id"] == "CSI-0002"]


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
    [review] = _review_json(register_root, run_csi)
    assert review["projected_at_target_date"] is None


def test_progress_across_the_whole_float_range_is_still_computed(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    """From -1e308 to 1e308 the distance overflows; its half does not, so 1e307 is 55%."""
    _record(register_root, "-1e308", "1e308", "increase", "2026-02-10=1e300", "2026-03-10=1e307")
    [review] = _review_json(register_root, run_csi)
    assert review["progress_percent"] == 55.0


def test_a_target_equal_to_its_baseline_is_reported_and_reviewed_without_a_crash(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    _record(register_root, "10", "10", "decrease", "2026-02-10=8")
    assert "must be below the baseline" in run_csi(register_root, "validate").output
    [review] = _review_json(register_root, run_csi)
    assert review["progress_percent"] is None


def test_a_measurement_dated_before_its_baseline_is_a_finding_not_dropped(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    _record(register_root, "10", "5", "decrease", "2026-01-02=12", "2026-02-10=8")
    result = run_csi(register_root, "validate")
    assert result.exit_code == 1
    assert (
        "metrics[0].measurements[0].date: dated before the baseline (2026-01-10)" in result.output
    )
