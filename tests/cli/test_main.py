"""The command line as a user meets it: exit codes, output formats, safe output in CI logs."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from csi_tool.cli.support import CsiGroup
from tests.conftest import MINIMAL_RECORD, PROJECT, write_record

HOSTILE_KEY = '"x\\n::add-mask::leaked\\n::error::fake": 1\n'


def test_example_register_is_clean(run_csi: Callable[..., Result]) -> None:
    result = run_csi(PROJECT, "validate")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.strip() == "ok: 18 record(s) checked, no findings"


def test_console_script_runs_from_a_subfolder(example_root: Path) -> None:
    """The installed `csi` finds the register root above the current folder, like git does."""
    csi = Path(sys.executable).with_name("csi")
    done = subprocess.run(
        [str(csi), "validate"], cwd=example_root / "register", capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_json_format_lists_every_finding(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    write_record(register_root, "CSI-0002", "schema_version: 2\nid: CSI-0002\nstatus: nope\n")
    result = run_csi(register_root, "validate", "--format", "json")
    payload = json.loads(result.stdout)
    assert result.exit_code == 1
    # both record files were read; the one with findings is counted too
    assert payload["summary"] == {"files_with_findings": 1, "findings": 2, "records_checked": 2}
    assert {(f["line"], f["field"], f["message"]) for f in payload["findings"]} == {
        (1, "title", "required field 'title' is missing"),
        (1, "created", "required field 'created' is missing"),
    }


def test_auto_format_uses_annotations_inside_github_actions(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    write_record(register_root, "CSI-0002", "schema_version: 2\nid: CSI-0002\ntitle: 50%, ok\n")
    result = run_csi(register_root, "validate", env={"GITHUB_ACTIONS": "true"})
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert (
        "::error file=register/CSI-0002.yaml,line=1,col=1,title=created::required field "
        in (lines[0])
    )
    assert all(line.startswith("::error file=register/CSI-0002.yaml,") for line in lines)


def test_github_format_escapes_data_and_properties(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    write_record(
        register_root, "CSI-0002", MINIMAL_RECORD.format(id="CSI-0002", title="okay") + HOSTILE_KEY
    )
    result = run_csi(register_root, "validate", "--format", "github")
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0] == (
        "::error file=register/CSI-0002.yaml,line=6,col=1,"
        "title=x%0A%3A%3Aadd-mask%3A%3Aleaked%0A%3A%3Aerror%3A%3Afake"
        "::unknown field 'x\\n::add-mask::leaked\\n::error::fake'"
    )
    # a carriage return, even escaped, never reaches the model: refused at the key's line
    write_record(
        register_root,
        "CSI-0002",
        MINIMAL_RECORD.format(id="CSI-0002", title="okay") + '"x\\r::error::fake": 1\n',
    )
    refused = run_csi(register_root, "validate", "--format", "github").stdout.splitlines()
    assert refused == [
        "::error file=register/CSI-0002.yaml,line=6,col=1,title=x%0D%3A%3Aerror%3A%3Afake"
        "::control character U+000D is not allowed"
    ]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_record_text_never_starts_a_workflow_command(
    fmt: str, register_root: Path, run_csi: Callable[..., Result]
) -> None:
    write_record(
        register_root, "CSI-0002", MINIMAL_RECORD.format(id="CSI-0002", title="okay") + HOSTILE_KEY
    )
    result = run_csi(register_root, "validate", "--format", fmt)
    assert result.exit_code == 1
    for line in (result.stdout + result.stderr).splitlines():
        assert not line.lstrip().startswith("::"), line
    assert "add-mask" in result.stdout  # still shown, as inert text


def test_paths_limit_the_report_to_those_files(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    write_record(register_root, "CSI-0002", "schema_version: 2\nid: CSI-0002\n")
    write_record(register_root, "CSI-0003", "schema_version: 2\nid: CSI-0003\n")
    only = run_csi(register_root, "validate", str(register_root / "register" / "CSI-0003.yaml"))
    everything = run_csi(register_root, "validate", str(register_root / "register"))
    assert only.exit_code == 1
    assert {line.split(":")[0] for line in only.stdout.splitlines()} == {"register/CSI-0003.yaml"}
    assert {line.split(":")[0] for line in everything.stdout.splitlines()} == {
        "register/CSI-0002.yaml",
        "register/CSI-0003.yaml",
    }
    clean = run_csi(register_root, "validate", str(register_root / "register" / "CSI-0001.yaml"))
    assert clean.exit_code == 0


def test_usage_and_configuration_errors_exit_2(
    tmp_path: Path, register_root: Path, run_csi: Callable[..., Result]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    missing_policies = run_csi(empty, "validate")
    assert missing_policies.exit_code == 2
    assert missing_policies.stderr.strip() == "csi: policies/ is missing (work tree)"

    (register_root / "policies" / "register.yaml").unlink()
    missing_file = run_csi(register_root, "validate")
    assert missing_file.exit_code == 2
    assert "policies/register.yaml is missing" in missing_file.stderr

    assert run_csi(register_root, "validate", "--format", "xml").exit_code == 2
    assert run_csi(register_root, "validate", str(tmp_path / "nope.yaml")).exit_code == 2


def test_unknown_policy_files_and_stray_yaml_are_reported(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    (register_root / "policies" / "workflows.yaml").write_text("schema_version: 1\n")
    (register_root / "register" / "CSI-0002.yml").write_text("schema_version: 1\n")
    (register_root / "register" / "old").mkdir()
    (register_root / "register" / "old" / "CSI-0003.yaml").write_text("schema_version: 1\n")
    result = run_csi(register_root, "validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "policies/workflows.yaml:1:1: unknown policy file; expected one of: "
        "governance.yaml, measures.yaml, register.yaml, review.yaml, scoring.yaml, sources.yaml, "
        "workflow.yaml",
        "register/CSI-0002.yml:1:1: not read: record files live as <id>.yaml",
        "register/old/CSI-0003.yaml:1:1: not read: record files live directly in register/",
    ]


def test_no_root_found_is_a_configuration_error(tmp_path: Path) -> None:
    csi = Path(sys.executable).with_name("csi")
    done = subprocess.run([str(csi), "validate"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 2
    assert "no policies/ folder in" in done.stderr
    assert "Traceback" not in done.stderr


def test_unexpected_errors_exit_3_without_a_traceback() -> None:
    group = CsiGroup(name="csi")

    @group.command()
    def explode() -> None:
        raise RuntimeError("boom")

    result = CliRunner().invoke(group, ["explode"])
    assert result.exit_code == 3
    assert "csi: unexpected error (RuntimeError: boom)" in result.stderr
    assert "Traceback" not in result.output


def test_policy_findings_exit_1_and_records_are_still_checked(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    workflow = register_root / "policies" / "workflow.yaml"
    workflow.write_text(workflow.read_text().replace("initial: logged", "initial: start"))
    write_record(register_root, "CSI-0002", "schema_version: 2\nid: CSI-0002\n")
    result = run_csi(register_root, "validate")
    assert result.exit_code == 1
    paths = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert paths[0] == "policies/workflow.yaml"
    assert "register/CSI-0002.yaml" in paths


def test_version(run_csi: Callable[..., Result]) -> None:
    assert run_csi(PROJECT, "--version").stdout.startswith("csi, version ")


def test_help_lists_the_commands(run_csi: Callable[..., Result]) -> None:
    out = run_csi(PROJECT, "--help").stdout
    for command in ("validate", "new", "schema"):
        assert command in out


def test_paths_outside_the_register_or_not_read_by_csi_are_usage_errors(
    register_root: Path,
    tmp_path: Path,
    run_csi: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "base.yaml").write_text("a: 1\n")
    (register_root / "stray.yaml").write_text("a: 1\n")
    monkeypatch.chdir(register_root)
    outside = run_csi(register_root, "validate", "../base.yaml")
    stray = run_csi(register_root, "validate", "stray.yaml")
    assert outside.exit_code == 2 and "not inside the register" in outside.stderr
    assert stray.exit_code == 2 and "csi reads only register/ and policies/" in stray.stderr


def test_carriage_returns_in_messages_cannot_start_workflow_commands(
    register_root: Path, run_csi: Callable[..., Result]
) -> None:
    result = run_csi(
        register_root,
        "validate",
        "nope\r::add-mask::leak\r::error::injected",
        env={"GITHUB_ACTIONS": "true"},
    )
    assert result.exit_code == 2
    assert "\r" not in result.stderr
    for line in result.stderr.splitlines():
        assert not line.lstrip().startswith("::")


def test_validate_works_without_git_and_history_says_git_is_missing(example_root: Path) -> None:
    """A slim container without git: files still validate; history explains what is missing."""
    bin_dir = Path(sys.executable).parent
    env = {"PATH": str(bin_dir), "HOME": str(example_root)}
    validate = subprocess.run(
        [str(bin_dir / "csi"), "validate"],
        cwd=example_root,
        capture_output=True,
        text=True,
        env=env,
    )
    history = subprocess.run(
        [str(bin_dir / "csi"), "history"], cwd=example_root, capture_output=True, text=True, env=env
    )
    assert validate.returncode == 0, validate.stderr
    assert history.returncode == 2
    assert history.stderr.strip() == "csi: git is not installed, and reading the history needs it"


def test_validate_caches_its_result_outside_the_tree_and_never_serves_it_stale(
    register_root: Path,
    tmp_path: Path,
    run_csi: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("CSI_CACHE_DIR", str(cache))
    assert run_csi(register_root, "validate").exit_code == 0
    entries = list(cache.glob("validate-*.json"))
    assert len(entries) == 1  # written in the user's cache folder, not the repository
    assert not list(register_root.rglob("validate-*.json"))
    assert run_csi(register_root, "validate").exit_code == 0  # served from the cache

    record = register_root / "register" / "CSI-0001.yaml"
    record.write_text(record.read_text().replace("status: logged", "status: closed"))
    assert run_csi(register_root, "validate").exit_code == 1  # new content, new key

    record.write_text(record.read_text().replace("status: closed", "status: logged"))
    workflow = register_root / "policies" / "workflow.yaml"
    workflow.write_text(
        workflow.read_text().replace(
            "  logged:\n    description:", "  logged:\n    requires: [owner]\n    description:"
        )
    )
    changed_policy = run_csi(register_root, "validate")
    assert changed_policy.exit_code == 1  # a changed policy invalidates the cached result
    assert "logged needs an owner" in changed_policy.stdout

    entry = sorted(cache.glob("validate-*.json"))[0]
    entry.write_text("{damaged")
    assert run_csi(register_root, "validate").exit_code in (0, 1)  # a damaged entry is a miss


def test_every_command_takes_today_from_csi_today(
    register_root: Path, run_csi: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-run of yesterday's job, or a test, fixes the date for prioritize as for the rest."""
    monkeypatch.setenv("CSI_TODAY", "2031-01-02")
    result = run_csi(register_root, "prioritize")
    assert "as of 2031-01-02" in result.output
