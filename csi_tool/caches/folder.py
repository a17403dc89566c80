"""Where the caches live, and the identity of the running code that every key holds."""

from __future__ import annotations

import functools
import os
from pathlib import Path


def cache_folder() -> Path:
    """Where csi keeps cached results."""
    explicit = os.environ.get("CSI_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "csi"


@functools.cache
def code_fingerprint() -> str:
    """Size and modification time of every module of csi: a stat each, no reading."""
    package = Path(__file__).resolve().parent.parent
    stamps = []
    for directory, _, files in os.walk(package):
        for name in files:
            if name.endswith(".py"):
                info = os.stat(os.path.join(directory, name))  # noqa: PTH116, PTH118
                stamps.append(f"{directory}/{name}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(sorted(stamps))
