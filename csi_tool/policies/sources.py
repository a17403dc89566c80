"""policies/sources.yaml: the ITSM exports csi reads, and how `csi signals` judges them.

Optional: a register without it has no data sources. Like every policy it arrives in pull
requests and is governed by the gate, so nothing in it is trusted as SQL or as a path
outside the register: column names are quoted identifiers, locations are relative globs or
the name of an environment variable that the machine running csi sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from csi_tool.policies.base import PolicyModel, PolicyProblem

# The canonical ticket fields a mapping may name (signals/profiles.py reads the same list).
CanonicalField = Literal[
    "id",
    "opened_at",
    "resolved_at",
    "closed_at",
    "state",
    "category",
    "subcategory",
    "service",
    "symptom",
    "assignment_group",
    "priority",
    "reopen_count",
    "reassignment_count",
    "sla_met",
    "problem_id",
    "caused_by_change",
    "short_description",
]
Dimension = Literal["category", "subcategory", "service", "symptom", "assignment_group"]
SourceName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40),
    Field(description="A short name for the source, e.g. `incidents`."),
]
ColumnName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Field(description="A column of the export, exactly as its header writes it."),
]
RelativeGlob = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Field(description="A file or glob relative to the register root, e.g. `data/*.csv`."),
]
EnvName = Annotated[
    str,
    # Only variables meant for csi (sources_problems says so): a pull request must not point
    # a source at a credential file through a variable the machine set for something else.
    StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=80),
    Field(
        description="An environment variable, named CSI_…, that holds the export's path or glob."
    ),
]
Token = Annotated[str, StringConstraints(max_length=40, pattern=r"^[^\x00-\x1f\x7f]*$")]


class ExportFormat(StrEnum):
    """File formats csi reads."""

    CSV = "csv"
    PARQUET = "parquet"
    JSONL = "jsonl"
    XLSX = "xlsx"


class ProfileName(StrEnum):
    """Built-in mappings of a tool's export onto the canonical fields."""

    SERVICENOW = "servicenow"
    JIRA_SERVICE_MANAGEMENT = "jira-service-management"
    GENERIC = "generic"


class EventLog(PolicyModel):
    """An export with one row per update: the ticket is its latest row."""

    latest_by: ColumnName = Field(description="The column whose highest value is the last update.")


class HandlingCost(PolicyModel):
    """What a ticket costs to handle, so signals rank by business value."""

    hours_per_ticket: float = Field(1.0, gt=0, le=1000, description="Handling hours per ticket.")
    hours_by_priority: dict[Token, float] = Field(
        default_factory=dict,
        description="Handling hours for tickets of a priority, as the export writes it.",
    )
    hourly_rate: float = Field(1.0, gt=0, le=100_000, description="Cost of one hour of handling.")
    currency: Token = Field("hours", description="The unit of cost shown, e.g. `EUR`.")


class SourceSpec(PolicyModel):
    """One export: where it is, how it is written, and how it maps onto canonical fields."""

    name: SourceName
    path: RelativeGlob | None = Field(None, description="A file or glob under the register root.")
    env: EnvName | None = Field(
        None, description="An environment variable holding the path (exports kept outside git)."
    )
    format: ExportFormat = Field(
        ExportFormat.CSV, strict=False, description="csv, parquet, jsonl or xlsx."
    )
    delimiter: Annotated[str, StringConstraints(min_length=1, max_length=1)] = Field(
        ",", description="CSV: the field delimiter, one character (`\\t` for a tab)."
    )
    encoding: Token = Field("utf-8", min_length=1, description="CSV: the text encoding.")
    profile: ProfileName = Field(
        strict=False, description="servicenow, jira-service-management or generic."
    )
    columns: dict[CanonicalField, ColumnName] = Field(
        default_factory=dict,
        description="Canonical field → export column: overrides the profile (generic: all).",
    )
    date_formats: list[Token] = Field(
        default_factory=list,
        description="strftime formats of dates, tried in order (default: the profile's).",
    )
    null_tokens: list[Token] | None = Field(
        None, description="Values that mean empty (default: the profile's)."
    )
    event_log: EventLog | Literal[False] | None = Field(
        None,
        description="How to collapse one row per update to one per ticket (default: the "
        "profile's; false: already one row per ticket).",
    )
    cost: HandlingCost = Field(default_factory=HandlingCost, description="Handling cost.")


