"""`csi validate`: check the register and keep the findings about the files asked for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from csi_tool.errors import ConfigError, Finding, display_path
from csi_tool.register import load_work_tree


@dataclass(frozen=True)
class ValidationResult:
    """What `csi validate` found and how many records it read."""

    findings: list[Finding]
    records_checked: int


def validate_paths(root: Path, paths: Sequence[Path]) -> ValidationResult:
    """Validate the whole register; with paths, report only findings in those files or folders.

    The whole register is always read because dependencies and duplicate ids span files.
    """
    register = load_work_tree(root)
    findings = register.findings
    if paths:
        wanted = [_inside_root(path, root) for path in paths]
        findings = [f for f in findings if any(_covers(w, f.path) for w in wanted)]
    return ValidationResult(findings, len(register.records))


def _inside_root(path: Path, root: Path) -> str:
    if not path.exists():
        raise ConfigError(f"{path}: no such file or folder")
    shown = display_path(path, root)
    if Path(shown).is_absolute():
        raise ConfigError(f"{path}: not inside the register at {root}")
    return shown


def _covers(wanted: str, finding_path: str) -> bool:
    return wanted in ("", ".") or finding_path == wanted or finding_path.startswith(f"{wanted}/")
