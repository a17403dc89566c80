"""`csi validate`: check the register and keep the findings about the files asked for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from csi_tool.errors import ConfigError, Finding
from csi_tool.layout import POLICIES_DIR, REGISTER_DIR
from csi_tool.records.register import require_register_folder
from csi_tool.records.validation_cache import load_cached, snapshot, store


@dataclass(frozen=True)
class ValidationResult:
    """What `csi validate` found and how many record files it read."""

    findings: list[Finding]
    records_checked: int


def validate_paths(root: Path, paths: Sequence[Path]) -> ValidationResult:
    """Validate the whole register; with paths, report only findings in those files or folders.

    The whole register is always read because dependencies and duplicate ids span files.
    When no file changed since the last run (same bytes, same policies, same csi), the
    result comes from the cache.
    """
    wanted = [_inside_root(path, root) for path in paths]
    require_register_folder(root)
    files = snapshot(root, (POLICIES_DIR, REGISTER_DIR))
    cached = load_cached(files.key) if files else None
    if cached is not None:
        findings, checked = cached
    else:
        from csi_tool.records.register import load_register, load_work_tree  # the models: on a miss

        register = load_register(files.source(root)) if files else load_work_tree(root)
        findings, checked = register.findings, len(register.records) + len(register.unreadable)
        if files:
            store(files.key, findings, checked)
    if wanted:
        findings = [f for f in findings if any(_covers(w, f.path) for w in wanted)]
    return ValidationResult(findings, checked)


def _inside_root(path: Path, root: Path) -> str:
    if not path.exists():
        raise ConfigError(f"{path}: no such file or folder")
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise ConfigError(f"{path}: not inside the register at {root}") from None
    top = relative.split("/", 1)[0]
    if relative != "." and top not in (REGISTER_DIR, POLICIES_DIR):
        raise ConfigError(f"{path}: csi reads only register/ and policies/; nothing to check here")
    return relative


def _covers(wanted: str, finding_path: str) -> bool:
    return wanted in ("", ".") or finding_path == wanted or finding_path.startswith(f"{wanted}/")
