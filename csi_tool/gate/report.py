"""Render a gate result for the log (text, json, GitHub annotations) and the job summary."""

from __future__ import annotations

import json
from typing import Any

from csi_tool.backlog.report import render_delta
from csi_tool.gate.changes import RecordChange
from csi_tool.gate.judge import GateResult
from csi_tool.markdown import md_code, md_inline
from csi_tool.report import (
    finding_payload,
    github_annotation,
    neutralise_workflow_commands,
    text_line,
)

# GitHub refuses job summaries over 1 MiB; stay well below it and say what was left out.
SUMMARY_LIMIT_BYTES = 900_000
MAX_TABLE_ROWS = 300


def render_gate(result: GateResult, fmt: str) -> str:
    """The gate's verdict for the log. GitHub shows 10 annotations per step, so the github
    format prints every refusal as plain text too: each one is always in the log."""
    if fmt == "json":
        return neutralise_workflow_commands(json.dumps(_as_json(result), indent=2, allow_nan=False))
    lines = [text_line(f) for f in result.refusals]
    text = neutralise_workflow_commands("\n".join([*lines, "", *_overview(result)]).strip("\n"))
    if fmt == "github":
        annotations = "\n".join(github_annotation(f) for f in result.refusals)
        return f"{annotations}\n{text}" if annotations else text
    return text


def render_summary(result: GateResult) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: changes, refusals, approvers, ranking delta."""
    verdict = "❌ refused" if result.refusals else "✅ passes"
    out = [f"## csi gate: {verdict}", ""]
    out += [
        f"Compared {md_code(result.head)} with {md_code(result.base)}: "
        f"{len(result.changes)} record(s) changed, {len(result.refusals)} refusal(s).",
        "",
        "### Changed records",
        "",
    ]
    if result.changes:
        out += ["| Id | Title | Change | Status |", "|---|---|---|---|"]
        out += [_change_row(c) for c in result.changes[:MAX_TABLE_ROWS]]
        out += _more(len(result.changes))
    else:
        out.append("_No record changed._")
    out += ["", f"### Refusals ({len(result.refusals)})", ""]
    if result.refusals:
        out += ["| Where | Field | Why |", "|---|---|---|"]
        out += [
            f"| {md_code(f.location())} | {md_inline(f.field)} | {md_inline(f.message)} |"
            for f in result.refusals[:MAX_TABLE_ROWS]
        ]
        out += _more(len(result.refusals))
    else:
        out.append("_None._")
    if result.unjudged:
        out += ["", "### Not judged by the data", ""]
        out += [f"- {md_inline(note)}" for note in result.unjudged[:MAX_TABLE_ROWS]]
    out += ["", "### Required approvals", ""]
    out += [
        f"- {md_inline(a.handle)}: "
        + "; ".join(md_inline(r) for r in a.reasons[:20])
        + (f"; … {len(a.reasons) - 20} more" if len(a.reasons) > 20 else "")
        for a in result.approvals[:MAX_TABLE_ROWS]
    ] or ["_No approval needed._"]
    if result.governance_files:
        out += ["", "Governance files changed: " + ", ".join(map(md_code, result.governance_files))]
    out += ["", render_delta(result.delta, "markdown"), ""]
    return _cap("\n".join(out))


def _overview(result: GateResult) -> list[str]:
    lines = [f"{len(result.changes)} record(s) changed since {result.base}:"]
    for change in result.changes:
        lines.append(f"  {change.record_id} {change.kind.value}: {_status(change)}  {change.title}")
    lines += [f"Not judged by the data: {note}" for note in result.unjudged]
    lines.append("Required approvals:" if result.approvals else "No approval needed.")
    lines += [f"  {a.handle}: {'; '.join(a.reasons)}" for a in result.approvals]
    verdict = f"refused: {len(result.refusals)} refusal(s)" if result.refusals else "passes"
    lines.append(f"gate {verdict}")
    return lines


def _status(change: RecordChange) -> str:
    before = change.before.record.status if change.before else None
    after = change.after.record.status if change.after else None
    if before and after and before != after:
        return f"{before} → {after}"
    return after or before or "—"  # neither version could be read


def _change_row(change: RecordChange) -> str:
    return (
        f"| {md_code(change.record_id)} | {md_inline(change.title)} | {change.kind.value} "
        f"| {md_inline(_status(change))} |"
    )


def _more(count: int) -> list[str]:
    if count <= MAX_TABLE_ROWS:
        return []
    return ["", f"_… and {count - MAX_TABLE_ROWS} more: the job log lists every one._"]


def _cap(summary: str) -> str:
    data = summary.encode("utf-8")
    if len(data) <= SUMMARY_LIMIT_BYTES:
        return summary
    cut = data[:SUMMARY_LIMIT_BYTES].decode("utf-8", "ignore").rsplit("\n", 1)[0]
    return cut + "\n\n_Summary cut to stay under GitHub's 1 MiB limit; the job log has all._\n"


def _as_json(result: GateResult) -> dict[str, Any]:
    return {
        "base": result.base,
        "head": result.head,
        "passes": not result.refusals,
        "changes": [
            {
                "id": c.record_id,
                "kind": c.kind.value,
                "path": c.path,
                "status_before": c.before.record.status if c.before else None,
                "status_after": c.after.record.status if c.after else None,
            }
            for c in result.changes
        ],
        "refusals": [finding_payload(f) for f in result.refusals],
        "approvals": [{"handle": a.handle, "reasons": list(a.reasons)} for a in result.approvals],
        "governance_files": result.governance_files,
        "not_judged_by_data": result.unjudged,
        "ranking_delta": json.loads(render_delta(result.delta, "json")),
    }
