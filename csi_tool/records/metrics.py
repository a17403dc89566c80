"""A record's metrics: baseline, target, measurements, and the measure a metric may be bound to.

A bound metric names a measure of `policies/measures.yaml` and the values of its parameters;
the query itself lives only in the policy, so what a record can make csi compute over the
data is what the governance approvers accepted.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from csi_tool.fields import (
    SINGLE_LINE,
    Cadence,
    Date,
    LaxCadence,
    LaxDirection,
    LaxIndicatorKind,
    Line,
    Number,
    Text,
)

# How the source line of a value csi computed from a measure begins (benefits/bound.py).
BOUND_SOURCE_PREFIX = "csi: measure "


class RecordPart(BaseModel):
    """Base of every part of a record: unknown keys refused, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def model_post_init(self, context: object, /) -> None:
        """Parts given the same fields share one set of their names. A register holds about
        26 parts a record, each with its own set (216 to 728 bytes): a third of a loaded
        record's memory. A frozen part's set never changes (`model_copy` copies it first)."""
        fields = _fields_set_of(self)
        every = _EVERY_FIELD.get(type(self))
        if every is not None and len(fields) == len(every):
            # all of them (as a part read back from the record cache has): no set to hash,
            # which every part of a register would pay on every command
            _share_fields_set(self, every)
            return
        shared = _FIELD_SETS.setdefault(frozenset(fields), fields)
        if every is None:
            _EVERY_FIELD[type(self)] = _FIELD_SETS.setdefault(
                frozenset(type(self).model_fields), set(type(self).model_fields)
            )
        if shared is not fields:
            _share_fields_set(self, shared)


# The slot itself: a frozen model refuses its own __setattr__, and the slot's descriptor is
# what object.__setattr__ would find after a longer lookup.
_fields_set_of = BaseModel.__dict__["__pydantic_fields_set__"].__get__
_share_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_FIELD_SETS: dict[frozenset[str], set[str]] = {}
_EVERY_FIELD: dict[type[BaseModel], set[str]] = {}  # a part's class → the set of all its fields


_Model = RecordPart

MeasureKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
ParameterValue = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
]


class MeasureBinding(_Model):
    """The measure of `policies/measures.yaml` a metric is computed by, and its parameters."""

    key: MeasureKey = Field(description="A measure's key in policies/measures.yaml.")
    where: dict[MeasureKey, ParameterValue] = Field(
        default_factory=dict,
        description="Values for the measure's parameters, e.g. `{service: Service Desk}`.",
    )


class Baseline(_Model):
    """The measured starting point of a metric."""

    value: Number = Field(description="The measured value before the improvement.")
    date: Date = Field(description="When the baseline was measured.")
    source: Text = Field(description="Where the figure comes from (report, query, tool).")


class Target(_Model):
    """The success criterion of a metric."""

    value: Number = Field(description="The value that counts as success.")
    by: Date = Field(description="The date by which the target should be reached.")


class Measurement(_Model):
    """One measured value of a metric."""

    date: Date = Field(description="When the value was measured.")
    value: Number = Field(description="The measured value, in the metric's unit.")
    source: Text | None = Field(None, description="Where the figure comes from.")
    note: Text | None = Field(None, description="Anything a reader needs to interpret it.")


class Metric(_Model):
    """A measure of success with its baseline, target and measurements."""

    key: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=40,
        description="Stable key used by `csi measure`, e.g. `reopen_rate`; never renamed.",
    )
    name: Line = Field(description="Readable name of the metric.")
    kind: LaxIndicatorKind = Field(
        description="Leading (predicts the outcome) or lagging (is the outcome)."
    )
    unit: str = Field(
        min_length=1,
        max_length=30,
        pattern=SINGLE_LINE,  # no line breaks or direction overrides: it is shown beside values
        description="Unit of every value, e.g. `%` or `hours`.",
    )
    direction: LaxDirection = Field(description="Whether success means the value goes up or down.")
    baseline: Baseline | None = Field(None, description="Where the metric starts.")
    target: Target | None = Field(None, description="Where the metric should get to, and by when.")
    action_threshold: Number | None = Field(
        None, description="A value beyond which someone must act (a regression alarm)."
    )
    review_cadence: LaxCadence = Field(
        Cadence.MONTHLY, description="How often the metric is reviewed."
    )
    measurements: list[Measurement] = Field(
        default_factory=list, description="Measured values, oldest first."
    )
    measure: MeasureBinding | None = Field(
        None,
        description="The measure computing the metric from the data; `csi baseline` and "
        "`csi measure --refresh` then write its values, and `csi validate --data` checks them.",
    )
    minimum: Number | None = Field(None, description="Lowest possible value (`%`: 0).")
    maximum: Number | None = Field(None, description="Highest possible value (`%`: 100).")

    def bounds(self) -> tuple[float | None, float | None]:
        """The values the metric can take: declared, else 0 to 100 for a percentage."""
        percent = self.unit.strip() == "%"
        low = self.minimum if self.minimum is not None else (0.0 if percent else None)
        high = self.maximum if self.maximum is not None else (100.0 if percent else None)
        return low, high
