"""policies/measures.yaml: measures over the tickets of a source, that metrics may be bound to.

A measure is structured, not SQL: a filter, a period, an aggregate and the parameters a
record may set, which csi compiles to one read-only query with bound values. That keeps
the promise of the gate: a pull request can only choose a measure and its parameters, and
no text in any policy or record ever becomes a statement, so there is nothing to inject,
no write or file read to forbid, and every column a measure names is known before it runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from csi_tool.fields import LaxDirection, LaxIndicatorKind
from csi_tool.policies.base import PolicyModel, PolicyProblem

MeasureKey = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40),
    Field(description="A stable key such as `reopen_rate`; metrics bind to it."),
]
# What a condition may test, and what a record may set as a parameter.
TicketField = Literal[
    "state",
    "category",
    "subcategory",
    "service",
    "symptom",
    "assignment_group",
    "priority",
    "problem_id",
    "caused_by_change",
    "reopen_count",
    "reassignment_count",
    "sla_met",
    "resolution_hours",
]
ParameterField = Literal[
    "state", "category", "subcategory", "service", "symptom", "assignment_group", "priority"
]
NumericField = Literal["resolution_hours", "reopen_count", "reassignment_count"]
DateField = Literal["opened_at", "resolved_at", "closed_at"]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")]


class Period(StrEnum):
    """How a measure's values are dated: one value per period."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class Aggregate(StrEnum):
    """What a measure computes over the tickets of a period."""

    COUNT = "count"  # tickets
    SHARE = "share"  # % of tickets that meet `counting`
    MEAN = "mean"
    MEDIAN = "median"
    P90 = "p90"
    SUM = "sum"


class Bounds(PolicyModel):
    """A test on a number, or on whether a field is empty."""

    above: float | None = Field(None, description="Greater than this.")
    below: float | None = Field(None, description="Less than this.")
    empty: bool | None = Field(None, description="true: no value; false: any value.")


Condition = Annotated[
    Text | bool | list[Text] | Bounds,
    Field(description="A value, a list of values (any of them), or {above, below, empty}."),
]


class Measure(PolicyModel):
    """One measure: which tickets, dated how, aggregated how, and what a record may choose."""

    key: MeasureKey
    name: Text = Field(description="What the measure is, in words.")
    unit: str = Field(min_length=1, max_length=30, description="Unit of its values, e.g. `%`.")
    direction: LaxDirection = Field(description="Whether better means up or down.")
    kind: LaxIndicatorKind = Field(description="Leading or lagging.")
    source: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)] = Field(
        description="A source of policies/sources.yaml."
    )
    period: Period = Field(Period.MONTHLY, strict=False, description="weekly, monthly, quarterly.")
    dated_by: DateField = Field(
        "opened_at", description="The ticket date that places it in a period."
    )
    aggregate: Aggregate = Field(strict=False, description="count, share, mean, median, p90, sum.")
    counting: dict[TicketField, Condition] = Field(
        default_factory=dict, description="share: the tickets counted, among those in scope."
    )
    value: NumericField | None = Field(None, description="mean, median, p90, sum: of what.")
    where: dict[TicketField, Condition] = Field(
        default_factory=dict, description="Which tickets are in scope, always."
    )
    parameters: list[ParameterField] = Field(
        default_factory=list,
        description="Fields a bound metric may set (`where: {service: …}`), each an equality.",
    )


class MeasuresPolicy(PolicyModel):
    """Every measure metrics may be bound to."""

    schema_version: Literal[1] = Field(description="Version of the policy format; always 1.")
    measures: list[Measure] = Field(default_factory=list, description="The measures.")

    @cached_property
    def by_key(self) -> dict[str, Measure]:
        """Each measure by its key (the last, if a key is used twice: a policy finding)."""
        return {measure.key: measure for measure in self.measures}


def measures_problems(policy: MeasuresPolicy) -> Iterator[PolicyProblem]:
    """Keys used twice, aggregates without what they need, parameters that are also fixed."""
    seen: set[str] = set()
    for i, measure in enumerate(policy.measures):
        at = ("measures", i)
        if measure.key in seen:
            yield PolicyProblem((*at, "key"), f"{measure.key!r} is a key twice")
        seen.add(measure.key)
        numeric = measure.aggregate in (
            Aggregate.MEAN,
            Aggregate.MEDIAN,
            Aggregate.P90,
            Aggregate.SUM,
        )
        if numeric and measure.value is None:
            yield PolicyProblem(at, f"{measure.aggregate.value} needs `value`: the field it takes")
        if not numeric and measure.value is not None:
            yield PolicyProblem((*at, "value"), f"{measure.aggregate.value} takes no `value`")
        if measure.aggregate is Aggregate.SHARE and not measure.counting:
            yield PolicyProblem(at, "share needs `counting`: the tickets it counts")
        if measure.aggregate is not Aggregate.SHARE and measure.counting:
            yield PolicyProblem((*at, "counting"), "only a share counts tickets")
        for part in ("where", "counting"):
            for field, condition in getattr(measure, part).items():
                message = _mismatch(field, condition)
                if message:
                    yield PolicyProblem((*at, part, field), message)
        for j, name in enumerate(measure.parameters):
            if name in measure.where:
                yield PolicyProblem(
                    (*at, "parameters", j), f"{name} is fixed by `where`; it cannot be a parameter"
                )


_NUMERIC = ("reopen_count", "reassignment_count", "resolution_hours")


def _mismatch(field: str, condition: Bounds | bool | str | list[str]) -> str | None:
    """Why a condition cannot test a field: numbers take bounds, sla_met true or false."""
    if isinstance(condition, Bounds):
        ranged = condition.above is not None or condition.below is not None
        return (
            f"{field} is not a number: test it with a value"
            if ranged and field not in _NUMERIC
            else None
        )
    if field == "sla_met":
        return None if isinstance(condition, bool) else "sla_met is true or false"
    if isinstance(condition, bool):
        return f"{field} is not true or false: only sla_met is"
    if field in _NUMERIC:
        return f"{field} is a number: test it with {{above: …}} or {{below: …}}"
    return None
