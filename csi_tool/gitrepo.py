"""The only importer of GitPython: the register on other branches, at revisions, in history."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import ParamSpec, TypeVar

# Without a git binary GitPython refuses to import; csi must still validate files, and say
# plainly that git is missing when a command needs history.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
import git

from csi_tool.errors import ConfigError
from csi_tool.sources import not_a_plain_file

P = ParamSpec("P")
T = TypeVar("T")


def _git_errors(function: Callable[P, T]) -> Callable[P, T]:
    """Turn a failing git command (dubious ownership, corrupt repository) into a clear error."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return function(*args, **kwargs)
        except git.GitCommandError as e:
            detail = " ".join(str(e.stderr or e).split()) or str(e)
            raise ConfigError(f"git failed: {detail}") from e

    return wrapper


def open_repo(path: Path) -> git.Repo | None:
    """The git repository that contains `path`, or None outside git or without git installed."""
    if shutil.which("git") is None:
        return None
    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def require_repo(path: Path, purpose: str) -> git.Repo:
    """The repository that contains `path`, or an error that says why there is none."""
    if shutil.which("git") is None:
        raise ConfigError(f"git is not installed, and {purpose} needs it")
    repo = open_repo(path)
    if repo is None:
        raise ConfigError(f"{path} is not in a git repository, and {purpose} needs one")
    return repo


@_git_errors
def file_stems_on_all_branches(folder: Path) -> set[str]:
    """Stems of the files in `folder` on every local and remote-tracking branch.

    `csi new` uses this so two open pull requests never pick the same id.
    """
    repo = open_repo(folder.parent)
    if repo is None:
        return set()
    relative = _prefix(repo, folder)
    refs = repo.git.for_each_ref("--format=%(refname)", "refs/heads", "refs/remotes").split()
    stems: set[str] = set()
    for ref in refs:
        if ref.endswith("/HEAD"):
            continue
        listing = repo.git.ls_tree("--name-only", ref, f"{relative}/")
        stems.update(PurePosixPath(name).stem for name in listing.splitlines())
    return stems


def tree_entries(repo: git.Repo, sha: str, paths: Sequence[str]) -> Iterator[tuple[str, str, str]]:
    """(mode, blob id, path from the repository's top) of every file at or under `paths` at
    a commit, from one `git ls-tree` (submodules left out: csi reads no such thing)."""
    listing = repo.git.ls_tree("-r", "-z", "--full-tree", sha, "--", *paths)
    for entry in listing.split("\0"):
        meta, _, name = entry.partition("\t")
        if name:
            mode, kind, blob = meta.split()
            if kind == "blob":
                yield mode, blob, name


class GitRevision:
    """The register's files as they are at a git revision (a FileSource)."""

    @_git_errors
    def __init__(self, root: Path, ref: str) -> None:
        repo = require_repo(root, f"reading revision {ref}")
        self._repo = repo
        self._commit = resolve_commit(repo, ref)
        self._prefix = _prefix(repo, root)
        self._folders: dict[str, list[str] | None] = {}
        self._listed: dict[str, tuple[str, str]] = {}  # path → (mode, blob id)
        self._contents: dict[str, bytes] = {}
        self.ref = ref

    @property
    def label(self) -> str:
        return f"at {self.ref}"

    @_git_errors
    def list_files(self, folder: str) -> list[str] | None:
        """One `git ls-tree` per folder: walking tree objects from Python takes seconds."""
        if folder in self._folders:
            listed = self._folders[folder]
            return None if listed is None else list(listed)
        inside = f"{self._prefix}/{folder}" if self._prefix else folder
        files = []
        for mode, blob, relative in tree_entries(self._repo, self._commit.hexsha, [inside]):
            if relative.startswith(f"{inside}/"):
                relative = relative[len(self._prefix) + 1 :] if self._prefix else relative
                self._listed[relative] = (mode, blob)
                files.append(relative)
        self._folders[folder] = sorted(files) if files else None  # git keeps no empty folders
        return self._folders[folder]

    def fingerprints(self, folder: str) -> dict[str, str]:
        """Path → blob id of every file in `folder`, from the listing alone."""
        files = self.list_files(folder) or []
        return {path: self._listed[path][1] for path in files}

    @_git_errors
    def prefetch(self, paths: Sequence[str]) -> None:
        """Read these files in one `cat-file --batch` (see `read_blobs`)."""
        wanted = [p for p in paths if p in self._listed and p not in self._contents]
        contents = read_blobs(self._repo, [self._listed[path][1] for path in wanted])
        self._contents.update(zip(wanted, contents, strict=True))

    @_git_errors
    def read_bytes(self, relative: str, max_bytes: int) -> bytes:
        mode, _ = self._listed[relative]
        if int(mode, 8) == _SYMLINK_MODE:
            raise not_a_plain_file(relative, "a symbolic link")
        if relative not in self._contents:
            self.prefetch([relative])
        return self._contents[relative][: max_bytes + 1]


_SYMLINK_MODE = 0o120000


