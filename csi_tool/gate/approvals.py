"""Who must approve a pull request, and why: services, roles and governance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from csi_tool.gate.changes import ChangeKind, RecordChange
from csi_tool.policies.policy_set import Policies
from csi_tool.records.models import Roles

_CLOSING_STATE = "closed"


@dataclass(frozen=True)
class Approval:
    """One approver and every reason their review is needed."""

    handle: str
    reasons: tuple[str, ...]


def required_approvals(
    changes: list[RecordChange],
    governance_files: list[str],
    policies: Policies,
    author: str | None = None,
    exceptions: Sequence[tuple[str, str]] = (),
) -> list[Approval]:
    """Approvers for the changed records (by service and role) and for governance files.

    Beyond the service's approvers: a record moving to another service also needs the old
    service's; a decision needs the record's approver; a new revision of baselines or targets
    needs the approver too (its `approved_by` is only a claim until they review it); closing,
    or changing a post-implementation review, needs the outcome confirmer. Without those roles,
    the governance approvers stand in.

    Role holders are read from the base version of the record: a pull request that names
    its author as approver must not thereby let them approve it. Setting or changing a role is
    itself a governance change, for the old holder (or, without one, the governance
    approvers). The author never approves their own change: the governance approvers take
    their place.
    """
    reasons: dict[str, list[str]] = defaultdict(list)
    governance = policies.governance
    for change in changes:
        item = change.after or change.before
        if item is None:  # a new file that cannot be read: no service to route it by
            for handle in governance.approvers_for_service(None):
                reasons[handle].append(f"{change.record_id} {change.kind.value}")
            continue
        record = item.record
        service = record.service or "no service"
        for handle in governance.approvers_for_service(record.service):
            reasons[handle].append(f"{change.record_id} {change.kind.value} ({service})")
        if change.kind is ChangeKind.REPAIRED:
            for handle in governance.governance_approvers:
                reasons[handle].append(
                    f"{change.record_id} repaired: its file could not be read at the base, so "
                    "its history cannot be compared"
                )
        old = change.before.record if change.before else None
        if old is not None and change.after is not None and old.service != record.service:
            for handle in governance.approvers_for_service(old.service):
                reasons[handle].append(
                    f"{change.record_id} leaves {old.service or 'no service'} for {service}"
                )
        if change.after is None:  # deleted or unreadable: no new content to ask roles about
            continue
        base_roles = change.before.record.roles if change.before else None
        for role, why in _role_reasons(change) if governance.role_approvals else []:
            named = _holder(base_roles, role)
            label = f"roles.{role}" if named else f"governance, as the record names no {role}"
            for approver in [named] if named else governance.governance_approvers:
                reasons[approver].append(f"{change.record_id} {why} ({label})")
        for role, why in role_changes(base_roles, record.roles):
            named = _holder(base_roles, role) if governance.role_approvals else None
            label = f"roles.{role}" if named else "governance"
            for approver in [named] if named else governance.governance_approvers:
                reasons[approver].append(f"{change.record_id} {why} ({label})")
    for path in governance_files:
        for handle in governance.governance_approvers:
            reasons[handle].append(f"governance change: {path}")
    for record_id, limits in exceptions:  # approving the pull request grants the exception
        for handle in governance.governance_approvers:
            reasons[handle].append(
                f"{record_id} starts beyond a WIP limit (wip_exception): {limits}"
            )
    if author is not None:
        _stand_in_for_the_author(reasons, author, governance.governance_approvers)
    return [Approval(handle, tuple(dict.fromkeys(why))) for handle, why in sorted(reasons.items())]


_ROLES = ("validator", "approver", "outcome_confirmer")


def _holder(roles: Roles | None, role: str) -> str | None:
    held: str | None = getattr(roles, role, None) if roles is not None else None
    return held


def role_changes(before: Roles | None, after: Roles | None) -> list[tuple[str, str]]:
    """(role, what happened to it) for every role set, changed or removed."""
    found = []
    for role in _ROLES:
        old, new = _holder(before, role), _holder(after, role)
        if old == new:
            continue
        if old is None:
            found.append((role, f"sets roles.{role} to {new}"))
        elif new is None:
            found.append((role, f"removes roles.{role} (was {old})"))
        else:
            found.append((role, f"changes roles.{role} from {old} to {new}"))
    return found


def _stand_in_for_the_author(
    reasons: dict[str, list[str]], author: str, governors: list[str]
) -> None:
    """Move what the author was asked to approve to the governance approvers."""
    mine = [handle for handle in reasons if handle.casefold() == author.casefold()]
    others = [handle for handle in governors if handle.casefold() != author.casefold()]
    for handle in mine:
        if not others:  # nobody can stand in: keep the entry, say why it cannot be met
            reasons[handle] = [
                f"{why} (the author: add another governance approver)" for why in reasons[handle]
            ]
            continue
        for why in reasons.pop(handle):
            for other in others:
                reasons[other].append(
                    f"{why}, for {handle}: the author cannot approve their own change"
                )


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
