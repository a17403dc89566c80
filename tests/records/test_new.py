"""`csi new` in real git repositories: the next id is free on every local and remote branch."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from csi_tool.yaml import strict
from tests.conftest import MINIMAL_RECORD, git, tree_digest, write_record


def _commit_record(repo: Path, record_id: str) -> None:
    write_record(repo, record_id, MINIMAL_RECORD.format(id=record_id, title=f"Record {record_id}"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", f"Add {record_id}")


def _init_repo(root: Path) -> Path:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Initial register")
    return root


def test_new_skips_ids_taken_on_other_branches(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    repo = _init_repo(register_root)
    git(repo, "switch", "-qc", "improve-a")
    _commit_record(repo, "CSI-0002")
    git(repo, "switch", "-q", "main")
    git(repo, "switch", "-qc", "improve-b")
    _commit_record(repo, "CSI-0003")
    git(repo, "switch", "-q", "main")
    assert not (repo / "register" / "CSI-0002.yaml").exists()

    result = run_csi(repo, "new", "--title", "Third improvement")

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "register/CSI-0004.yaml"
    assert (repo / "register" / "CSI-0004.yaml").is_file()


def test_new_skips_ids_on_remote_tracking_branches(
    register_root: Path, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    origin = _init_repo(register_root)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    git(origin, "switch", "-qc", "someone-elses-pr")
    _commit_record(origin, "CSI-0007")
    git(clone, "fetch", "-q", "origin")
    assert "origin/someone-elses-pr" in git(clone, "branch", "-r")

    result = run_csi(clone, "new", "--title", "Mine")

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "register/CSI-0008.yaml"


def test_new_counts_uncommitted_records_in_the_work_tree(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    repo = _init_repo(register_root)
    write_record(repo, "CSI-0005", MINIMAL_RECORD.format(id="CSI-0005", title="Not committed"))

    result = run_csi(repo, "new", "--title", "Next")

    assert result.stdout.strip() == "register/CSI-0006.yaml"


def test_new_record_is_valid_and_keeps_awkward_text_literally(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    title = "yes: on # not a comment | 'quoted' & *star"
    result = run_csi(
        register_root, "new", "--title", title, "--service", "Service Desk", "--owner", "@acme/desk"
    )
    assert result.exit_code == 0, result.output

    path = register_root / "register" / "CSI-0002.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/record.schema.json\n")
    data = strict.load_fast(text, "x")
    assert data["title"] == title
    assert data["status"] == "logged"
    assert data["owner"] == "@acme/desk"
    assert data["created"] == dt.date.today().isoformat()
    assert run_csi(register_root, "validate").exit_code == 0


def test_new_refuses_bad_values_and_writes_nothing(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    before = tree_digest(register_root)

    two_lines = run_csi(register_root, "new", "--title", "two\nlines")
    bad_owner = run_csi(register_root, "new", "--title", "Fine title", "--owner", "desk team")

    assert two_lines.exit_code == 2
    assert "--title: must be one line of visible text" in two_lines.stderr
    assert bad_owner.exit_code == 2
    assert "--owner: must be a handle such as @alice" in bad_owner.stderr
    assert tree_digest(register_root) == before


def test_new_works_outside_git(register_root: Path, run_csi: Callable[..., Result]) -> None:
    result = run_csi(register_root, "new", "--title", "No git here")
    assert result.exit_code == 0
    assert (register_root / "register" / "CSI-0002.yaml").is_file()


def test_new_files_get_the_usual_permissions(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    old = os.umask(0o022)
    try:
        run_csi(register_root, "new", "--title", "Readable by the team")
    finally:
        os.umask(old)
    mode = (register_root / "register" / "CSI-0002.yaml").stat().st_mode & 0o777
    assert mode == 0o644


def test_odd_file_names_do_not_confuse_the_next_id(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    (register_root / "register" / "CSI-²⁵.yaml").write_text("x: 1\n")
    (register_root / "register" / "CSI-12x.yaml").write_text("x: 1\n")
    result = run_csi(register_root, "new", "--title", "Next one")
    assert result.exit_code == 0
    assert result.stdout.strip() == "register/CSI-0002.yaml"


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a folder's owner needs root")
def test_environment_problems_are_usage_errors_not_bugs(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    """A repository owned by someone else (common in CI containers) and a file where a folder
    should be are the machine's problems: exit 2 with git's or the system's own words."""
    repo = _init_repo(register_root)
    os.chown(repo, 12345, 12345)
    for path in repo.rglob("*"):
        os.lchown(path, 12345, 12345)
    dubious = run_csi(repo, "new", "--title", "Someone else's repo")
    assert dubious.exit_code == 2
    assert "git failed" in dubious.stderr and "dubious ownership" in dubious.stderr


def test_a_file_where_the_schema_folder_should_be(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    (register_root / "schema").write_text("not a folder\n")
    result = run_csi(register_root, "schema")
    assert result.exit_code == 2
    assert result.stderr.startswith("csi: [Errno 17] File exists")
