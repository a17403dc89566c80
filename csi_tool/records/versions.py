"""Older record schema versions, read as the current one.

Git keeps every version of every record, so the history, the gate's base and a register not
yet migrated hold version 1 files; all of them are read through `upgrade`. The work tree is
told to migrate (`csi migrate`), which rewrites the files with the same change.

Version 2: `decision` (one mapping, replaced by each new decision) became `decisions` (a
list, oldest first, the last in force), so that no decision is ever lost.
"""

from __future__ import annotations

from typing import Any

from csi_tool.layout import SCHEMA_VERSION

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
