"""Where register files are read from: the work tree, or (in gitrepo.py) a git revision.

Paths are root-relative POSIX strings such as `register/CSI-0001.yaml`; they are also what
findings show, so a finding reads the same whichever source it came from.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from csi_tool.errors import Finding, YamlError


class FileSource(Protocol):
    """Read-only access to the files of a register."""

    @property
    def label(self) -> str:
        """Where the files come from, for messages: `work tree` or a git revision."""

    def list_files(self, folder: str) -> list[str] | None:
        """Every file under `folder` (recursively, sorted), or None if the folder is absent."""

    def read_bytes(self, relative: str, max_bytes: int) -> bytes:
        """At most `max_bytes + 1` bytes of a plain file (one more shows it is too big)."""


def not_a_plain_file(relative: str, what: str) -> YamlError:
    """The error for symlinks, pipes and devices: a pull request could point them anywhere."""
    return YamlError(Finding(relative, 1, 1, "", f"{what}: csi reads only plain files"))


@dataclass(frozen=True)
class WorkTree:
    """The files on disk under a register root."""

    root: Path
    label: str = "work tree"

    def list_files(self, folder: str) -> list[str] | None:
        base = self.root / folder
        if not base.is_dir():
            return None
        found = []
        for directory, dirs, files in os.walk(base):  # lists symlinked folders, never enters them
            linked = [d for d in dirs if Path(directory, d).is_symlink()]
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in linked]
            # one relpath per folder, plain strings per file: pathlib is slow for 10,000 files
            prefix = os.path.relpath(directory, self.root).replace(os.sep, "/")
            found += [f"{prefix}/{name}" for name in [*files, *linked] if not name.startswith(".")]
        return sorted(found)

    def read_bytes(self, relative: str, max_bytes: int) -> bytes:
        path = self.root / relative
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            raise not_a_plain_file(relative, "a symbolic link")
        if not stat.S_ISREG(mode):
            raise not_a_plain_file(relative, "not a plain file")
        with path.open("rb") as stream:
            return stream.read(max_bytes + 1)
