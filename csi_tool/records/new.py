"""Ids of new records: `csi new` writes a record in the initial state with the next id free
on every branch; `csi renumber OLD NEW` gives a record added on a branch another id, when
main took its id.

Two pull requests can pick the same next id; the gate refuses the second one ("taken at the
base"). Renumbering rewrites the record's file name and `id`, and every `depends_on` in the
register that points at it, in one all-or-nothing write, keeping comments and layout. A
record that the base already knows is never renumbered: its id is part of the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from csi_tool.errors import ConfigError, FindingsError
from csi_tool.git.repo import file_stems_on_all_branches, open_repo, revision_exists
from csi_tool.git.revisions import file_stems_at_fork
from csi_tool.layout import RECORD_SUFFIX, REGISTER_DIR, SCHEMA_VERSION
from csi_tool.policies.policy_set import Policies
from csi_tool.policies.register import IdFormat
from csi_tool.policies.workflow import Requirement, WorkflowPolicy
from csi_tool.records.editing import edit_problems, open_record
from csi_tool.records.models import Record
from csi_tool.records.register import Register, record_path
from csi_tool.yaml import roundtrip, strict
from csi_tool.yaml.atomic import write_new_file
from csi_tool.yaml.documents import Document, validate_model
from csi_tool.yaml.journal import replace_files

SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/record.schema.json\n"


def next_record_id(root: Path, id_format: IdFormat) -> str:
    """One past the highest id in the work tree and on every local and remote-tracking branch."""
    folder = root / REGISTER_DIR
    stems = {p.stem for p in folder.glob(f"*{RECORD_SUFFIX}")} if folder.is_dir() else set()
    stems |= file_stems_on_all_branches(folder)
    numbers = [int(stem.partition("-")[2]) for stem in stems if id_format.matches(stem)]
    return id_format.format(max(numbers, default=0) + 1)


@dataclass(frozen=True)
class NewRecord:
    """The record written, and whether other branches were checked for its id."""

    path: Path
    branches_checked: bool


def create_record(
    root: Path,
    policies: Policies,
    title: str,
    service: str | None,
    owner: str | None,
    today: dt.date,
) -> NewRecord:
    """Write a new record; values are validated before anything is written."""
    folder = root / REGISTER_DIR
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{REGISTER_DIR} is not a folder; records live in {REGISTER_DIR}/")
    record_id = next_record_id(root, policies.register.id)
    tree = CommentedMap()
    tree["schema_version"] = SCHEMA_VERSION
    tree["id"] = record_id
    tree["title"] = title
    tree["created"] = today
    if service is not None:
        tree["service"] = service
    if owner is not None:
        tree["owner"] = owner
    tree["status"] = policies.workflow.initial
    return write_new_record(root, policies, tree)


def write_new_record(root: Path, policies: Policies, tree: CommentedMap) -> NewRecord:
    """Write a record tree (with its id) as a new file, hints for its next steps below."""
    text = SCHEMA_COMMENT + roundtrip.dump_roundtrip(tree)
    text += next_steps_comment(policies.workflow, set(tree))
    path = record_path(root, str(tree["id"]))
    _refuse_invalid_values(text, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_new_file(path, text)
    return NewRecord(path, open_repo(root) is not None)


def _refuse_invalid_values(text: str, path: Path) -> None:
    """Read the text back exactly as `csi validate` will, so a new record is always valid."""
    document = Document(path.name, text)
    _, findings = validate_model(Record, strict.load_fast(text, path.name), document)
    if findings:
        problem = findings[0]
        option = f"--{problem.field}" if problem.field else "the values given"
        raise ConfigError(f"{option}: {problem.message}")


# The sections written commented below a new record: what its next states need. A new
# record is a few lines, and what makes it move on (evidence, an assessment, metrics with
# baselines and targets) is easy to forget; comments change nothing until uncommented.
# The YAML each requirement asks for, with its hint; requirements that share a section are
# merged under the first one of that section that the states name.
_SECTIONS: dict[str, tuple[tuple[Requirement, ...], str]] = {
    "source": (
        (Requirement.SOURCE_REFERENCES,),
        "# source:                   # where the opportunity shows: the data, not an opinion\n"
        "#   kind: incident_trend\n"
        "#   references: {incidents: [INC0000000], problems: [], links: []}\n",
    ),
    "current_state": (
        (Requirement.CURRENT_STATE_SUMMARY,),
        "# current_state:            # where we are now, in a sentence or two, with evidence\n"
        "#   summary: …\n"
        '#   evidence: ["…"]\n',
    ),
    "vision": (
        (Requirement.VISION,),
        "# vision:                   # what better looks like, and why it matters\n"
        "#   statement: …\n"
        "#   business_value: …\n",
    ),
    "assessment": (
        (Requirement.ASSESSMENT,),
        "# assessment: {impact: 3, urgency: 3, effort: 3, risk: 3}   # 1 (low) to 5 (high)\n",
    ),
    "options": (
        (Requirement.OPTION, Requirement.CHOSEN_OPTION),
        "# options:                  # what could be done; mark the one chosen\n"
        "#   - {summary: …, expected_outcome: …, chosen: true}\n",
    ),
    "owner": (
        (Requirement.OWNER,),
        '# owner: "@team"             # who is accountable for the improvement\n',
    ),
    "metrics": (
        (Requirement.METRICS, Requirement.METRIC_BASELINES, Requirement.METRIC_TARGETS),
        "# metrics:                  # how success is measured: a baseline, a target by a date\n"
        "#   - key: reopen_rate\n"
        "#     name: Incidents reopened within 7 days\n"
        "#     kind: lagging\n"
        '#     unit: "%"\n'
        "#     direction: decrease\n"
        "#     baseline: {value: 14.2, date: YYYY-MM-DD, source: ITSM report}\n"
        "#     target: {value: 8, by: YYYY-MM-DD}\n",
    ),
    "plan": (
        (Requirement.PLAN_DUE,),
        "# plan:                     # delivery through controlled change (start: csi transition)\n"
        "#   due: YYYY-MM-DD\n"
        "#   milestones: [{name: …, due: YYYY-MM-DD}]\n"
        "#   changes: [CHG0000000]\n",
    ),
}


_STEPS = 4


def next_steps_comment(workflow: WorkflowPolicy, present: set[str]) -> str:
    """Commented example sections for what the next four steps from the initial state need
    (with the default workflow: validated, assessed, approved, in_progress)."""
    states: list[str] = []
    frontier = [workflow.initial]
    for _ in range(_STEPS):
        frontier = [
            s for state in frontier for s in workflow.transitions.get(state, []) if s not in states
        ]
        states += list(dict.fromkeys(frontier))
    needed: dict[Requirement, str] = {}
    for state in states:
        spec = workflow.states.get(state)
        for requirement in spec.requires if spec else []:
            needed.setdefault(requirement, state)
    blocks, heading = [], None
    for section, (requirements, text) in _SECTIONS.items():
        if section in present:  # written above already (`--owner`): never a duplicate key
            continue
        first = next((needed[r] for r in requirements if r in needed), None)
        if first is not None:
            blocks.append(text if first == heading else f"# — needed to become {first} —\n{text}")
            heading = first
    if not blocks:
        return ""
    return (
        "\n# What the next states need: uncomment and fill in as the improvement moves on\n"
        "# (`csi validate` names anything missing, and the schema describes every field).\n"
        + "".join(blocks)
    )


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