def _all_dimensions() -> list[Dimension]:
    return ["category", "subcategory", "service", "symptom", "assignment_group"]


class SignalSettings(PolicyModel):
    """How `csi signals` finds and ranks opportunities."""

    dimensions: list[Dimension] = Field(
        default_factory=_all_dimensions,
        min_length=1,
        description="Fields whose values are compared with the whole.",
    )
    min_tickets: int = Field(10, ge=1, le=1_000_000, description="Smallest group reported.")
    clusters_per_dimension: int = Field(
        5, ge=1, le=100, description="Largest clusters reported per dimension."
    )
    confidence: float = Field(
        0.95, ge=0.8, le=0.999, description="Confidence of intervals and tests (0.95: 95 %)."
    )
    reassignment_threshold: int = Field(
        3, ge=1, le=100, description="Passes between groups that count as ping-pong."
    )
    trend_min_days: int = Field(
        14,
        ge=2,
        le=3650,
        description="Shortest period (days) whose halves are compared for rising volumes.",
    )
    min_linked: int = Field(
        3, ge=1, le=1_000_000, description="Incidents linked to one problem or change reported."
    )
    examples: int = Field(5, ge=1, le=50, description="Example ticket ids named per signal.")


class SourcesPolicy(PolicyModel):
    """Every data source of the register, and the settings of `csi signals`."""

    schema_version: Literal[1] = Field(description="Version of the policy format; always 1.")
    sources: list[SourceSpec] = Field(default_factory=list, description="The ITSM exports.")
    signals: SignalSettings = Field(
        default_factory=SignalSettings, description="How `csi signals` finds opportunities."
    )


# What DuckDB's strptime reads (its own %g, milliseconds, and %n, nanoseconds, included).
_DIRECTIVE = re.compile(r"%-?.?")
_KNOWN_DIRECTIVES = {
    f"%{flag}{letter}" for flag in ("", "-") for letter in "aAwdbBhmyYHIpMSfgnzZjUWcxX"
} | {"%%"}


def _escapes(path: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    return path.startswith(("/", "\\")) or ".." in parts or (len(path) > 1 and path[1] == ":")


def sources_problems(policy: SourcesPolicy) -> Iterator[PolicyProblem]:
    """Names used twice, locations missing or doubled, generic profiles without a mapping."""
    seen: set[str] = set()
    for i, source in enumerate(policy.sources):
        if source.name in seen:
            yield PolicyProblem(("sources", i, "name"), f"{source.name!r} is named twice")
        seen.add(source.name)
        if (source.path is None) == (source.env is None):
            yield PolicyProblem(
                ("sources", i), "give exactly one of path (in the repository) or env"
            )
        if source.env is not None and not source.env.startswith("CSI_"):
            yield PolicyProblem(
                ("sources", i, "env"),
                f"{source.env!r} must start with CSI_: a variable set for csi, never one the "
                "machine holds for something else (a credentials file, a token)",
            )
        if source.path is not None and _escapes(source.path):
            yield PolicyProblem(
                ("sources", i, "path"),
                "must stay inside the register (no leading / or \\, no .. folder); declare "
                "an export kept elsewhere with env",
            )
        for j, date_format in enumerate(source.date_formats):
            unknown = [m for m in _DIRECTIVE.findall(date_format) if m not in _KNOWN_DIRECTIVES]
            if unknown:
                yield PolicyProblem(
                    ("sources", i, "date_formats", j),
                    f"{(unknown or ['%'])[0]!r} is not a date directive csi reads; use "
                    "%Y %m %d %H %M %S %f %y %b %B %a %A %p %I %j %z %Z (and %-d style)",
                )
        if source.profile is ProfileName.GENERIC:
            absent = [f for f in ("id", "opened_at", "state") if f not in source.columns]
            if absent:
                yield PolicyProblem(
                    ("sources", i, "columns"),
                    f"the generic profile needs a column for {', '.join(absent)}",
                )
            if not source.date_formats:
                yield PolicyProblem(
                    ("sources", i, "date_formats"), "the generic profile needs its date formats"
                )
