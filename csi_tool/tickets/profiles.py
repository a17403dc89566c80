"""Export profiles: how a tool's export maps onto csi's canonical ticket fields.

An export is rarely one row per ticket: ServiceNow's incident event log has a row per update,
so a profile also names the column that orders a ticket's updates (the latest row is the
ticket as it ended). Dates, empty values and booleans are written differently by every tool;
the profile says how, and a source may override any of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from csi_tool.policies.sources import CanonicalField

# Every analysis reads these names, whatever the export called them.
CANONICAL: tuple[str, ...] = get_args(CanonicalField)
DATES = ("opened_at", "resolved_at", "closed_at")
COUNTS = ("reopen_count", "reassignment_count")
BOOLEANS = ("sla_met",)
REQUIRED = ("id", "opened_at", "state")


@dataclass(frozen=True)
class Profile:
    """One tool's export: its column for each canonical field, and how it writes values."""

    name: str
    columns: dict[str, str]
    date_formats: tuple[str, ...]
    null_tokens: tuple[str, ...] = ("",)
    event_order: str | None = None  # orders one ticket's rows; the last is the ticket's end
    true_tokens: tuple[str, ...] = ("TRUE", "T", "YES", "Y", "1")
    false_tokens: tuple[str, ...] = ("FALSE", "F", "NO", "N", "0")


SERVICENOW = Profile(
    "servicenow",
    {
        "id": "number",
        "opened_at": "opened_at",
        "resolved_at": "resolved_at",
        "closed_at": "closed_at",
        "state": "incident_state",
        "category": "category",
        "subcategory": "subcategory",
        "service": "cmdb_ci",
        "symptom": "u_symptom",
        "assignment_group": "assignment_group",
        "priority": "priority",
        "reopen_count": "reopen_count",
        "reassignment_count": "reassignment_count",
        "sla_met": "made_sla",
        "problem_id": "problem_id",
        "caused_by_change": "caused_by",
        "short_description": "short_description",
    },
    date_formats=("%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S"),
    null_tokens=("?", ""),
    event_order="sys_mod_count",
)

JIRA_SERVICE_MANAGEMENT = Profile(
    "jira-service-management",
    {
        "id": "Issue key",
        "opened_at": "Created",
        "resolved_at": "Resolved",
        "closed_at": "Resolved",
        "state": "Status",
        "category": "Request Type",
        "subcategory": "Component/s",
        "service": "Affected services",
        "assignment_group": "Assignee Team",
        "priority": "Priority",
        "sla_met": "Time to resolution SLA met",
        "short_description": "Summary",
    },
    date_formats=("%d/%b/%y %I:%M %p",),  # Jira's own export: 21/Mar/24 3:05 PM
    null_tokens=("",),
    event_order=None,
)

# Nothing assumed: a generic source names every column and its date formats itself.
GENERIC = Profile("generic", {}, date_formats=())

PROFILES = {p.name: p for p in (SERVICENOW, JIRA_SERVICE_MANAGEMENT, GENERIC)}
