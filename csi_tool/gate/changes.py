"""What a pull request changes in the register: records added, modified, renamed, deleted,
made unreadable, or repaired (unreadable at the base)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

from csi_tool.errors import YamlError, shown_path
from csi_tool.git.sources import WHOLE_FILE, FileSource, blob_id
from csi_tool.layout import RECORD_SUFFIX, REGISTER_DIR
from csi_tool.records.reading import LoadedRecord
from csi_tool.records.register import Register


class ChangeKind(StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    RENAMED = "renamed"
    DELETED = "deleted"
    UNREADABLE = "unreadable"  # its file is still there, but cannot be read at the head
    REPAIRED = "repaired"  # its file could not be read at the base, and can be now


@dataclass(frozen=True)
class RecordChange:
    """One record as it was before the change and as it is after (None when absent)."""

    kind: ChangeKind
    record_id: str
    before: LoadedRecord | None
    after: LoadedRecord | None
    file: str | None = None  # where neither version could be read: a new file that fails

    @property
    def path(self) -> str:
        """The file a reader should look at: the new one, or the deleted one."""
        item = self.after or self.before
        if item is None:
            assert self.file is not None
            return self.file
        return item.document.path

    @property
    def title(self) -> str:
        """The record's current title."""
        item = self.after or self.before
        return item.record.title if item else "(the file cannot be read)"


def record_changes(
    before: Register, after: Register, touched: Collection[str] = ()
) -> list[RecordChange]:
    """Every record whose content, file or existence differs, matched by id, in id order.

    Records are matched by id so a rename cannot pass for a new record plus a deletion. A
    record missing at the head whose file is still there (it fails to read, or its id is
    taken) is unreadable, not deleted: its findings say what is wrong. So is a record file
    in `touched` (files changed and present at the head) that was no record at the base and
    is none at the head.
    """
    changes = []
    indexed = {item.document.path for item in after.records.values()}
    # files still there that were not taken as records (invalid, or with a taken id)
    unread = ({*after.unreadable} | {finding.path for finding in after.findings}) - indexed
    for record_id in sorted(set(before.records) | set(after.records)):
        old, new = before.records.get(record_id), after.records.get(record_id)
        if old is None and new is not None:
            repaired = new.document.path in before.unreadable
            kind = ChangeKind.REPAIRED if repaired else ChangeKind.ADDED
            changes.append(RecordChange(kind, record_id, None, new))
        elif new is None and old is not None:
            gone = old.document.path not in unread
            kind = ChangeKind.DELETED if gone else ChangeKind.UNREADABLE
            changes.append(RecordChange(kind, record_id, old, None))
        elif old is not None and new is not None:
            if old.document.path != new.document.path:
                changes.append(RecordChange(ChangeKind.RENAMED, record_id, old, new))
            elif old is not new and not old.document.same_content(new.document):
                changes.append(RecordChange(ChangeKind.MODIFIED, record_id, old, new))
    # a record file changed by the pull request that was a record neither before nor after
    # (new and broken, new with a taken id, still broken): no record, a change all the same
    known = indexed | {item.document.path for item in before.records.values()}
    for path in sorted(set(touched) - known):
        folder, _, name = path.rpartition("/")
        if folder == REGISTER_DIR and name.endswith(RECORD_SUFFIX) and not name.startswith("."):
            shown = shown_path(path)
            stem = PurePosixPath(shown).stem
            changes.append(RecordChange(ChangeKind.UNREADABLE, stem, None, None, shown))
    return sorted(changes, key=lambda change: change.record_id)


def changed_files(
    before: Mapping[str, str], after: Mapping[str, str], folders: tuple[str, ...]
) -> list[str]:
    """Paths in `folders` added, removed or modified between two maps of content ids, sorted."""
    return sorted(
        path
        for path in set(before) | set(after)
        if before.get(path) != after.get(path) and path.split("/", 1)[0] in folders
    )


def fingerprints(source: FileSource, folders: Iterable[str]) -> dict[str, str]:
    """Path → content id of every file in `folders`, to compare two revisions by."""
    found: dict[str, str] = {}
    for folder in folders:
        try:
            found.update(source.fingerprints(folder))
        except YamlError:  # a link or a pipe among them: the rest are still compared
            found.update(_one_by_one(source, folder))
    return found


# The content id of a file that is not read (a link, a pipe): it differs from every blob, so
# the file counts as changed, and reading it as a record says why it is refused.
_NOT_READ = "not a plain file"


def _one_by_one(source: FileSource, folder: str) -> Iterator[tuple[str, str]]:
    for path in source.list_files(folder) or []:
        try:
            yield path, blob_id(source.read_bytes(path, WHOLE_FILE))
        except YamlError:
            yield path, _NOT_READ
