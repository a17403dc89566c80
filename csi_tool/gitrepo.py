"""The only importer of GitPython: what the register looks like on other branches."""

from __future__ import annotations

from pathlib import Path

import git


def open_repo(path: Path) -> git.Repo | None:
    """The git repository that contains `path`, or None outside git."""
    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def file_stems_on_all_branches(folder: Path) -> set[str]:
    """Stems of the files in `folder` on every local and remote-tracking branch.

    `csi new` uses this so two open pull requests never pick the same id.
    """
    repo = open_repo(folder.parent)
    if repo is None or repo.working_tree_dir is None:
        return set()
    relative = folder.resolve().relative_to(Path(repo.working_tree_dir).resolve()).as_posix()
    refs = repo.git.for_each_ref("--format=%(refname)", "refs/heads", "refs/remotes").split()
    stems: set[str] = set()
    for ref in refs:
        if ref.endswith("/HEAD"):
            continue
        listing = repo.git.ls_tree("--name-only", ref, f"{relative}/")
        stems.update(Path(name).stem for name in listing.splitlines())
    return stems
