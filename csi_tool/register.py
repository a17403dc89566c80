"""Load a whole register (policies and records) and run the register-wide checks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from csi_tool.documents import Document, read_document, validate_model
from csi_tool.errors import ConfigError, Finding, YamlError, display_path
from csi_tool.models import Record
from csi_tool.policy import (
    POLICY_FILES,
    Policies,
    RegisterPolicy,
    WorkflowPolicy,
    workflow_problems,
)
from csi_tool.readiness import gaps_for_state
from csi_tool.record_checks import record_problems

REGISTER_DIR = "register"
POLICIES_DIR = "policies"
RECORD_SUFFIX = ".yaml"
# Before register.yaml is read, this caps the size of the policy files themselves.
DEFAULT_MAX_BYTES = 262_144


@dataclass(frozen=True)
class LoadedRecord:
    """A validated record and the file it came from."""

    record: Record
    document: Document


@dataclass
class Register:
    """Everything read from a register folder, and every finding about it."""

    root: Path
    policies: Policies | None
    records: dict[str, LoadedRecord] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds a policies/ folder."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / POLICIES_DIR).is_dir():
            return candidate
    raise ConfigError(
        f"no {POLICIES_DIR}/ folder in {start} or any folder above it; "
        "run csi inside a register repository or pass --root"
    )


def load_register(root: Path) -> Register:
    """Read policies and every record under `root`, collecting every finding."""
    policies, findings = load_policies(root)
    register = Register(root=root, policies=policies, findings=findings)
    max_bytes = policies.register.max_file_bytes if policies else DEFAULT_MAX_BYTES
    by_file: list[LoadedRecord] = []
    for path in _record_files(root, register.findings):
        loaded = _load_record(path, root, max_bytes, register.findings)
        if loaded is not None:
            by_file.append(loaded)
    register.findings.extend(_register_problems(by_file, policies, register))
    register.findings.sort()
    return register


def load_policies(root: Path) -> tuple[Policies | None, list[Finding]]:
    """Read and validate every file in policies/; None when any of them is unusable."""
    folder = root / POLICIES_DIR
    if not folder.is_dir():
        raise ConfigError(f"{display_path(folder, root)}/ is missing")
    missing = sorted(set(POLICY_FILES) - {p.name for p in folder.iterdir()})
    if missing:
        raise ConfigError(f"{display_path(folder / missing[0], root)} is missing")
    findings: list[Finding] = []
    loaded: dict[str, BaseModel] = {}
    for path in sorted(folder.iterdir()):
        display = display_path(path, root)
        if path.name.startswith(".") or path.is_dir():
            continue
        model = POLICY_FILES.get(path.name)
        if model is None:
            known = ", ".join(sorted(POLICY_FILES))
            findings.append(
                Finding(display, 1, 1, "", f"unknown policy file; expected one of: {known}")
            )
            continue
        try:
            document, data = read_document(path, display, DEFAULT_MAX_BYTES)
        except YamlError as e:
            findings.extend(e.findings)
            continue
        policy, problems = validate_model(model, data, document)
        findings.extend(problems)
        if isinstance(policy, WorkflowPolicy):
            findings.extend(document.finding(p.loc, p.message) for p in workflow_problems(policy))
        if policy is not None:
            loaded[path.name] = policy
    workflow = loaded.get("workflow.yaml")
    register_policy = loaded.get("register.yaml")
    if findings or not isinstance(workflow, WorkflowPolicy):
        return None, findings
    assert isinstance(register_policy, RegisterPolicy)
    return Policies(workflow=workflow, register=register_policy), findings


def record_path(root: Path, record_id: str) -> Path:
    """Where the record with this id lives."""
    return root / REGISTER_DIR / f"{record_id}{RECORD_SUFFIX}"


def _record_files(root: Path, findings: list[Finding]) -> list[Path]:
    folder = root / REGISTER_DIR
    if not folder.is_dir():
        return []
    files: list[Path] = []
    for path in sorted(folder.rglob("*")):
        if path.is_dir() or any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        display = display_path(path, root)
        if path.suffix == RECORD_SUFFIX and path.parent == folder:
            files.append(path)
        elif path.suffix in {".yaml", ".yml"}:
            where = "directly in register/" if path.parent != folder else "with the .yaml suffix"
            findings.append(
                Finding(display, 1, 1, "", f"not read: record files live {where}", "layout")
            )
    return files


def _load_record(
    path: Path, root: Path, max_bytes: int, findings: list[Finding]
) -> LoadedRecord | None:
    display = display_path(path, root)
    try:
        document, data = read_document(path, display, max_bytes)
    except YamlError as e:
        findings.extend(e.findings)
        return None
    record, problems = validate_model(Record, data, document)
    findings.extend(problems)
    if record is None:
        return None
    findings.extend(document.finding(loc, message) for loc, message in record_problems(record))
    return LoadedRecord(record, document)


def _register_problems(
    loaded: list[LoadedRecord], policies: Policies | None, register: Register
) -> Iterator[Finding]:
    for item in loaded:
        record, document = item.record, item.document
        if document.path.stem != record.id:
            yield document.finding(
                ("id",), f"id {record.id} does not match the file name {document.path.name}"
            )
        if record.id in register.records:
            other = register.records[record.id].document.display
            yield document.finding(("id",), f"id {record.id} is also used by {other}")
            continue
        register.records[record.id] = item
    for item in register.records.values():
        yield from _dependency_findings(item, register)
    yield from _cycle_findings(register)
    if policies is None:
        return
    id_format = policies.register.id
    for item in register.records.values():
        record, document = item.record, item.document
        if not _matches_id_format(record.id, id_format.prefix, id_format.digits):
            yield document.finding(
                ("id",), f"id must look like {id_format.format(42)} (register policy)"
            )
        if record.status not in policies.workflow.states:
            states = ", ".join(policies.workflow.states)
            yield document.finding(
                ("status",), f"unknown status {record.status!r}; the workflow has: {states}"
            )
            continue
        for gap in gaps_for_state(record, record.status, policies.workflow):
            yield document.finding(gap.loc, gap.message, "requirement")


def _matches_id_format(record_id: str, prefix: str, digits: int) -> bool:
    head, _, number = record_id.partition("-")
    return head == prefix and number.isdigit() and len(number) >= digits


def _dependency_findings(item: LoadedRecord, register: Register) -> Iterator[Finding]:
    for i, dependency in enumerate(item.record.depends_on):
        if dependency not in register.records and dependency != item.record.id:
            yield item.document.finding(
                ("depends_on", i), f"depends on {dependency}, which is not in the register"
            )


def _cycle_findings(register: Register) -> Iterator[Finding]:
    """Report each dependency cycle once, at the record with the smallest id in it."""
    graph = {
        rid: [d for d in item.record.depends_on if d in register.records and d != rid]
        for rid, item in register.records.items()
    }
    reported: set[frozenset[str]] = set()
    for cycle in _cycles(graph):
        members = frozenset(cycle)
        if members in reported:
            continue
        reported.add(members)
        start = min(cycle)
        at = cycle.index(start)
        ordered = cycle[at:] + cycle[:at]
        item = register.records[start]
        index = item.record.depends_on.index(ordered[1] if len(ordered) > 1 else start)
        chain = " → ".join([*ordered, start])
        yield item.document.finding(("depends_on", index), f"dependency cycle: {chain}")


def _cycles(graph: dict[str, list[str]]) -> Iterator[list[str]]:
    """One cycle per strongly connected component that has one (iterative DFS, sorted order)."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    for start in sorted(graph):
        if colour[start] != WHITE:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        path = [start]
        colour[start] = GREY
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                colour[node] = BLACK
            elif colour[child] == GREY:
                yield path[path.index(child) :]
            elif colour[child] == WHITE:
                colour[child] = GREY
                path.append(child)
                stack.append((child, iter(sorted(graph[child]))))
