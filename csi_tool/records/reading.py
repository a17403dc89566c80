"""Read record files, keeping what each produced by content, so no file is parsed twice.

Reading a record (the YAML reader, the router, Pydantic, the record's own checks) costs about
half a millisecond, and every command reads the whole register: 10,000 records paid five
seconds on every gate, review and site build. Files read before come from the record cache
(caches/records.py); the others are read here, and on a second core a forked child reads part
of them into the cache meanwhile (`CachedReader.share_work`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from csi_tool.caches.records import BATCH, KeptRecord, RecordCache
from csi_tool.errors import CsiError, Finding, YamlError
from csi_tool.git.sources import FileSource, WorkTree, blob_id
from csi_tool.layout import REGISTER_DIR, SCHEMA_VERSION
from csi_tool.parallel import Background, MeetInTheMiddle, can_fork
from csi_tool.records.checks import record_problems
from csi_tool.records.migration import V1_PLACES, is_outdated, upgrade
from csi_tool.records.models import Record
from csi_tool.yaml import strict
from csi_tool.yaml.documents import Document, parse_document, validate_model


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
        self._helper: _Helper | None = None
        if self._cache is None:
            return
        try:
            contents = self._content_ids(source, self._cache)
        except CsiError:  # a link or a pipe in register/: reading the file says so, uncached
            return
        self._contents = {path: contents[path] for path in paths if path in contents}
        self._kept = self._cache.find(self._contents)

    @staticmethod
    def _content_ids(source: FileSource, cache: RecordCache) -> dict[str, str]:
        """Blob ids of the register's files: git's, or hashed bytes; on disk, files unchanged
        since an earlier command (by their stamps) are not read at all."""
        if not isinstance(source, WorkTree):
            return source.fingerprints(REGISTER_DIR)
        root, stamps = str(source.root.resolve()), source.stamps(REGISTER_DIR)
        known = cache.known_ids(root, stamps)
        source.adopt_ids(known)
        contents = source.fingerprints(REGISTER_DIR)
        fresh = [(path, stamp, contents[path]) for path, stamp in stamps.items()]
        cache.keep_ids(
            root, [entry for entry in fresh if entry[0] not in known and entry[0] in contents]
        )
        return contents

    @property
    def content_ids(self) -> dict[str, str]:
        """Path → content id of each file this reader reads whose id is known."""
        return dict(self._contents)

    def kept(self, path: str) -> bool:
        """Whether the file's record comes from the cache (its bytes need not be read)."""
        return path in self._kept

    def share_work(self) -> None:
        """On a second core, have a forked child read files the cache lacks into the cache,
        from the last one back, while this process reads them from the first one on.

        The child parses and validates its files and keeps each valid record in the cache;
        when this process reaches the files the child took, it takes them from the cache, at
        a fifth of the cost. What the child did not keep (an invalid file, a child that
        failed) is read here, so the result never depends on whether the child ran. Call
        after `prefetch`: the child inherits the bytes and never reads from git.
        """
        misses = [path for path in self._contents if path not in self._kept]
        if self._cache is None or len(misses) < _SHARED_FROM or not can_fork():
            return
        split = MeetInTheMiddle(len(misses))
        work = functools.partial(
            _read_into_cache, self._source, self._contents, misses, split, self._max_bytes
        )
        self._helper = _Helper(Background(work), split, {path: i for i, path in enumerate(misses)})

    def read(self, path: str, findings: list[Finding]) -> LoadedRecord | None:
        """The record in a file (None if invalid), adding the file's findings to `findings`."""
        helper = self._helper
        # past the point where the child took the rest: wait for it
        if helper and path in helper.misses and not helper.split.parent_takes(helper.misses[path]):
            self._join_helper()
        kept = self._kept.get(path)
        if kept is not None:  # the text is read again only if a finding needs its lines
            try:
                record = Record.model_validate_json(kept.record_json)
            except ValueError:  # a damaged entry (Pydantic's errors are ValueErrors): re-read
                kept = None
        if kept is not None:
            self._source.forget(path)
            findings.extend(kept.findings)
            return LoadedRecord(record, self._textless(path, kept))
        loaded, kept = read_fresh(self._source, path, self._contents.get(path), self._max_bytes)
        findings.extend(loaded.findings)
        if kept is None or loaded.record is None:
            return loaded.record
        self._new.append((path, self._contents[path], kept))
        if len(self._new) >= BATCH and self._cache is not None:  # never all in memory
            self._cache.keep(self._new)
            self._new = []
        # held as if it came from the cache: 10,000 texts would be a tenth of a site build's
        # memory, and only a file with a finding needs its text again
        return LoadedRecord(loaded.record.record, self._textless(path, kept))

    def _textless(self, path: str, kept: KeptRecord) -> Document:
        """The document of a record kept by content: its text is read again on demand."""
        content = self._contents[path]
        reread = functools.partial(self._reread, path, content)
        return Document(path, None, keys=kept.keys, content_id=content, reread=reread)

    def _join_helper(self) -> None:
        """Wait for the child and take what it kept."""
        assert self._helper is not None and self._cache is not None
        helper, self._helper = self._helper, None
        helper.child.result()
        self._kept.update(self._cache.find({path: self._contents[path] for path in helper.misses}))

    def _reread(self, path: str, content: str) -> str:
        data = self._source.read_bytes(path, self._max_bytes)
        if blob_id(data) != content:  # the record was read from other bytes than these
            message = "the file changed while csi was reading the register; run csi again"
            raise YamlError(Finding(path, 1, 1, "", message))
        return strict.decode(data, path, self._max_bytes)

    def close(self) -> None:
        """Keep what was read the slow way, for the next command."""
        if self._helper is not None:  # never left running (files not read after all)
            self._join_helper()
        if self._cache is not None:
            self._cache.keep(self._new)
            self._cache.close()