def read_blobs(repo: git.Repo, blob_ids: Sequence[str]) -> list[bytes]:
    """The content of many blobs through one `git cat-file --batch`.

    A round trip per blob costs about a millisecond: ten seconds for a register of 10,000
    records, where one batch takes a fraction of a second.
    """
    if not blob_ids:
        return []
    done = subprocess.run(
        ["git", "cat-file", "--batch"],
        input="".join(f"{blob}\n" for blob in blob_ids).encode("ascii"),
        capture_output=True,
        check=False,
        cwd=repo.working_tree_dir,
    )
    if done.returncode != 0:
        raise ConfigError(f"git failed: {done.stderr.decode(errors='replace').strip()}")
    out, position, contents = done.stdout, 0, []
    for _ in blob_ids:
        end = out.index(b"\n", position)  # "<id> blob <size>", then the bytes and a newline
        size = int(out[position:end].split()[2])
        contents.append(out[end + 1 : end + 1 + size])
        position = end + 1 + size + 1
    return contents


def resolve_commit(repo: git.Repo, ref: str) -> git.Commit:
    """The commit `ref` names, or a ConfigError that says how to fix a CI checkout."""
    try:
        commit = repo.commit(ref)
    except (git.BadName, ValueError, git.GitCommandError) as e:
        if Path(repo.git_dir, "shallow").exists():
            raise ConfigError(
                f"revision {ref!r} is not in this shallow clone; fetch the full history "
                "(actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)"
            ) from e
        raise ConfigError(
            f"unknown revision {ref!r}; check the name, or `git fetch` the branch first "
            "(in CI, a pull request's base is usually origin/<base branch>)"
        ) from e
    return commit


@_git_errors
def last_change_dates(root: Path, folder: str) -> dict[str, dt.date]:
    """Date of the last commit that touched each file of `folder`, as root-relative paths.

    One `git log` walk serves the whole register; files changed in the work tree but not
    committed are left out, so callers fall back to the file's own date for them.
    """
    repo = open_repo(root)
    if repo is None:
        return {}
    prefix = _prefix(repo, root)
    inside = f"{prefix}/{folder}" if prefix else folder
    try:
        log = repo.git.log("--format=%x00%cs", "--name-only", "--no-renames", "--", inside)
    except git.GitCommandError:  # a repository without commits has no history to read
        return {}
    dates: dict[str, dt.date] = {}
    for entry in log.split("\x00")[1:]:
        day, *names = entry.strip().splitlines()
        for name in names:
            relative = str(PurePosixPath(name).relative_to(prefix or "."))
            dates.setdefault(relative, dt.date.fromisoformat(day))
    dirty = repo.git.status("--porcelain", "--untracked-files=all", "--", inside)
    for line in dirty.splitlines():
        name = line[3:].split(" -> ")[-1].strip('"')
        dates.pop(str(PurePosixPath(name).relative_to(prefix or ".")), None)
    return dates


def _prefix(repo: git.Repo, path: Path) -> str:
    """`path` relative to the repository's top folder, '' for the top itself."""
    top = Path(repo.working_tree_dir or ".").resolve()
    relative = path.resolve().relative_to(top).as_posix()
    return "" if relative == "." else relative


@_git_errors
def fork_point(root: Path, base_ref: str, head_ref: str) -> str | None:
    """The merge base of two revisions (where a pull request branched off), or None."""
    repo = require_repo(root, "comparing revisions")
    resolve_commit(repo, base_ref)
    resolve_commit(repo, head_ref)
    bases = repo.merge_base(base_ref, head_ref)
    return bases[0].hexsha if bases else None


@dataclass(frozen=True)
class CommitInfo:
    """A mainline commit that touched the register, and the record files it changed."""

    sha: str
    parent: str | None
    author: str
    merged_by: str | None  # for merge commits: who merged; `author` is then the branch's author
    date: dt.datetime
    subject: str
    paths: tuple[str, ...]


class RegisterHistory:
    """The mainline history of a register's files."""

    @_git_errors
    def __init__(self, root: Path) -> None:
        repo = require_repo(root, "reading the history")
        if Path(repo.git_dir, "shallow").exists():
            raise ConfigError(
                "this is a shallow clone, so the history would be wrong: fetch the full "
                "history (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)"
            )
        self._repo = repo
        self._prefix = _prefix(repo, root)

    @_git_errors
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
                "--format=%x00%H%x1f%P%x1f%an%x1f%aI%x1f%s",
                "--",
                self._inside(folder),
            )
        except git.GitCommandError:  # no commits yet
            return []
        return [self._commit_info(entry) for entry in log.split("\x00")[1:]]

    @_git_errors
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
            path = name[len(self._prefix) + 1 :] if self._prefix else name
            if mode != "120000" and path in found:
                found[path] = blob
        return found

    @_git_errors
    def read(self, blobs: Sequence[str]) -> list[bytes]:
        """The content of many blobs, in one `git cat-file --batch`."""
        return read_blobs(self._repo, blobs)

    def _commit_info(self, entry: str) -> CommitInfo:
        header, *names = entry.strip("\n").splitlines()
        sha, parents, author, date, subject = header.split("\x1f", 4)
        parent_list = parents.split()
        merged_by = None
        if len(parent_list) > 1:
            merged_by, author = author, self._repo.commit(parent_list[1]).author.name or author
        paths = tuple(
            str(PurePosixPath(n).relative_to(self._prefix or ".")) for n in names if n.strip()
        )
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
