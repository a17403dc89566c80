"""A measure of policies/measures.yaml as one read-only query with bound values.

Field names come from the policy's fixed vocabulary (checked by its model), never from free
text; every value a policy or record gives is a bound parameter. One query serves every
metric bound to the measure with the same parameter names: it groups by period and by
those parameters, so a register of a thousand bound metrics scans the tickets once per
measure, not once per metric.
"""

from __future__ import annotations

from typing import Any

from csi_tool.policies.measures import Aggregate, Bounds, Condition, Measure, Period

VIEW = "measured"  # the tickets with their resolution time: created by evaluate.py
_UNITS = {Period.WEEKLY: "week", Period.MONTHLY: "month", Period.QUARTERLY: "quarter"}


def measure_query(measure: Measure, parameters: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """SQL giving (period's first day, parameter values…, value, tickets) rows, and its
    bound values."""
    values: dict[str, Any] = {"unit": _UNITS[measure.period]}
    scope = [f"{measure.dated_by} IS NOT NULL"]
    scope += [_condition(f, c, values, f"w{i}") for i, (f, c) in enumerate(measure.where.items())]
    grouped = "".join(f", {name}" for name in parameters)
    # the tickets a value was computed from: for a median of resolution times, the resolved
    counted = f"count({measure.value})" if measure.value else "count(*)"
    sql = (
        f"SELECT date_trunc($unit, {measure.dated_by})::DATE AS csi_period{grouped}, "
        f"{_aggregate(measure, values)} AS csi_value, {counted} AS csi_tickets FROM {VIEW} "
        f"WHERE {' AND '.join(scope)} GROUP BY ALL"
    )
    return sql, values


def fields_read(measure: Measure) -> set[str]:
    """The canonical ticket fields a measure needs loaded."""
    fields: set[str] = {measure.dated_by, *measure.where, *measure.counting, *measure.parameters}
    if measure.value:
        fields.add(measure.value)
    if "resolution_hours" in fields:
        fields |= {"opened_at", "resolved_at"}
    return fields - {"resolution_hours"}


def _aggregate(measure: Measure, values: dict[str, Any]) -> str:
    if measure.aggregate is Aggregate.COUNT:
        return "count(*)"
    if measure.aggregate is Aggregate.SHARE:
        counted = " AND ".join(
            _condition(f, c, values, f"c{i}") for i, (f, c) in enumerate(measure.counting.items())
        )
        return f"100.0 * count(*) FILTER (WHERE {counted}) / count(*)"
    field = measure.value
    return {
        Aggregate.MEAN: f"avg({field})",
        Aggregate.MEDIAN: f"quantile_cont({field}, 0.5)",
        Aggregate.P90: f"quantile_cont({field}, 0.9)",
        Aggregate.SUM: f"sum({field})",
    }[measure.aggregate]


def _condition(field: str, condition: Condition, values: dict[str, Any], name: str) -> str:
    """One test on a field (a name from the policy's vocabulary), its values bound."""
    if isinstance(condition, Bounds):
        tests = []
        if condition.above is not None:
            values[f"{name}_above"] = condition.above
            tests.append(f"{field} > ${name}_above")
        if condition.below is not None:
            values[f"{name}_below"] = condition.below
            tests.append(f"{field} < ${name}_below")
        if condition.empty is not None:
            tests.append(f"{field} IS {'' if condition.empty else 'NOT '}NULL")
        return "(" + " AND ".join(tests or ["true"]) + ")"
    values[name] = condition
    if isinstance(condition, list):
        return f"list_contains(${name}, {field})"
    return f"{field} = ${name}"
