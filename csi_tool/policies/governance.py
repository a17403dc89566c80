"""policies/governance.yaml: who must approve changes to which records and to the rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from csi_tool.fields import Handle
from csi_tool.policies.base import PolicyModel, PolicyProblem

# What runs or renders the gate's verdict, besides the policies: csi init writes these.
DEFAULT_PROTECTED_PATHS = (
    ".github/workflows/",
    ".github/actions/",
    ".github/CODEOWNERS",
    ".github/csi-requirements.txt",
    ".github/dependabot.yml",
    ".pre-commit-config.yaml",
    "site/",
)
_SEGMENT = r"(?:[^\s\\/.][^\s\\/]*|\.[^\s\\/.][^\s\\/]*|\.\.[^\s\\/]+)"
ProtectedPath = Annotated[
    str,
    StringConstraints(
        # folders separated by /, none of them `.` or `..`, no blanks or backslashes
        pattern=rf"^/?{_SEGMENT}(?:/{_SEGMENT})*/?$",
        max_length=200,
    ),
    Field(description="A path or glob relative to the register root, e.g. `site/` or `*.toml`."),
]


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
    protected_paths: list[ProtectedPath] = Field(
        default_factory=lambda: list(DEFAULT_PROTECTED_PATHS),
        description="Files whose change is a governance change, beside policies/ and schema/: "
        "what runs the gate (workflows, the requirements CI installs csi from, pre-commit) and "
        "the site project (MkDocs hooks run code). `dir/` is everything under dir; `*` and `**` "
        "are globs.",
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
