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
