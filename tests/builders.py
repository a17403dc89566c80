"""Builders for records and policies used by unit tests (real models, no mocks)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from csi_tool.policies.scoring import ScoringPolicy
from csi_tool.records.models import Record
from csi_tool.yaml.documents import parse_document

PROJECT = Path(__file__).resolve().parent.parent


def assessed_record(
    record_id: str,
    impact: int,
    urgency: int,
    effort: int,
    risk: int,
    *,
    confidence: float | None = None,
    status: str = "assessed",
    created: dt.date = dt.date(2026, 1, 1),
    depends_on: tuple[str, ...] = (),
    owner: str | None = None,
) -> Record:
    assessment: dict[str, Any] = {
        "impact": impact,
        "urgency": urgency,
        "effort": effort,
        "risk": risk,
    }
    if confidence is not None:
        assessment["confidence"] = confidence
    data: dict[str, Any] = {
        "schema_version": 2,
        "id": record_id,
        "title": f"Improvement {record_id}",
        "created": created,
        "status": status,
        "assessment": assessment,
        "depends_on": list(depends_on),
    }
    if owner:
        data["owner"] = owner
    return Record.model_validate(data)


def plain_record(record_id: str, status: str) -> Record:
    return Record.model_validate(
        {
            "schema_version": 2,
            "id": record_id,
            "title": f"Plain {record_id}",
            "created": dt.date(2026, 1, 1),
            "status": status,
        }
    )


def default_scoring(**changes: Any) -> ScoringPolicy:
    """The project's scoring policy, with top-level fields replaced."""
    path = PROJECT / "policies" / "scoring.yaml"
    _, data = parse_document(path.read_bytes(), "policies/scoring.yaml", 100_000)
    data.update(changes)
    return ScoringPolicy.model_validate(data)


def record_yaml(
    record_id: str,
    status: str,
    *,
    impact: int = 3,
    urgency: int = 3,
    effort: int = 3,
    risk: int = 3,
    owner: str = "@acme/desk",
    title: str | None = None,
    depends_on: tuple[str, ...] = (),
    revisit: str | None = None,
) -> str:
    """A record file that meets every requirement up to in_progress (and deferred)."""
    outcome = "deferred" if status == "deferred" else "approved"
    decision = (
        f"decisions: [{{outcome: {outcome}, date: 2026-02-01, by: '@board', rationale: Agreed"
        + (f", revisit: {revisit}" if revisit else "")
        + "}]\n"
    )
    title_text = (title or f"Improvement {record_id}").replace("'", "''")
    return (
        "schema_version: 2\n"
        f"id: {record_id}\n"
        f"title: '{title_text}'\n"
        "created: 2026-01-05\n"
        f"owner: '{owner}'\n"
        f"status: {status}\n"
        f"depends_on: [{', '.join(depends_on)}]\n"
        "source: {kind: audit, references: {incidents: [INC0001]}}\n"
        "current_state: {summary: It is slow.}\n"
        f"assessment: {{impact: {impact}, urgency: {urgency}, effort: {effort}, risk: {risk}}}\n"
        "options:\n  - {summary: Fix it, expected_outcome: Faster, chosen: true}\n"
        + decision
        + "metrics:\n"
        "  - key: lead_time\n    name: Lead time\n    kind: lagging\n    unit: days\n"
        "    direction: decrease\n"
        "    baseline: {value: 10, date: 2026-01-31, source: ITSM report}\n"
        "    target: {value: 5, by: 2026-12-31}\n"
        "plan: {start: 2026-02-10, due: 2026-12-01}\n"
    )