_SHARED_FROM = 1000  # files the cache lacks: fewer, and a fork costs more than it saves


@dataclass(frozen=True)
class _Helper:
    """A child reading files into the cache: the files the cache lacked, by their order."""

    child: Background[int]
    split: MeetInTheMiddle
    misses: dict[str, int]


@dataclass(frozen=True)
class FreshRead:
    """A file read the slow way: its record (None if invalid) and its findings."""

    record: LoadedRecord | None
    findings: list[Finding]


def read_fresh(
    source: FileSource, path: str, content: str | None, max_bytes: int
) -> tuple[FreshRead, KeptRecord | None]:
    """Read and check one file; with its entry for the cache when it can be kept (a valid
    record of the current schema version, with a content id)."""
    try:
        data = source.read_bytes(path, max_bytes)
        document, parsed, problems = parse_record(data, path, max_bytes)
    except YamlError as e:  # unreadable, or refused by the reference parser while placing
        return FreshRead(None, e.findings), None
    if parsed is None:
        return FreshRead(None, problems), None
    document.content_id = content
    kept = None
    if content is not None and not document.places:  # an outdated file is not kept
        kept = KeptRecord(parsed.model_dump_json(), problems, document.keys)
    return FreshRead(LoadedRecord(parsed, document), problems), kept


def _read_into_cache(
    source: FileSource,
    contents: Mapping[str, str],
    misses: list[str],
    split: MeetInTheMiddle,
    max_bytes: int,
) -> int:
    """Read the files `split` gives the child (path → content id in `contents`) and keep
    what can be kept; how many were kept. Runs in a forked child: it opens a connection of
    its own (one never crosses a fork)."""
    cache = RecordCache.open(max_bytes)
    if cache is None:
        return 0
    entries, count = [], 0
    for index in split.child_items():
        path = misses[index]
        _, kept = read_fresh(source, path, contents[path], max_bytes)
        if kept is not None:
            entries.append((path, contents[path], kept))
        if len(entries) >= BATCH:
            cache.keep(entries)
            count, entries = count + len(entries), []
    cache.keep(entries)
    cache.close()
    return count + len(entries)
