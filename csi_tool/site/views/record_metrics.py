"""The metrics section of a record page: per metric, the review's verdict, a chart and a table.

Every label and value from the record passes through `markup` (escaped); the chart has its
own text alternative (see charts.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from csi_tool.benefits.report import process_words, verdict_words
from csi_tool.benefits.review import MetricReview
from csi_tool.records.metrics import Metric
from csi_tool.records.models import Record
from csi_tool.site.charts import Behaviour, Line, metric_chart
from csi_tool.site.markup import code, heading, table, text


def metric_sections(record: Record, reviews: list[MetricReview]) -> Iterator[str]:
    """Per metric: its facts, the benefit review's verdict, a chart and the table of values.

    With leading and lagging indicators both, the leading ones come first and every chart
    shares one time axis, so a reader sees whether the behaviour changed before the outcome.
    """
    by_key = {review.metric: review for review in reviews}
    kinds = {metric.kind.value for metric in record.metrics}
    order = list(enumerate(record.metrics))
    period = None
    if kinds == {"leading", "lagging"}:
        order.sort(key=lambda pair: pair[1].kind.value != "leading")  # stable: leading first
        days = [d for metric in record.metrics for d, _ in _points(metric)]
        days += [metric.target.by for metric in record.metrics if metric.target]
        period = (min(days), max(days)) if days else None
        shown = f" ({period[0]} to {period[1]})" if period else ""
        yield (
            "<p>Leading indicators first, then lagging ones, on one time axis"
            f"{shown}: a change in behaviour should show before the outcome does.</p>"
        )
    for index, metric in order:
        yield heading(3, f"metric-{metric.key}", metric.name)
        yield (
            f"<p>{code(metric.key)} &middot; {metric.kind.value} &middot; "
            f"{text(metric.unit)} &middot; should {metric.direction.value} &middot; "
            f"reviewed {metric.review_cadence.value.replace('_', ' ')}{_binding(metric)}</p>"
        )
        review = by_key.get(metric.key)
        # the review's words, said above the chart and again in its description
        verdict = verdict_words(review) if review else ""
        process = process_words(review.process) if review and review.process else None
        if review:
            alerts = (" &middot; <strong>threshold breached</strong>" if review.breach else "") + (
                f" &middot; <strong>regressed:</strong> {text(review.regression)}"
                if review.regression
                else ""
            )
            progress = "" if review.progress is None else f" &middot; progress {review.progress:g}%"
            yield (
                f"<p><strong>Benefit:</strong> {text(verdict)}{progress} &middot; "
                f"review {review.review} ({review.next_review}){alerts}</p>"
            )
            if process is not None:
                yield f"<p><strong>Process:</strong> {text(process)}</p>"
        points = _points(metric)
        written = [(day.isoformat(), f"{value:g}") for day, value in points]  # chart and table
        yield _chart(record, index, metric, points, written, period, review, verdict, process)
        yield _metric_table(metric, written)


def _binding(metric: Metric) -> str:
    """How a bound metric is computed: its values come from the data, not from a person."""
    if metric.measure is None:
        return ""
    where = ", ".join(f"{name} = {value}" for name, value in metric.measure.where.items())
    shown = metric.measure.key + (f" where {where}" if where else "")
    return f" &middot; computed from the data by measure {text(shown)}"


def _points(metric: Metric) -> list[tuple[dt.date, float]]:
    points = [(m.date, m.value) for m in metric.measurements]
    if metric.baseline:
        points = [(metric.baseline.date, metric.baseline.value), *points]
    return points


def _chart(
    record: Record,
    index: int,
    metric: Metric,
    points: list[tuple[dt.date, float]],
    written: list[tuple[str, str]],
    period: tuple[dt.date, dt.date] | None,
    review: MetricReview | None,
    verdict: str,
    process: str | None,
) -> str:
    """The metric's chart of its `points` (`written` as the text shows them); `verdict` and
    `process` are the review's words, if reviewed."""
    trend = review.trend if review and review.trend else ()
    if period is None and points:  # the axis reaches the target date (and the trend's end)
        days = [d for d, _ in points] + [d for d, _ in trend]
        days += [metric.target.by] if metric.target else []
        period = (min(days), max(days))
    lines = []
    if metric.baseline:
        lines.append(Line("baseline", metric.baseline.value, "ref-baseline"))
    if metric.target:
        lines.append(Line(f"target by {metric.target.by}", metric.target.value, "ref-target"))
    if metric.action_threshold is not None:
        lines.append(Line("action threshold", metric.action_threshold, "ref-threshold"))
    described = ", ".join(f"{day}: {value}" for day, value in written) or "no measurements yet"
    description = f"{metric.name} in {metric.unit} over time: {described}. " + "; ".join(
        f"{line.label} {line.value:g}" for line in lines
    )
    if trend:
        (_, start), (end_day, end) = trend
        description += f"; trend from {start:g} to {end:g} by {end_day}"
    behaviour = _behaviour(review) if review else None
    if process:
        description += f"; process: {process}"
    if verdict:
        description += f"; verdict: {verdict}"
    svg = metric_chart(
        f"m{index}",
        f"{record.id} {metric.name}",
        metric.unit,
        points,
        lines,
        description,
        period,
        trend,
        behaviour,
    )
    return f'<figure class="csi-figure">{svg}</figure>' if svg else ""


def _behaviour(review: MetricReview) -> Behaviour:
    """The review's process chart for drawing: its limits, the days of values that
    signal (with their rules) and the verdict."""
    process = review.process
    limits = process.limits if process else None
    signalling: dict[dt.date, list[str]] = {}
    if process is not None:
        for signal in process.signals:
            for index in signal.indices:
                signalling.setdefault(process.after_dates[index], []).append(signal.rule.value)
    return Behaviour(
        limits.centre if limits else None,
        limits.lower if limits else None,
        limits.upper if limits else None,
        {day: ", ".join(dict.fromkeys(rules)) for day, rules in signalling.items()},
        review.benefit,
    )


def _metric_table(metric: Metric, written: list[tuple[str, str]]) -> str:
    """The chart's numbers (`written` as `_points` orders them), in date order (the
    target's row where its date falls)."""
    rows = []
    if metric.baseline:
        rows.append((*written[0], text(metric.baseline.source), "baseline"))
    sources: dict[str, str] = {}  # a metric's values mostly come from one or two sources
    measured = written[1:] if metric.baseline else written
    for m, (day, value) in zip(metric.measurements, measured, strict=True):
        source = m.source or ""
        shown = sources.get(source)
        if shown is None:
            shown = sources[source] = text(source)
        rows.append((day, value, shown, text(m.note) if m.note else ""))
    if metric.target:
        rows.append((str(metric.target.by), f"{metric.target.value:g}", "", "target"))
    rows.sort(key=lambda row: (row[0], row[3] == "target"))  # stable: a baseline stays first
    headers = ("Date", f"Value ({metric.unit.strip()})", "Source", "Note")
    return table(headers, rows, numeric=(1,))
