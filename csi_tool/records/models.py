"""The improvement record schema: ITIL's continual improvement model as Pydantic models.

Models are frozen views used for analysis; edits happen on the round-trip YAML tree. Only the
shape of a record lives here. What a record needs in each workflow state is policy
(`policies/workflow.py`, checked by `readiness.py`); checks that compare fields within a record
live in `checks.py` so their findings can point at the exact field.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from csi_tool.fields import (
    SINGLE_LINE,
    Date,
    Handle,
    KnowledgeRef,
    LaxDecisionOutcome,
    LaxReviewOutcome,
    LaxSourceKind,
    Line,
    RecordId,
    Reference,
    Scale,
    Tag,
    Text,
    Url,
)
from csi_tool.records.analysis import ProcessMap, RootCause  # how the problem was studied
from csi_tool.records.metrics import (  # the metric's models live beside their binding to data
    Metric,
    RecordPart,
)

TITLE_MAX_LENGTH = 120


_Model = RecordPart  # every part of a record: unknown keys refused, values frozen


class Roles(_Model):
    """People who stand in for the owner at particular steps of the workflow."""

    validator: Handle | None = Field(None, description="Who confirms the opportunity is real.")
    approver: Handle | None = Field(None, description="Who approves or rejects the improvement.")
    outcome_confirmer: Handle | None = Field(
        None, description="Who confirms the measured outcome before closure."
    )


class SourceReferences(_Model):
    """Where the evidence for the opportunity can be found in other systems."""

    incidents: list[Reference] = Field(default_factory=list, description="Incident record ids.")
    problems: list[Reference] = Field(default_factory=list, description="Problem record ids.")
    surveys: list[Reference] = Field(
        default_factory=list, description="Customer or staff survey ids."
    )
    links: list[Url] = Field(default_factory=list, description="Links to reports or dashboards.")


class Source(_Model):
    """Where the improvement opportunity came from."""

    kind: LaxSourceKind = Field(description="What kind of signal raised the opportunity.")
    references: SourceReferences = Field(
        default_factory=SourceReferences, description="Evidence in other systems."
    )
    note: Text | None = Field(None, description="How the opportunity was noticed.")
    signal: str | None = Field(
        None,
        pattern=r"^SIG-[0-9a-f]{8}$",
        description="The `csi signals` opportunity the record came from, e.g. `SIG-3f9a2c1b`.",
    )
    raised_by: Handle | None = Field(
        None,
        description="Who raised the idea (the issue's author, for a record from `csi intake`): "
        "credited on the record's page and on the recognition page.",
    )


class Vision(_Model):
    """What should improve, and why the business cares."""

    statement: Text = Field(description="What the service looks like once improved.")
    business_value: Text = Field(description="Why it matters to the business and its customers.")


class CurrentState(_Model):
    """Where we are now: ITIL's 'where are we now?'."""

    summary: Text = Field(description="The current situation in a few sentences.")
    evidence: list[Text] = Field(
        default_factory=list, description="Facts and figures that back up the summary."
    )


class Option(_Model):
    """One way of making the improvement that was considered."""

    summary: Line = Field(description="The option in one line.")
    expected_outcome: Text = Field(description="What this option is expected to achieve.")
    chosen: bool = Field(False, description="Whether this option was chosen.")


class Assessment(_Model):
    """How the improvement scores on the four prioritisation factors (1 low to 5 high)."""

    impact: Scale = Field(description="Benefit to the business if done (1-5).")
    urgency: Scale = Field(description="How soon the benefit is needed (1-5).")
    effort: Scale = Field(description="Work needed to do it (1-5).")
    risk: Scale = Field(description="Risk of not doing it, or risk reduced by doing it (1-5).")
    confidence: float | None = Field(
        None, gt=0, le=1, description="Confidence in the estimates, from just above 0 to 1."
    )


class Milestone(_Model):
    """A step of the plan."""

    name: Line = Field(description="What is delivered.")
    due: Date = Field(description="When it is due.")
    done: bool = Field(False, description="Whether it is delivered.")


class Plan(_Model):
    """How and when the improvement is delivered through controlled change."""

    start: Date | None = Field(None, description="When work started.")
    due: Date | None = Field(None, description="When the work should be finished.")
    milestones: list[Milestone] = Field(default_factory=list, description="Steps of the plan.")
    changes: list[Reference] = Field(default_factory=list, description="Change record ids.")
    problems: list[Reference] = Field(default_factory=list, description="Problem record ids.")
    releases: list[Reference] = Field(default_factory=list, description="Release record ids.")


class Decision(_Model):
    """A decision taken on the improvement (approve, defer or reject)."""

    outcome: LaxDecisionOutcome = Field(description="Approved, deferred or rejected.")
    date: Date = Field(description="When the decision was taken.")
    by: Handle = Field(description="Who took it.")
    rationale: Text | None = Field(None, description="Why.")
    revisit: Date | None = Field(
        None, description="For a deferral: when the decision is looked at again."
    )


class CorrectiveAction(_Model):
    """The record acts on a nonconformity, such as an audit finding (ISO/IEC 20000-1, 10.1)."""

    nonconformity: Reference = Field(description="The audit finding or nonconformity, by id.")
    found: Date | None = Field(None, description="When the nonconformity was found.")
    audit: Line | None = Field(None, description="The audit or review that found it.")


