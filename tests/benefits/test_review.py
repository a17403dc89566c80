"""`csi review` against hand-computed expectations on a fixed date."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from csi_tool.benefits.review import review_records
from csi_tool.fields import IndicatorKind
from csi_tool.policies.review import ReviewPolicy
from csi_tool.records.models import Record
from tests.conftest import PROJECT

AS_OF = dt.date(2026, 6, 1)
POLICY = ReviewPolicy.model_validate(
    {"schema_version": 1, "reviewed_states": ["approved", "in_progress", "measuring", "closed"]}
)


def _record(record_id: str, status: str, metric: dict[str, Any]) -> Record:
    base = {
        "key": "m",
        "name": "Metric",
        "kind": "lagging",
        "unit": "%",
        "direction": "decrease",
        "review_cadence": "monthly",
    }
    return Record.model_validate(
        {
            "schema_version": 2,
            "id": record_id,
            "title": f"Record {record_id}",
            "created": dt.date(2025, 12, 1),
            "status": status,
            "metrics": [base | metric],
        }
    )


def _m(day: str, value: float) -> dict[str, Any]:
    return {"date": dt.date.fromisoformat(day), "value": value}


BASE = {"baseline": {"value": 10, "date": dt.date(2026, 1, 1), "source": "report"}}
TARGET_5 = {"target": {"value": 5, "by": dt.date(2026, 12, 31)}}

RECORDS = [
    # latest 4.5 meets target 5, as did the two before it (three in a row, the policy's
    # sustained_points): realised; progress (4.5−10)/(5−10) = 110 %
    _record(
        "CSI-0001",
        "measuring",
        BASE
        | TARGET_5
        | {
            "measurements": [
                _m("2026-03-15", 4.8),
                _m("2026-04-15", 4.6),
                _m("2026-05-15", 4.5),
            ]
        },
    ),
    # the line through (Feb 1, 9.5), (Mar 1, 9), (May 1, 8) reaches 3.90 by Dec 31: on track
    _record(
        "CSI-0002",
        "in_progress",
        BASE
        | TARGET_5
        | {"measurements": [_m("2026-02-01", 9.5), _m("2026-03-01", 9), _m("2026-05-01", 8)]},
    ),
    # the line through (Feb 1, 9.9), (Mar 1, 9.8), (May 5, 9.6) stays far above 2: at risk
    _record(
        "CSI-0003",
        "in_progress",
        BASE
        | {
            "target": {"value": 2, "by": dt.date(2026, 12, 31)},
            "measurements": [_m("2026-02-01", 9.9), _m("2026-03-01", 9.8), _m("2026-05-05", 9.6)],
        },
    ),
    # target date Mar 31 has passed with 8 > 5: not realised; last measured Apr 15: overdue
    _record(
        "CSI-0004",
        "measuring",
        BASE
        | {
            "target": {"value": 5, "by": dt.date(2026, 3, 31)},
            "measurements": [_m("2026-04-15", 8)],
            "action_threshold": 7.5,
        },
    ),
    # approved, the work not started: benefit "not started"; review due Jan 31: overdue
    _record("CSI-0005", "approved", BASE | TARGET_5),
    # closed, increase: 85 met the target 80, 60 no longer does: realised but not
    # sustained; best gain 85 − 50 = 35, now 60 − 50 = 10: lost 71 % ≥ 50 %: regressed
    _record(
        "CSI-0006",
        "closed",
        {
            "direction": "increase",
            "action_threshold": 55,
            "baseline": {"value": 50, "date": dt.date(2026, 1, 1), "source": "survey"},
            "target": {"value": 80, "by": dt.date(2026, 4, 30)},
            "measurements": [_m("2026-03-31", 85), _m("2026-05-31", 60)],
        },
    ),
    # not in a reviewed state
    _record("CSI-0007", "assessed", BASE | TARGET_5),
    # closed, decrease, 10 → 12: worse than baseline, and a regression
    _record("CSI-0008", "closed", BASE | TARGET_5 | {"measurements": [_m("2026-04-30", 12)]}),
    # one value since the start, short of the target: two more for a trend
    _record("CSI-0009", "in_progress", BASE | TARGET_5 | {"measurements": [_m("2026-04-30", 7)]}),
]


def test_each_benefit_status_review_state_breach_and_regression() -> None:
    reviews = {r.record_id: r for r in review_records(RECORDS, POLICY, AS_OF)}
    assert set(reviews) == {f"CSI-000{n}" for n in range(1, 10)} - {"CSI-0007"}
    table = {
        rid: (r.benefit, r.progress, r.review, r.next_review.isoformat(), r.breach, r.regression)
        for rid, r in reviews.items()
    }
    assert table == {
        # monthly, on the calendar: measured in May, June's measurement falls due at the end
        # of June (overdue only after the policy's 14 days of grace)
        "CSI-0001": ("realised", 110.0, "ok", "2026-06-30", False, None),
        "CSI-0002": ("on track", 40.0, "ok", "2026-06-30", False, None),
        "CSI-0003": ("at risk", 5.0, "ok", "2026-06-30", False, None),
        # measured in April: May's fell due on May 31, within the grace on June 1
        "CSI-0004": ("not realised", 40.0, "due", "2026-05-31", True, None),
        # nothing measured since the baseline of January 1: February's, past its grace
        "CSI-0005": ("not started", None, "overdue", "2026-02-28", False, None),
        "CSI-0006": (
            "realised but not sustained",
            33.3,
            "ok",
            "2026-06-30",
            False,
            "lost 71% of the best gain (35 %)",
        ),
        "CSI-0008": (
            "worse than baseline",
            -40.0,
            "due",
            "2026-05-31",
            False,
            "latest value 12 is worse than the baseline 10",
        ),
        "CSI-0009": ("no signal yet", 60.0, "due", "2026-05-31", False, None),
    }
    assert reviews["CSI-0009"].more_needed == 2
    # an independent least-squares fit (statistics.linear_regression) over days since Feb 1
    for rid in ("CSI-0002", "CSI-0003"):
        record = next(r for r in RECORDS if r.id == rid)
        points = record.metrics[0].measurements
        first = points[0].date
        fit = statistics.linear_regression(
            [(p.date - first).days for p in points], [p.value for p in points]
        )
        expected = fit.intercept + fit.slope * (dt.date(2026, 12, 31) - first).days
        assert reviews[rid].projected == pytest.approx(expected, abs=1e-4)
    assert reviews["CSI-0002"].projected == pytest.approx(3.90, abs=0.01)


def test_fail_on_makes_the_scheduled_job_fail(
    example_root: Path, run_csi: Callable[..., Result]
) -> None:
    quiet = run_csi(example_root, "review", "--as-of", "2026-11-25")
    assert quiet.exit_code == 0
    failing = run_csi(
        example_root, "review", "--as-of", "2026-11-25", "--fail-on", "overdue,regressed"
    )
    assert failing.exit_code == 1
    assert failing.stderr.startswith("failing: overdue ")
    assert "regressed " in failing.stderr
    bad = run_csi(example_root, "review", "--fail-on", "late")
    assert bad.exit_code == 2


def test_the_example_register_shows_overdue_breaches_progress_and_a_regression(
    run_csi: Callable[..., Result],
) -> None:
    out = run_csi(PROJECT, "review", "--as-of", "2026-11-25").stdout
    assert "CSI-0001  closed  Cut repeat incidents caused by outdated knowledge articles" in out
    assert "REGRESSED: latest value 12.9 is past the action threshold 12" in out
    assert "review OVERDUE since" in out and "THRESHOLD BREACHED" in out and "progress " in out
    for status in ("realised", "on track", "at risk", "not realised", "no signal yet"):
        assert f"    {status} (" in out


def test_the_example_register_names_its_verdicts(run_csi: Callable[..., Result]) -> None:
    """Before: CSI-0001's repeat rate, met on time and lost, was only "not realised";
    CSI-0008's fix time, 54 → 142 days on a closed record, had no finding."""
    out = run_csi(PROJECT, "review", "--as-of", "2026-11-25", "--format", "json").stdout
    found = {(m["id"], m["metric"]): m for m in json.loads(out)["metrics"]}
    verdicts = {key: m["benefit"] for key, m in found.items()}
    assert verdicts[("CSI-0001", "repeat_rate")] == "realised but not sustained"
    assert verdicts[("CSI-0005", "access_lead_time")] == "realised"  # met three times running
    assert verdicts[("CSI-0008", "supplier_fix_days")] == "worse than baseline"
    assert found[("CSI-0008", "supplier_fix_days")]["regression"] == (
        "latest value 142 is worse than the baseline 54"
    )
    assert found[("CSI-0008", "supplier_fix_days")]["reason"] == (
        "latest value is worse than the baseline 54"
    )
    # approved, with its start in January: not judged from measurements before the work
    assert {verdicts[("CSI-0010", key)] for key in ("change_success_rate", "backout_tested")} == {
        "not started"
    }
    # five monthly values before the work set limits; October's 58 % is beyond the lower one
    stale = found[("CSI-0018", "stale_passwords")]
    assert stale["benefit"] == "improving"
    assert stale["process"]["shift"] == "down"
    assert stale["process"]["lower_limit"] == pytest.approx(64.4 - 2.66 * 2)
    # one value since the start meets the target: not yet shown to last
    reviewed = found[("CSI-0001", "articles_reviewed")]
    assert (reviewed["benefit"], reviewed["more_values_needed"]) == ("no signal yet", 2)


