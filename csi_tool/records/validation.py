"""`csi validate`: check the register and keep the findings about the files asked for.

Results are cached outside the tree, keyed by the content of every file.

The key hashes csi's version, the record schema version, the size and time of every module
of csi itself (an editable install changes code without changing its version), and the path
and bytes of every file csi reads (policies and records); any change to any of them is a
different key, so a stale result is never served. Entries live in the user's cache folder
($CSI_CACHE_DIR, else $XDG_CACHE_HOME/csi, else ~/.cache/csi), never in the repository.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from csi_tool import __version__
from csi_tool.caches.folder import code_fingerprint
from csi_tool.caches.results import load_cached, store
from csi_tool.clock import today
from csi_tool.errors import ConfigError, Finding, shown_path
from csi_tool.git.sources import WHOLE_FILE, WorkTree, blob_id
from csi_tool.layout import POLICIES_DIR, REGISTER_DIR, SCHEMA_VERSION, require_register_folder
from csi_tool.yaml.journal import recover


@dataclass(frozen=True)
class ValidationResult:
    """What `csi validate` found and how many record files it read."""

    findings: list[Finding]
    records_checked: int


def validate_paths(root: Path, paths: Sequence[Path]) -> ValidationResult:
    """Validate the whole register; with paths, report only findings in those files or folders.

    The whole register is always read because dependencies and duplicate ids span files.
    When no file changed since the last run (same bytes, same policies, same csi), the
    result comes from the cache.
    """
    wanted = [_inside_root(path, root) for path in paths]
    require_register_folder(root)
    files = snapshot(root, (POLICIES_DIR, REGISTER_DIR))
    cached = load_cached(files.key) if files else None
    if cached is not None:
        findings, checked = cached
    else:
        from csi_tool.records.register import load_register, load_work_tree  # the models: on a miss

        register = load_register(files.source(root)) if files else load_work_tree(root)
        findings, checked = register.findings, len(register.records) + len(register.unreadable)
        if files:
            store(files.key, findings, checked)
    if wanted:
        findings = [f for f in findings if any(_covers(w, f.path) for w in wanted)]
    return ValidationResult(findings, checked)


def _inside_root(path: Path, root: Path) -> str:
    if not path.exists():
        raise ConfigError(f"{path}: no such file or folder")
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise ConfigError(f"{path}: not inside the register at {root}") from None
    top = relative.split("/", 1)[0]
    if relative != "." and top not in (REGISTER_DIR, POLICIES_DIR):
        raise ConfigError(f"{path}: csi reads only register/ and policies/; nothing to check here")
    return relative


def _covers(wanted: str, finding_path: str) -> bool:
    wanted = shown_path(wanted)  # as findings name a file whose name is not UTF-8
    return wanted in ("", ".") or finding_path == wanted or finding_path.startswith(f"{wanted}/")


@dataclass(frozen=True)
class Snapshot:
    """Every file a check reads, read once: hashed for the key, then parsed on a miss."""

    key: str
    files: dict[str, list[str] | bytes]

    def source(self, root: Path) -> MemoryTree:
        """The snapshot as a file source, so a miss does not read the disk again."""
        return MemoryTree(root, self.files)


@dataclass(frozen=True)
class MemoryTree:
    """A FileSource over files already read from the work tree."""

    root: Path
    files: dict[str, list[str] | bytes]
    label: str = "work tree"

    def list_files(self, folder: str) -> list[str] | None:
        listing = self.files.get(f"{folder}/")
        return list(listing) if isinstance(listing, list) else None

    def prefetch(self, paths: Sequence[str]) -> None:
        return  # already in memory

    def fingerprints(self, folder: str) -> dict[str, str]:
        return {
            path: blob_id(data)
            for path in self.list_files(folder) or []
            if isinstance(data := self.files.get(path), bytes)
        }

    def read_bytes(self, relative: str, max_bytes: int) -> bytes:
        # A record file is read once: handed over, so the register's text is held once (by
        # its documents), not twice. Policies may be read again.
        if relative.startswith(f"{REGISTER_DIR}/"):
            data = self.files.pop(relative, None)
        else:
            data = self.files.get(relative)
        if data is None:  # handed over before, and needed again (a finding's line): disk
            return WorkTree(self.root).read_bytes(relative, max_bytes)
        assert isinstance(data, bytes)
        return data[: max_bytes + 1]

    def forget(self, relative: str) -> None:
        if relative.startswith(f"{REGISTER_DIR}/"):
            self.files.pop(relative, None)


def snapshot(root: Path, folders: tuple[str, ...]) -> Snapshot | None:
    """Read every file once and hash it all; None if a file cannot be read plainly."""
    digest = hashlib.sha256(f"csi {__version__} schema {SCHEMA_VERSION}\n".encode())
    digest.update(code_fingerprint().encode())
    digest.update(f"today {today().isoformat()}\n".encode())  # "in the future" moves daily
    recover(root)  # an interrupted write is finished (or undone) before anything is read
    source = WorkTree(root)
    files: dict[str, list[str] | bytes] = {}
    for folder in folders:
        listing = source.list_files(folder)
        if listing is None:
            continue
        files[f"{folder}/"] = listing
        for path in listing:
            try:
                data = source.read_bytes(path, WHOLE_FILE)
            except Exception:  # noqa: BLE001 - links and pipes: no caching, the checks report them
                return None
            files[path] = data
            # surrogateescape: a file name that is not UTF-8 is reported by the checks
            digest.update(f"{path}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
            digest.update(data)
    return Snapshot(digest.hexdigest(), files)
