"""`csi renumber OLD NEW`: give a record added on a branch another id, when main took its id.

Two pull requests can pick the same next id; the gate refuses the second one ("taken at the
base"). Renumbering rewrites the record's file name and `id`, and every `depends_on` in the
register that points at it, in one all-or-nothing write, keeping comments and layout. A
record that the base already knows is never renumbered: its id is part of the history.
"""

from __future__ import annotations

from pathlib import Path

from csi_tool.errors import ConfigError, FindingsError
from csi_tool.git.repo import file_stems_on_all_branches, open_repo, revision_exists
from csi_tool.git.revisions import file_stems_at_fork
from csi_tool.layout import RECORD_SUFFIX, REGISTER_DIR
from csi_tool.policies.policy_set import Policies
from csi_tool.records.editing import edit_problems, open_record
from csi_tool.records.register import Register, record_path
from csi_tool.yaml.journal import replace_files


def ids_known_at_base(root: Path, base: str | None) -> set[str]:
    """Ids of the records at the base (`base`, else origin/main, else main); none outside git."""
    if open_repo(root) is None:
        return set()
    candidates = (
        [base] if base else [ref for ref in ("origin/main", "main") if revision_exists(root, ref)]
    )
    if not candidates:
        raise ConfigError("neither origin/main nor main exists here: name the base with --base")
    return file_stems_at_fork(root, candidates[0], REGISTER_DIR)


def renumber_record(
    root: Path, register: Register, policies: Policies, old: str, new: str, known_at_base: set[str]
) -> list[str]:
    """Renumber `old` to `new`; returns the register files written (root-relative)."""
    if old == new:
        raise ConfigError(f"{old} already has that id: nothing to renumber")
    if old not in register.records:
        raise ConfigError(f"no valid record {old} in the register (see `csi validate`)")
    if old in known_at_base:
        raise ConfigError(
            f"{old} is already on the base branch: its id is part of the history and stays; "
            "renumber the record your branch added instead"
        )
    if not policies.register.id.matches(new):
        example = policies.register.id.format(42)
        raise ConfigError(f"{new} is not an id of this register (they look like {example})")
    taken = set(register.records) | file_stems_on_all_branches(root / REGISTER_DIR)
    if new in taken or record_path(root, new).exists():
        raise ConfigError(f"{new} is taken (here or on a branch); `csi new` finds a free id")
    edits = [open_record(root, register, old)]
    edits[0].tree["id"] = new
    for record_id, item in sorted(register.records.items()):
        if record_id != old and old in item.record.depends_on:
            edit = open_record(root, register, record_id)
            dependencies = edit.tree["depends_on"]  # changed in place: its style stays
            for index, dependency in enumerate(dependencies):
                if dependency == old:
                    dependencies[index] = new
            edits.append(edit)
    moved = edits[0]
    problems = [finding for edit in edits for finding in edit_problems(edit, policies)]
    if problems:
        raise FindingsError(problems)
    target = record_path(root, new)
    contents = {target: moved.text()}
    contents.update({edit.path: edit.text() for edit in edits[1:] if edit.text() != edit.original})
    replace_files(root, contents, removed=(moved.path,))
    return [f"{REGISTER_DIR}/{new}{RECORD_SUFFIX}", *(e.relative for e in edits[1:])]
