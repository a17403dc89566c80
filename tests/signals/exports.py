"""Exports for the signals tests, written the way each tool writes them (no csi code)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from csi_tool.git.sources import WorkTree
from csi_tool.policies.loading import load_policies
from csi_tool.policies.policy_set import Policies
from tests.conftest import PROJECT

REAL_EXPORT = (
    PROJECT.parent / "shared" / "data" / "servicenow-incident-event-log" / "incident_event_log.csv"
)
SERVICENOW_HEADER = [
    "number",
    "incident_state",
    "reassignment_count",
    "reopen_count",
    "sys_mod_count",
    "made_sla",
    "opened_at",
    "category",
    "subcategory",
    "u_symptom",
    "cmdb_ci",
    "priority",
    "assignment_group",
    "problem_id",
    "caused_by",
    "resolved_at",
    "closed_at",
]


def servicenow_row(
    number: str,
    opened: dt.datetime,
    *,
    category: str = "Software",
    group: str = "Service Desk",
    made_sla: bool = True,
    reopened: int = 0,
    reassigned: int = 0,
    hours: float = 4.0,
    problem: str = "?",
    change: str = "?",
    priority: str = "3 - Moderate",
    updates: int = 2,
) -> list[list[str]]:
    """The event-log rows of one incident: `updates` rows, the last one closed."""
    resolved = opened + dt.timedelta(hours=hours)
    rows = []
    for update in range(updates):
        last = update == updates - 1
        rows.append(
            [
                number,
                "Closed" if last else "Active",
                str(reassigned if last else 0),
                str(reopened if last else 0),
                str(update),
                "TRUE" if made_sla or not last else "FALSE",
                opened.strftime("%d-%m-%Y %H:%M"),
                category,
                "Subcategory 1",
                "Symptom 1",
                "?",
                priority,
                group,
                problem,
                change,
                resolved.strftime("%d-%m-%Y %H:%M") if last else "?",
                (resolved + dt.timedelta(days=1)).strftime("%d-%m-%Y %H:%M") if last else "?",
            ]
        )
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]], **options: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=options.pop("encoding", "utf-8")) as stream:
        writer = csv.writer(stream, **options)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def sources_policy(root: Path, text: str) -> None:
    """Write policies/sources.yaml into a register."""
    (root / "policies" / "sources.yaml").write_text(
        "# yaml-language-server: $schema=../schema/sources.schema.json\nschema_version: 1\n" + text,
        encoding="utf-8",
    )


def final_rows_of_the_real_export() -> dict[str, dict[str, str]]:
    """Each incident's last update by sys_mod_count, then file order: plain Python, the
    independent computation the engine's figures are checked against."""
    final: dict[str, tuple[int, int, dict[str, str]]] = {}
    with REAL_EXPORT.open(newline="", encoding="utf-8") as stream:
        for position, row in enumerate(csv.DictReader(stream)):
            key = (int(row["sys_mod_count"]), position)
            if row["number"] not in final or key > final[row["number"]][:2]:
                final[row["number"]] = (*key, row)
    return {number: row for number, (_, _, row) in final.items()}


def policies_of(root: Path) -> Policies:
    """A register's policies, which the test expects to be valid."""
    policies, findings = load_policies(WorkTree(root))
    assert policies is not None, findings
    return policies
