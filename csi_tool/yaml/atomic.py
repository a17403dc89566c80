"""Write files so that an interrupted write never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_new_file(path: Path, text: str) -> None:
    """Create `path` with `text`, atomically, failing with FileExistsError if it exists."""
    temporary = _write_temporary(path, text)
    try:
        os.link(temporary, path)  # atomic, and refuses to replace an existing file
    finally:
        temporary.unlink()
    _fsync_directory(path.parent)


def replace_file(path: Path, text: str) -> None:
    """Replace (or create) `path` with `text` atomically: readers see the old or the new file."""
    temporary = _write_temporary(path, text)
    try:
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def replace_files(contents: dict[Path, str]) -> None:
    """Replace several files, all or nothing as far as a file system allows.

    Every new text is written and flushed to a temporary file first; only when all of them
    are safely on disk are they renamed over the originals, one atomic rename each.
    """
    written: dict[Path, Path] = {}
    try:
        for path, text in contents.items():
            written[path] = _write_temporary(path, text)
    except BaseException:
        for temporary in written.values():
            temporary.unlink(missing_ok=True)
        raise
    for path, temporary in written.items():
        try:
            temporary.replace(path)
        except BaseException:
            for left in written.values():
                left.unlink(missing_ok=True)
            raise
    for folder in {path.parent for path in contents}:
        _fsync_directory(folder)


def _write_temporary(path: Path, text: str) -> Path:
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
