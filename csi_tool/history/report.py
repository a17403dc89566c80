"""Render audit trails and lead times as text or JSON."""

from __future__ import annotations

import json
from typing import Any

from csi_tool.history.trail import Event, LeadTimeStats, RecordTrail
from csi_tool.report import neutralise_workflow_commands

_LEAD_TIMES = (("logged", "approved"), ("approved", "closed"), ("logged", "closed"))


def render_history(trails: list[RecordTrail], stats: list[LeadTimeStats] | None, fmt: str) -> str:
    """Each record's events in order with lead times; register statistics when given."""
    if fmt == "json":
        payload: dict[str, Any] = {"records": [_trail_json(t) for t in trails]}
        if stats is not None:
            payload["lead_times"] = [
                {"name": s.name, "records": s.count, "median_days": s.median, "p90_days": s.p90}
                for s in stats
            ]
        return neutralise_workflow_commands(
            json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False)
        )
    lines: list[str] = []
    for trail in trails:
        lines += ["", f"{trail.record_id}  {trail.title}"]
        lines += [f"  {_event_line(event)}" for event in trail.events]
        times = [
            f"{start}→{end} {days} d"
            for start, end in _LEAD_TIMES
            if (days := trail.lead_time(start, end)) is not None
        ]
        lines.append("  lead times: " + (", ".join(times) if times else "none yet"))
    if stats is not None:
        lines += ["", "Register lead times (days):"]
        lines += [
            f"  {s.name:<18} n={s.count:<4} median {_days(s.median)}  p90 {_days(s.p90)}"
            for s in stats
        ]
    return neutralise_workflow_commands("\n".join(lines).strip("\n"))


def _event_line(event: Event) -> str:
    pr = f"#{event.pull_request}" if event.pull_request else "-"
    who = event.author + (f" (merged by {event.merged_by})" if event.merged_by else "")
    what = " ".join(event.what.split())
    return f"{event.date.isoformat()}  {event.commit[:10]}  {pr:<6} {who}: {what}"


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _trail_json(trail: RecordTrail) -> dict[str, Any]:
    return {
        "id": trail.record_id,
        "title": trail.title,
        "events": [
            {
                "date": e.date.isoformat(),
                "commit": e.commit,
                "author": e.author,
                "merged_by": e.merged_by,
                "pull_request": e.pull_request,
                "change": e.what,
            }
            for e in trail.events
        ],
        "milestones": {"logged": trail.logged.isoformat() if trail.logged else None}
        | {state: day.isoformat() for state, day in trail.reached.items()},
        "lead_times_days": {
            f"{start}→{end}": trail.lead_time(start, end) for start, end in _LEAD_TIMES
        },
    }
