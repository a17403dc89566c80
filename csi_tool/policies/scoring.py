"""policies/scoring.yaml: how improvements are scored, laned and watched for overload."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from csi_tool.policies.base import PolicyModel, PolicyProblem, StateName

SCALE = range(1, 6)  # assessment factors run from 1 to 5


class Method(StrEnum):
    WEIGHTED_SCORE = "weighted_score"
    WSJF = "wsjf"


class Factor(StrEnum):
    """Fields of a record's assessment that scoring can use."""

    IMPACT = "impact"
    URGENCY = "urgency"
    EFFORT = "effort"
    RISK = "risk"


class EffortMode(StrEnum):
    DIVIDE = "divide"
    SUBTRACT = "subtract"


LaxFactor = Annotated[Factor, Field(strict=False)]
# Bounded: an infinite weight, or one near float's limit, makes scores infinite or NaN,
# which no ranking can order; a million is far beyond any weighting people use.
Weight = Annotated[
    float,
    Field(
        ge=0, le=1_000_000, allow_inf_nan=False, description="A weight; 0 leaves the factor out."
    ),
]


class WeightedScore(PolicyModel):
    """score = (Σ weight × factor) ÷ effort, or − effort_weight × effort."""

    weights: dict[Literal["impact", "urgency", "risk"], Weight] = Field(
        description="Weight of each benefit factor: impact, urgency, risk."
    )
    effort: Annotated[EffortMode, Field(strict=False)] = Field(
        EffortMode.DIVIDE, description="Whether effort divides the sum or is subtracted from it."
    )
    effort_weight: Weight = Field(1.0, description="Weight of effort when it is subtracted.")


class Wsjf(PolicyModel):
    """Weighted shortest job first: (value + time criticality + risk reduction) ÷ job size."""

    business_value: LaxFactor = Field(Factor.IMPACT, description="Assessment field for value.")
    time_criticality: LaxFactor = Field(
        Factor.URGENCY, description="Assessment field for time criticality."
    )
    risk_reduction: LaxFactor = Field(
        Factor.RISK, description="Assessment field for risk reduction or opportunity enablement."
    )
    job_size: LaxFactor = Field(Factor.EFFORT, description="Assessment field for job size.")


class Range(PolicyModel):
    """An inclusive range on the 1-5 assessment scale."""

    min: int = Field(ge=1, le=5, description="Lowest value in the range.")
    max: int = Field(ge=1, le=5, description="Highest value in the range.")


