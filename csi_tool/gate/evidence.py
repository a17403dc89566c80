"""Bound values a pull request writes, judged against the data when the data is here.

A metric bound to a measure carries numbers the data must agree with: a pull request that
types a baseline or a measurement the export contradicts is refused. The measures are the
base's (a pull request cannot redefine how its own numbers are judged); a source that is
not available where the gate runs judges nothing, so a register whose exports live
elsewhere is gated as before.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from csi_tool.errors import Finding
from csi_tool.measures.evaluate import MeasureFailed, bindings, data_values
from csi_tool.measures.verify import data_findings
from csi_tool.policies.policy_set import Policies
from csi_tool.records.register import Register


def contradicted_by_data(
    root: Path, after: Register, policies: Policies, changed: Collection[str]
) -> list[Finding]:
    """Findings for each bound value of a changed record file that the data contradicts."""
    records = [item.record for item in after.records.values() if item.document.path in changed]
    bound = bindings(records, policies)
    if not bound:
        return []
    try:
        return data_findings(after, data_values(root, policies, bound), bound)
    except MeasureFailed as e:  # the base's measure cannot judge: refuse rather than wave through
        return e.findings
