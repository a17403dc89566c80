"""Writes of many files that survive a kill: all of them land, or none of them.

One rename is atomic; a hundred are not. So a multi-file write goes in three steps:
1. every new text is written and flushed to a temporary file beside its target;
2. a journal listing (target, temporary) pairs is written atomically: the commit point;
3. the temporaries are renamed over their targets, then the journal is removed.

Killed before step 2, nothing changed: the next csi command removes the temporaries. Killed
during step 3, the journal is still there: the next csi command renames what is left (rolls
forward), because every temporary was complete before the journal existed. Edits also hold
an exclusive lock on the register for their whole read-modify-write, so two commands never
interleave and neither loses the other's change.

The lock file, the journal and the temporaries are csi's own: `csi init` lists them in
.gitignore, and nothing else in the register is ever skipped silently.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

from csi_tool.errors import ConfigError
from csi_tool.layout import POLICIES_DIR, REGISTER_DIR
from csi_tool.yaml.atomic import fsync_directory, write_temporary

LOCK_NAME = ".csi-lock"
JOURNAL_NAME = ".csi-journal.json"
TEMPORARY_MARK = ".csi-"  # temporaries are named .<target>.csi-<random>.tmp
_LOCK_WAIT_SECONDS = 60.0
_WRITTEN_FOLDERS = (REGISTER_DIR, POLICIES_DIR, "schema")  # where csi's temporaries can be
_held: set[Path] = set()  # roots this process has locked (the lock is re-entrant per process)


def _is_temporary(name: str) -> bool:
    """Whether a file name is one of csi's temporaries."""
    return name.startswith(".") and TEMPORARY_MARK in name and name.endswith(".tmp")


@contextlib.contextmanager
def register_lock(root: Path) -> Iterator[None]:
    """Hold the register's exclusive lock (waiting for another csi command to finish)."""
    root = root.resolve()
    if root in _held:
        yield
        return
    try:
        import fcntl
    except ImportError:  # no advisory locks on this platform: writes are still atomic
        yield
        return
    descriptor = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + _LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ConfigError(
                        f"another csi command has held {root / LOCK_NAME} for over "
                        f"{_LOCK_WAIT_SECONDS:.0f} s; try again when it has finished"
                    ) from None
                time.sleep(0.05)
        _held.add(root)
        try:
            _clear_temporaries(root, _WRITTEN_FOLDERS)
            yield
        finally:
            _held.discard(root)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def recover(root: Path) -> None:
    """Finish or undo an interrupted write before the register is read (cheap when clean)."""
    root = root.resolve()
    if root in _held:
        return
    folders = _WRITTEN_FOLDERS
    if (root / JOURNAL_NAME).exists() or any(_temporaries(root / f) for f in folders):
        with register_lock(root):  # recovery runs under the lock, once the writer is gone
            pass  # taking the lock clears what an interrupted writer left


def replace_files(root: Path, contents: dict[Path, str], removed: tuple[Path, ...] = ()) -> None:
    """Replace (or create) several files under `root`, and remove others: after any kill, all
    of it or none of it (a renamed record is a new file and a removed one, together).

    Callers hold `register_lock(root)` for the read-modify-write; it is taken here too.
    """
    if not contents and not removed:
        return
    with register_lock(root):
        written: dict[Path, Path] = {}
        try:
            for path, text in contents.items():
                written[path] = write_temporary(path, text)
                _fault("temporary", len(written))
        except BaseException:
            for temporary in written.values():
                temporary.unlink(missing_ok=True)
            raise
        journal = {
            "files": [
                [str(path.relative_to(root)), str(temporary.relative_to(root))]
                for path, temporary in written.items()
            ]
            + [[str(path.relative_to(root)), None] for path in removed]
        }
        journal_path = root / JOURNAL_NAME
        staged = write_temporary(journal_path, json.dumps(journal))
        staged.replace(journal_path)
        fsync_directory(root)  # the commit point: from here on the write is rolled forward
        _fault("journal", 0)
        _roll_forward(root)


def _roll_forward(root: Path) -> None:
    journal_path = root / JOURNAL_NAME
    try:
        entries = json.loads(journal_path.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ConfigError(
            f"{journal_path} is damaged; it lists files an interrupted csi command was "
            "replacing: check `git status`, then delete it"
        ) from e
    folders = set()
    for done, (target, temporary) in enumerate(entries, start=1):
        if temporary is None:  # a file the write removes
            (root / target).unlink(missing_ok=True)
        elif (root / temporary).exists():  # not yet renamed when the writer stopped
            (root / temporary).replace(root / target)
        folders.add((root / target).parent)
        _fault("rename", done)
    for folder in folders:
        fsync_directory(folder)
    journal_path.unlink()
    fsync_directory(root)


def _clear_temporaries(root: Path, folders: tuple[str, ...]) -> None:
    if (root / JOURNAL_NAME).exists():
        _roll_forward(root)
    for folder in folders:
        for leftover in _temporaries(root / folder):
            leftover.unlink(missing_ok=True)  # written before the commit point: never used


def _temporaries(folder: Path) -> list[Path]:
    try:
        return [entry for entry in folder.iterdir() if _is_temporary(entry.name)]
    except OSError:
        return []


def _fault(step: str, count: int) -> None:
    """Fault injection for the tests: CSI_FAULT_KILL=step:count kills this process there."""
    wanted = os.environ.get("CSI_FAULT_KILL")
    if wanted and wanted == f"{step}:{count}":
        os.kill(os.getpid(), signal.SIGKILL)
