"""From grouped figures to signals: which differences are credible, and what they cost.

Clusters are the largest values of each field; problems and changes are flagged by how many
incidents they link. Rates (SLA breaches, reopens, ping-pong, slow resolutions) are flagged
only where the group's Wilson interval lies wholly above the rate of every other ticket,
and a rising volume only where the exact binomial test says the later half's excess is no
accident, both Bonferroni-corrected over every group compared.
"""

from __future__ import annotations

from csi_tool.policies.sources import HandlingCost, SignalSettings
from csi_tool.signals.analysis import Group, Scope
from csi_tool.signals.signal import (
    ProposedMetric,
    Signal,
    SignalKind,
    printable,
    signal_id,
    value_label,
)
from csi_tool.signals.statistics import (
    RISE,
    WILSON,
    rise_p_value,
    significant,
    wilson_interval,
)
from csi_tool.signals.wording import (
    per_period,
    percentiles,
    period_text,
    rate_unit,
    resolution_line,
)

# kind → the condition of analysis.CONDITIONS whose tickets the signal is about
CONDITION_OF = {
    SignalKind.CLUSTER: "all",
    SignalKind.PROBLEM: "all",
    SignalKind.CHANGE: "all",
    SignalKind.SLA_BREACH: "sla_breach",
    SignalKind.REOPEN: "reopen",
    SignalKind.PING_PONG: "ping_pong",
    SignalKind.SLOW_RESOLUTION: "slow_resolution",
    SignalKind.RISING_VOLUME: "later",
}
# kind → (what the tickets did, metric key, metric name)
_RATES = {
    SignalKind.SLA_BREACH: (
        "breached their SLA",
        "sla_breach_rate",
        "Tickets that breach their SLA",
    ),
    SignalKind.REOPEN: ("were reopened", "reopen_rate", "Tickets reopened"),
    SignalKind.PING_PONG: (
        "were passed on {threshold} or more times",
        "ping_pong_rate",
        "Tickets passed on {threshold} or more times",
    ),
    SignalKind.SLOW_RESOLUTION: (
        "took longer than {median:.1f} h, the median of all tickets",
        "slow_resolution_rate",
        "Tickets resolved slower than {median:.1f} h",
    ),
}
_LINKED = {"problem_id": SignalKind.PROBLEM, "caused_by_change": SignalKind.CHANGE}


def detect_signals(
    source: str,
    scope: Scope,
    by_field: dict[str, list[Group]],
    settings: SignalSettings,
    cost: HandlingCost,
) -> list[Signal]:
    """Every signal of one source, unranked and not yet matched with records."""
    signals: list[Signal] = []
    tested: list[Group] = []  # groups big enough to compare with the rest
    for field, groups in by_field.items():
        if field in _LINKED:
            linked = [g for g in groups if g.tickets >= settings.min_linked]
            signals += [_linked(source, scope, g, _LINKED[field], cost) for g in linked]
            continue
        big = [g for g in groups if g.tickets >= settings.min_tickets]
        tested += big
        signals += [
            _cluster(source, scope, g, cost) for g in big[: settings.clusters_per_dimension]
        ]
    for kind in _RATES:
        known = [g for g in tested if g.counts[CONDITION_OF[kind]].known >= settings.min_tickets]
        for group in known:
            signal = _rate(source, scope, group, kind, len(known), settings, cost)
            if signal is not None:
                signals.append(signal)
    if (scope.end - scope.start).days + 1 < settings.trend_min_days:
        return signals  # halves of a few days compare mornings with afternoons
    for group in tested:
        signal = _rise(source, scope, group, len(tested), settings, cost)
        if signal is not None:
            signals.append(signal)
    return signals


def _cluster(source: str, scope: Scope, group: Group, cost: HandlingCost) -> Signal:
    share = group.tickets / scope.overall.tickets
    label = value_label(group.field, group.value)
    evidence = [
        f"{group.tickets} of {scope.overall.tickets} tickets ({share:.1%}) opened "
        f"{period_text(scope)} had {group.field} {group.value!r}.",
    ]
    evidence += resolution_line(group, scope)
    return _signal(
        source,
        SignalKind.CLUSTER,
        scope,
        group,
        f"{label}: {group.tickets} tickets, {share:.1%} of all",
        group.tickets,
        {"share": round(share, 4)},
        evidence,
        "count and share of all tickets",
        group.hours * cost.hourly_rate,
        per_period(group, scope, label),
    )


def _linked(
    source: str, scope: Scope, group: Group, kind: SignalKind, cost: HandlingCost
) -> Signal:
    label = value_label(group.field, group.value)
    verb = "is linked to" if kind is SignalKind.PROBLEM else "caused"
    evidence = [f"{label} {verb} {group.tickets} tickets opened {period_text(scope)}."]
    evidence += resolution_line(group, scope)
    return _signal(
        source,
        kind,
        scope,
        group,
        f"{label} {verb} {group.tickets} tickets",
        group.tickets,
        {},
        evidence,
        f"tickets whose {group.field} is {group.value!r}",
        group.hours * cost.hourly_rate,
        per_period(group, scope, label),
    )


