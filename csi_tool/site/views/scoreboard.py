"""scoreboard.html: did it work? One row per improvement and metric, baseline to target.

A record's leading indicators come before its lagging ones, so a reader sees whether the
behaviour moved before the outcome did. The verdict shows in colour and in words; a gain
fading after closing, or a breached threshold, is an alert beside it.
"""

from __future__ import annotations

from csi_tool.benefits.review import MetricReview
from csi_tool.benefits.verdict import (
    AT_RISK,
    IMPROVING,
    NO_SIGNAL,
    NOT_REALISED,
    NOT_SUSTAINED,
    ON_TRACK,
    REALISED,
    WORSE,
)
from csi_tool.report import counted
from csi_tool.site.data import SiteData
from csi_tool.site.markup import label
from csi_tool.site.pages import Page, Section
from csi_tool.site.tables import Cell, Column, DataTable, Kind, data_table

COLUMNS = (
    Column("id", "Id", Kind.RECORD),
    Column("improvement", "Improvement", shown=False),
    Column("service", "Service", choose=True, shown=False),
    Column("metric", "Metric"),
    Column("kind", "Kind", choose=True),
    Column("baseline", "Baseline", Kind.NUMBER),
    Column("latest", "Latest", Kind.NUMBER),
    Column("measured", "Measured on", shown=False),
    Column("target", "Target", Kind.NUMBER),
    Column("by", "Target by", Kind.DATE),
    Column("progress", "Progress %", Kind.NUMBER),
    Column("benefit", "Benefit", Kind.BADGE, choose=True),
    Column("alerts", "Alerts"),
)
# What each verdict means, for the page's readers (docs/benefit-verdicts.md has the rules)
MEANINGS = {
    REALISED: "the target is met and the gain holds",
    NOT_SUSTAINED: "the target was met, then lost",
    IMPROVING: "the process shifted towards the target, not yet met",
    ON_TRACK: "the trend since the start reaches the target by its date",
    NO_SIGNAL: "too few values to tell a change from noise",
    AT_RISK: "a shift away from the target, or a trend short of it",
    NOT_REALISED: "the target date passed first",
    WORSE: "a closed improvement now worse than its baseline",
}


def alerts(review: MetricReview) -> str:
    """What needs action beside the verdict: a breached threshold, a fading gain."""
    found = ["threshold breached"] if review.breach else []
    found += [f"regressed: {review.regression}"] if review.regression else []
    return "; ".join(found)


def scoreboard_table(data: SiteData) -> DataTable:
    """One row per reviewed metric, in record order, leading indicators first."""
    rows: list[list[Cell]] = []
    for review in data.reviews:
        record = data.register.records[review.record_id].record
        rows.append(
            [
                review.record_id,
                " ".join(review.title.split()),
                record.service,
                f"{' '.join(review.name.split())} ({review.unit})",
                label(review.kind),
                review.baseline,
                review.latest,
                review.latest_date.isoformat() if review.latest_date else None,
                review.target,
                review.target_by.isoformat() if review.target_by else None,
                review.progress,
                review.benefit,
                alerts(review) or None,
            ]
        )
    return data_table("scoreboard", COLUMNS, rows, "metric")


def scoreboard_page(data: SiteData) -> Page:
    """scoreboard.html."""
    found = scoreboard_table(data)
    records = len({review.record_id for review in data.reviews})
    intro = (
        f"<p>{counted(len(data.reviews), 'metric')} of {counted(records, 'improvement')} "
        f"in the states reviewed, as of {data.as_of}: each from its baseline to its latest "
        "measurement and its target. Progress is the share of the way from baseline to "
        "target. "
        + "; ".join(f"<strong>{name}</strong>: {meaning}" for name, meaning in MEANINGS.items())
        + ". Choose a benefit to list only those; the filter also finds improvements' titles "
        "and services.</p>"
    )
    return Page(
        "scoreboard",
        "Benefits",
        "Benefit scoreboard",
        [Section(intro + found.html)],
        tables=[found],
    )
