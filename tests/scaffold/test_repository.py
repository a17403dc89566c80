"""`csi init`: a working register in any repository, without ever overwriting a file."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from csi_tool.yaml import strict
from tests.conftest import PINNED_SOURCE, PROJECT, git, tree_digest

TEMPLATES = PROJECT / "csi_tool" / "templates"
PIN = ("--install-source", PINNED_SOURCE)
EXPECTED = {
    ".github/CODEOWNERS",
    ".github/csi-requirements.txt",
    ".github/dependabot.yml",
    ".github/ISSUE_TEMPLATE/improvement.yml",
    ".github/PULL_REQUEST_TEMPLATE/approve.md",
    ".github/PULL_REQUEST_TEMPLATE/close.md",
    ".github/PULL_REQUEST_TEMPLATE/propose.md",
    ".github/workflows/register-intake.yml",
    ".github/workflows/register-pr.yml",
    ".github/workflows/register-publish.yml",
    ".github/workflows/register-refresh.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "policies/governance.yaml",
    "policies/measures.yaml",
    "policies/register.yaml",
    "policies/review.yaml",
    "policies/scoring.yaml",
    "policies/sources.yaml",
    "policies/workflow.yaml",
    "register/CSI-0001.yaml",
    "register/README.md",
    "schema/governance.schema.json",
    "schema/measures.schema.json",
    "schema/record.schema.json",
    "schema/register.schema.json",
    "schema/review.schema.json",
    "schema/scoring.schema.json",
    "schema/sources.schema.json",
    "schema/workflow.schema.json",
    "site/docs/about.md",
    "site/docs/assets/csi.css",
    "site/docs/assets/csi.js",
    "site/mkdocs.yml",
    "site/overrides/404.html",
    "site/overrides/main.html",
}


def test_init_writes_a_register_that_passes_its_own_checks(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    repo = tmp_path / "service-desk"
    result = run_csi(tmp_path, "init", str(repo), *PIN)
    assert result.exit_code == 0, result.output
    written = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("wrote")}
    assert written == EXPECTED
    for args in (["validate"], ["schema", "--check"], ["codeowners", "--check"], ["prioritize"]):
        assert run_csi(repo, *args).exit_code == 0, args


def test_init_never_overwrites_and_says_what_it_skipped(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    repo = tmp_path / "existing"
    (repo / "policies").mkdir(parents=True)
    (repo / "README.md").write_text("# Our repository\n")
    (repo / ".gitignore").write_text("node_modules/\n")
    workflow = (
        (TEMPLATES / "policies" / "workflow.yaml")
        .read_text()
        .replace("# The workflow", "# Our own workflow")
    )
    (repo / "policies" / "workflow.yaml").write_text(workflow)
    before = tree_digest(repo)

    first = run_csi(tmp_path, "init", str(repo), *PIN)

    assert "added   lines to .gitignore" in first.stdout
    assert "skipped policies/workflow.yaml (exists)" in first.stdout
    kept = {name: digest for name, digest in before.items() if name != ".gitignore"}
    assert all(tree_digest(repo)[name] == digest for name, digest in kept.items())
    ignored = (repo / ".gitignore").read_text()
    assert ignored.startswith("node_modules/\n")
    assert {"build/", ".csi-lock", ".csi-journal.json", ".*.csi-*.tmp"} <= set(ignored.split())
    after_first = tree_digest(repo)
    second = run_csi(tmp_path, "init", str(repo), *PIN)
    assert [line for line in second.stdout.splitlines() if line.startswith("wrote")] == []
    assert "skipped .gitignore (exists)" in second.stdout
    assert tree_digest(repo) == after_first


def test_this_repository_is_a_register_made_from_the_templates() -> None:
    """Drift between the templates and this repository's own files would go unnoticed."""
    for folder in ("policies", "site"):
        comparison = filecmp.dircmp(PROJECT / folder, TEMPLATES / folder)
        expected = sorted([_OWN_GOVERNANCE, _OWN_SOURCES]) if folder == "policies" else []
        assert sorted(_differences(comparison)) == expected, folder
    # This repository measures its own example export first; then a team's, as the template.
    [example, *theirs] = _governance(PROJECT / "policies" / _OWN_SOURCES)["sources"]
    [template_source] = _governance(TEMPLATES / "policies" / _OWN_SOURCES)["sources"]
    assert example["path"] == "exports/example-incidents.csv" and example["name"] == "incidents"
    assert theirs == [template_source | {"name": "servicenow"}]
    # And it also protects csi's own source and build.
    ours = _governance(PROJECT / "policies" / _OWN_GOVERNANCE)
    template = _governance(TEMPLATES / "policies" / _OWN_GOVERNANCE)
    shared = template.pop("protected_paths")
    protected = ours.pop("protected_paths")
    assert ours == template
    assert protected[: len(shared)] == shared
    assert protected[len(shared) :] == [
        "csi_tool/",
        "pyproject.toml",
        ".ci/",
        ".pre-commit-hooks.yaml",
    ]


_OWN_GOVERNANCE = "governance.yaml"
_OWN_SOURCES = "sources.yaml"


def _governance(path: Path) -> dict[str, Any]:
    return strict.load_fast(path.read_text(encoding="utf-8"), str(path))


def _differences(comparison: filecmp.dircmp[str]) -> list[str]:
    found = [*comparison.left_only, *comparison.right_only, *comparison.diff_files]
    for sub in comparison.subdirs.values():
        found += _differences(sub)
    return [name for name in found if name != "__pycache__"]


@pytest.mark.skipif(os.environ.get("CSI_SKIP_NETWORK_TESTS") == "1", reason="needs PyPI")
def test_the_pre_commit_hook_works_through_pre_commit(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    """pre-commit installs this repository's hook (from PyPI's packages) and runs it."""
    repo = tmp_path / "adopter"
    assert run_csi(tmp_path, "init", str(repo), *PIN).exit_code == 0
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache")}
    pre_commit = str(Path(sys.executable).parent / "pre-commit")

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "try-repo", str(PROJECT), "csi-validate", "--all-files"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )

    clean = try_repo()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "csi validate" in clean.stdout and "Passed" in clean.stdout

    record = repo / "register" / "CSI-0001.yaml"
    record.write_text(record.read_text().replace("status: logged", "status: closed"))
    git(repo, "add", "-A")
    broken = try_repo()
    assert broken.returncode == 1
    assert "register/CSI-0001.yaml" in broken.stdout and "closed needs" in broken.stdout


def test_init_says_which_branch_protection_the_guarantees_need(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    result = run_csi(tmp_path, "init", str(tmp_path / "adopter"), *PIN)
    assert result.exit_code == 0
    for needed in (
        "approval from Code Owners",
        "`Validate and gate the register`",
        "up to date before merging, or use a merge queue",
    ):
        assert needed in result.stderr