def _rate(
    source: str,
    scope: Scope,
    group: Group,
    kind: SignalKind,
    comparisons: int,
    settings: SignalSettings,
    cost: HandlingCost,
) -> Signal | None:
    counts, whole = group.counts[CONDITION_OF[kind]], scope.overall.counts[CONDITION_OF[kind]]
    rest_hit, rest_known = whole.hit - counts.hit, whole.known - counts.known
    if rest_known <= 0:
        return None
    rest = rest_hit / rest_known
    interval = wilson_interval(counts.hit, counts.known, settings.confidence, comparisons)
    if interval.low <= rest:
        return None
    words = {"threshold": settings.reassignment_threshold, "median": scope.median_hours}
    did, key, name = (text.format(**words) for text in _RATES[kind])
    label = value_label(group.field, group.value)
    level = f"{settings.confidence:.0%}"
    evidence = [
        f"{counts.hit} of {counts.known} tickets with {group.field} {group.value!r} {did} "
        f"({interval.rate:.1%}; {level} interval, Bonferroni-adjusted for {comparisons} "
        f"groups, {interval.low:.2%} to {interval.high:.2%}), against {rest:.2%} of the "
        f"other {rest_known} tickets.",
    ]
    evidence += resolution_line(group, scope)
    excess = max(0.0, counts.hit - rest * counts.known)
    hours_each = counts.hours / counts.hit if counts.hit else 0.0
    return _signal(
        source,
        kind,
        scope,
        group,
        f"{label}: {interval.rate:.1%} {did.split(',')[0]}, against {rest:.1%} elsewhere",
        counts.hit,
        {
            "rate": round(interval.rate, 4),
            "interval_low": round(interval.low, 4),
            "interval_high": round(interval.high, 4),
            "rest_rate": round(rest, 4),
            "comparisons": comparisons,
        },
        evidence,
        f"{WILSON} at {level}, Bonferroni-corrected over {comparisons} groups",
        excess * hours_each * cost.hourly_rate,
        ProposedMetric(
            key,
            f"{name} ({label})",
            "%",
            round(100 * interval.rate, 1),
            f"share of tickets with {group.field} {group.value!r} opened {period_text(scope)} "
            f"that {did}: {counts.hit} of {counts.known}",
        ),
    )


def _rise(
    source: str,
    scope: Scope,
    group: Group,
    comparisons: int,
    settings: SignalSettings,
    cost: HandlingCost,
) -> Signal | None:
    """A group whose share of tickets grew between the halves of the period: compared with
    all tickets, so a period that rises as a whole (more users, a truncated export) flags
    only the groups that rise faster than everything else."""
    later = group.counts["later"].hit
    earlier = group.tickets - later
    all_later = scope.overall.counts["later"].hit
    all_earlier = scope.overall.tickets - all_later
    if not all_earlier or not all_later:
        return None
    expected_share = all_later / scope.overall.tickets
    p_value = rise_p_value(earlier, later, expected_share)
    if later <= group.tickets * expected_share:
        return None
    if not significant(p_value, settings.confidence, comparisons):
        return None
    label = value_label(group.field, group.value)
    middle = scope.midpoint.date()
    before, after = earlier / all_earlier, later / all_later
    evidence = [
        f"{earlier} of {all_earlier} tickets opened {scope.start} to {middle} had "
        f"{group.field} {group.value!r} ({before:.1%}), then {later} of {all_later} from "
        f"{middle} to {scope.end} ({after:.1%}; p = {p_value:.2g}).",
    ]
    hours_each = group.hours / group.tickets
    excess = later - group.tickets * expected_share  # beyond what the whole's rise explains
    unit, per = rate_unit(scope, halves=True)
    return _signal(
        source,
        SignalKind.RISING_VOLUME,
        scope,
        group,
        f"{label}: {before:.1%} → {after:.1%} of all tickets between the halves of the period",
        later,
        {
            "earlier": earlier,
            "later": later,
            "share_earlier": round(before, 4),
            "share_later": round(after, 4),
            "p_value": float(f"{p_value:.3g}"),
        },
        evidence,
        f"{RISE}, Bonferroni-corrected over {comparisons} groups at {settings.confidence:.0%}",
        excess * hours_each * cost.hourly_rate,
        ProposedMetric(
            f"tickets_per_{unit}",
            f"Tickets per {unit} ({label})",
            f"tickets/{unit}",
            round(later / per, 1),
            f"tickets with {group.field} {group.value!r} opened {middle} to {scope.end}, "
            f"per {unit}",
        ),
    )


def _signal(
    source: str,
    kind: SignalKind,
    scope: Scope,
    group: Group,
    headline: str,
    affected: int,
    figures: dict[str, float | int],
    evidence: list[str],
    method: str,
    cost: float,
    metric: ProposedMetric,
) -> Signal:
    return Signal(
        id=signal_id(source, kind, group.field, group.value),
        kind=kind,
        source=source,
        field=group.field,
        value=group.value,
        headline=printable(headline),
        period=(scope.start, scope.end),
        tickets=group.tickets,
        affected=affected,
        figures={"tickets": group.tickets, **figures, **percentiles(group)},
        evidence=tuple(evidence),
        method=method,
        cost=round(cost, 2),
        examples=(),  # filled in for the signals found: see analysis.example_tickets
        fingerprint=group.counts[CONDITION_OF[kind]].fingerprint,
        metric=metric,
    )
