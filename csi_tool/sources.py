"""Where register files are read from: the work tree, or (in gitrepo.py) a git revision.

Paths are root-relative POSIX strings such as `register/CSI-0001.yaml`; they are also what
findings show, so a finding reads the same whichever source it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class FileSource(Protocol):
    """Read-only access to the files of a register."""

    @property
    def label(self) -> str:
        """Where the files come from, for messages: `work tree` or a git revision."""

    def list_files(self, folder: str) -> list[str] | None:
        """Every file under `folder` (recursively, sorted), or None if the folder is absent."""

    def read_bytes(self, relative: str) -> bytes:
        """The content of one file listed by `list_files`."""


@dataclass(frozen=True)
class WorkTree:
    """The files on disk under a register root."""

    root: Path
    label: str = "work tree"

    def list_files(self, folder: str) -> list[str] | None:
        base = self.root / folder
        if not base.is_dir():
            return None
        return sorted(
            path.relative_to(self.root).as_posix()
            for path in base.rglob("*")
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(base).parts)
        )

    def read_bytes(self, relative: str) -> bytes:
        return (self.root / relative).read_bytes()
