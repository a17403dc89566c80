"""Read and validate every file in policies/, then the rules that span policy files."""

from __future__ import annotations

from pathlib import PurePosixPath

from csi_tool.errors import ConfigError, Finding, YamlError
from csi_tool.git.sources import FileSource
from csi_tool.layout import POLICIES_DIR
from csi_tool.policies.policy_set import (
    POLICY_FILES,
    Policies,
    assemble_policies,
    cross_policy_problems,
)
from csi_tool.yaml.documents import Document, parse_document, validate_model

# Before register.yaml is read, this caps the size of the policy files themselves.
DEFAULT_MAX_BYTES = 262_144


def load_policies(source: FileSource) -> tuple[Policies | None, list[Finding]]:
    """Read and validate every file in policies/; None when any of them is unusable."""
    files = source.list_files(POLICIES_DIR)
    if files is None:
        raise ConfigError(f"{POLICIES_DIR}/ is missing ({source.label})")
    names = {PurePosixPath(path).name: path for path in files}
    required = {name for name, spec in POLICY_FILES.items() if spec.default is None}
    missing = sorted(required - set(names))
    if missing:
        raise ConfigError(f"{POLICIES_DIR}/{missing[0]} is missing ({source.label})")
    findings: list[Finding] = []
    loaded = {}
    documents: dict[str, Document] = {}
    for name, path in sorted(names.items()):
        spec = POLICY_FILES.get(name)
        if spec is None or PurePosixPath(path).parent != PurePosixPath(POLICIES_DIR):
            known = ", ".join(sorted(POLICY_FILES))
            findings.append(
                Finding(path, 1, 1, "", f"unknown policy file; expected one of: {known}")
            )
            continue
        try:
            document, data = parse_document(
                source.read_bytes(path, DEFAULT_MAX_BYTES), path, DEFAULT_MAX_BYTES
            )
            policy, problems = validate_model(spec.model, data, document)
            if policy is not None:
                problems += [document.finding(p.loc, p.message) for p in spec.problems(policy)]
        except YamlError as e:  # unreadable, or refused by the reference parser while placing
            findings.extend(e.findings)
            continue
        findings.extend(problems)
        if policy is not None:
            loaded[name] = policy
            documents[name] = document
    if findings:
        return None, findings
    for name, spec in POLICY_FILES.items():
        if name not in loaded and spec.default is not None:
            loaded[name] = spec.default
    policies = assemble_policies(loaded)
    findings = [
        documents[name].finding(p.loc, p.message) for name, p in cross_policy_problems(policies)
    ]
    return (None if findings else policies), findings
