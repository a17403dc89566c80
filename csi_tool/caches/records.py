"""The record cache: what reading each record file produced, kept by content.

The cache keeps, per file, the record as JSON, the file's own findings and its top-level
keys. Pydantic reads the JSON back in Rust, at a fifth of the cost of reading the YAML, into a
record equal to the one read from YAML (the tests compare them on every example).

An entry's key hashes everything the result depends on: csi's code (size and time of every
module: an editable install changes code without changing its version), today's date (a date
in the future is a finding), the file size limit, and the file's path and git blob id. A
changed byte is another key, so a stale result is never served. Entries live in one SQLite
database in the user's cache folder ($CSI_CACHE_DIR, else $XDG_CACHE_HOME/csi, else
~/.cache/csi), never in the repository; writing new entries drops those of other days and
other code. A cache that cannot be opened, read or written is not used: the records are then
read the slow way, never refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass
from importlib import metadata

from csi_tool import __version__
from csi_tool.caches.folder import cache_folder, code_fingerprint
from csi_tool.clock import today
from csi_tool.errors import Finding

_DATABASE = "records-v2.sqlite"
# The libraries that read records: an upgrade of one may read the same bytes otherwise.
_READERS = " ".join(
    f"{name} {metadata.version(name)}" for name in ("pydantic-core", "yaml-rs", "ruamel.yaml")
)
BATCH = 500  # keys per query: SQLite allows at most 999 parameters in older builds


@dataclass(frozen=True)
class KeptRecord:
    """What reading one record file produced: the record as JSON, its findings, its keys."""

    record_json: str
    findings: list[Finding]
    keys: tuple[str, ...]


def _kept_record(record: object, findings: object, keys: object) -> KeptRecord | None:
    """An entry as stored, or None if it is not what `keep` writes (a damaged database)."""
    if not (isinstance(record, str) and isinstance(keys, str)):
        return None
    read = _findings(findings)
    if read is None:
        return None
    return KeptRecord(record, read, tuple(keys.split("\n")) if keys else ())


def _findings(stored: object) -> list[Finding] | None:
    """Findings as `_finding_rows` wrote them, or None if they are not (a damaged database)."""
    if not isinstance(stored, str):
        return None
    try:
        rows = json.loads(stored) if stored else []
    except ValueError:
        return None
    if not isinstance(rows, list) or not all(map(_is_finding_row, rows)):
        return None
    return [Finding(*row) for row in rows]


def _finding_rows(findings: list[Finding]) -> str:
    return json.dumps([astuple(f) for f in findings]) if findings else ""


def _is_finding_row(row: object) -> bool:
    """[path, line, column, field, message, code], as `keep` writes a finding."""
    return (
        isinstance(row, list)
        and [type(value) for value in row] == [str, int, int, str, str, str]
        and row[1] >= 1
        and row[2] >= 1
    )


class RecordCache:
    """Kept records of one size limit, today, under the running code."""

    def __init__(self, connection: sqlite3.Connection, generation: str, max_bytes: int) -> None:
        self._connection = connection
        self._generation = generation  # csi's code and today: entries of others are dead
        self._max_bytes = max_bytes
        self._pruned = False

    @classmethod
    def open(cls, max_bytes: int) -> RecordCache | None:
        """The cache, or None when its database cannot be used here."""
        code = f"csi {__version__}\n{code_fingerprint()}\n{_READERS}"
        generation = hashlib.sha256(f"{code}\ntoday {today().isoformat()}".encode()).hexdigest()
        folder = cache_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # another csi writing holds the database a moment; longer, and this run reads slowly
            connection = sqlite3.connect(folder / _DATABASE, timeout=1)
            connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            connection.execute("PRAGMA synchronous=NORMAL")  # a crash loses entries, never data
            connection.execute(
                "CREATE TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY, generation TEXT NOT NULL,"
                " record TEXT NOT NULL, findings TEXT NOT NULL, keys TEXT NOT NULL)"
            )
            connection.execute(  # the register-wide findings of a whole register, see `checked`
                "CREATE TABLE IF NOT EXISTS checked (key TEXT PRIMARY KEY,"
                " generation TEXT NOT NULL, findings TEXT NOT NULL)"
            )
            connection.execute(  # blob ids of files on disk, by their stamps (see WorkTree)
                "CREATE TABLE IF NOT EXISTS stamps (root TEXT NOT NULL, path TEXT NOT NULL,"
                " stamp TEXT NOT NULL, blob TEXT NOT NULL, PRIMARY KEY (root, path))"
                " WITHOUT ROWID"
            )
        except (OSError, sqlite3.Error):
            return None
        return cls(connection, generation, max_bytes)

    def _key(self, path: str, content_id: str) -> str:
        text = f"{self._generation}\0{self._max_bytes}\0{path}\0{content_id}"
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()

    def find(self, contents: Mapping[str, str]) -> dict[str, KeptRecord]:
        """Path → kept record, for the files (path → content id) read before."""
        by_key = {self._key(path, content): path for path, content in contents.items()}
        keys = list(by_key)
        found: dict[str, KeptRecord] = {}
        try:
            for start in range(0, len(keys), BATCH):
                batch = keys[start : start + BATCH]
                rows = self._connection.execute(
                    "SELECT key, record, findings, keys FROM kept WHERE key IN "
                    f"({','.join('?' * len(batch))})",
                    batch,
                )
                for key, record, findings, top_keys in rows:
                    kept = _kept_record(record, findings, top_keys)
                    if kept is not None:  # a damaged entry is a miss
                        found[by_key[key]] = kept
        except sqlite3.Error:
            return {}  # a damaged database is a miss
        return found

    def keep(self, entries: Iterable[tuple[str, str, KeptRecord]]) -> None:
        """Keep (path, content id, kept record) entries, dropping those no run will find."""
        rows = [
            (
                self._key(path, content),
                self._generation,
                kept.record_json,
                _finding_rows(kept.findings),
                "\n".join(kept.keys),  # a valid record's keys are its field names
            )
            for path, content, kept in entries
        ]
        if not rows:
            return
        try:
            with self._connection:
                if not self._pruned:  # once per run: entries of other days and code are dead
                    self._connection.execute(
                        "DELETE FROM kept WHERE generation != ?", (self._generation,)
                    )
                    self._pruned = True
                self._connection.executemany(
                    "INSERT OR REPLACE INTO kept VALUES (?, ?, ?, ?, ?)", rows
                )
        except sqlite3.Error:
            return  # another csi holds the database: this run's entries are not kept

    def checked(self, files: Mapping[str, str]) -> list[Finding] | None:
        """The register-wide findings (dependencies, requirements, bindings) kept for a
        register of exactly these files (path → content id, policies and records), if any."""
        try:
            row = self._connection.execute(
                "SELECT findings FROM checked WHERE key = ?", (self._register_key(files),)
            ).fetchone()
        except sqlite3.Error:
            return None
        return _findings(row[0]) if row else None  # a damaged entry is a miss

    def keep_checked(self, files: Mapping[str, str], findings: list[Finding]) -> None:
        """Keep the register-wide findings of a register of these files."""
        row = (self._register_key(files), self._generation, _finding_rows(findings))
        try:
            with self._connection:
                self._connection.execute(
                    "DELETE FROM checked WHERE generation != ?", (self._generation,)
                )
                self._connection.execute("INSERT OR REPLACE INTO checked VALUES (?, ?, ?)", row)
        except sqlite3.Error:
            return

    def _register_key(self, files: Mapping[str, str]) -> str:
        digest = hashlib.sha256(f"{self._generation}\0{self._max_bytes}".encode())
        for path, content in sorted(files.items()):
            digest.update(f"\0{path}\0{content}".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def known_ids(self, root: str, stamps: Mapping[str, str]) -> dict[str, str]:
        """Path → blob id of the files under `root` whose stamp is the one seen when the id
        was kept: one query for the whole folder."""
        try:
            rows = self._connection.execute(
                "SELECT path, stamp, blob FROM stamps WHERE root = ?", (root,)
            ).fetchall()
        except sqlite3.Error:
            return {}
        return {
            path: blob
            for path, stamp, blob in rows
            if isinstance(blob, str) and stamps.get(path) == stamp and _BLOB_ID.fullmatch(blob)
        }

    def keep_ids(self, root: str, entries: Iterable[tuple[str, str, str]]) -> None:
        """Keep (path, stamp, blob id) of files under `root`."""
        rows = [(root, path, stamp, blob) for path, stamp, blob in entries]
        if not rows:
            return
        try:
            with self._connection:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO stamps VALUES (?, ?, ?, ?)", rows
                )
        except sqlite3.Error:
            return

    def close(self) -> None:
        self._connection.close()


_BLOB_ID = re.compile("[0-9a-f]{40}")
