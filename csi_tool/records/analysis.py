"""How the problem was studied: root cause analysis and process maps, as parts of a record.

A process map lists the steps of a process in order, each done by an actor (a team or role)
in a system, as work, an approval, a handoff or a wait, with its touch time and the time it
waits before it. From that alone csi counts what improvement work looks for: steps,
approvals, handoffs between actors, systems touched, lead time and the share of it spent
waiting; and, once the changed process is mapped too, the change from before to after.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from typing import Annotated

from pydantic import Field

from csi_tool.fields import Line, Text
from csi_tool.records.metrics import RecordPart

_Model = RecordPart


class Fishbone(_Model):
    """Ishikawa causes grouped by category."""

    people: list[Text] = Field(default_factory=list, description="Causes in skills or staffing.")
    process: list[Text] = Field(default_factory=list, description="Causes in the process.")
    tools: list[Text] = Field(default_factory=list, description="Causes in tools and technology.")
    environment: list[Text] = Field(
        default_factory=list, description="Causes in the environment or suppliers."
    )
    policy: list[Text] = Field(default_factory=list, description="Causes in policies and rules.")


class RootCause(_Model):
    """Root cause analysis behind the opportunity."""

    five_whys: list[Text] = Field(
        default_factory=list, max_length=7, description="Each 'why?' answered in turn."
    )
    fishbone: Fishbone | None = Field(None, description="Causes by category.")


class StepKind(StrEnum):
    WORK = "work"
    APPROVAL = "approval"
    HANDOFF = "handoff"
    WAIT = "wait"


Hours = Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)]


class ProcessStep(_Model):
    """One step of a process."""

    name: Line = Field(description="What happens.")
    actor: Line = Field(description="The team or role that does it (one lane of the map).")
    system: Line | None = Field(None, description="The system it is done in, if any.")
    kind: Annotated[StepKind, Field(strict=False)] = Field(
        StepKind.WORK, description="work, approval, handoff or wait."
    )
    touch_hours: Hours = Field(0.0, description="Hours of work the step takes.")
    wait_hours: Hours = Field(0.0, description="Hours it waits before it starts.")


class ProcessMap(_Model):
    """The process as it was, and, once changed, as it is."""

    actors: list[Line] = Field(
        default_factory=list,
        max_length=30,
        description="The teams and roles, in lane order; when given, every step's actor is one.",
    )
    before: list[ProcessStep] = Field(
        default_factory=list, max_length=80, description="Steps before the change."
    )
    after: list[ProcessStep] = Field(
        default_factory=list, max_length=80, description="Steps after the change."
    )


@dataclass(frozen=True)
class MapFigures:
    """What a map of one process shows."""

    steps: int
    approvals: int
    handoffs: int  # times the work passes from one actor to another
    systems: int
    lead_hours: float  # touch and wait, end to end
    wait_hours: float

    @property
    def wait_share(self) -> float | None:
        """The share of the lead time spent waiting, in %."""
        return round(100 * self.wait_hours / self.lead_hours, 1) if self.lead_hours else None


def figures(steps: Sequence[ProcessStep]) -> MapFigures:
    """The figures of one map (before or after)."""
    actors = [step.actor.strip() for step in steps]
    waiting = sum(step.wait_hours for step in steps)
    waiting += sum(step.touch_hours for step in steps if step.kind is StepKind.WAIT)
    return MapFigures(
        steps=len(steps),
        approvals=sum(step.kind is StepKind.APPROVAL for step in steps),
        handoffs=sum(a != b for a, b in pairwise(actors)),
        systems=len({step.system.strip() for step in steps if step.system}),
        lead_hours=round(sum(step.touch_hours + step.wait_hours for step in steps), 2),
        wait_hours=round(waiting, 2),
    )


def process_map_problems(
    process_map: ProcessMap,
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(field path within the map, message): an `after` without a `before`, an actor the
    map's `actors` do not list, a lane listed twice."""
    if process_map.after and not process_map.before:
        yield ("after",), "an `after` map needs the `before` map it is compared with"
    seen: set[str] = set()
    for i, actor in enumerate(process_map.actors):
        if actor.strip() in seen:
            yield ("actors", i), f"lists {actor.strip()!r} twice"
        seen.add(actor.strip())
    if not process_map.actors:
        return
    known = {a.strip() for a in process_map.actors}
    for part in ("before", "after"):
        for i, step in enumerate(getattr(process_map, part)):
            if step.actor.strip() not in known:
                yield (
                    (part, i, "actor"),
                    f"{step.actor!r} is not one of the map's actors ({', '.join(sorted(known))})",
                )
