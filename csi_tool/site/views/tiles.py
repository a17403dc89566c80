"""The dashboard's headline tiles: the figures a CIO asks for first, each counting what the
list it opens shows (in flight, delivered this quarter, targets achieved, overdue, at risk,
breaches and regressions)."""

from __future__ import annotations

from dataclasses import dataclass

from csi_tool.backlog.delivery import Phase
from csi_tool.benefits.verdict import AT_RISK
from csi_tool.report import counted
from csi_tool.site.data import SiteData
from csi_tool.site.markup import quarter_of, text
from csi_tool.site.views.attention import LATE, OVERDUE_REVIEW, Attention
from csi_tool.site.views.delivery import delivered_in_quarter


@dataclass(frozen=True)
class Tile:
    """One headline figure and the list behind it."""

    label: str
    value: str
    detail: str
    href: str
    alert: bool = False  # drawn in the alert colour when it is not zero


def tiles(data: SiteData, attention: list[Attention]) -> list[Tile]:
    """The headline figures, in the order they are shown; each counts what its list shows."""
    flight = [d for d in data.deliveries if d.phase is Phase.NOW]
    delivered = delivered_in_quarter(data)
    closed = [
        item.record
        for item in data.register.records.values()
        if item.record.status in data.policies.review.sustained_states and item.record.review
    ]
    achieved = sum(r.review is not None and r.review.outcome.value == "achieved" for r in closed)
    share = f"{round(100 * achieved / len(closed))}%" if closed else "&mdash;"
    overdue = [a for a in attention if a.overdue]
    late = sum(any(kind == LATE for kind, _ in a.reasons) for a in overdue)
    reviews = sum(any(kind == OVERDUE_REVIEW for kind, _ in a.reasons) for a in overdue)
    at_risk = [r for r in data.reviews if r.benefit == AT_RISK]
    fading = [a for a in attention if a.fading]
    metrics = sum(bool(r.breach or r.regression) for r in data.reviews)
    quarter = quarter_of(data.as_of)
    return [
        Tile(
            "In flight",
            f"{len(flight):,}",
            "being delivered or measured",
            "delivery.html#in-flight",
        ),
        Tile(
            f"Delivered in {quarter}",
            f"{len(delivered):,}",
            "improvements closed",
            f"delivery.html#delivered-in-{quarter.lower().replace(' ', '-')}",
        ),
        Tile(
            "Targets achieved",
            share,
            f"{achieved:,} of {counted(len(closed), 'closed improvement')}",
            "#review-outcomes",
        ),
        Tile(
            "Overdue",
            f"{len(overdue):,}",
            f"improvements: {late:,} late, {reviews:,} with a review overdue",
            "attention.html?overdue=yes",
            alert=True,
        ),
        Tile(
            "At risk",
            f"{len(at_risk):,}",
            f"metrics, of {counted(len({r.record_id for r in at_risk}), 'improvement')}"
            if at_risk
            else "metrics: none",
            "scoreboard.html?benefit=at+risk",
            alert=True,
        ),
        Tile(
            "Breaches and regressions",
            f"{len(fading):,}",
            f"improvements, {counted(metrics, 'metric')} past a threshold or fading",
            "attention.html?fading=yes",
            alert=True,
        ),
    ]


def tiles_html(data: SiteData, attention: list[Attention]) -> str:
    """The tiles, a grid of links."""
    shown = "".join(
        f'<a class="csi-tile{_tone(t)}"'
        f' href="{t.href}"><span class="csi-tile__value">{t.value}</span>'
        f'<span class="csi-tile__label">{text(t.label)}</span>'
        f'<span class="csi-tile__detail">{text(t.detail)}</span></a>'
        for t in tiles(data, attention)
    )
    records = counted(len(data.register.records), "improvement")
    return (
        f"<p>{records} in the register, as of {data.as_of}.</p>"
        f'<nav class="csi-tiles" aria-label="Headline figures">{shown}</nav>'
    )


def _tone(tile: Tile) -> str:
    """An alert is red while it counts anything and green at zero; other figures are neutral."""
    if not tile.alert:
        return ""
    return " csi-tile--clear" if tile.value in ("0", "&mdash;") else " csi-tile--alert"