class Lane(PolicyModel):
    """A cell group of the impact-versus-effort matrix, such as quick wins."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable key, e.g. `quick_win`.")
    title: str = Field(min_length=1, max_length=60, description="Heading shown to readers.")
    impact: Range = Field(description="Impact values in this lane.")
    effort: Range = Field(description="Effort values in this lane.")

    def contains(self, impact: int, effort: int) -> bool:
        """Whether a record with this impact and effort falls in the lane."""
        return (
            self.impact.min <= impact <= self.impact.max
            and self.effort.min <= effort <= self.effort.max
        )


class Capacity(PolicyModel):
    """Work-in-progress limits that guard owners, teams and services against improvement
    fatigue: how much change each absorbs at once."""

    max_per_owner: int = Field(ge=1, description="Most records one owner may have in `states`.")
    teams: dict[Annotated[str, Field(pattern=r"^@")], Annotated[int, Field(ge=1)]] = Field(
        default_factory=dict,
        description="Limits of named owners (teams or people), in place of `max_per_owner`.",
    )
    max_per_service: int | None = Field(
        None, ge=1, description="Most records one service may have in `states` (none: no limit)."
    )
    services: dict[Annotated[str, Field(min_length=1)], Annotated[int, Field(ge=1)]] = Field(
        default_factory=dict, description="Limits of named services, in place of the default."
    )
    states: list[StateName] = Field(
        default_factory=lambda: ["in_progress"], description="States that count as active work."
    )

    def owner_limit(self, owner: str) -> int:
        """The most records `owner` may have in the counted states."""
        named = {team.casefold(): limit for team, limit in self.teams.items()}
        return named.get(owner.casefold(), self.max_per_owner)  # handles ignore case

    def service_limit(self, service: str) -> int | None:
        """The most records `service` may have in the counted states, if it is limited."""
        return self.services.get(service, self.max_per_service)


class ScoringPolicy(PolicyModel):
    """policies/scoring.yaml: how the backlog is ranked."""

    schema_version: Literal[1] = Field(description="Version of the policy format; always 1.")
    method: Annotated[Method, Field(strict=False)] = Field(
        description="Scoring method: weighted_score or wsjf."
    )
    weighted_score: WeightedScore | None = Field(
        None, description="Settings of the weighted_score method."
    )
    wsjf: Wsjf | None = Field(None, description="Settings of the wsjf method.")
    confidence_factor: bool = Field(
        True, description="Multiply scores by the record's confidence (1 when it gives none)."
    )
    ranked_states: list[StateName] = Field(
        min_length=1, description="States whose records are ranked in the backlog."
    )
    dependencies_done_in: list[StateName] = Field(
        default_factory=lambda: ["closed"],
        description="States in which a dependency no longer blocks the records that need it.",
    )
    lanes: list[Lane] = Field(
        min_length=1,
        description="Lanes of the impact-versus-effort matrix; together they "
        "must cover every impact and effort from 1 to 5 exactly once.",
    )
    capacity: Capacity = Field(description="Work-in-progress limits per owner.")
    staleness_days: int = Field(
        ge=1, description="Days without a change after which an open record is stale."
    )

    def lane_for(self, impact: int, effort: int) -> Lane:
        """The lane of a record; `scoring_problems` guarantees exactly one matches."""
        return next(lane for lane in self.lanes if lane.contains(impact, effort))


def scoring_problems(policy: ScoringPolicy) -> Iterator[PolicyProblem]:
    """Rules a schema cannot express: the method's settings exist, lanes tile the matrix."""
    if getattr(policy, policy.method.value) is None:
        yield PolicyProblem(
            ("method",), f"method {policy.method.value} needs a {policy.method.value}: section"
        )
    weighted = policy.weighted_score
    if weighted is not None and not any(weight > 0 for weight in weighted.weights.values()):
        yield PolicyProblem(
            ("weighted_score", "weights"), "at least one weight must be greater than 0"
        )
    yield from _lane_problems(policy.lanes)


def _lane_problems(lanes: list[Lane]) -> Iterator[PolicyProblem]:
    keys: dict[str, int] = {}
    for i, lane in enumerate(lanes):
        if lane.key in keys:
            yield PolicyProblem(("lanes", i, "key"), f"lane key {lane.key!r} is used twice")
        keys.setdefault(lane.key, i)
        for axis in ("impact", "effort"):
            span: Range = getattr(lane, axis)
            if span.min > span.max:
                yield PolicyProblem(("lanes", i, axis), f"min {span.min} is above max {span.max}")
    reported: set[tuple[int, int]] = set()
    uncovered = []
    for impact in SCALE:
        for effort in SCALE:
            owners = [i for i, lane in enumerate(lanes) if lane.contains(impact, effort)]
            if not owners:
                uncovered.append(f"impact {impact}/effort {effort}")
            for later in owners[1:]:
                if (owners[0], later) not in reported:
                    reported.add((owners[0], later))
                    yield PolicyProblem(
                        ("lanes", later),
                        f"lane {lanes[later].key!r} overlaps lane {lanes[owners[0]].key!r} "
                        f"(both hold impact {impact}, effort {effort})",
                    )
    if uncovered:
        shown = ", ".join(uncovered[:4]) + (" …" if len(uncovered) > 4 else "")
        yield PolicyProblem(("lanes",), f"no lane holds {len(uncovered)} cell(s): {shown}")
