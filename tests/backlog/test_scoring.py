"""Each scoring method against hand-computed expectations."""

from __future__ import annotations

import pytest

from csi_tool.backlog.scoring import score_assessment
from csi_tool.records.models import Assessment
from tests.builders import assessed_record, default_scoring


def _assessment(
    impact: int, urgency: int, effort: int, risk: int, confidence: float | None = None
) -> Assessment:
    record = assessed_record("CSI-0001", impact, urgency, effort, risk, confidence=confidence)
    assert record.assessment is not None
    return record.assessment


def test_weighted_score_divides_by_effort_and_applies_confidence() -> None:
    # (3×4 + 2×3 + 1×5) ÷ 2 = 11.5, × 0.8 = 9.2
    score = score_assessment(_assessment(4, 3, 2, 5, 0.8), default_scoring())
    assert score.value == pytest.approx(9.2)
    assert score.breakdown == (
        "(3×4 impact + 2×3 urgency + 1×5 risk) ÷ 2 effort × 0.8 confidence = 9.2"
    )


def test_missing_confidence_counts_as_one() -> None:
    # (3×5 + 2×5 + 1×5) ÷ 5 = 6
    score = score_assessment(_assessment(5, 5, 5, 5), default_scoring())
    assert score.value == 6
    assert score.breakdown.endswith("× 1 confidence = 6")


def test_confidence_factor_can_be_switched_off() -> None:
    score = score_assessment(_assessment(4, 3, 2, 5, 0.5), default_scoring(confidence_factor=False))
    assert score.value == pytest.approx(11.5)
    assert "confidence" not in score.breakdown


def test_weighted_score_can_subtract_effort() -> None:
    policy = default_scoring(
        weighted_score={
            "weights": {"impact": 2, "urgency": 1, "risk": 0},
            "effort": "subtract",
            "effort_weight": 1.5,
        },
        confidence_factor=False,
    )
    # 2×4 + 1×3 − 1.5×2 = 8; risk has weight 0 and is left out of the breakdown
    score = score_assessment(_assessment(4, 3, 2, 5), policy)
    assert score.value == 8
    assert score.breakdown == "(2×4 impact + 1×3 urgency) − 1.5×2 effort = 8"


def test_wsjf_is_cost_of_delay_over_job_size() -> None:
    policy = default_scoring(method="wsjf", confidence_factor=False)
    # (4 value + 3 time + 5 risk reduction) ÷ 3 job size = 4
    score = score_assessment(_assessment(4, 3, 3, 5), policy)
    assert score.value == 4
    assert score.method == "wsjf"
    assert score.breakdown == ("(4 value + 3 time criticality + 5 risk reduction) ÷ 3 job size = 4")


def test_wsjf_mapping_comes_from_the_policy() -> None:
    policy = default_scoring(
        method="wsjf",
        wsjf={
            "business_value": "risk",
            "time_criticality": "urgency",
            "risk_reduction": "impact",
            "job_size": "effort",
        },
        confidence_factor=True,
    )
    # (5 + 3 + 4) ÷ 4 = 3, × 0.5 = 1.5
    assert score_assessment(_assessment(4, 3, 4, 5, 0.5), policy).value == 1.5


def test_a_lower_confidence_never_raises_a_score_that_subtracts_effort() -> None:
    """Confidence scales the benefit only: a negative score times 0.5 would rise."""
    policy = default_scoring(
        weighted_score={
            "weights": {"impact": 2, "urgency": 1, "risk": 0},
            "effort": "subtract",
            "effort_weight": 1.5,
        }
    )
    sure = score_assessment(_assessment(1, 1, 5, 1, 1.0), policy)
    unsure = score_assessment(_assessment(1, 1, 5, 1, 0.5), policy)
    assert sure.value == pytest.approx(3 - 7.5)
    assert unsure.value == pytest.approx(1.5 - 7.5)
    assert unsure.value < sure.value
    assert unsure.breakdown == ("(2×1 impact + 1×1 urgency) × 0.5 confidence − 1.5×5 effort = -6")


@pytest.mark.parametrize("scale", [1e-9, 1e-3, 1e3])
def test_scaling_every_weight_alike_keeps_every_order(scale: float) -> None:
    """Scores keep significant digits: with nine decimals, weights of a billionth tied."""
    assessments = [
        _assessment(impact, urgency, effort, risk, confidence)
        for impact, urgency, effort, risk, confidence in [
            (5, 4, 2, 3, 0.9),
            (5, 4, 2, 3, 0.8),
            (4, 4, 2, 3, None),
            (3, 5, 1, 2, 0.7),
            (2, 2, 5, 1, None),
            (2, 2, 4, 1, 0.95),
            (1, 1, 5, 1, 0.6),
        ]
    ]
    weights = {"impact": 3.0, "urgency": 2.0, "risk": 1.0}

    def scores(effort: str, factor: float) -> list[float]:
        policy = default_scoring(
            weighted_score={
                "weights": {k: w * factor for k, w in weights.items()},
                "effort": effort,
                "effort_weight": 1.0 * factor,
            }
        )
        return [score_assessment(a, policy).value for a in assessments]

    for effort in ("divide", "subtract"):
        plain, scaled = scores(effort, 1.0), scores(effort, scale)
        order = sorted(range(len(plain)), key=lambda i: plain[i])
        assert sorted(range(len(scaled)), key=lambda i: scaled[i]) == order
        assert len(set(scaled)) == len(set(plain))  # no two scores fall together


def test_an_infinite_weight_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="finite number"):
        default_scoring(weighted_score={"weights": {"impact": float("inf")}, "effort": "divide"})


def test_a_benefit_and_penalty_that_cancel_tie_at_zero_whatever_the_summation_noise() -> None:
    """0.1 + 0.2 − 0.3 is 5.6e-17 in floats: scores round relative to their largest term."""
    policy = default_scoring(
        weighted_score={
            "weights": {"impact": 0.1, "urgency": 0.2, "risk": 0.3},
            "effort": "subtract",
            "effort_weight": 0.6,
        },
        confidence_factor=False,
    )
    scores = {
        score_assessment(_assessment(i, u, e, r), policy).value
        for i, u, e, r in [(1, 1, 1, 1), (1, 1, 2, 3), (2, 2, 2, 2)]
    }
    assert scores == {0.0}


def test_a_weight_near_floats_limit_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="less than or equal to 1000000"):
        default_scoring(weighted_score={"weights": {"impact": 1e308}, "effort": "divide"})
