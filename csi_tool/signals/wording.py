"""How signals put their figures in words and rates: evidence lines, periods, and the
units of the metrics proposed from them (per day, week or month, as the data allows)."""

from __future__ import annotations

from csi_tool.signals.analysis import Group, Scope
from csi_tool.signals.signal import ProposedMetric

DAYS_PER_MONTH = 30.4375


def per_period(group: Group, scope: Scope, label: str) -> ProposedMetric:
    """The metric a group's tickets per day, week or month make, from the data."""
    unit, per = rate_unit(scope)
    return ProposedMetric(
        f"tickets_per_{unit}",
        f"Tickets per {unit} ({label})",
        f"tickets/{unit}",
        round(group.tickets / per, 1),
        f"tickets with {group.field} {group.value!r} opened {period_text(scope)}, per {unit}",
    )


def rate_unit(scope: Scope, halves: bool = False) -> tuple[str, float]:
    """A unit the period can measure without extrapolating far, and how many of it the
    period (or its half) spans: a few days of data never become a monthly figure."""
    days = ((scope.end - scope.start).days + 1) / (2 if halves else 1)
    if days < 14:
        return "day", days
    if days < 90:
        return "week", days / 7
    return "month", days / DAYS_PER_MONTH


def resolution_line(group: Group, scope: Scope) -> list[str]:
    """The evidence line on how fast the group's tickets were resolved, against all."""
    if group.p50_hours is None or scope.overall.p50_hours is None:
        return []
    return [
        f"Resolution: median {group.p50_hours:.1f} h, 90th percentile "
        f"{group.p90_hours or 0:.1f} h (all tickets: {scope.overall.p50_hours:.1f} h and "
        f"{scope.overall.p90_hours or 0:.1f} h)."
    ]


def percentiles(group: Group) -> dict[str, float]:
    """The group's resolution percentiles as figures."""
    if group.p50_hours is None:
        return {}
    return {"p50_hours": round(group.p50_hours, 2), "p90_hours": round(group.p90_hours or 0, 2)}


def period_text(scope: Scope) -> str:
    """`2026-03-01 to 2026-03-28`."""
    return f"{scope.start} to {scope.end}"
