"""Bound values a pull request writes, judged against the data when the data is here.

A metric bound to a measure carries numbers the data must agree with: a pull request that
types a baseline or a measurement the export contradicts is refused, and so is one whose
export cannot be read. A pull request that changes an export kept in the repository has
every record bound to it judged again. The measures are the base's (a pull request cannot
redefine how its own numbers are judged). What could not be judged is said, never passed
over in silence: a source not available where the gate runs, or a measure the base does
not have yet.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from csi_tool.errors import Finding, FindingsError
from csi_tool.gate.protected import is_protected
from csi_tool.policies.policy_set import Policies
from csi_tool.records.reading import LoadedRecord
from csi_tool.records.register import Register


def changed_exports(paths: Iterable[str], policies: Policies) -> set[str]:
    """The sources kept in the repository (`path:`) whose files a change touched."""
    return {
        source.name
        for source in policies.sources.sources
        if source.path is not None and any(is_protected(path, [source.path]) for path in paths)
    }


def judged_by_data(
    root: Path,
    after: Register,
    policies: Policies,
    changed: Collection[str],
    changed_sources: Collection[str] = (),
) -> tuple[list[Finding], list[str]]:
    """Findings for each bound value the data contradicts, and a sentence for each bound
    metric the gate could not judge: those of the changed record files, and every record
    bound to a source whose export the pull request changed (other data can contradict a
    record nobody touched)."""
    source_of = {measure.key: measure.source for measure in policies.measures.measures}

    def concerned(item: LoadedRecord) -> bool:
        return item.document.path in changed or any(
            metric.measure is not None and source_of.get(metric.measure.key) in changed_sources
            for metric in item.record.metrics
        )

    records = [item.record for item in after.records.values() if concerned(item)]
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
    gone = []  # an export the pull request changed and no longer gives: removed, renamed
    declared = {spec.name: spec.path for spec in policies.sources.sources}
    for source, why in sorted(found.unavailable.items()):
        ids = sorted({b.record_id for b in bound if b.measure.source == source})
        if source in changed_sources:
            message = f"{why} after this pull request's change (bound to it: {', '.join(ids)})"
            gone.append(Finding(declared[source] or source, 1, 1, "", message, "data"))
            continue
        unjudged.append(
            f"{', '.join(ids)}: bound values not checked against the data, since source "
            f"{source!r} is not available here ({why})"
        )
    judgement = judge_values(after, found, bound)
    return gone + judgement.findings, unjudged + judgement.unjudged