def test_markdown_and_json(example_root: Path, run_csi: Callable[..., Result]) -> None:
    markdown = run_csi(example_root, "review", "--as-of", "2026-11-25", "--format", "markdown")
    assert markdown.stdout.startswith("## Benefit review (2026-11-25)")
    assert "| `CSI-0001` |" in markdown.stdout
    json_out = run_csi(example_root, "review", "--as-of", "2026-11-25", "--format", "json")
    assert '"regression": "latest value 12.9 is past the action threshold 12"' in json_out.stdout


@pytest.mark.parametrize(
    ("baseline", "target"),
    [("62", "62"), ("-1.7e308", "1.7e308")],  # refused by validate, or at float's limits
    ids=["target equals baseline", "huge range"],
)
def test_review_and_site_survive_degenerate_goalposts(
    example_root: Path, run_csi: Callable[..., Result], baseline: str, target: str
) -> None:
    """Before: ZeroDivisionError in the review and OverflowError in the chart (exit 3)."""
    record = example_root / "register" / "CSI-0007.yaml"
    text = record.read_text()
    text = text.replace("baseline: {value: 62,", f"baseline: {{value: {baseline},", 1)
    record.write_text(text.replace("target: {value: 95,", f"target: {{value: {target},", 1))
    shutil.copytree(PROJECT / "site", example_root / "site")
    for args in (("review",), ("site", "build", "--out", "build/site")):
        result = run_csi(example_root, *args)
        assert result.exit_code in (0, 1), (args, result.output)
        assert "unexpected error" not in result.output


