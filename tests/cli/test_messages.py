"""Messages that used to mislead: each now says what is wrong and how to fix it, exit 1 or 2."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from csi_tool.report import counted
from tests.builders import record_yaml
from tests.conftest import MINIMAL_RECORD, PROJECT, git, write_record


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    write_record(root, "CSI-0001", MINIMAL_RECORD.format(id="CSI-0001", title="First"))
    closed = record_yaml("CSI-0002", "in_progress")
    write_record(root, "CSI-0002", closed)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "switch", "-qc", "pr")
    return root


def test_a_yaml_typo_is_a_typo_not_a_deletion(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    root = _repo(tmp_path)
    record = root / "register" / "CSI-0001.yaml"
    record.write_text(record.read_text().replace("title: First", "title: [First"))
    payload = json.loads(run_csi(root, "gate", "--base", "main", "--format", "json").stdout)
    codes = {r["code"] for r in payload["refusals"]}
    assert "deleted" not in codes and codes, payload["refusals"]


def test_deleting_a_record_in_a_final_state_is_not_told_to_withdraw_it(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    root = _repo(tmp_path)
    record = root / "register" / "CSI-0001.yaml"
    record.write_text(
        record.read_text().replace("status: logged", "status: withdrawn")
        + "withdrawal: {date: 2026-02-01, by: '@me', reason: Duplicate}\n"
    )
    git(root, "commit", "-qam", "withdraw")
    git(root, "switch", "-q", "main")
    git(root, "merge", "-q", "pr")
    git(root, "switch", "-qc", "delete")
    record.unlink()
    payload = json.loads(run_csi(root, "gate", "--base", "main", "--format", "json").stdout)
    [refusal] = payload["refusals"]
    assert refusal["code"] == "deleted"
    assert "it is in a final state" in refusal["message"]
    assert "set its status to withdrawn" not in refusal["message"]


def test_a_register_that_is_not_a_folder_is_a_setup_error(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    shutil.rmtree(register_root / "register")
    (register_root / "register").write_text("not a folder\n")
    for args in (("validate",), ("new", "--title", "An idea"), ("prioritize",)):
        result = run_csi(register_root, *args)
        assert result.exit_code == 2, (args, result.output)
        assert "is not a folder" in result.stderr
        assert "Errno" not in result.output


def test_history_without_commits_says_so(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    git(register_root, "init", "-q")
    result = run_csi(register_root, "history")
    assert result.exit_code == 2
    assert "the repository has no commits yet" in result.stderr
    assert "git fetch" not in result.stderr


def test_serving_on_a_busy_port_says_so_before_building(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    shutil.copytree(PROJECT / "site", register_root / "site")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_csi(register_root, "site", "serve", "--port", str(port))
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 cannot be used" in result.stderr
    assert "Errno" not in result.stderr


def test_new_outside_git_warns_and_shows_what_comes_next(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    result = run_csi(register_root, "new", "--title", "Faster access requests")
    assert result.exit_code == 0, result.output
    assert "ids taken on other branches were not checked" in result.stderr
    text = (register_root / "register" / "CSI-0002.yaml").read_text()
    assert "# — needed to become validated —\n# source:" in text
    assert "# metrics:" in text and "# assessment:" in text
    assert run_csi(register_root, "validate").exit_code == 0


def test_counts_read_as_english() -> None:
    assert counted(1, "day") == "1 day"
    assert counted(2, "day") == "2 days"
    assert counted(1, "ranked improvement") == "1 ranked improvement"
    assert counted(0, "record") == "0 records"


def test_new_record_hints_never_repeat_a_field_already_written(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    run_csi(register_root, "new", "--title", "An idea", "--owner", "@alice")
    text = (register_root / "register" / "CSI-0002.yaml").read_text()
    assert "owner: '@alice'" in text and "# owner:" not in text
    assert "# plan:" in text  # in_progress needs a plan with a due date
