"""Render the ranked backlog and ranking deltas as a table, Markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from csi_tool.backlog.delta import RankingDelta
from csi_tool.backlog.prioritize import Prioritization
from csi_tool.backlog.ranking import Blocker, RankedRecord
from csi_tool.markdown import md_code, md_inline
from csi_tool.report import counted, finding_payload, text_line


def render_backlog(result: Prioritization, fmt: str, lanes: Sequence[str]) -> str:
    """The backlog per lane (all lanes, or those named), blocked records and findings."""
    shown = [lane for lane in result.backlog.lanes if not lanes or lane.key in lanes]
    if fmt == "json":
        return json.dumps(
            backlog_payload(result, [lane.key for lane in shown]), indent=2, allow_nan=False
        )
    if fmt == "markdown":
        return _backlog_markdown(result, shown)
    return _backlog_table(result, shown)


def render_delta(delta: RankingDelta, fmt: str) -> str:
    """What changed in the ranking since the base revision."""
    if fmt == "json":
        return json.dumps(_delta_json(delta), indent=2, allow_nan=False)
    if fmt == "markdown":
        return _delta_markdown(delta)
    return _delta_text(delta)


def blockers_text(blockers: Sequence[Blocker]) -> str:
    """`CSI-0004 (in_progress), CSI-0099 (missing)`."""
    return ", ".join(f"{b.record_id} ({b.status or 'not in the register'})" for b in blockers)


def _backlog_table(result: Prioritization, lanes: Sequence[Any]) -> str:
    backlog = result.backlog
    method = backlog.ranked[0].score.method if backlog.ranked else "-"
    lines = [f"Ranked backlog: {len(backlog.ranked)} record(s), {method}, as of {result.as_of}"]
    for lane in lanes:
        items = backlog.lane_records(lane.key)
        lines += ["", f"{lane.title} ({lane.key}): {len(items)}"]
        if items:
            lines.append(
                f"  {'rank':>4}  {'id':<10} {'score':>6}  {'status':<12} {'owner':<24} title"
            )
        for item in items:
            lines.append(
                f"  {item.rank:>4}  {item.record_id:<10} {_score(item):>6}  {item.status:<12} "
                f"{(item.owner or '-'):<24} {item.title}"
            )
            lines.append(f"  {'':>4}  why: {item.score.breakdown}")
            if item.blocked_by:
                lines.append(f"  {'':>4}  blocked by: {blockers_text(item.blocked_by)}")
    blocked = backlog.blocked()
    lines += ["", f"Blocked: {len(blocked)}"]
    lines += [f"  {i.record_id} waits for {blockers_text(i.blocked_by)}" for i in blocked]
    if backlog.unassessed:
        lines += ["", f"Not yet assessed (not ranked): {len(backlog.unassessed)}"]
        lines += [f"  {u.record_id:<10} {u.status:<12} {u.title}" for u in backlog.unassessed]
    lines += ["", *_capacity_lines(result)]
    lines += ["", f"Findings: {len(result.findings)}"]
    lines += [f"  {text_line(f)}" for f in result.findings]
    if result.left_out:
        lines += ["", "Left out (run `csi validate`): " + ", ".join(result.left_out)]
    return "\n".join(lines)


def _backlog_markdown(result: Prioritization, lanes: Sequence[Any]) -> str:
    backlog = result.backlog
    out = [f"## Ranked backlog ({counted(len(backlog.ranked), 'record')}, as of {result.as_of})"]
    for lane in lanes:
        items = backlog.lane_records(lane.key)
        out += ["", f"### {md_inline(lane.title)} ({len(items)})", ""]
        if not items:
            out.append("_None._")
            continue
        out += [
            "| Rank | Id | Title | Score | Why | Status | Owner | Blocked by |",
            "|---:|---|---|---:|---|---|---|---|",
        ]
        out += [_markdown_row(item) for item in items]
    if backlog.unassessed:
        out += ["", f"### Not yet assessed ({len(backlog.unassessed)})", ""]
        out += [
            f"- {md_code(u.record_id)} {md_inline(u.title)} ({u.status})"
            for u in backlog.unassessed
        ]
    out += ["", "### Capacity", ""]
    out += [f"- {md_inline(line.strip())}" for line in _capacity_lines(result)[1:]] or [
        "_No limit._"
    ]
    out += ["", f"### Findings ({len(result.findings)})", ""]
    out += [
        f"- {md_code(f'{f.path}:{f.line}')} {md_inline(f.message)}" for f in result.findings
    ] or ["_None._"]
    if result.left_out:
        out += [
            "",
            "Left out (invalid, run `csi validate`): " + ", ".join(map(md_code, result.left_out)),
        ]
    return "\n".join(out)


def _capacity_lines(result: Prioritization) -> list[str]:
    """Remaining capacity per service (and per owner) under the policy's WIP limits."""
    lines = ["Capacity (work in progress against the limits):"]
    for load in sorted(result.capacity, key=lambda load: load.scope != "service"):
        if load.limit is None:
            lines.append(f"  {load.scope} {load.name}: {len(load.records)} in progress, no limit")
            continue
        remaining = load.remaining or 0
        left = f"{-remaining} over" if load.over else f"{remaining} left"
        lines.append(f"  {load.scope} {load.name}: {len(load.records)} of {load.limit}, {left}")
    return lines


