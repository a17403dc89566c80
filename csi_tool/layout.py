"""How a register lies on disk: its folders, record files and schema version.

Kept apart from the modules that read records so that light commands (a cached
`csi validate`) can know the layout without loading the record models.
"""

from __future__ import annotations

from pathlib import Path

from csi_tool.errors import ConfigError

REGISTER_DIR = "register"
POLICIES_DIR = "policies"
RECORD_SUFFIX = ".yaml"
SCHEMA_VERSION = 2  # of records; records/migration.py reads older ones


def require_register_folder(root: Path) -> None:
    """register/ must be a folder: a file or nothing there is a broken setup, not 0 records."""
    folder = root / REGISTER_DIR
    if folder.is_symlink() or not (root / POLICIES_DIR).is_dir():
        return  # a linked folder is a finding; without policies/, that error comes first
    if not folder.exists():
        raise ConfigError(f"{REGISTER_DIR}/ is missing in {root} (csi init creates it)")
    if not folder.is_dir():
        raise ConfigError(
            f"{REGISTER_DIR} in {root} is not a folder; records live in {REGISTER_DIR}/"
        )


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
