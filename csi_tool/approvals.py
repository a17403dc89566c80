"""Who must approve a pull request, and why: services, roles and governance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from csi_tool.changes import ChangeKind, RecordChange
from csi_tool.policy_set import Policies

_DECISION_STATES = {"approved", "deferred", "rejected"}
_CLOSING_STATE = "closed"


@dataclass(frozen=True)
class Approval:
    """One approver and every reason their review is needed."""

    handle: str
    reasons: tuple[str, ...]


def required_approvals(
    changes: list[RecordChange], governance_files: list[str], policies: Policies
) -> list[Approval]:
    """Approvers for the changed records (by service and role) and for governance files."""
    reasons: dict[str, list[str]] = defaultdict(list)
    governance = policies.governance
    for change in changes:
        item = change.after or change.before
        assert item is not None
        record = item.record
        service = record.service or "no service"
        for handle in governance.approvers_for_service(record.service):
            reasons[handle].append(f"{change.record_id} {change.kind.value} ({service})")
        if governance.role_approvals and record.roles and change.kind is not ChangeKind.DELETED:
            new_state = record.status
            old_state = change.before.record.status if change.before else None
            if new_state != old_state and new_state in _DECISION_STATES and record.roles.approver:
                reasons[record.roles.approver].append(
                    f"{change.record_id} decision: {new_state} (roles.approver)"
                )
            if (
                new_state != old_state
                and new_state == _CLOSING_STATE
                and record.roles.outcome_confirmer
            ):
                reasons[record.roles.outcome_confirmer].append(
                    f"{change.record_id} closure (roles.outcome_confirmer)"
                )
    for path in governance_files:
        for handle in governance.governance_approvers:
            reasons[handle].append(f"governance change: {path}")
    return [Approval(handle, tuple(dict.fromkeys(why))) for handle, why in sorted(reasons.items())]
