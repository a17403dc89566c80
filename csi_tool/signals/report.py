"""Render signals as text for people, Markdown for job summaries, JSON for tools.

Values come from exports (category names, ticket ids) and are as untrusted as record text:
Markdown escapes them, and every format is made inert for CI logs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from csi_tool.clock import today
from csi_tool.markdown import md_code, md_inline
from csi_tool.report import neutralise_workflow_commands
from csi_tool.signals.finder import SourceSignals
from csi_tool.signals.signal import Signal, printable

STALE_AFTER_DAYS = 90


def render_signals(results: Sequence[SourceSignals], fmt: str, limit: int | None) -> str:
    """Every source's ranked signals; uncovered ones are marked, covered ones name records."""
    if fmt == "json":
        payload = {"sources": [source_payload(result) for result in results]}
        # compact: a large export has thousands of signals, and Python's JSON encoder leaves
        # its fast C path when asked to indent
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return neutralise_workflow_commands(text)
    if fmt == "markdown":
        return "\n".join(_markdown(result, limit) for result in results)
    return neutralise_workflow_commands("\n\n".join(_text(result, limit) for result in results))


def source_payload(result: SourceSignals) -> dict[str, Any]:
    """One source's figures and signals as plain data."""
    scope = result.scope
    return {
        "source": result.name,
        "export": result.shown,
        "rows": result.loaded.rows,
        "tickets": result.loaded.tickets,
        "fields_missing": list(result.loaded.missing_fields),
        "period": [scope.start.isoformat(), scope.end.isoformat()] if scope else None,
        "tickets_in_period": scope.overall.tickets if scope else 0,
        "tickets_without_opening_date": scope.undated if scope else 0,
        "tickets_resolved_before_opened": scope.resolved_before_opened if scope else 0,
        "currency": result.currency,
        "signals": [signal_payload(s) for s in result.signals],
    }


def signal_payload(signal: Signal) -> dict[str, Any]:
    """One signal as plain data."""
    return {
        "id": signal.id,
        "kind": signal.kind.value,
        "field": signal.field,
        "value": signal.value,
        "headline": signal.headline,
        "period": [signal.period[0].isoformat(), signal.period[1].isoformat()],
        "tickets": signal.tickets,
        "affected": signal.affected,
        "cost": signal.cost,
        "figures": signal.figures,
        "evidence": list(signal.evidence),
        "method": signal.method,
        "examples": list(signal.examples),
        "covered_by": list(signal.covered_by),
        "same_tickets_as": signal.same_tickets_as,
        "metric": {
            "key": signal.metric.key,
            "name": signal.metric.name,
            "unit": signal.metric.unit,
            "baseline": signal.metric.baseline,
            "query": signal.metric.query,
        },
    }


def _heading(result: SourceSignals) -> str:
    scope = result.scope
    read = f"{result.loaded.rows} rows, {result.loaded.tickets} tickets"
    if scope is None:
        return f"Source {result.name} ({result.shown}): {read}; no ticket in the period asked for"
    uncovered = sum(not s.covered for s in result.signals)
    return (
        f"Source {result.name} ({result.shown}): {read}, {scope.overall.tickets} opened "
        f"{scope.start} to {scope.end}{data_age(scope.end)}; {len(result.signals)} signal(s), "
        f"{uncovered} not covered by any record"
    )


def data_age(end: dt.date) -> str:
    """A warning when the data stops long before today: an old export is no current state."""
    days = (today() - end).days
    return f" (the data ends {days:,} days ago)" if days > STALE_AFTER_DAYS else ""


def _text(result: SourceSignals, limit: int | None) -> str:
    lines = [_heading(result)]
    if result.loaded.missing_fields:
        lines.append(f"  (the export has no {', '.join(result.loaded.missing_fields)})")
    scope = result.scope
    if scope and scope.undated:
        lines.append(f"  ({scope.undated} ticket(s) without an opening date are left out)")
    if scope and scope.resolved_before_opened:
        lines.append(
            f"  ({scope.resolved_before_opened} ticket(s) resolved before they opened are "
            "left out of resolution times)"
        )
    shown = result.signals[:limit] if limit else result.signals
    for rank, signal in enumerate(shown, start=1):
        cover = f"covered by {', '.join(signal.covered_by)}" if signal.covered else "NOT COVERED"
        lines += [
            "",
            f"{rank:>3}. {signal.id}  {signal.headline}",
            f"     {signal.kind.value} · handling cost {signal.cost:,.0f} {result.currency} · "
            f"{cover}",
            *(
                [f"     the same tickets as {signal.same_tickets_as}, ranked above"]
                if signal.same_tickets_as
                else []
            ),
            *(f"     {line}" for line in signal.evidence),
            f"     method: {signal.method}",
            f"     examples: {', '.join(printable(e) for e in signal.examples)}",
        ]
    if limit and len(result.signals) > limit:
        lines += ["", f"… {len(result.signals) - limit} more (--limit 0 shows all)"]
    if result.signals:
        lines += ["", "Draft a record from one: csi signals --propose SIG-…"]
    return "\n".join(lines)


def _markdown(result: SourceSignals, limit: int | None) -> str:
    lines = [f"### {md_inline(_heading(result))}", ""]
    shown = result.signals[:limit] if limit else result.signals
    if not shown:
        return "\n".join([*lines, "No signals."])
    lines += [
        "| # | Signal | Opportunity | Handling cost | Covered by |",
        "|---|---|---|---:|---|",
    ]
    for rank, signal in enumerate(shown, start=1):
        cover = ", ".join(md_code(r) for r in signal.covered_by) or "**not covered**"
        lines.append(
            f"| {rank} | {md_code(signal.id)} | {md_inline(signal.headline)}"
            + (
                f" (same tickets as {md_code(signal.same_tickets_as)})"
                if signal.same_tickets_as
                else ""
            )
            + " | "
            f"{signal.cost:,.0f} {md_inline(result.currency)} | {cover} |"
        )
    return "\n".join(lines) + "\n"
