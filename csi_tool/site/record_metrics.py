"""The metrics section of a record page: per metric, the review's verdict, a chart and a table.

Every label and value from the record passes through `markup` (escaped); the chart has its
own text alternative (see charts.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from csi_tool.benefits.review import MetricReview
from csi_tool.records.metrics import Metric
from csi_tool.records.models import Record
from csi_tool.site.charts import Line, metric_chart
from csi_tool.site.markup import code, heading, table, text


def metric_sections(record: Record, reviews: list[MetricReview]) -> Iterator[str]:
    """Per metric: its facts, the benefit review's verdict, a chart and the table of values."""
    by_key = {review.metric: review for review in reviews}
    for index, metric in enumerate(record.metrics):
        yield heading(3, f"metric-{metric.key}", metric.name)
        yield (
            f"<p>{code(metric.key)} · {metric.kind.value} · {text(metric.unit)} · "
            f"should {metric.direction.value} · "
            f"reviewed {metric.review_cadence.value.replace('_', ' ')}</p>"
        )
        review = by_key.get(metric.key)
        if review:
            alerts = (" · <strong>threshold breached</strong>" if review.breach else "") + (
                f" · <strong>regressed:</strong> {text(review.regression)}"
                if review.regression
                else ""
            )
            progress = "" if review.progress is None else f" · progress {review.progress:g}%"
            yield (
                f"<p><strong>Benefit:</strong> {review.benefit}{progress} · "
                f"review {review.review} ({review.next_review}){alerts}</p>"
            )
        yield _chart(record, index, metric)
        yield _metric_table(metric)


def _chart(record: Record, index: int, metric: Metric) -> str:
    points = [(m.date, m.value) for m in metric.measurements]
    lines = []
    if metric.baseline:
        points = [(metric.baseline.date, metric.baseline.value), *points]
        lines.append(Line("baseline", metric.baseline.value, "ref-baseline"))
    if metric.target:
        lines.append(Line(f"target by {metric.target.by}", metric.target.value, "ref-target"))
    if metric.action_threshold is not None:
        lines.append(Line("action threshold", metric.action_threshold, "ref-threshold"))
    described = ", ".join(f"{d}: {v:g}" for d, v in points) or "no measurements yet"
    description = f"{metric.name} in {metric.unit} over time: {described}. " + "; ".join(
        f"{line.label} {line.value:g}" for line in lines
    )
    svg = metric_chart(
        f"m{index}", f"{record.id} {metric.name}", metric.unit, points, lines, description
    )
    return f'<figure class="csi-figure">{svg}</figure>' if svg else ""


def _metric_table(metric: Metric) -> str:
    rows = []
    if metric.baseline:
        b = metric.baseline
        rows.append((str(b.date), f"{b.value:g}", text(b.source), "baseline"))
    for m in metric.measurements:
        rows.append((str(m.date), f"{m.value:g}", text(m.source or ""), text(m.note or "")))
    if metric.target:
        rows.append((str(metric.target.by), f"{metric.target.value:g}", "", "target"))
    return table(("Date", "Value", "Source", "Note"), rows, numeric=(1,))
