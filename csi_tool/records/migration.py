"""`csi migrate`: rewrite records of an older schema version as the current one, in place.

The rewrite is the same change `upgrade` makes in memory, made on the round-trip
tree so comments, order and quoting survive. Every file is checked to mean exactly what it
meant before (its data, upgraded, equals the rewritten file's data), and all files are
replaced together or none is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from csi_tool.errors import Finding, FindingsError, YamlError
from csi_tool.git.sources import WHOLE_FILE, WorkTree
from csi_tool.layout import RECORD_SUFFIX, REGISTER_DIR, SCHEMA_VERSION
from csi_tool.yaml import roundtrip, strict
from csi_tool.yaml.journal import register_lock, replace_files

# Older record schema versions, read as the current one.
#
# Git keeps every version of every record, so the history, the gate's base and a register not
# yet migrated hold version 1 files; all of them are read through `upgrade`. The work tree is
# told to migrate (`csi migrate`), which rewrites the files with the same change.
#
# Version 2: `decision` (one mapping, replaced by each new decision) became `decisions` (a
# list, oldest first, the last in force), so that no decision is ever lost.

# Field paths of the current version that sit elsewhere in a version 1 file.
V1_PLACES: dict[tuple[str | int, ...], tuple[str | int, ...]] = {("decisions", 0): ("decision",)}


def is_outdated(data: dict[str, Any]) -> bool:
    """Whether parsed record data is written for an older schema version that csi reads."""
    return data.get("schema_version") == 1


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 data as version 2 data; anything else unchanged (validation judges it)."""
    if not is_outdated(data):
        return data
    upgraded: dict[str, Any] = {}
    for key, value in data.items():
        if key == "schema_version":
            upgraded[key] = SCHEMA_VERSION
        elif key == "decision":
            upgraded["decisions"] = [] if value is None else [value]
        else:
            upgraded[key] = value
    return upgraded


@dataclass(frozen=True)
class Migration:
    """The record files rewritten (or, when checking, that need it)."""

    outdated: list[str]


def migrate_register(root: Path, write: bool = True) -> Migration:
    """Rewrite every outdated record under `root`; with `write=False`, only list them."""
    with register_lock(root):  # no other csi command edits a record while it is rewritten
        return _migrate(root, write)


def _migrate(root: Path, write: bool) -> Migration:
    source = WorkTree(root)
    contents: dict[Path, str] = {}
    outdated: list[str] = []
    blocked: list[Finding] = []
    for relative in source.list_files(REGISTER_DIR) or []:
        if not relative.endswith(RECORD_SUFFIX):
            continue
        try:
            text = source.read_bytes(relative, WHOLE_FILE).decode("utf-8")
            data = strict.load_fast(text.replace("\r\n", "\n"), relative)
        except (YamlError, UnicodeDecodeError):
            continue  # unreadable files are `csi validate`'s to report; nothing to migrate
        if not is_outdated(data):
            continue
        outdated.append(relative)
        try:
            contents[root / relative] = migrated_text(text, relative)
        except ValueError as e:  # e.g. the round-trip reader builds dates: 2026-02-30 fails
            message = f"cannot be migrated until this is fixed: {e} (see `csi validate`)"
            blocked.append(Finding(relative, 1, 1, "", message, "outdated"))
    if blocked:
        raise FindingsError(blocked)  # all or nothing: a half-migrated register helps nobody
    if write:
        replace_files(root, contents)
    return Migration(outdated)


def migrated_text(text: str, path: str) -> str:
    """A version 1 record's text rewritten as the current version, meaning the same."""
    crlf = "\r\n" in text
    plain = text.replace("\r\n", "\n")
    tree = roundtrip.load_roundtrip(plain)
    tree["schema_version"] = SCHEMA_VERSION
    if "decision" in tree:
        _decision_to_decisions(tree)
    new = roundtrip.dump_roundtrip(tree, roundtrip.guess_indent(plain))
    try:
        same = strict.load_fast(new, path) == upgrade(strict.load_fast(plain, path))
    except YamlError:
        same = False
    if not same:  # never write a record that says something else, or cannot be read
        raise ValueError("the rewritten file would not say the same; migrate it by hand")
    return new.replace("\n", "\r\n") if crlf else new


def _decision_to_decisions(tree: CommentedMap) -> None:
    """`decision: {…}` becomes `decisions: [{…}]` at the same place, with its comments."""
    position = list(tree).index("decision")
    value = tree["decision"]
    decisions = CommentedSeq([] if value is None else [value])
    if not isinstance(value, CommentedMap) or value.fa.flow_style():
        decisions.fa.set_flow_style()  # a one-line decision stays on one line
    comment = tree.ca.items.pop("decision", None)
    if isinstance(value, CommentedMap) and value.ca.comment is not None:
        # ruamel keeps the comment after `decision:` on the mapping too; inside a list it
        # would be written again after the dash and break the line
        value.ca.comment = None
    del tree["decision"]
    tree.insert(position, "decisions", decisions)
    if comment is not None:
        tree.ca.items["decisions"] = comment
