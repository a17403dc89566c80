"""policies/review.yaml: when metrics are due for review and when a gain counts as fading."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from csi_tool.policies.base import PolicyModel, StateName


class ProcessBehaviour(PolicyModel):
    """Process behaviour charts: how many points make a baseline period, and the run rules."""

    minimum_baseline_points: int = Field(
        5,
        ge=2,
        le=100,
        description="Values before the work started (the baseline's among them) needed for "
        "natural process limits; with fewer, no shift is judged.",
    )
    run_length: int = Field(
        8, ge=2, le=30, description="Values in a row on one side of the centre line: a shift."
    )
    trend_length: int = Field(
        6, ge=2, le=30, description="Values in a row, each above (or below) the last: a shift."
    )


class ReviewPolicy(PolicyModel):
    """How `csi review` judges measurements against baselines and targets."""

    schema_version: Literal[1] = Field(description="Version of the policy format; always 1.")
    reviewed_states: list[StateName] = Field(
        min_length=1, description="States whose records' metrics are reviewed."
    )
    due_soon_days: int = Field(
        7, ge=0, le=90, description="A review counts as due this many days before its date."
    )
    grace_days: int = Field(
        14,
        ge=0,
        le=90,
        description="Days after a calendar period ends (month, quarter, half year, year) for "
        "its measurement to arrive before the review is overdue.",
    )
    sustained_states: list[StateName] = Field(
        default_factory=lambda: ["closed"],
        description="States in which a fading gain is reported as a regression.",
    )
    not_started_states: list[StateName] = Field(
        default_factory=lambda: ["approved"],
        description="States in which the work has not started: their benefit is `not started`, "
        "not judged from measurements taken before the work (as is a planned start still "
        "to come).",
    )
    delivery_states: list[StateName] = Field(
        default_factory=lambda: ["in_progress"],
        description="States in which the plan is being delivered: a plan whose due date has "
        "passed in one of them is late. Records in these states, and in reviewed states "
        "after them that are neither sustained nor terminal (`measuring`), are in flight.",
    )
    review_outcome_must_match_metrics: bool = Field(
        True,
        description="A review that says `achieved` needs every target met by the latest "
        "measurement up to the review's date, and `not_achieved` needs at least one missed "
        "(use `partially_achieved` otherwise).",
    )
    regression_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Share of the best gain that, once lost, counts as a regression (0.5: half).",
    )
    sustained_points: int = Field(
        3,
        ge=1,
        le=30,
        description="A metric without process limits (too few values before the work) is "
        "`realised` once its target is met on this many latest values in a row.",
    )
    projection_points: int = Field(
        3,
        ge=2,
        le=30,
        description="Values measured since the work started that a projection (the trend "
        "to the target date) needs; with fewer, the verdict is `no signal yet`.",
    )
    process_behaviour: ProcessBehaviour = Field(
        default_factory=ProcessBehaviour,
        description="Whether the process shifted after the change, told from noise by a "
        "process behaviour chart of the values before it.",
    )
