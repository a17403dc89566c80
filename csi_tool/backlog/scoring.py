"""Score one record's assessment by the scoring policy, with a breakdown a reader can follow."""

from __future__ import annotations

import math
from dataclasses import dataclass

from csi_tool.policies.scoring import EffortMode, Method, ScoringPolicy
from csi_tool.records.models import Assessment


@dataclass(frozen=True)
class Score:
    """A score and the arithmetic that produced it."""

    value: float
    method: str
    breakdown: str


def score_assessment(assessment: Assessment, policy: ScoringPolicy) -> Score:
    """The record's score under the policy's method. With the confidence factor, confidence
    scales the benefit only: a score that subtracted effort may be negative, and multiplying
    it by a confidence below 1 would raise it, rewarding uncertainty."""
    confidence = None
    if policy.confidence_factor:
        confidence = assessment.confidence if assessment.confidence is not None else 1.0
    if policy.method is Method.WSJF:
        value, breakdown, scale = _wsjf(assessment, policy, confidence)
    else:
        value, breakdown, scale = _weighted(assessment, policy, confidence)
    value = _rounded(value, scale)
    return Score(value, policy.method.value, f"{breakdown} = {_number(value)}")


def _rounded(value: float, scale: float) -> float:
    """The score to 12 significant digits of its largest term: the same on every machine,
    whatever the summation order. Relative to the terms, not to the result: a benefit and a
    penalty that cancel leave summation noise (1e-16), which must tie at 0; and relative,
    not to fixed decimals, so scaling every weight alike keeps every order."""
    if scale == 0:
        return 0.0
    return round(value, 11 - math.floor(math.log10(scale))) + 0.0  # + 0.0: never -0.0


def _weighted(
    assessment: Assessment, policy: ScoringPolicy, confidence: float | None
) -> tuple[float, str, float]:
    """The score, its arithmetic, and the size of its largest term (for rounding)."""
    settings = policy.weighted_score
    assert settings is not None  # scoring_problems refuses a policy without it
    terms = [
        (name, weight, getattr(assessment, name))
        for name, weight in sorted(settings.weights.items(), key=_factor_order)
        if weight > 0
    ]
    total = sum(weight * value for _, weight, value in terms)
    shown = " + ".join(f"{_number(w)}×{v} {name}" for name, w, v in terms)
    if settings.effort is EffortMode.DIVIDE:
        value, breakdown = total / assessment.effort, f"({shown}) ÷ {assessment.effort} effort"
        value, breakdown = _with_confidence(value, breakdown, confidence)
        return value, breakdown, abs(value)
    benefit, shown = _with_confidence(total, f"({shown})", confidence)
    penalty = settings.effort_weight * assessment.effort
    return (
        benefit - penalty,
        f"{shown} − {_number(settings.effort_weight)}×{assessment.effort} effort",
        max(abs(benefit), abs(penalty)),
    )


def _with_confidence(value: float, shown: str, confidence: float | None) -> tuple[float, str]:
    if confidence is None:
        return value, shown
    return value * confidence, f"{shown} × {_number(confidence)} confidence"


def _wsjf(
    assessment: Assessment, policy: ScoringPolicy, confidence: float | None
) -> tuple[float, str, float]:
    settings = policy.wsjf
    assert settings is not None
    value = getattr(assessment, settings.business_value.value)
    time = getattr(assessment, settings.time_criticality.value)
    risk = getattr(assessment, settings.risk_reduction.value)
    size = getattr(assessment, settings.job_size.value)
    score, breakdown = _with_confidence(
        (value + time + risk) / size,
        f"({value} value + {time} time criticality + {risk} risk reduction) ÷ {size} job size",
        confidence,
    )
    return score, breakdown, abs(score)


_ORDER = {"impact": 0, "urgency": 1, "risk": 2}


def _factor_order(item: tuple[str, float]) -> int:
    return _ORDER[item[0]]


def _number(value: float) -> str:
    """2 decimals at most, no trailing zeros: 8.4, 12, 0.75."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
