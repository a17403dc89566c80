"""`csi new`: write a new record in the initial state with the next id free on every branch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from csi_tool.errors import ConfigError
from csi_tool.git.repo import file_stems_on_all_branches, open_repo
from csi_tool.layout import RECORD_SUFFIX, REGISTER_DIR, SCHEMA_VERSION
from csi_tool.policies.policy_set import Policies
from csi_tool.policies.register import IdFormat
from csi_tool.records.models import Record
from csi_tool.records.register import record_path
from csi_tool.records.stub import next_steps_comment
from csi_tool.yaml import roundtrip, strict
from csi_tool.yaml.atomic import write_new_file
from csi_tool.yaml.documents import Document, validate_model

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
    text = SCHEMA_COMMENT + roundtrip.dump_roundtrip(tree)
    text += next_steps_comment(policies.workflow)
    path = record_path(root, record_id)
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
