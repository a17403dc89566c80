"""Read record files, keeping what each produced by content, so no file is parsed twice.

Reading a record (the YAML reader, the router, Pydantic, the record's own checks) costs about
half a millisecond, and every command reads the whole register: 10,000 records paid five
seconds on every gate, review and site build. The record cache keeps, per file, what that
work produced: the record as JSON, the file's own findings and its top-level keys. Pydantic
reads the JSON back in Rust, at a fifth of the cost, into a record equal to the one read
from YAML (the tests compare them on every example).

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

import functools
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass
from importlib import metadata

from csi_tool import __version__
from csi_tool.clock import today
from csi_tool.errors import CsiError, Finding, YamlError
from csi_tool.git.sources import FileSource, blob_id
from csi_tool.layout import REGISTER_DIR, SCHEMA_VERSION
from csi_tool.records.checks import record_problems
from csi_tool.records.migration import V1_PLACES, is_outdated, upgrade
from csi_tool.records.models import Record
from csi_tool.records.validation import cache_folder, code_fingerprint
from csi_tool.yaml import strict
from csi_tool.yaml.documents import Document, parse_document, validate_model

_DATABASE = "records-v2.sqlite"
# The libraries that read records: an upgrade of one may read the same bytes otherwise.
_READERS = " ".join(
    f"{name} {metadata.version(name)}" for name in ("pydantic-core", "yaml-rs", "ruamel.yaml")
)
_BATCH = 500  # keys per query: SQLite allows at most 999 parameters in older builds


@dataclass(frozen=True)
class LoadedRecord:
    """A validated record and the file it came from."""

    record: Record
    document: Document


def parse_record(
    data: bytes, path: str, max_bytes: int
) -> tuple[Document, Record | None, list[Finding]]:
    """One record file: its document, its record if valid, and every finding about it.

    A record of an older schema version is read as the current one, and told to migrate.
    """
    document, fields = parse_document(data, path, max_bytes)
    problems = []
    if is_outdated(fields):
        fields = upgrade(fields)
        document.places = V1_PLACES
        problems.append(document.finding(("schema_version",), _OUTDATED, "outdated"))
    record, invalid = validate_model(Record, fields, document)
    problems += invalid
    if record is not None:
        problems += [document.finding(loc, msg) for loc, msg in record_problems(record)]
    return document, record, problems


_OUTDATED = (
    f"version 1 is outdated: run `csi migrate` to rewrite the register for version "
    f"{SCHEMA_VERSION} (decision becomes the list decisions, so no decision is ever lost)"
)


class CachedReader:
    """Reads the record files of a source, taking those read before from the record cache."""

    def __init__(self, source: FileSource, paths: list[str], max_bytes: int) -> None:
        self._source, self._max_bytes = source, max_bytes
        self._cache = RecordCache.open(max_bytes) if paths else None
        self._contents: dict[str, str] = {}
        self._kept: dict[str, KeptRecord] = {}
        self._new: list[tuple[str, str, KeptRecord]] = []
        if self._cache is None:
            return
        try:
            contents = source.fingerprints(REGISTER_DIR)  # blob ids: git's, or hashed bytes
        except CsiError:  # a link or a pipe in register/: reading the file says so, uncached
            return
        self._contents = {path: contents[path] for path in paths if path in contents}
        self._kept = self._cache.find(self._contents)

    def kept(self, path: str) -> bool:
        """Whether the file's record comes from the cache (its bytes need not be read)."""
        return path in self._kept

    def read(self, path: str, findings: list[Finding]) -> LoadedRecord | None:
        """The record in a file (None if invalid), adding the file's findings to `findings`."""
        kept = self._kept.get(path)
        if kept is not None:  # the text is read again only if a finding needs its lines
            try:
                record = Record.model_validate_json(kept.record_json)
            except ValueError:  # a damaged entry (Pydantic's errors are ValueErrors): re-read
                kept = None
        if kept is not None:
            self._source.forget(path)
            content = self._contents[path]
            reread = functools.partial(self._reread, path, content)
            document = Document(path, None, keys=kept.keys, content_id=content, reread=reread)
            findings.extend(kept.findings)
            return LoadedRecord(record, document)
        try:
            data = self._source.read_bytes(path, self._max_bytes)
            document, parsed, problems = parse_record(data, path, self._max_bytes)
        except YamlError as e:  # unreadable, or refused by the reference parser while placing
            findings.extend(e.findings)
            return None
        findings.extend(problems)
        if parsed is None:
            return None
        document.content_id = self._contents.get(path)
        if path in self._contents and not document.places:  # an outdated file is not kept
            kept = KeptRecord(parsed.model_dump_json(), problems, document.keys)
            self._new.append((path, self._contents[path], kept))
            if len(self._new) >= _BATCH and self._cache is not None:  # never all in memory
                self._cache.keep(self._new)
                self._new = []
        return LoadedRecord(parsed, document)

    def _reread(self, path: str, content: str) -> str:
        data = self._source.read_bytes(path, self._max_bytes)
        if blob_id(data) != content:  # the record was read from other bytes than these
            message = "the file changed while csi was reading the register; run csi again"
            raise YamlError(Finding(path, 1, 1, "", message))
        return strict.decode(data, path, self._max_bytes)

    def close(self) -> None:
        """Keep what was read the slow way, for the next command."""
        if self._cache is not None:
            self._cache.keep(self._new)
            self._cache.close()


@dataclass(frozen=True)
class KeptRecord:
    """What reading one record file produced: the record as JSON, its findings, its keys."""

    record_json: str
    findings: list[Finding]
    keys: tuple[str, ...]


def _kept_record(record: object, findings: object, keys: object) -> KeptRecord | None:
    """An entry as stored, or None if it is not what `keep` writes (a damaged database)."""
    if not (isinstance(record, str) and isinstance(findings, str) and isinstance(keys, str)):
        return None
    try:
        rows = json.loads(findings) if findings else []
    except ValueError:
        return None
    if not isinstance(rows, list) or not all(map(_is_finding_row, rows)):
        return None
    return KeptRecord(
        record, [Finding(*row) for row in rows], tuple(keys.split("\n")) if keys else ()
    )


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
            for start in range(0, len(keys), _BATCH):
                batch = keys[start : start + _BATCH]
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
                json.dumps([astuple(f) for f in kept.findings]) if kept.findings else "",
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

    def close(self) -> None:
        self._connection.close()
