"""The git wing on real repositories: a revision read as files, the work tree beside it, the log."""

from __future__ import annotations

from pathlib import Path

import pytest

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
