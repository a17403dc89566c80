"""policies/governance.yaml: who must approve changes to which records and to the rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from csi_tool.fields import Handle
from csi_tool.policies.base import PolicyModel, PolicyProblem


class GovernancePolicy(PolicyModel):
    """Approvers by service, and for the policies and schema themselves."""

    schema_version: Literal[1] = Field(description="Version of the policy format; always 1.")
    governance_approvers: list[Handle] = Field(
        min_length=1, description="Who approves changes to policies/ and schema/."
    )
    default_approvers: list[Handle] = Field(
        min_length=1, description="Who approves records whose service has no approvers below."
    )
    service_approvers: dict[str, list[Handle]] = Field(
        default_factory=dict, description="Approvers for each service's records, by service name."
    )
    role_approvals: bool = Field(
        True,
        description="Also ask a record's roles: its approver for approved, deferred or "
        "rejected, and its outcome confirmer for closed.",
    )

    def approvers_for_service(self, service: str | None) -> list[str]:
        """The handles that own records of this service."""
        if service is not None and service in self.service_approvers:
            return list(self.service_approvers[service])
        return list(self.default_approvers)


def governance_problems(policy: GovernancePolicy) -> Iterator[PolicyProblem]:
    """Empty approver lists would leave records nobody can approve."""
    for service, handles in policy.service_approvers.items():
        if not handles:
            yield PolicyProblem(
                ("service_approvers", service), f"service {service!r} has no approvers"
            )
