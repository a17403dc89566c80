"""Who must approve a pull request, and why: services, roles and governance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from csi_tool.gate.changes import ChangeKind, RecordChange
from csi_tool.policies.policy_set import Policies

_CLOSING_STATE = "closed"


@dataclass(frozen=True)
class Approval:
    """One approver and every reason their review is needed."""

    handle: str
    reasons: tuple[str, ...]


def required_approvals(
    changes: list[RecordChange], governance_files: list[str], policies: Policies
) -> list[Approval]:
    """Approvers for the changed records (by service and role) and for governance files.

    Beyond the service's approvers: a record moving to another service also needs the old
    service's; a decision needs the record's approver; a new revision of baselines or targets
    needs the approver too (its `approved_by` is only a claim until they review it); closing,
    or changing a post-implementation review, needs the outcome confirmer. Without those roles,
    the governance approvers stand in.
    """
    reasons: dict[str, list[str]] = defaultdict(list)
    governance = policies.governance
    for change in changes:
        item = change.after or change.before
        assert item is not None
        record = item.record
        service = record.service or "no service"
        for handle in governance.approvers_for_service(record.service):
            reasons[handle].append(f"{change.record_id} {change.kind.value} ({service})")
        old = change.before.record if change.before else None
        if old is not None and change.after is not None and old.service != record.service:
            for handle in governance.approvers_for_service(old.service):
                reasons[handle].append(
                    f"{change.record_id} leaves {old.service or 'no service'} for {service}"
                )
        if not governance.role_approvals or change.kind is ChangeKind.DELETED:
            continue
        for role, why in _role_reasons(change):
            named: str | None = getattr(record.roles, role, None) if record.roles else None
            for approver in [named] if named else governance.governance_approvers:
                reasons[approver].append(f"{change.record_id} {why} ({_ROLE_LABEL[role]})")
    for path in governance_files:
        for handle in governance.governance_approvers:
            reasons[handle].append(f"governance change: {path}")
    return [Approval(handle, tuple(dict.fromkeys(why))) for handle, why in sorted(reasons.items())]


_ROLE_LABEL = {"approver": "roles.approver", "outcome_confirmer": "roles.outcome_confirmer"}


def _role_reasons(change: RecordChange) -> list[tuple[str, str]]:
    """(role, why) for each part of the change that the record's roles must confirm."""
    assert change.after is not None
    new = change.after.record
    old = change.before.record if change.before else None
    found = []
    if new.decision is not None and (old is None or old.decision != new.decision):
        found.append(("approver", f"decision: {new.decision.outcome.value}"))
    if old is not None and any(r not in old.revisions for r in new.revisions):
        found.append(("approver", "revises baselines or targets"))
    if new.status == _CLOSING_STATE and (old is None or old.status != _CLOSING_STATE):
        found.append(("outcome_confirmer", "closure"))
    elif old is not None and old.review is not None and old.review != new.review:
        found.append(("outcome_confirmer", "changes its post-implementation review"))
    return found
