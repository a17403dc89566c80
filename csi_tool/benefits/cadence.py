"""When a metric's next review falls due: on the calendar, as people and reports count.

Monthly, quarterly, half-yearly and yearly metrics are measured once per calendar period: a
measurement in a period covers it, and the next falls due at the end of the following
period, overdue only after the review policy's grace (a quarter's data arrives after it
ends). Counting 91 days
instead made a quarterly metric measured on 30 June overdue on 30 September, the day its
next measurement was due. Weekly and fortnightly metrics count days.
"""

from __future__ import annotations

import datetime as dt

from csi_tool.fields import Cadence, cadence_days

_MONTHS = {
    Cadence.MONTHLY: 1,
    Cadence.QUARTERLY: 3,
    Cadence.HALF_YEARLY: 6,
    Cadence.YEARLY: 12,
}


def review_due(last_seen: dt.date, cadence: Cadence, measured: bool = True) -> dt.date:
    """The day the review after `last_seen` falls due: the end of the next calendar period
    after a measurement, or of the period itself when the clock starts without one (on
    approval: that period is not yet measured); for weekly and fortnightly metrics, that
    many days later."""
    months = _MONTHS.get(cadence)
    if months is None:
        return last_seen + dt.timedelta(days=cadence_days(cadence))
    period = (last_seen.month - 1) // months  # which period of its year last_seen is in
    ahead = 2 if measured else 1  # periods to the one whose first day ends the due one
    after_next = last_seen.year * 12 + (period + ahead) * months  # months from year 0
    year, month = divmod(after_next, 12)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def overdue_after(due: dt.date, cadence: Cadence, grace_days: int) -> dt.date:
    """The last day before a review due on `due` is overdue: a calendar period's data may
    arrive up to the grace after the period ends."""
    return due + dt.timedelta(days=grace_days if cadence in _MONTHS else 0)