def test_benefit_starts_with_the_work_and_trends_stay_possible() -> None:
    """Before: "at risk" on approved records from a measurement before the start, and trends
    to -671.8 tickets or 243.1 %."""
    early = _m("2026-01-15", 12)
    approved = _record("CSI-0011", "approved", BASE | TARGET_5 | {"measurements": [early]})
    falling = {  # three points falling fast: the line crosses zero long before the target date
        "unit": "tickets",
        "measurements": [_m("2026-01-15", 11), _m("2026-02-01", 6), _m("2026-03-01", 1)],
        "target": {"value": 0.5, "by": dt.date(2026, 12, 31)},
    }
    counts = _record("CSI-0012", "in_progress", BASE | falling)
    percent = _record(
        "CSI-0013",
        "in_progress",
        {
            "unit": "%",
            "direction": "increase",
            "baseline": {"value": 40, "date": dt.date(2026, 1, 1), "source": "survey"},
            "target": {"value": 99.5, "by": dt.date(2026, 12, 31)},
            "measurements": [_m("2026-01-15", 45), _m("2026-02-01", 70), _m("2026-03-01", 95)],
        },
    )
    two_points = _record(
        "CSI-0014", "in_progress", BASE | TARGET_5 | {"measurements": [_m("2026-03-01", 9)]}
    )
    reviews = {
        r.record_id: r
        for r in review_records([approved, counts, percent, two_points], POLICY, AS_OF)
    }
    assert reviews["CSI-0011"].benefit == "not started" and reviews["CSI-0011"].progress is None
    assert reviews["CSI-0012"].projected == 0.0  # never below none
    assert reviews["CSI-0013"].projected == 100.0  # never above 100 %
    assert reviews["CSI-0014"].projected is None  # one value since the start is no trend
    assert reviews["CSI-0014"].benefit == "no signal yet"  # not "at risk", as it was
    assert reviews["CSI-0014"].more_needed == 2


def test_a_records_leading_indicators_come_before_its_lagging_ones(
    example_root: Path, run_csi: Callable[..., Result]
) -> None:
    record = _record("CSI-0009", "measuring", BASE)
    both = record.model_copy(
        update={
            "metrics": [
                record.metrics[0],
                record.metrics[0].model_copy(update={"key": "lead", "kind": IndicatorKind.LEADING}),
            ]
        }
    )
    assert [(r.metric, r.kind) for r in review_records([both], POLICY, AS_OF)] == [
        ("lead", "leading"),
        ("m", "lagging"),
    ]
    text = run_csi(example_root, "review", "--as-of", "2026-11-25").stdout
    assert " (leading): " in text and " (lagging): " in text