class WipException(_Model):
    """Leave to start beyond a work-in-progress limit, granted when the governance approvers
    approve the pull request that starts the work."""

    requested_by: Handle = Field(description="Who asks for it.")
    date: Date = Field(description="When it was asked for.")
    reason: Text = Field(description="Why this cannot wait for capacity.")


class Review(_Model):
    """The post-implementation review: did we get there?"""

    date: Date = Field(description="When the review took place.")
    outcome: LaxReviewOutcome = Field(description="Whether the success criteria were met.")
    summary: Text = Field(description="What the review found.")
    by: Handle | None = Field(None, description="Who confirmed the outcome.")
    effective: bool | None = Field(
        None,
        description="For a corrective action: whether it removed the nonconformity's cause "
        "(ISO/IEC 20000-1, 10.1).",
    )


class Lesson(_Model):
    """A lesson learned, shared in the knowledge base."""

    text: Text = Field(description="The lesson, written for the next team.")
    tags: list[Tag] = Field(default_factory=list, description="Tags to find it by.")
    kb_ref: KnowledgeRef | None = Field(
        None, description="Knowledge article that carries the lesson."
    )


class Withdrawal(_Model):
    """Why a record was withdrawn: records are withdrawn, never deleted."""

    date: Date = Field(description="When the record was withdrawn.")
    by: Handle = Field(description="Who withdrew it.")
    reason: Text = Field(description="Why.")


class RevisedField(StrEnum):
    BASELINE = "baseline"
    TARGET = "target"
    ACTION_THRESHOLD = "action_threshold"
    MEASUREMENTS = "measurements"  # a past measurement corrected or removed
    REMOVED = "removed"


class Revision(_Model):
    """A baseline or target changed after approval, with reason and approver."""

    date: Date = Field(description="When the revision was approved.")
    metric: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Key of the metric revised.")
    field: Annotated[RevisedField, Field(strict=False)] = Field(
        description="What changed: baseline, target, or the metric removed."
    )
    reason: Text = Field(description="Why the goalpost moved.")
    approved_by: Handle = Field(description="Who approved the revision.")


class Record(_Model):
    """One improvement of the continual improvement register."""

    schema_version: Literal[2] = Field(
        description="Version of this schema; always 2 (`csi migrate` rewrites version 1)."
    )
    id: RecordId
    title: str = Field(
        min_length=3,
        max_length=TITLE_MAX_LENGTH,
        pattern=SINGLE_LINE,
        description="The improvement in one line.",
    )
    created: Date = Field(description="When the record was logged.")
    service: Line | None = Field(None, description="The service that improves.")
    practices: list[Line] = Field(
        default_factory=list, description="ITIL practices or processes affected."
    )
    owner: Handle | None = Field(None, description="Who is accountable for the improvement.")
    roles: Roles | None = Field(None, description="Optional stand-ins for the owner.")
    tags: list[Tag] = Field(default_factory=list, description="Tags to group records by.")
    status: str = Field(
        min_length=1, max_length=40, description="A state of the workflow policy, e.g. `logged`."
    )
    source: Source | None = Field(None, description="Where the opportunity came from.")
    vision: Vision | None = Field(None, description="What should improve and why.")
    current_state: CurrentState | None = Field(None, description="Where we are now.")
    metrics: list[Metric] = Field(default_factory=list, description="Measures of success.")
    options: list[Option] = Field(default_factory=list, description="Options considered.")
    assessment: Assessment | None = Field(None, description="Prioritisation factors.")
    depends_on: list[RecordId] = Field(
        default_factory=list, description="Records that must be closed before this one."
    )
    root_cause: RootCause | None = Field(None, description="Root cause analysis.")
    corrective_action: CorrectiveAction | None = Field(
        None, description="Marks a corrective action for a nonconformity (audit finding)."
    )
    wip_exception: WipException | None = Field(
        None, description="Leave to start beyond a work-in-progress limit (see the gate)."
    )
    process_map: ProcessMap | None = Field(
        None, description="The process as it was (before) and, once changed, as it is (after)."
    )
    plan: Plan | None = Field(None, description="Delivery plan.")
    decisions: list[Decision] = Field(
        default_factory=list,
        description="Every decision taken, oldest first; the last is the one in force. "
        "Append-only: a new decision (approving a deferred record, say) is added after the "
        "earlier ones, which are never rewritten or removed.",
    )
    review: Review | None = Field(
        None, description="Post-implementation review; never rewritten once recorded."
    )
    lessons: list[Lesson] = Field(default_factory=list, description="Lessons learned.")
    withdrawal: Withdrawal | None = Field(None, description="Why the record was withdrawn.")
    revisions: list[Revision] = Field(
        default_factory=list,
        description="Baselines and targets changed after approval, with reason and approver. "
        "Append-only: new revisions are added after the earlier ones.",
    )

    @property
    def decision(self) -> Decision | None:
        """The decision in force: the last one taken."""
        return self.decisions[-1] if self.decisions else None

    @property
    def decision_loc(self) -> tuple[str | int, ...]:
        """Where the decision in force sits in the file, for placing findings."""
        return ("decisions", len(self.decisions) - 1) if self.decisions else ("decisions",)
