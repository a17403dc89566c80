"""The git wing on real repositories: a revision read as files, the work tree beside it, the log."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from csi_tool.errors import ConfigError, YamlError
from csi_tool.git.log import RegisterHistory, last_change_dates
from csi_tool.git.repo import file_stems_on_all_branches, fork_point
from csi_tool.git.revisions import GitRevision
from csi_tool.git.sources import WHOLE_FILE, WorkTree, blob_id
from tests.conftest import git


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose register lives one folder below the top, as in a monorepo."""
    top = tmp_path / "top"
    root = top / "improvement"
    (root / "register").mkdir(parents=True)
    git(top, "init", "-q")
    (root / "register" / "CSI-0001.yaml").write_bytes(b"id: CSI-0001\n")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "first")
    (root / "register" / "CSI-0002.yaml").write_bytes(b"id: CSI-0002\n")
    (root / "register" / "CSI-0001.yaml").write_bytes(b"id: CSI-0001\nchanged: yes\n")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "second (#7)")
    return root


def test_a_revision_reads_the_files_as_they_were(repo: Path) -> None:
    first = GitRevision(repo, "HEAD~1")
    assert first.list_files("register") == ["register/CSI-0001.yaml"]
    assert first.read_bytes("register/CSI-0001.yaml", WHOLE_FILE) == b"id: CSI-0001\n"
    assert first.list_files("policies") is None  # git keeps no empty or absent folder
    assert first.label == "at HEAD~1"


def test_fingerprints_agree_between_a_revision_and_the_work_tree(repo: Path) -> None:
    head, tree = GitRevision(repo, "HEAD"), WorkTree(repo)
    assert head.fingerprints("register") == tree.fingerprints("register")
    data = tree.read_bytes("register/CSI-0002.yaml", WHOLE_FILE)
    assert head.fingerprints("register")["register/CSI-0002.yaml"] == blob_id(data)


def test_a_committed_symbolic_link_is_refused(repo: Path) -> None:
    (repo / "register" / "CSI-0003.yaml").symlink_to("/etc/passwd")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "link")
    head = GitRevision(repo, "HEAD")
    assert "register/CSI-0003.yaml" in (head.list_files("register") or [])
    with pytest.raises(YamlError) as refused:
        head.read_bytes("register/CSI-0003.yaml", WHOLE_FILE)
    assert "a symbolic link" in refused.value.finding.message


def test_unknown_revisions_and_shallow_clones_say_how_to_fix_them(
    repo: Path, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="unknown revision 'nope'"):
        GitRevision(repo, "nope")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{repo.parent}", str(shallow))
    with pytest.raises(ConfigError, match="shallow clone"):
        GitRevision(shallow / "improvement", "HEAD~1")
    with pytest.raises(ConfigError, match="shallow clone"):
        RegisterHistory(shallow / "improvement")


def test_ids_on_other_branches_and_the_fork_point(repo: Path) -> None:
    top = repo.parent
    git(top, "checkout", "-q", "-b", "proposal")
    (repo / "register" / "CSI-0009.yaml").write_bytes(b"id: CSI-0009\n")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "proposal")
    git(top, "checkout", "-q", "main")
    assert file_stems_on_all_branches(repo / "register") == {"CSI-0001", "CSI-0002", "CSI-0009"}
    assert fork_point(repo, "main", "proposal") == git(top, "rev-parse", "main").strip()


def test_the_log_follows_the_mainline_and_dates_every_file(repo: Path) -> None:
    commits = RegisterHistory(repo).commits("register")
    assert [c.subject for c in commits] == ["first", "second (#7)"]
    assert commits[1].paths == ("register/CSI-0001.yaml", "register/CSI-0002.yaml")
    assert commits[0].parent is None and commits[1].parent == commits[0].sha
    dates = last_change_dates(repo, "register")
    assert set(dates) == {"register/CSI-0001.yaml", "register/CSI-0002.yaml"}
    (repo / "register" / "CSI-0002.yaml").write_bytes(b"id: CSI-0002\nedited: now\n")
    assert "register/CSI-0002.yaml" not in last_change_dates(repo, "register")  # uncommitted


# Names git would print quoted (C-style, in double quotes) in its line-based output: a byte
# outside ASCII with core.quotePath on (the default), and a double quote or a tab always.
_QUOTED_NAMES = ('a"b.md', "tab\there.md", "über.md")


@pytest.fixture
def quoted_repo(tmp_path: Path) -> Path:
    """A register in a folder whose name git quotes, beside files whose names it quotes."""
    top = tmp_path / "top"
    root = top / "Qualität" / "csi"
    (root / "register").mkdir(parents=True)
    git(top, "init", "-q")
    (root / "register" / "CSI-0001.yaml").write_bytes(b"id: CSI-0001\n")
    for name in _QUOTED_NAMES:
        (root / "register" / name).write_bytes(b"not a record\n")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "first")
    return root


def test_paths_git_would_quote_are_read_as_they_are_named(quoted_repo: Path) -> None:
    """Found by a review: `csi prioritize` and `csi history` stopped with an unexpected
    ValueError for a register in a folder named with an umlaut."""
    expected = {"register/CSI-0001.yaml", *(f"register/{name}" for name in _QUOTED_NAMES)}
    assert set(last_change_dates(quoted_repo, "register")) == expected
    (commit,) = RegisterHistory(quoted_repo).commits("register")
    assert set(commit.paths) == expected
    assert file_stems_on_all_branches(quoted_repo / "register") >= {"CSI-0001", 'a"b', "über"}
    (quoted_repo / "register" / 'a"b.md').write_bytes(b"changed, not committed\n")
    (quoted_repo / "register" / "naïve.md").write_bytes(b"new, not committed\n")
    git(quoted_repo, "mv", "register/tab\there.md", "register/ünder way.md")  # "R  to\0from"
    dated = set(last_change_dates(quoted_repo, "register"))
    assert dated == expected - {'register/a"b.md'}  # a file changed since is not dated by git


def test_quoted_names_at_the_top_of_the_repository_are_dated_too(tmp_path: Path) -> None:
    """With the register at the top nothing failed, but such files silently had no date."""
    (tmp_path / "register").mkdir()
    for name in _QUOTED_NAMES:
        (tmp_path / "register" / name).write_bytes(b"x\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "first")
    assert set(last_change_dates(tmp_path, "register")) == {
        f"register/{name}" for name in _QUOTED_NAMES
    }


def test_history_and_priorities_of_a_register_in_a_folder_git_quotes(
    tmp_path: Path, register_root: Path, run_csi: Callable[..., Result]
) -> None:
    top = tmp_path / "top"
    root = top / "Qualität" / "csi"
    shutil.copytree(register_root, root)
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "first")
    for command in (["prioritize", "--as-of", "2026-11-25"], ["history", "CSI-0001"]):
        result = run_csi(root, *command)
        assert result.exit_code == 0, result.output
        assert "unexpected error" not in result.output
