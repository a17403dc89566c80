"""Periods: weeks, months and quarters, named, parsed, and only ended ones measured."""

from __future__ import annotations

import datetime as dt

import pytest

from csi_tool.measures.periods import Span, ended_after, last_ended, parse_span, span_of
from csi_tool.policies.measures import Period

D = dt.date


@pytest.mark.parametrize(
    ("day", "period", "span", "name"),
    [
        (D(2026, 8, 19), Period.MONTHLY, Span(D(2026, 8, 1), D(2026, 8, 31)), "2026-08"),
        (D(2026, 12, 31), Period.MONTHLY, Span(D(2026, 12, 1), D(2026, 12, 31)), "2026-12"),
        (D(2024, 2, 10), Period.MONTHLY, Span(D(2024, 2, 1), D(2024, 2, 29)), "2024-02"),
        (D(2026, 11, 5), Period.QUARTERLY, Span(D(2026, 10, 1), D(2026, 12, 31)), "2026-Q4"),
        (D(2026, 8, 27), Period.WEEKLY, Span(D(2026, 8, 24), D(2026, 8, 30)), "2026-W35"),
        (D(2027, 1, 1), Period.WEEKLY, Span(D(2026, 12, 28), D(2027, 1, 3)), "2026-W53"),
    ],
)
def test_a_day_falls_in_one_named_period(day: D, period: Period, span: Span, name: str) -> None:
    assert span_of(day, period) == span
    assert span.name(period) == name
    assert parse_span(name, period) == span


def test_only_ended_periods_are_measured() -> None:
    assert last_ended(D(2026, 9, 1), Period.MONTHLY) == Span(D(2026, 8, 1), D(2026, 8, 31))
    assert last_ended(D(2026, 8, 31), Period.MONTHLY).name(Period.MONTHLY) == "2026-07"
    names = [
        s.name(Period.MONTHLY) for s in ended_after(D(2026, 5, 31), D(2026, 9, 2), Period.MONTHLY)
    ]
    assert names == ["2026-06", "2026-07", "2026-08"]
    assert list(ended_after(D(2026, 8, 31), D(2026, 9, 2), Period.MONTHLY)) == []


@pytest.mark.parametrize("text", ["2026-13", "2026-8", "August", "2026-Q5", "2026-W54"])
def test_a_period_that_is_none_is_refused(text: str) -> None:
    period = Period.QUARTERLY if "Q" in text else Period.WEEKLY if "W" in text else Period.MONTHLY
    with pytest.raises(ValueError, match="period"):
        parse_span(text, period)
