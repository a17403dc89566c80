"""`csi init`: add a register to an existing repository, never overwriting a file.

The files come from `csi_tool/templates/` (this repository's own policies, site project and
workflows are kept identical to them by a test); the JSON Schemas and CODEOWNERS are
generated from the default policies, exactly as `csi schema` and `csi codeowners` would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from csi_tool.errors import ConfigError, FindingsError
from csi_tool.gate.codeowners import CODEOWNERS_PATH, render_block
from csi_tool.records.register import load_work_tree
from csi_tool.records.schema import SCHEMA_DIR, build_schemas
from csi_tool.scaffold.install_source import install_source
from csi_tool.yaml.atomic import replace_file, write_new_file

# What the register's guarantees rest on beyond the files: settings only the repository's
# administrators can make. `csi init` prints them; docs/gate.md explains each.
BRANCH_PROTECTION = (
    "Require a pull request before merging, with approval from Code Owners "
    "(CODEOWNERS routes records, policies and protected paths to their approvers).",
    "Require the status check `Validate and gate the register` to pass.",
    "Require branches to be up to date before merging, or use a merge queue (the workflow "
    "runs on merge_group): a check that passed before the base moved must not count.",
    "Do not allow bypassing these settings, and restrict who can push to the branch.",
    "Dismiss stale approvals when new commits are pushed.",
)


@dataclass
class InitResult:
    """The files `csi init` wrote and the ones it left alone because they existed."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)  # existing files csi added lines to
    install_source: str | None = None  # what .github/csi-requirements.txt pins, if written


def init_repository(target: Path, install_source_option: str | None = None) -> InitResult:
    """Write every template file that does not exist yet, then the generated files.

    The install source is settled first: when csi cannot name one that nobody can swap,
    nothing is written at all.
    """
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{target} is not a folder")
    requirements = target / REQUIREMENTS_PATH
    source = None if requirements.exists() else install_source(install_source_option)
    target.mkdir(parents=True, exist_ok=True)
    result = InitResult()
    for relative, text in sorted(_template_files(resources.files("csi_tool") / "templates")):
        if relative == _GITIGNORE:
            _extend_gitignore(target, text, result)
        else:
            _write(target, relative, text, result)
    if source is not None:
        _write(target, REQUIREMENTS_PATH, source.text, result)
        result.install_source = source.pins
    register = load_work_tree(target)
    if register.policies is None:  # the repository already had policies, and they are broken
        raise FindingsError(register.findings)
    for name, text in build_schemas(register.policies).items():
        _write(target, f"{SCHEMA_DIR}/{name}", text, result)
    _write(target, CODEOWNERS_PATH.as_posix(), render_block(register), result)  # all csi's
    return result


REQUIREMENTS_PATH = ".github/csi-requirements.txt"
_GITIGNORE = ".gitignore"


def _extend_gitignore(target: Path, template: str, result: InitResult) -> None:
    """A repository's own .gitignore keeps every line; the ones csi needs are added."""
    path = target / _GITIGNORE
    if not path.exists():
        _write(target, _GITIGNORE, template, result)
        return
    if path.is_symlink() or not path.is_file():
        result.skipped.append(_GITIGNORE)
        return
    present = path.read_text(encoding="utf-8")
    have = {line.strip() for line in present.splitlines()}
    missing = [line for line in template.splitlines() if line.strip() and line.strip() not in have]
    if not any(not line.startswith("#") for line in missing):
        result.skipped.append(_GITIGNORE)
        return
    separator = "" if not present or present.endswith("\n") else "\n"
    replace_file(path, present + separator + "\n".join(missing) + "\n")
    result.extended.append(_GITIGNORE)


def _template_files(folder: Traversable, prefix: str = "") -> list[tuple[str, str]]:
    files = []
    for entry in folder.iterdir():
        if entry.name == "__pycache__":
            continue
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            files += _template_files(entry, f"{relative}/")
        else:
            files.append((relative, entry.read_text(encoding="utf-8")))
    return files


def _write(target: Path, relative: str, text: str, result: InitResult) -> None:
    path = target / relative
    if path.exists() or path.is_symlink():
        result.skipped.append(relative)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_new_file(path, text)
    except FileExistsError:  # created since we looked: still never overwritten
        result.skipped.append(relative)
        return
    result.written.append(relative)
