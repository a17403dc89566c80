"""`csi renumber`: a record added on a branch gets the next free id, its dependants follow."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import MINIMAL_RECORD, PROJECT, git, tree_digest, write_record


def _clash(tmp_path: Path) -> Path:
    """main and a branch each added CSI-0002; the branch's CSI-0003 depends on its CSI-0002."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    write_record(root, "CSI-0001", MINIMAL_RECORD.format(id="CSI-0001", title="First"))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "switch", "-qc", "mine")
    write_record(
        root,
        "CSI-0002",
        "# my idea, written with care\n" + MINIMAL_RECORD.format(id="CSI-0002", title="Mine"),
    )
    write_record(
        root,
        "CSI-0003",
        MINIMAL_RECORD.format(id="CSI-0003", title="Builds on mine")
        + "depends_on: [CSI-0001, CSI-0002]  # order kept\n",
    )
    git(root, "add", "-A")
    git(root, "commit", "-qm", "mine")
    git(root, "switch", "-q", "main")
    write_record(root, "CSI-0002", MINIMAL_RECORD.format(id="CSI-0002", title="Theirs"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "theirs")
    git(root, "switch", "-q", "mine")
    return root


def test_renumber_moves_the_record_and_its_dependants_follow(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    root = _clash(tmp_path)
    refused = run_csi(root, "gate", "--base", "main")
    assert refused.exit_code == 1 and "was taken at the base" in refused.output

    result = run_csi(root, "renumber", "CSI-0002", "CSI-0004")
    assert result.exit_code == 0, result.output
    assert not (root / "register" / "CSI-0002.yaml").exists()
    moved = (root / "register" / "CSI-0004.yaml").read_text()
    assert moved.startswith("# my idea, written with care\n") and "id: CSI-0004\n" in moved
    dependant = (root / "register" / "CSI-0003.yaml").read_text()
    assert dependant.endswith("depends_on: [CSI-0001, CSI-0004]  # order kept\n")
    assert run_csi(root, "validate").exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "renumber")
    git(root, "merge", "-q", "--no-edit", "main")  # no clash left
    assert run_csi(root, "gate", "--base", "main").exit_code == 0


def test_renumber_refuses_ids_main_knows_and_taken_or_malformed_ones(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    root = _clash(tmp_path)
    before = tree_digest(root)
    for old, new, message in (
        ("CSI-0001", "CSI-0009", "CSI-0001 is already on the base branch"),
        ("CSI-0002", "CSI-0003", "CSI-0003 is taken"),
        ("CSI-0002", "XYZ-1", "XYZ-1 is not an id of this register"),
        ("CSI-0042", "CSI-0043", "no valid record CSI-0042"),
    ):
        result = run_csi(root, "renumber", old, new)
        assert result.exit_code in (1, 2), (old, new, result.output)
        assert message in result.output, (old, new, result.output)
    assert tree_digest(root) == before
