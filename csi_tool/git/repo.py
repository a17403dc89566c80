"""The repository itself: finding it, naming revisions in it, and ids taken on its branches."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import ParamSpec, TypeVar

import git

from csi_tool.errors import ConfigError

P = ParamSpec("P")
T = TypeVar("T")


def git_errors(function: Callable[P, T]) -> Callable[P, T]:
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


@git_errors
def file_stems_on_all_branches(folder: Path) -> set[str]:
    """Stems of the files in `folder` on every local and remote-tracking branch.

    `csi new` uses this so two open pull requests never pick the same id.
    """
    repo = open_repo(folder.parent)
    if repo is None:
        return set()
    relative = repo_path(repo, folder)
    refs = repo.git.for_each_ref("--format=%(refname)", "refs/heads", "refs/remotes").split()
    stems: set[str] = set()
    for ref in refs:
        if ref.endswith("/HEAD"):
            continue
        # -z: every name as it is (a line-based listing quotes some; see log.py)
        listing = repo.git.ls_tree("--name-only", "-z", ref, f"{relative}/")
        stems.update(PurePosixPath(name).stem for name in listing.split("\0") if name)
    return stems


def resolve_commit(repo: git.Repo, ref: str) -> git.Commit:
    """The commit `ref` names, or a ConfigError that says how to fix a CI checkout."""
    try:
        commit = repo.commit(ref)
        # GitPython resolves `HEAD~1` from the parent ids written in the child commit: in a
        # shallow clone that names a commit whose object is missing, so ask git it is there.
        repo.git.cat_file("-e", commit.hexsha)
    except (git.BadName, ValueError, git.GitCommandError) as e:
        if not repo.head.is_valid():
            raise ConfigError(
                f"revision {ref!r} does not exist: the repository has no commits yet"
            ) from e
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


def revision_exists(root: Path, ref: str) -> bool:
    """Whether `ref` names a commit in the repository that contains `root`."""
    repo = open_repo(root)
    if repo is None:
        return False
    try:
        resolve_commit(repo, ref)
    except ConfigError:
        return False
    return True


def repo_path(repo: git.Repo, path: Path) -> str:
    """`path` relative to the repository's top folder, '' for the top itself."""
    top = Path(repo.working_tree_dir or ".").resolve()
    relative = path.resolve().relative_to(top).as_posix()
    return "" if relative == "." else relative


@git_errors
def fork_point(root: Path, base_ref: str, head_ref: str) -> str:
    """The merge base of two revisions (where a pull request branched off).

    Without it the gate would compare with the base's tip and blame the pull request for
    every change the base received since, so its absence is an error, never a fallback.
    """
    repo = require_repo(root, "comparing revisions")
    resolve_commit(repo, base_ref)
    resolve_commit(repo, head_ref)
    bases = repo.merge_base(base_ref, head_ref)
    if bases:
        return str(bases[0].hexsha)
    if Path(repo.git_dir, "shallow").exists():
        raise ConfigError(
            f"the merge base of {base_ref} and {head_ref} is not in this shallow clone; fetch "
            "the full history (actions/checkout with `fetch-depth: 0`, or "
            "`git fetch --unshallow`)"
        )
    raise ConfigError(
        f"{base_ref} and {head_ref} have no common history: a pull request is judged against "
        "the base it branched from"
    )


@dataclass(frozen=True)
class CheckoutIdentity:
    """What names a checkout's code for others: its commit, where it was fetched from, and
    whether the commit is clean and known to that remote."""

    head: str
    remote_url: str | None  # the `origin` remote's URL
    clean: bool  # no tracked file differs from the commit
    published: bool  # a remote-tracking branch contains the commit


@git_errors
def checkout_identity(path: Path) -> CheckoutIdentity | None:
    """The identity of the checkout at `path`, or None when it is not one (or has no commit)."""
    repo = open_repo(path)
    if repo is None or not repo.head.is_valid():
        return None
    head = str(repo.head.commit.hexsha)
    try:
        remote_url: str | None = repo.git.remote("get-url", "origin").strip() or None
    except git.GitCommandError:
        remote_url = None
    clean = not repo.git.status("--porcelain", "--untracked-files=no").strip()
    published = bool(repo.git.branch("--remotes", "--contains", head).strip())
    return CheckoutIdentity(head, remote_url, clean, published)
