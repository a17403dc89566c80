"""Render the benefit review as text, Markdown or JSON, and decide what fails a CI run."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from csi_tool.benefits.process import ProcessReview
from csi_tool.benefits.review import BENEFIT_STATUSES, MetricReview
from csi_tool.markdown import md_code, md_inline
from csi_tool.report import neutralise_workflow_commands


def failing_findings(reviews: Sequence[MetricReview], fail_on: Sequence[str]) -> dict[str, int]:
    """How many of each named finding exist (only those present)."""
    counts = {
        "overdue": sum(r.review == "overdue" for r in reviews),
        "breach": sum(r.breach for r in reviews),
        "regressed": sum(r.regression is not None for r in reviews),
    }
    return {name: counts[name] for name in fail_on if counts[name]}


def render_review(
    reviews: Sequence[MetricReview], as_of: dt.date, fmt: str, not_reviewed: Sequence[str] = ()
) -> str:
    """Every reviewed metric, grouped by record, with a closing tally; `not_reviewed` names
    the records left out for findings of their own (judged, they would give wrong numbers)."""
    if fmt == "json":
        payload = {**review_payload(reviews, as_of), "not_reviewed": list(not_reviewed)}
        return neutralise_workflow_commands(
            json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False)
        )
    skipped = (
        f"Not reviewed, for findings of their own (csi validate lists them): "
        f"{', '.join(not_reviewed)}"
        if not_reviewed
        else ""
    )
    if fmt == "markdown":
        return _markdown(reviews, as_of) + (f"\n{md_inline(skipped)}\n" if skipped else "")
    text = _text(reviews, as_of) + (f"\n{skipped}" if skipped else "")
    return neutralise_workflow_commands(text)


def review_payload(reviews: Sequence[MetricReview], as_of: dt.date) -> dict[str, Any]:
    """The review as plain data for JSON."""
    return {
        "as_of": as_of.isoformat(),
        "metrics": [_json(r) for r in reviews],
        "summary": _tally(reviews),
    }


def _text(reviews: Sequence[MetricReview], as_of: dt.date) -> str:
    records = len({r.record_id for r in reviews})
    lines = [f"Benefit review as of {as_of}: {len(reviews)} metric(s) in {records} record(s)"]
    for record_id, group in groupby(reviews, key=lambda r: r.record_id):
        items = list(group)
        lines += ["", f"{record_id}  {items[0].status}  {items[0].title}"]
        for r in items:
            lines.append(f"  {r.metric} ({r.kind}): {_movement(r)}")
            lines.append(f"    {_verdict(r)}")
            if r.process is not None:
                lines.append(f"    process: {process_words(r.process)}")
    tally = _tally(reviews)
    lines += ["", "Summary: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in tally.items())]
    return "\n".join(lines)


def _movement(r: MetricReview) -> str:
    base = "no baseline" if r.baseline is None else f"{r.baseline:g} {r.unit}"
    latest = "no measurement" if r.latest is None else f"{r.latest:g} {r.unit} on {r.latest_date}"
    target = "no target" if r.target is None else f"target {r.target:g} {r.unit}"
    return f"{base} → {latest} ({target})"


def _verdict(r: MetricReview) -> str:
    parts = [verdict_words(r)]
    if r.progress is not None:
        parts.append(f"progress {r.progress:g}%")
    if r.projected is not None:
        parts.append(f"trend reaches {r.projected:.4g} by the target date")
    review = {
        "ok": f"next review {r.next_review}",
        "due": f"review due {r.next_review}",
        "overdue": f"review OVERDUE since {r.overdue_since} (due {r.next_review})",
    }[r.review]
    parts.append(review)
    if r.breach:
        parts.append("THRESHOLD BREACHED")
    if r.regression:
        parts.append(f"REGRESSED: {r.regression}")
    return "; ".join(parts)


def verdict_words(r: MetricReview) -> str:
    """The verdict with its reason, and what it still waits for."""
    words = f"{r.benefit} ({r.reason}"
    if r.more_needed:
        words += f"; {r.more_needed} more value{'' if r.more_needed == 1 else 's'} needed"
    return words + ")"


def process_words(process: ProcessReview) -> str:
    """Whether the process shifted after the work started, in words (separate from whether
    the target was met)."""
    if process.unvarying:
        return f"no limits: the {process.before} values before the work started do not vary"
    if process.limits is None and process.needed == 0:
        return "no limits: the values before the work started leave float's range"
    if process.limits is None:
        return (
            f"no limits yet: {process.before} value(s) before the work started, "
            f"{process.needed} more needed"
        )
    limits = f"centre {process.limits.centre:.4g}, limits {process.limits.lower:.4g} to "
    limits += f"{process.limits.upper:.4g}"
    if not process.signals:
        return f"no shift ({limits})"
    if process.shift is None:
        return f"signals both ways, the latest on the same value ({limits})"
    rules = sorted({s.rule.value for s in process.signals if s.upward == process.shift})
    way, other = ("up", "down") if process.shift else ("down", "up")
    before = any(s.upward != process.shift for s in process.signals)
    earlier = f"; earlier signals {other}" if before else ""
    return f"shifted {way}: {', '.join(rules)}{earlier} ({limits})"


def _markdown(reviews: Sequence[MetricReview], as_of: dt.date) -> str:
    out = [
        f"## Benefit review ({as_of})",
        "",
        "| Record | Metric | Baseline → latest | Target | Progress | Benefit | Review | Alerts |",
        "|---|---|---|---|---:|---|---|---|",
    ]
    for r in reviews:
        alerts = []
        if r.breach:
            alerts.append("threshold breached")
        if r.regression:
            alerts.append(f"regressed: {r.regression}")
        out.append(
            f"| {md_code(r.record_id)} | {md_inline(r.name)} ({r.kind}) | "
            f"{md_inline(_movement(r))} "
            f"| {'' if r.target is None else f'{r.target:g}'} "
            f"| {'' if r.progress is None else f'{r.progress:g}%'} | {r.benefit} "
            f"| {r.review} ({r.next_review}) | {md_inline('; '.join(alerts))} |"
        )
    tally = _tally(reviews)
    out += ["", "**Summary:** " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in tally.items())]
    return "\n".join(out)


def _tally(reviews: Sequence[MetricReview]) -> dict[str, int]:
    benefits = Counter(r.benefit for r in reviews)
    return {
        "overdue": sum(r.review == "overdue" for r in reviews),
        "due": sum(r.review == "due" for r in reviews),
        "breaches": sum(r.breach for r in reviews),
        "regressions": sum(r.regression is not None for r in reviews),
        **{name.replace(" ", "_"): benefits[name] for name in BENEFIT_STATUSES},
    }


def _json(r: MetricReview) -> dict[str, Any]:
    return {
        "id": r.record_id,
        "status": r.status,
        "metric": r.metric,
        "name": r.name,
        "kind": r.kind,
        "unit": r.unit,
        "baseline": r.baseline,
        "target": r.target,
        "target_by": r.target_by.isoformat() if r.target_by else None,
        "latest": r.latest,
        "latest_date": r.latest_date.isoformat() if r.latest_date else None,
        "next_review": r.next_review.isoformat(),
        "overdue_since": r.overdue_since.isoformat() if r.overdue_since else None,
        "review": r.review,
        "breach": r.breach,
        "progress_percent": r.progress,
        "benefit": r.benefit,
        "reason": r.reason,
        "more_values_needed": r.more_needed,
        "projected_at_target_date": r.projected,
        "regression": r.regression,
        "process": _process_json(r.process),
    }


def _process_json(process: ProcessReview | None) -> dict[str, Any] | None:
    if process is None:
        return None
    limits = process.limits
    return {
        "values_before": process.before,
        "of_them_from_the_bound_measure": process.earlier,
        "more_needed": process.needed,
        "centre": limits.centre if limits else None,
        "lower_limit": limits.lower if limits else None,
        "upper_limit": limits.upper if limits else None,
        "shift": None if process.shift is None else ("up" if process.shift else "down"),
        "signals": [
            {
                "rule": s.rule.value,
                "direction": "up" if s.upward else "down",
                "values": len(s.indices),
            }
            for s in process.signals
        ],
    }
