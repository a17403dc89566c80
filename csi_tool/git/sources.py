"""Where register files are read from: the work tree, or (in revisions.py) a git revision.

Paths are root-relative POSIX strings such as `register/CSI-0001.yaml`; they are also what
findings show, so a finding reads the same whichever source it came from.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from csi_tool.errors import Finding, FindingsError, YamlError


class FileSource(Protocol):
    """Read-only access to the files of a register."""

    @property
    def label(self) -> str:
        """Where the files come from, for messages: `work tree` or a git revision."""

    def list_files(self, folder: str) -> list[str] | None:
        """Every file under `folder` (recursively, sorted), or None if the folder is absent."""

    def read_bytes(self, relative: str, max_bytes: int) -> bytes:
        """At most `max_bytes + 1` bytes of a plain file (one more shows it is too big)."""

    def prefetch(self, paths: Sequence[str]) -> None:
        """Files about to be read: sources that read in batches read them now."""

    def fingerprints(self, folder: str) -> dict[str, str]:
        """Path → an id of the content of every file in `folder` (a git blob id)."""

    def forget(self, relative: str) -> None:
        """Drop any copy of a file kept for a later read (that read goes to the files)."""


# More than any accepted file (larger ones are refused when validated): reading this much
# gets a file whole, enough to hash it or tell whether two differ.
WHOLE_FILE = 10_485_760


def blob_id(data: bytes) -> str:
    """The id git gives a file with this content (SHA-1 repositories; others never match)."""
    return hashlib.sha1(b"blob %d\0%b" % (len(data), data), usedforsecurity=False).hexdigest()


def linked_folder(folder: str) -> FindingsError:
    """The error for a folder swapped for a symbolic link: the checks would read elsewhere
    while CODEOWNERS and branch protection still guard the folder's real path."""
    message = "a symbolic link: csi reads only plain folders; restore the folder itself"
    return FindingsError([Finding(folder, 1, 1, "", message, "symlink")])


def not_a_plain_file(relative: str, what: str) -> YamlError:
    """The error for symlinks, pipes and devices: a pull request could point them anywhere."""
    return YamlError(Finding(relative, 1, 1, "", f"{what}: csi reads only plain files"))


@dataclass(frozen=True)
class WorkTree:
    """The files on disk under a register root."""

    root: Path
    label: str = "work tree"
    # Whole files read for their ids, handed to the next reader of each (then forgotten: the
    # register's texts are held once, by its documents).
    _read: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)
    _ids: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def list_files(self, folder: str) -> list[str] | None:
        base = self.root / folder
        if base.is_symlink():
            raise linked_folder(folder)
        if not base.is_dir():
            return None
        found = []
        for directory, dirs, files in os.walk(base):  # lists symlinked folders, never enters them
            linked = [d for d in dirs if Path(directory, d).is_symlink()]
            dirs[:] = [d for d in dirs if d not in linked]
            # one relpath per folder, plain strings per file: pathlib is slow for 10,000 files
            prefix = os.path.relpath(directory, self.root).replace(os.sep, "/")
            found += [f"{prefix}/{name}" for name in [*files, *linked]]  # dotfiles too
        return sorted(found)

    def prefetch(self, paths: Sequence[str]) -> None:
        return  # files on disk are read one by one anyway

    def fingerprints(self, folder: str) -> dict[str, str]:
        ids = {}
        for path in self.list_files(folder) or []:
            if path not in self._ids:  # each file is hashed once per run: a snapshot
                data = self.read_bytes(path, WHOLE_FILE)
                if len(data) <= WHOLE_FILE:  # a larger one is refused when it is read
                    self._read[path] = data
                self._ids[path] = blob_id(data)
            ids[path] = self._ids[path]
        return ids

    def forget(self, relative: str) -> None:
        self._read.pop(relative, None)

    def stamps(self, folder: str) -> dict[str, str]:
        """Path → what a change of its content changes (size, modification and change times,
        inode), for files changed last well before now: a cache may then give their blob ids
        without reading them. A file changed in the clock tick of its stamp could keep the
        stamp with other bytes, so recent files get none (git's "racy" rule)."""
        settled = time.time_ns() - _SETTLED_NS
        stamps = {}
        for path in self.list_files(folder) or []:
            try:
                info = os.lstat(os.path.join(self.root, path))  # noqa: PTH118
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and info.st_ctime_ns < settled:
                stamps[path] = (
                    f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:"
                    f"{info.st_dev}"
                )  # ctime cannot be set back: a file touched to its old times is still seen
        return stamps

    def adopt_ids(self, ids: Mapping[str, str]) -> None:
        """Blob ids known for files (from their stamps): `fingerprints` then skips reading them."""
        self._ids.update(ids)

    def read_bytes(self, relative: str, max_bytes: int) -> bytes:
        kept = self._read.pop(relative, None)
        if kept is not None:
            return kept[: max_bytes + 1]
        # Plain strings and os calls: pathlib's and io's overhead was most of a warm check's
        # time. The file is opened without following a link and judged by what was opened,
        # so it cannot be swapped between a check and the read; a pipe does not block.
        path = os.path.join(self.root, relative)  # noqa: PTH118
        if not _NO_FOLLOW and stat.S_ISLNK(os.lstat(path).st_mode):  # no O_NOFOLLOW here
            raise not_a_plain_file(relative, "a symbolic link")
        try:
            descriptor = os.open(path, os.O_RDONLY | _NO_FOLLOW | _NO_BLOCK)
        except OSError as e:
            if e.errno == errno.ELOOP:  # what O_NOFOLLOW answers for a link
                raise not_a_plain_file(relative, "a symbolic link") from None
            raise
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise not_a_plain_file(relative, "not a plain file")
            return _read_up_to(descriptor, max_bytes + 1)
        finally:
            os.close(descriptor)


_SETTLED_NS = 2_000_000_000  # far more than any file system's clock tick
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NO_BLOCK = getattr(os, "O_NONBLOCK", 0)


def _read_up_to(descriptor: int, size: int) -> bytes:
    """At most `size` bytes, to the end: one read may return fewer than asked."""
    chunks = []
    while size > 0 and (chunk := os.read(descriptor, size)):
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
