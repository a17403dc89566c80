"""Safe record edits: comments, order and quoting kept; validated before writing; atomic writes.

Every command that changes a record goes through here: open the round-trip tree, change it,
and save. Saving re-validates the new text exactly as `csi validate` would, writes nothing
if anything is wrong, leaves files whose text did not change untouched, and replaces the
others atomically.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from csi_tool.errors import ConfigError, Finding, FindingsError, YamlError
from csi_tool.parallel import Background
from csi_tool.policies.policy_set import Policies
from csi_tool.records.checks import record_problems
from csi_tool.records.models import Record
from csi_tool.records.readiness import gaps_for_state
from csi_tool.records.register import Register
from csi_tool.yaml import roundtrip
from csi_tool.yaml.documents import Document, parse_document, validate_model
from csi_tool.yaml.journal import register_lock, replace_files


@dataclass
class RecordEdit:
    """A record's file opened for editing: its original text and its round-trip tree."""

    record_id: str
    root: Path
    path: Path
    relative: str
    original: str
    tree: CommentedMap
    indent: tuple[int, int, int]

    def text(self) -> str:
        """The file's text with the edits made so far, with the file's own line endings."""
        text = roundtrip.dump_roundtrip(self.tree, self.indent)
        return text.replace("\n", "\r\n") if "\r\n" in self.original else text


def open_record(root: Path, register: Register, record_id: str) -> RecordEdit:
    """Open a record that validated, for editing."""
    item = register.records.get(record_id)
    if item is None:
        raise ConfigError(f"no valid record {record_id} in the register (see `csi validate`)")
    path = root / item.document.path
    original = path.read_bytes().decode("utf-8")  # as on disk: CRLF files stay CRLF
    tree = roundtrip.load_roundtrip(original.replace("\r\n", "\n"))
    return RecordEdit(
        record_id, root, path, item.document.path, original, tree, roundtrip.guess_indent(original)
    )


def edit_problems(edit: RecordEdit, policies: Policies, text: str | None = None) -> list[Finding]:
    """What `csi validate` would report about the edited record.

    Findings point at lines of the file as it is on disk, which is what the user can open:
    the edited text was never written.
    """
    try:
        _, data = parse_document(
            (edit.text() if text is None else text).encode("utf-8"),
            edit.relative,
            policies.register.max_file_bytes,
        )
    except YamlError as e:
        return e.findings
    document = Document(edit.relative, edit.original)
    record, findings = validate_model(Record, data, document)
    if record is None:
        return findings
    findings += [document.finding(loc, message) for loc, message in record_problems(record)]
    gaps = gaps_for_state(record, record.status, policies.workflow)
    findings += [document.finding(gap.loc, gap.message, "requirement") for gap in gaps]
    return sorted(findings)


def save_edits(edits: list[RecordEdit], policies: Policies) -> list[Path]:
    """Validate every edit, then write the files that changed; nothing is written if any fails."""
    texts = list(zip(edits, _dumped(edits), strict=True))
    problems = [f for edit, text in texts for f in edit_problems(edit, policies, text)]
    if problems:
        raise FindingsError(problems)
    changed = {edit.path: text for edit, text in texts if text != edit.original}
    if not changed:
        return []
    root = edits[0].root
    with register_lock(root):
        for edit in edits:  # held by another command between our read and now: start again
            if edit.path in changed and _on_disk(edit.path) != edit.original:
                raise ConfigError(
                    f"{edit.relative} changed on disk since csi read it (another command or "
                    "an editor); nothing was written: run the command again"
                )
        replace_files(root, changed)
    return sorted(changed)


# From this many edits at once (a refresh of every bound metric), a second process dumps half.
PARALLEL_FROM = 200


def _dumped(edits: list[RecordEdit]) -> list[str]:
    """Each edit's text, dumped once: round-trip dumping is the slowest step of editing many
    records, so on a second core a forked child dumps the second half (see parallel.py)."""
    half = len(edits) // 2 if len(edits) >= PARALLEL_FROM else len(edits)
    second = Background(functools.partial(_texts_of, edits[half:]))
    return _texts_of(edits[:half]) + second.result()


def _texts_of(edits: list[RecordEdit]) -> list[str]:
    return [edit.text() for edit in edits]


def _on_disk(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
