"""`csi validate`'s results, kept whole under a key that hashes every file it read."""

from __future__ import annotations

import json

from csi_tool.caches.folder import cache_folder
from csi_tool.errors import Finding
from csi_tool.yaml.atomic import replace_file


def load_cached(key: str) -> tuple[list[Finding], int] | None:
    """The findings and record count stored under `key`, if any (a damaged entry is a miss)."""
    path = cache_folder() / f"validate-{key}.json"
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        findings = [Finding(*item) for item in payload["findings"]]
        return findings, int(payload["records_checked"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(key: str, findings: list[Finding], records_checked: int) -> None:
    """Keep a result; a cache that cannot be written is simply not used."""
    folder = cache_folder()
    payload = {
        "findings": [[f.path, f.line, f.column, f.field, f.message, f.code] for f in findings],
        "records_checked": records_checked,
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        replace_file(folder / f"validate-{key}.json", json.dumps(payload))
    except OSError:
        return
