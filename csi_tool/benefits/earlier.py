"""The bound measures' history before each baseline: more values for a process chart.

A bound metric's baseline is one period of its measure. The periods before it, as far back
as the data covers them whole (and at most `MAXIMUM_PERIODS`), show the process as it ran
before the work was planned: the natural process limits need several such values, and a
record rarely has more than its baseline.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from csi_tool.measures.evaluate import bindings, data_values
from csi_tool.measures.periods import span_of
from csi_tool.policies.policy_set import Policies
from csi_tool.records.models import Record

MAXIMUM_PERIODS = 24  # two years of months: older values describe another process


def earlier_values(
    root: Path,
    policies: Policies,
    records: Iterable[Record],
    environ: Mapping[str, str] = os.environ,
) -> tuple[dict[tuple[str, str], list[float]], dict[str, str]]:
    """Per (record id, metric key) of each bound metric with a baseline in a reviewed
    record, its measure's values of the periods before the baseline's, oldest first; and
    the sources that are not here (source → why). Raises MeasureFailed for data that is
    here but cannot be measured."""
    reviewed = set(policies.review.reviewed_states)
    by_id = {record.id: record for record in records if record.status in reviewed}
    wanted = [
        binding
        for binding in bindings(by_id.values(), policies)
        if by_id[binding.record_id].metrics[binding.metric_index].baseline is not None
    ]
    if not wanted:
        return {}, {}
    found = data_values(root, policies, wanted, environ)
    history: dict[tuple[str, str], list[float]] = {}
    for binding in wanted:
        baseline = by_id[binding.record_id].metrics[binding.metric_index].baseline
        assert baseline is not None
        period = binding.measure.period
        span = span_of(baseline.date, period)
        values: list[float] = []
        for _ in range(MAXIMUM_PERIODS):
            span = span_of(span.first - dt.timedelta(days=1), period)
            value = found.in_span(binding, span)
            if value is None:
                break  # the data starts later: older periods are not covered either
            if value.value is not None:  # a period without a ticket in scope has no value
                values.append(float(value.value))
        if values:
            history[(binding.record_id, binding.metric_key)] = values[::-1]
    return history, found.unavailable
