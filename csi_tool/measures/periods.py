"""Periods of a measure: ISO weeks, calendar months and quarters, named and dated.

A value belongs to a period and is dated by its last day: a baseline or measurement dated
2026-08-31 is the value for August 2026. Only periods that have ended are measured, so a
value never changes once written (the data for a month still running would).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from csi_tool.policies.measures import Period


@dataclass(frozen=True, order=True)
class Span:
    """One period: its first and last day."""

    first: dt.date
    last: dt.date

    def name(self, period: Period) -> str:
        """`2026-W35`, `2026-08` or `2026-Q3`."""
        if period is Period.WEEKLY:
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if period is Period.MONTHLY:
            return f"{self.first:%Y-%m}"
        return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"


def span_of(day: dt.date, period: Period) -> Span:
    """The period that holds `day`."""
    if period is Period.WEEKLY:
        first = day - dt.timedelta(days=day.weekday())
        return Span(first, first + dt.timedelta(days=6))
    month = day.month if period is Period.MONTHLY else (day.month - 1) // 3 * 3 + 1
    first = dt.date(day.year, month, 1)
    step = 1 if period is Period.MONTHLY else 3
    following = dt.date(first.year + (month + step - 1) // 12, (month + step - 1) % 12 + 1, 1)
    return Span(first, following - dt.timedelta(days=1))


def last_ended(today: dt.date, period: Period) -> Span:
    """The latest period that has ended by `today`."""
    return span_of(span_of(today, period).first - dt.timedelta(days=1), period)


def ended_after(day: dt.date, today: dt.date, period: Period) -> Iterator[Span]:
    """Every period that starts after `day` and has ended by `today`, oldest first."""
    span = span_of(span_of(day, period).last + dt.timedelta(days=1), period)
    end = last_ended(today, period)
    while span <= end:
        yield span
        span = span_of(span.last + dt.timedelta(days=1), period)


_NAMES = {
    Period.WEEKLY: re.compile(r"^(\d{4})-W(\d{2})$"),
    Period.MONTHLY: re.compile(r"^(\d{4})-(\d{2})$"),
    Period.QUARTERLY: re.compile(r"^(\d{4})-Q([1-4])$"),
}
_EXAMPLES = {Period.WEEKLY: "2026-W35", Period.MONTHLY: "2026-08", Period.QUARTERLY: "2026-Q3"}


def parse_span(text: str, period: Period) -> Span:
    """The period a name such as `2026-08` stands for; ValueError if it is none."""
    match = _NAMES[period].match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a {period.value} period such as {_EXAMPLES[period]}")
    year, number = int(match[1]), int(match[2])
    try:
        if period is Period.WEEKLY:
            return span_of(dt.date.fromisocalendar(year, number, 1), period)
        month = number if period is Period.MONTHLY else (number - 1) * 3 + 1
        return span_of(dt.date(year, month, 1), period)
    except ValueError:
        raise ValueError(f"{text!r} is not a real {period.value} period") from None
