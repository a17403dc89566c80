"""The register's mainline history: commits that touched it, and when each file last changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import git

from csi_tool.errors import ConfigError
from csi_tool.git.repo import git_errors, open_repo, repo_path, require_repo, resolve_commit
from csi_tool.git.revisions import read_blobs, tree_entries


@git_errors
def last_change_dates(root: Path, folder: str) -> dict[str, dt.date]:
    """Date of the last commit that touched each file of `folder`, as root-relative paths.

    One `git log` walk serves the whole register; files changed in the work tree but not
    committed are left out, so callers fall back to the file's own date for them.
    """
    repo = open_repo(root)
    if repo is None:
        return {}
    prefix = repo_path(repo, root)
    inside = f"{prefix}/{folder}" if prefix else folder
    try:
        log = repo.git.log("-z", "--format=%x00%cs", "--name-only", "--no-renames", "--", inside)
    except git.GitCommandError:  # a repository without commits has no history to read
        return {}
    dates: dict[str, dt.date] = {}
    for day, names in _log_entries(log):
        for name in names:
            dates.setdefault(_below(prefix, name), dt.date.fromisoformat(day))
    dirty = iter(
        repo.git.status("--porcelain", "-z", "--untracked-files=all", "--", inside).split("\0")
    )
    for entry in dirty:  # "XY path", and after a rename or copy, the path it came from
        if entry:
            dates.pop(_below(prefix, entry[3:]), None)
            if "R" in entry[:2] or "C" in entry[:2]:
                next(dirty, None)
    return dates


def _log_entries(log: str) -> list[tuple[str, list[str]]]:
    """(header, paths) of each commit in the output of `git log -z --name-only` with a
    format that starts with a NUL. With -z every path comes as it is named: a line-based
    listing quotes those with a double quote, a tab or (by default) a byte outside ASCII.
    Each commit is an empty field, its header, then its paths, the first after a newline."""
    entries: list[tuple[str, list[str]]] = []
    header_next = False
    for field in log.split("\0"):
        if header_next:
            entries.append((field, []))
            header_next = False
        elif not field:
            header_next = True
        elif entries:
            paths = entries[-1][1]
            paths.append(field if paths else field.removeprefix("\n"))
    return entries


def _below(prefix: str, name: str) -> str:
    """A path git printed from the repository's top, relative to `prefix` (where the register
    lies in the repository; empty at its top). Git prints paths already normal, so string
    operations do what pathlib would, for a tenth of the time: a walk lists every file."""
    if not prefix:
        return name
    if not name.startswith(f"{prefix}/"):
        raise ValueError(f"{name!r} is not in {prefix!r}")
    return name[len(prefix) + 1 :]


@dataclass(frozen=True)
class CommitInfo:
    """A mainline commit that touched the register, and the record files it changed."""

    sha: str
    parent: str | None
    author: str
    merged_by: str | None  # for merge commits: who merged; `author` is then the branch's author
    date: dt.datetime  # when it landed on the branch (committer date), not when written
    subject: str
    paths: tuple[str, ...]


class RegisterHistory:
    """The mainline history of a register's files."""

    @git_errors
    def __init__(self, root: Path) -> None:
        repo = require_repo(root, "reading the history")
        if Path(repo.git_dir, "shallow").exists():
            raise ConfigError(
                "this is a shallow clone, so the history would be wrong: fetch the full "
                "history (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)"
            )
        self._repo = repo
        self._prefix = repo_path(repo, root)

    @git_errors
    def commits(self, folder: str, ref: str = "HEAD") -> list[CommitInfo]:
        """Mainline (first-parent) commits that changed files in `folder`, oldest first.

        Following the first parent sees a merged pull request as one change, the way the
        base branch saw it, whether it was merged, squashed or committed directly.
        """
        resolve_commit(self._repo, ref)
        try:
            log = self._repo.git.log(
                ref,
                "--first-parent",
                "--diff-merges=first-parent",
                "--reverse",
                "--no-renames",
                "--name-only",
                "-z",
                "--format=%x00%H%x1f%P%x1f%an%x1f%cI%x1f%s",  # landed: committer date
                "--",
                self._inside(folder),
            )
        except git.GitCommandError:  # no commits yet
            return []
        return [self._commit_info(header, names) for header, names in _log_entries(log)]

    @git_errors
    def blob_ids(self, sha: str | None, paths: Sequence[str]) -> dict[str, str | None]:
        """Root-relative path → blob id of each of `paths` at a commit (None: not a plain file
        there), from one listing: a lookup per file would scan the folder each time."""
        found: dict[str, str | None] = dict.fromkeys(paths)
        if sha is None or not paths:
            return found
        inside = [self._inside(path) for path in paths]
        if len(inside) > 100:  # one listing of the folders beats a very long command line
            inside = sorted({path.rpartition("/")[0] + "/" for path in inside})
        for mode, blob, name in tree_entries(self._repo, sha, inside):
            path = _below(self._prefix, name)
            if mode != "120000" and path in found:
                found[path] = blob
        return found

    @git_errors
    def read(self, blobs: Sequence[str]) -> list[bytes]:
        """The content of many blobs, in one `git cat-file --batch`."""
        return read_blobs(self._repo, blobs)

    def _commit_info(self, header: str, names: list[str]) -> CommitInfo:
        sha, parents, author, date, subject = header.split("\x1f", 4)
        parent_list = parents.split()
        merged_by = None
        if len(parent_list) > 1:
            merged_by, author = author, self._repo.commit(parent_list[1]).author.name or author
        paths = tuple(_below(self._prefix, name) for name in names)
        return CommitInfo(
            sha,
            parent_list[0] if parent_list else None,
            author,
            merged_by,
            dt.datetime.fromisoformat(date),
            subject,
            paths,
        )

    def _inside(self, relative: str) -> str:
        return f"{self._prefix}/{relative}" if self._prefix else relative