@pytest.mark.parametrize(
    ("cadence", "measured", "as_of", "review", "due"),
    [
        # the example: measured on 30 June, the next quarterly measurement falls due
        # on 30 September, and is overdue only after the grace
        ("quarterly", "2026-06-30", "2026-09-30", "due", "2026-09-30"),
        ("quarterly", "2026-06-30", "2026-10-14", "due", "2026-09-30"),
        ("quarterly", "2026-06-30", "2026-10-15", "overdue", "2026-09-30"),
        ("quarterly", "2026-04-01", "2026-09-30", "due", "2026-09-30"),  # any day of Q2
        ("monthly", "2026-01-31", "2026-03-01", "due", "2026-02-28"),  # February's end
        ("half_yearly", "2026-07-01", "2027-06-01", "ok", "2027-06-30"),
        ("yearly", "2026-12-31", "2027-12-31", "due", "2027-12-31"),
        ("weekly", "2026-06-30", "2026-07-08", "overdue", "2026-07-07"),  # days, no grace
    ],
)
def test_reviews_fall_due_on_calendar_periods_with_the_policys_grace(
    cadence: str, measured: str, as_of: str, review: str, due: str
) -> None:
    record = _record(
        "CSI-0001",
        "measuring",
        {
            "review_cadence": cadence,
            "baseline": {"value": 10, "date": dt.date(2026, 1, 1), "source": "report"},
            "target": {"value": 5, "by": dt.date(2028, 12, 31)},
            "measurements": [_m(measured, 8)],
        },
    )
    [result] = review_records([record], POLICY, dt.date.fromisoformat(as_of))
    assert (result.review, result.next_review.isoformat()) == (review, due)


def test_the_review_clock_starts_at_approval_not_at_an_older_baseline() -> None:
    """CSI-0010's case: a baseline taken months before approval, nothing measured since."""
    approved = _record("CSI-0001", "in_progress", BASE | TARGET_5).model_copy(
        update={"decisions": [_decision("2026-05-20")]}
    )
    [result] = review_records([approved], POLICY, AS_OF)
    # approved in May, nothing measured since: May's measurement falls due at its end (the
    # baseline of January would have made it overdue since March 15)
    assert (result.review, result.next_review.isoformat()) == ("due", "2026-05-31")
    assert result.overdue_since is None


def test_the_period_of_the_approval_is_measured_too() -> None:
    """CSI-0010's case: measured on 30 September, approved on 15 October, quarterly: the
    fourth quarter falls due on 31 December, not skipped to the end of March."""
    record = _record(
        "CSI-0001",
        "in_progress",
        {
            "review_cadence": "quarterly",
            "baseline": {"value": 10, "date": dt.date(2026, 6, 30), "source": "report"},
            "target": {"value": 5, "by": dt.date(2027, 12, 31)},
            "measurements": [_m("2026-09-30", 9)],
        },
    ).model_copy(update={"decisions": [_decision("2026-10-15")]})
    [result] = review_records([record], POLICY, dt.date(2027, 1, 20))
    assert (result.review, result.next_review.isoformat()) == ("overdue", "2026-12-31")
    assert result.overdue_since == dt.date(2027, 1, 15)  # the grace of 14 days passed


def _decision(day: str) -> Any:
    from csi_tool.records.models import Decision

    return Decision.model_validate(
        {"outcome": "approved", "date": dt.date.fromisoformat(day), "by": "@board"}
    )


def test_review_says_whether_the_process_shifted_apart_from_the_target() -> None:
    """Limits from the baseline and the measurements before the plan's start; after it,
    eight values below the centre line are a shift down, though the target is not met."""
    before = [
        _m("2026-02-01", 11),
        _m("2026-03-01", 9),
        _m("2026-04-01", 10),
        _m("2026-05-01", 11),
    ]
    after = [_m(f"2026-{month:02d}-15", 8.5) for month in range(6, 12)]
    after += [_m("2026-12-01", 8.4), _m("2026-12-20", 8.3)]
    record = _record(
        "CSI-0001",
        "in_progress",
        BASE | TARGET_5 | {"measurements": before + after},
    ).model_copy(update={"plan": _plan("2026-06-01")})
    [result] = review_records([record], POLICY, dt.date(2026, 12, 21))
    process = result.process
    assert process is not None and process.limits is not None
    assert process.before == 5  # the baseline and four measurements before June 1
    assert process.limits.centre == pytest.approx(10.2)  # (10 + 11 + 9 + 10 + 11) / 5
    assert process.shift is False  # eight values in a row below the centre line
    assert result.benefit != "realised"  # the target of 5 is not met: a separate question
    few = _record("CSI-0002", "in_progress", BASE | TARGET_5 | {"measurements": after})
    [result] = review_records([few.model_copy(update={"plan": _plan("2026-06-01")})], POLICY, AS_OF)
    assert result.process is not None
    assert (result.process.limits, result.process.needed) == (None, 4)


def _plan(start: str) -> Any:
    from csi_tool.records.models import Plan

    return Plan.model_validate({"start": dt.date.fromisoformat(start)})
