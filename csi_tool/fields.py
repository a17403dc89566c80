"""The vocabulary of records: constrained value types and the enumerations fields draw from."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

Handle = Annotated[
    str,
    StringConstraints(pattern=r"^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9._-]+)?$"),
    Field(description="A GitHub user or team handle, e.g. `@alice` or `@acme/service-desk`."),
]
RecordId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z][A-Z0-9]*-[0-9]+$"),
    Field(description="A record id such as `CSI-0042` (prefix and width: register policy)."),
]
# Characters that break a line or reorder how text reads (bidirectional overrides).
_BREAKING = "\t\n\r\x0b\x0c\x85\u2028\u2029\u202a-\u202e\u2066-\u2069"
# One line with at least one visible character.
SINGLE_LINE = f"^[^{_BREAKING}]*[^\\s{_BREAKING}][^{_BREAKING}]*$"
# Not blank, and no bidirectional override: it would show text in another order than it
# is written ("Trojan Source"), in the site, the evidence pack and CI logs alike.
_BIDI = "\u202a-\u202e\u2066-\u2069"
NOT_BLANK = f"^[^{_BIDI}]*[^\\s{_BIDI}][^{_BIDI}]*$"
Line = Annotated[str, StringConstraints(max_length=300, pattern=SINGLE_LINE)]
Text = Annotated[str, StringConstraints(max_length=20_000, pattern=NOT_BLANK)]
Number = Annotated[float, Field(allow_inf_nan=False)]
Tag = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40),
    Field(description="A lower-case tag such as `knowledge` or `change-enablement`."),
]
Url = Annotated[
    str,
    StringConstraints(pattern="^https?://[^\\s<>\"']+$", max_length=2000),
    Field(description="An http or https link."),
]
Reference = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/#-]*$", max_length=100),
    Field(description="An identifier in another system, e.g. `INC0012345` or `CHG0031337`."),
]
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Improvements happen within lifetimes: a year outside this range is a typo, and at the
# calendar's ends date arithmetic (trends, overdue days) overflows.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def _date_only(value: Any) -> Any:
    """Accept a calendar date written as YYYY-MM-DD, nothing else (no numbers, no times)."""
    text: str | None = None
    if isinstance(value, str):  # first: read from YAML 1.2, every date arrives as text
        known = _DATES_READ.get(value)
        if known is not None:
            return known
        text = value
        if not _ISO_DATE.match(value):
            raise PydanticCustomError("date_format", "must be a date written as YYYY-MM-DD")
        try:
            value = dt.date.fromisoformat(value)
        except ValueError as e:
            raise PydanticCustomError("date_value", f"{value!r} is not a real date") from e
    if isinstance(value, dt.datetime):
        raise PydanticCustomError(
            "date_with_time", "must be a date (YYYY-MM-DD) without a time of day"
        )
    if not isinstance(value, dt.date):
        raise PydanticCustomError("date_format", "must be a date written as YYYY-MM-DD")
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise PydanticCustomError(
            "date_range",
            f"{value.isoformat()} is not a plausible date (years {EARLIEST_YEAR} to {LATEST_YEAR})",
        )
    if text is not None and len(_DATES_READ) < _DATES_KEPT:
        _DATES_READ[text] = value
    return value


# A register repeats a few thousand dates across 10,000 records: each text is judged once
# (a date is immutable, so records may share it).
_DATES_READ: dict[str, dt.date] = {}
_DATES_KEPT = 100_000


Date = Annotated[dt.date, BeforeValidator(_date_only)]
KnowledgeRef = Annotated[
    str,
    StringConstraints(
        pattern="^(?:https?://[^\\s<>\"']+|[A-Za-z0-9][A-Za-z0-9._:/#-]*)$", max_length=2000
    ),
    Field(description="A knowledge article id such as `KB0010042`, or an http(s) link to it."),
]
Scale = Annotated[int, Field(ge=1, le=5)]


class SourceKind(StrEnum):
    INCIDENT_TREND = "incident_trend"
    PROBLEM_RECORD = "problem_record"
    CUSTOMER_FEEDBACK = "customer_feedback"
    OPERATIONAL_REPORT = "operational_report"
    PROCESS_REVIEW = "process_review"
    STAKEHOLDER_WORKSHOP = "stakeholder_workshop"
    AUDIT = "audit"
    OTHER = "other"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class IndicatorKind(StrEnum):
    LEADING = "leading"
    LAGGING = "lagging"


class Cadence(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


_CADENCE_DAYS = {
    "weekly": 7,
    "fortnightly": 14,
    "monthly": 30,
    "quarterly": 91,
    "half_yearly": 182,
    "yearly": 365,
}


def cadence_days(cadence: Cadence) -> int:
    """Days between two reviews at this cadence."""
    return _CADENCE_DAYS[cadence.value]


class DecisionOutcome(StrEnum):
    APPROVED = "approved"
    DEFERRED = "deferred"
    REJECTED = "rejected"


class ReviewOutcome(StrEnum):
    ACHIEVED = "achieved"
    PARTIALLY_ACHIEVED = "partially_achieved"
    NOT_ACHIEVED = "not_achieved"


# Strict mode would want enum instances; YAML gives their string values.
LaxSourceKind = Annotated[SourceKind, Field(strict=False)]
LaxDirection = Annotated[Direction, Field(strict=False)]
LaxIndicatorKind = Annotated[IndicatorKind, Field(strict=False)]
LaxCadence = Annotated[Cadence, Field(strict=False)]
LaxDecisionOutcome = Annotated[DecisionOutcome, Field(strict=False)]
LaxReviewOutcome = Annotated[ReviewOutcome, Field(strict=False)]
