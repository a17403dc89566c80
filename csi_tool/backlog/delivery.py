"""Delivery: the work in flight, what is late, and the Now / Next / Later roadmap.

The backlog ranks work not yet started; this is the other half of the queue. A plan is late
when its due date has passed while the record is still being delivered (the review
policy's `delivery_states`); a milestone is late when it is not done after its due date,
due when that date is today, and left undone when its record closed without it. Dates come
from the records themselves, so the view needs no git history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from csi_tool.backlog.ranking import Backlog
from csi_tool.policies.policy_set import Policies
from csi_tool.records.models import Milestone, Record


class Phase(StrEnum):
    """Where a record stands on the roadmap."""

    NOW = "now"  # in flight
    NEXT = "next"  # approved, not started
    LATER = "later"  # ranked, not yet approved (or deferred)


class MilestoneFlag(StrEnum):
    LATE = "late"
    DUE_TODAY = "due today"
    UNDONE_AT_CLOSE = "left undone at close"


@dataclass(frozen=True)
class FlaggedMilestone:
    """A milestone that needs someone's attention."""

    name: str
    due: dt.date
    flag: MilestoneFlag
    days_late: int


@dataclass(frozen=True)
class Delivery:
    """One record's delivery: its plan's dates and milestones, and how late it is."""

    record_id: str
    title: str
    status: str
    owner: str | None
    service: str | None
    phase: Phase | None  # None: done, or not on the roadmap (logged, rejected, withdrawn)
    rank: int | None
    start: dt.date | None
    due: dt.date | None
    milestones_done: int
    milestones_total: int
    days_late: int | None  # the plan's, while it is being delivered
    flagged: tuple[FlaggedMilestone, ...]
    revisit: dt.date | None  # a deferred record's date to look at it again

    @property
    def late(self) -> bool:
        """Whether the plan or a milestone is late (or was left undone at close)."""
        return bool(self.days_late) or any(
            m.flag is not MilestoneFlag.DUE_TODAY for m in self.flagged
        )


def in_flight_states(policies: Policies) -> list[str]:
    """States of work in flight, in the workflow's order: those delivering the plan, and
    reviewed states after them that are neither sustained nor terminal (`measuring`)."""
    review, workflow = policies.review, policies.workflow
    after_delivery = set(review.reviewed_states) - set(review.not_started_states)
    after_delivery -= set(review.sustained_states) | set(workflow.terminal)
    wanted = set(review.delivery_states) | after_delivery
    return [state for state in workflow.states if state in wanted]


def deliveries(
    records: Iterable[Record], policies: Policies, backlog: Backlog, as_of: dt.date
) -> list[Delivery]:
    """The delivery of every record, in id order."""
    flight = set(in_flight_states(policies))
    delivering = set(policies.review.delivery_states)
    next_states = set(policies.review.not_started_states)
    ranks = {item.record_id: item.rank for item in backlog.ranked}
    closed = set(policies.review.sustained_states)
    abandoned = set(policies.workflow.terminal) - closed
    found = []
    for record in sorted(records, key=lambda r: r.id):
        plan = record.plan
        milestones = plan.milestones if plan else []
        if record.status in flight:
            phase: Phase | None = Phase.NOW
        elif record.status in next_states:
            phase = Phase.NEXT
        elif record.id in ranks:
            phase = Phase.LATER
        else:
            phase = None
        due = plan.due if plan else None
        days_late = (
            (as_of - due).days
            if due is not None and record.status in delivering and as_of > due
            else None
        )
        flagged = () if record.status in abandoned else _flags(milestones, record, closed, as_of)
        found.append(
            Delivery(
                record.id,
                record.title,
                record.status,
                record.owner,
                record.service,
                phase,
                ranks.get(record.id),
                plan.start if plan else None,
                due,
                sum(m.done for m in milestones),
                len(milestones),
                days_late,
                flagged,
                _revisit(record),
            )
        )
    return found


def _flags(
    milestones: list[Milestone], record: Record, closed: set[str], as_of: dt.date
) -> tuple[FlaggedMilestone, ...]:
    flagged = []
    for milestone in milestones:
        if milestone.done:
            continue
        late = max((as_of - milestone.due).days, 0)
        if record.status in closed:
            flagged.append(
                FlaggedMilestone(milestone.name, milestone.due, MilestoneFlag.UNDONE_AT_CLOSE, late)
            )
        elif milestone.due < as_of:
            flagged.append(
                FlaggedMilestone(milestone.name, milestone.due, MilestoneFlag.LATE, late)
            )
        elif milestone.due == as_of:
            flagged.append(
                FlaggedMilestone(milestone.name, milestone.due, MilestoneFlag.DUE_TODAY, 0)
            )
    return tuple(flagged)


def _revisit(record: Record) -> dt.date | None:
    decision = record.decisions[-1] if record.decisions else None
    return decision.revisit if decision is not None else None
