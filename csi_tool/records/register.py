"""Load a whole register (policies and records) and run the register-wide checks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from csi_tool.caches.records import RecordCache
from csi_tool.collector import acyclic_bulk
from csi_tool.errors import ConfigError, CsiError, Finding, shown_path
from csi_tool.git.sources import FileSource, WorkTree
from csi_tool.layout import POLICIES_DIR, RECORD_SUFFIX, REGISTER_DIR, require_register_folder
from csi_tool.policies.loading import DEFAULT_MAX_BYTES, load_policies
from csi_tool.policies.policy_set import Policies
from csi_tool.progress import Progress
from csi_tool.records.checks import binding_problems, review_outcome_problems
from csi_tool.records.readiness import gaps_for_state
from csi_tool.records.reading import CachedReader, LoadedRecord
from csi_tool.yaml.journal import recover


@dataclass
class Register:
    """Everything read from a register, and every finding about it."""

    policies: Policies | None
    records: dict[str, LoadedRecord] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # record files that failed validation


def load_register(
    source: FileSource,
    require_policies: bool = True,
    reuse: Mapping[str, LoadedRecord] | None = None,
    check: bool = True,
) -> Register:
    """Read policies and every record of a source, collecting every finding.

    Without `require_policies`, a source whose policy files are missing (an older revision
    of the repository) still yields its records, with `policies` None. Record files in
    `reuse` (by path) are known to hold what was read elsewhere: that record is taken
    instead of reading the file again, and the file's own findings are not repeated.
    Without `check`, only each file's own findings are reported: a register read to be
    compared with another (the gate's base) needs its records, not its policy checks.
    """
    reuse = reuse or {}
    policy_ids = _content_ids(source, POLICIES_DIR)  # first: the ids of the bytes then read
    try:
        policies, findings = load_policies(source)
    except ConfigError:
        if require_policies:
            raise
        policies, findings = None, []
    register = Register(policies=policies, findings=findings)
    max_bytes = policies.register.max_file_bytes if policies else DEFAULT_MAX_BYTES
    by_file: list[LoadedRecord] = []
    files = _record_files(source, register.findings)
    reader = CachedReader(source, [path for path in files if path not in reuse], max_bytes)
    source.prefetch([path for path in files if path not in reuse and not reader.kept(path)])
    progress = Progress(f"reading records ({source.label})", len(files))
    with acyclic_bulk():
        reader.share_work()  # a second core reads part of what the cache lacks
        for path in files:
            loaded = reuse.get(path) or reader.read(path, register.findings)
            if loaded is None:
                register.unreadable.append(path)
            else:
                by_file.append(loaded)
            progress.advance()
    progress.finish()
    reader.close()
    register.findings.extend(_index(by_file, register))
    if check:
        inputs = _inputs(policy_ids, files, reader.content_ids, reuse)
        register.findings.extend(_register_checks(register, inputs, max_bytes))
    register.findings.sort()
    return register


def _inputs(
    policy_ids: dict[str, str] | None,
    files: list[str],
    read: Mapping[str, str],
    reuse: Mapping[str, LoadedRecord],
) -> dict[str, str] | None:
    """Path → content id of every policy and record file the register's checks depend on
    (the reused records' as read elsewhere); None when one is not known."""
    if policy_ids is None:
        return None
    inputs = dict(policy_ids)
    for path in files:
        content = reuse[path].document.content_id if path in reuse else read.get(path)
        if content is None:
            return None
        inputs[path] = content
    return inputs


def _register_checks(
    register: Register, files: dict[str, str] | None, max_bytes: int
) -> list[Finding]:
    """The register-wide findings, kept in the record cache by `files` (see `_inputs`): a
    register read again unchanged (the next command) is not checked again, about 0.12 s
    at 10,000 records."""
    cache = RecordCache.open(max_bytes) if files is not None else None
    if cache is None or files is None:
        return list(_register_problems(register, register.policies))
    try:
        found = cache.checked(files)
        if found is None:
            found = list(_register_problems(register, register.policies))
            cache.keep_checked(files, found)
    finally:
        cache.close()
    return found


def _content_ids(source: FileSource, folder: str) -> dict[str, str] | None:
    """Path → content id of every file in a folder; None when one cannot be read plainly
    (reading it reports why)."""
    try:
        return source.fingerprints(folder)
    except (CsiError, OSError):
        return None


def load_work_tree(root: Path) -> Register:
    """The register as it is on disk under `root`."""
    require_register_folder(root)
    recover(root)  # an interrupted write is finished (or undone) before anything is read
    return load_register(WorkTree(root))


def record_path(root: Path, record_id: str) -> Path:
    """Where the record with this id lives."""
    return root / REGISTER_DIR / f"{record_id}{RECORD_SUFFIX}"


# Files a register folder may hold besides records.
_NOT_RECORDS = {"README.md", ".gitkeep"}


def _record_files(source: FileSource, findings: list[Finding]) -> list[str]:
    """Record files; every other file in register/ is reported, so none is silently skipped."""
    files: list[str] = []
    for path in source.list_files(REGISTER_DIR) or []:
        folder, _, name = path.rpartition("/")
        directly_inside = folder == REGISTER_DIR
        if not _is_utf8(name):
            message = "not read: the file name is not UTF-8"
            findings.append(Finding(shown_path(path), 1, 1, "", message, "layout"))
        elif name.startswith("."):  # hidden: an editor's swap file, or left by another tool
            findings.append(
                Finding(path, 1, 1, "", "not read: a hidden file is no record", "layout")
            )
        elif directly_inside and name.endswith(RECORD_SUFFIX) and name != RECORD_SUFFIX:
            files.append(path)
        elif not (directly_inside and name in _NOT_RECORDS):
            where = "directly in register/" if not directly_inside else "as <id>.yaml"
            message = f"not read: record files live {where}"
            findings.append(Finding(path, 1, 1, "", message, "layout"))
    return files


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # os.walk gives undecodable bytes as lone surrogates
        return False
    return True


def _index(loaded: list[LoadedRecord], register: Register) -> Iterator[Finding]:
    """Every record under its id; a second file with the same id is refused. The file named
    for an id keeps it: another file given that id is the one in the wrong (otherwise a
    pull request editing CSI-0001.yaml to say CSI-0003 would take the id from CSI-0003.yaml
    and read as a change to that record)."""
    named_for_their_id = sorted(loaded, key=lambda item: item.document.stem != item.record.id)
    for item in named_for_their_id:
        record, document = item.record, item.document
        if document.stem != record.id:
            yield document.finding(
                ("id",), f"id {record.id} does not match the file name {document.stem}.yaml"
            )
        if record.id in register.records:
            other = register.records[record.id].document.path
            yield document.finding(("id",), f"id {record.id} is also used by {other}")
            continue
        register.records[record.id] = item


def _register_problems(register: Register, policies: Policies | None) -> Iterator[Finding]:
    # A record that exists but failed validation is still there: depending on it is no error.
    present = set(register.records) | {PurePosixPath(p).stem for p in register.unreadable}
    for item in register.records.values():
        yield from _dependency_findings(item, present)
    yield from _cycle_findings(register)
    if policies is None:
        return
    id_format = policies.register.id
    for item in register.records.values():
        record, document = item.record, item.document
        if not id_format.matches(record.id):
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
        for loc, message in binding_problems(record, policies.measures):
            yield document.finding(loc, message, "measure")
        if policies.review.review_outcome_must_match_metrics:
            for loc, message in review_outcome_problems(record):
                yield document.finding(loc, message, "outcome")


def _dependency_findings(item: LoadedRecord, present: set[str]) -> Iterator[Finding]:
    for i, dependency in enumerate(item.record.depends_on):
        if dependency not in present and dependency != item.record.id:
            yield item.document.finding(
                ("depends_on", i), f"depends on {dependency}, which is not in the register"
            )


def _cycle_findings(register: Register) -> Iterator[Finding]:
    """Report each dependency cycle at every record in it, so each of its files fails."""
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
        for at, member in enumerate(cycle):
            ordered = cycle[at:] + cycle[:at]
            item = register.records[member]
            index = item.record.depends_on.index(ordered[1] if len(ordered) > 1 else member)
            chain = " → ".join([*ordered, member])
            yield item.document.finding(("depends_on", index), f"dependency cycle: {chain}")


def _cycles(graph: dict[str, list[str]]) -> Iterator[list[str]]:
    """One cycle per back edge found by an iterative depth-first search in sorted order."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    for start in sorted(graph):
        if colour[start] != white:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        path = [start]
        colour[start] = grey
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                colour[node] = black
            elif colour[child] == grey:
                yield path[path.index(child) :]
            elif colour[child] == white:
                colour[child] = grey
                path.append(child)
                stack.append((child, iter(sorted(graph[child]))))
