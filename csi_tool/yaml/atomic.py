"""Write one file so that an interrupted write never leaves it half-written (journal.py: many)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_new_file(path: Path, text: str) -> None:
    """Create `path` with `text`, atomically, failing with FileExistsError if it exists."""
    temporary = write_temporary(path, text)
    try:
        os.link(temporary, path)  # atomic, and refuses to replace an existing file
    finally:
        temporary.unlink()
    fsync_directory(path.parent)


def replace_file(path: Path, text: str) -> None:
    """Replace (or create) `path` with `text` atomically: readers see the old or the new file."""
    temporary = write_temporary(path, text)
    try:
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def write_temporary(path: Path, text: str) -> Path:
    """`text` flushed to disk in a new temporary file beside `path` (.<name>.csi-<random>.tmp)."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.csi-", suffix=".tmp")
    try:
        # mkstemp creates the file 0600; give it the mode a plain write would have.
        os.fchmod(handle, path.stat().st_mode & 0o7777 if path.exists() else _default_mode())
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def fsync_directory(folder: Path) -> None:
    """Make a folder's entries (a rename, a new file) durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
