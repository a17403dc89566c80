"""Bound values a pull request writes, judged against the data when the data is here.

A metric bound to a measure carries numbers the data must agree with: a pull request that
types a baseline or a measurement the export contradicts is refused, and so is one whose
export cannot be read. The measures are the base's (a pull request cannot redefine how its
own numbers are judged). What could not be judged is said, never passed over in silence:
a source not available where the gate runs, or a measure the base does not have yet.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from csi_tool.errors import Finding, FindingsError
from csi_tool.policies.policy_set import Policies
from csi_tool.records.register import Register


def judged_by_data(
    root: Path, after: Register, policies: Policies, changed: Collection[str]
) -> tuple[list[Finding], list[str]]:
    """Findings for each bound value of a changed record file that the data contradicts, and
    a sentence for each bound metric the gate could not judge."""
    records = [item.record for item in after.records.values() if item.document.path in changed]
    known = {measure.key for measure in policies.measures.measures}
    unjudged = [
        f"{record.id} {metric.key}: measure {metric.measure.key!r} is not in the base's "
        "policies/measures.yaml, so its values were not checked against the data"
        for record in records
        for metric in record.metrics
        if metric.measure is not None and metric.measure.key not in known
    ]
    if not any(metric.measure is not None for record in records for metric in record.metrics):
        return [], unjudged
    # The data engine (DuckDB) is loaded only when a changed record has a bound metric.
    from csi_tool.measures.evaluate import bindings, data_values
    from csi_tool.measures.verify import judge_values

    bound = bindings(records, policies)
    if not bound:
        return [], unjudged
    try:
        found = data_values(root, policies, bound)
    except FindingsError as e:  # an export that cannot be read, a measure that cannot run
        return e.findings, unjudged
    for source, why in sorted(found.unavailable.items()):
        ids = sorted({b.record_id for b in bound if b.measure.source == source})
        unjudged.append(
            f"{', '.join(ids)}: bound values not checked against the data, since source "
            f"{source!r} is not available here ({why})"
        )
    judgement = judge_values(after, found, bound)
    return judgement.findings, unjudged + judgement.unjudged