def _markdown_row(item: RankedRecord) -> str:
    blocked = md_inline(blockers_text(item.blocked_by)) if item.blocked_by else ""
    cells = [
        str(item.rank),
        md_code(item.record_id),
        md_inline(item.title),
        _score(item),
        md_inline(item.score.breakdown),
        item.status,
        md_inline(item.owner or ""),
        blocked,
    ]
    return "| " + " | ".join(cells) + " |"


def backlog_payload(result: Prioritization, lanes: Sequence[str]) -> dict[str, Any]:
    """The backlog as plain data for JSON."""
    ranked = [i for i in result.backlog.ranked if i.lane in lanes]
    return {
        "as_of": result.as_of.isoformat(),
        "ranked": [
            {
                "rank": i.rank,
                "id": i.record_id,
                "title": i.title,
                "status": i.status,
                "owner": i.owner,
                "service": i.service,
                "lane": i.lane,
                "score": i.score.value,
                "method": i.score.method,
                "breakdown": i.score.breakdown,
                "blocked_by": [{"id": b.record_id, "status": b.status} for b in i.blocked_by],
            }
            for i in ranked
        ],
        "unassessed": [
            {"id": u.record_id, "title": u.title, "status": u.status}
            for u in result.backlog.unassessed
        ],
        "findings": [finding_payload(f) for f in result.findings],
        "capacity": [
            {
                "scope": load.scope,
                "name": load.name,
                "limit": load.limit,
                "records": list(load.records),
                "remaining": load.remaining,
            }
            for load in result.capacity
        ],
        "left_out": result.left_out,
    }


def _delta_text(delta: RankingDelta) -> str:
    if delta.is_empty:
        return f"Ranking unchanged since {delta.base_label}."
    lines = [f"Ranking changes since {delta.base_label}:"]
    lines += [f"  moved    {m.record_id}  {m.before} → {m.after}  {m.title}" for m in delta.moved]
    lines += [f"  entered  {e.record_id}  at {e.rank} ({e.lane})  {e.title}" for e in delta.entered]
    lines += [
        f"  left     {x.record_id}  was {x.rank}, now {x.status or 'deleted'}  {x.title}"
        for x in delta.left
    ]
    lines += [
        f"  lane     {c.record_id}  {c.before} → {c.after}  {c.title}" for c in delta.lane_changes
    ]
    return "\n".join(lines)


def _delta_markdown(delta: RankingDelta) -> str:
    out = [f"### Ranking changes since {md_code(delta.base_label)}", ""]
    if delta.is_empty:
        return "\n".join([*out, "_The ranking is unchanged._"])
    rows: list[tuple[str, str, str, str, str]] = [
        *(("moved", m.record_id, m.title, str(m.before), str(m.after)) for m in delta.moved),
        *(("entered", e.record_id, e.title, "", f"{e.rank} ({e.lane})") for e in delta.entered),
        *(("left", x.record_id, x.title, str(x.rank), x.status or "deleted") for x in delta.left),
        *(("lane", c.record_id, c.title, c.before, c.after) for c in delta.lane_changes),
    ]
    out += ["| Change | Id | Title | From | To |", "|---|---|---|---|---|"]
    out += [
        f"| {change} | {md_code(rid)} | {md_inline(title)} | {md_inline(before)} "
        f"| {md_inline(after)} |"
        for change, rid, title, before, after in rows
    ]
    return "\n".join(out)


def _delta_json(delta: RankingDelta) -> dict[str, Any]:
    return {
        "base": delta.base_label,
        "moved": [{"id": m.record_id, "from": m.before, "to": m.after} for m in delta.moved],
        "entered": [{"id": e.record_id, "rank": e.rank, "lane": e.lane} for e in delta.entered],
        "left": [{"id": x.record_id, "rank": x.rank, "status": x.status} for x in delta.left],
        "lane_changes": [
            {"id": c.record_id, "from": c.before, "to": c.after} for c in delta.lane_changes
        ],
    }


def _score(item: RankedRecord) -> str:
    return f"{item.score.value:.2f}"
