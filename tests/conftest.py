"""Shared fixtures: throwaway registers in tmp_path, a pinned git identity, a CLI runner."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from csi_tool.cli.main import cli

PROJECT = Path(__file__).resolve().parent.parent
# What `csi init` is told to pin in tests: csi runs from a checkout without a remote here.
PINNED_SOURCE = (
    "csi-improvement-register @ git+https://git.example.invalid/acme/csi.git@" + "a1" * 20
)
# before/after files of round-trip edits, shared by the records and benefits tests
GOLDEN = PROJECT / "tests" / "golden"
MINIMAL_RECORD = """\
schema_version: 2
id: {id}
title: {title}
created: 2026-01-05
status: logged
"""


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every git command in tests commits as the same person, with no user config read."""
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.invalid")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Committer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "committer@example.invalid")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("CSI_ROOT", raising=False)
    monkeypatch.setenv("CSI_CACHE_DIR", str(tmp_path / "csi-cache"))  # hermetic: no shared cache
    (tmp_path / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n")


@pytest.fixture
def register_root(tmp_path: Path) -> Path:
    """A register with the project's default policies and one minimal record."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    write_record(root, "CSI-0001", MINIMAL_RECORD.format(id="CSI-0001", title="First record"))
    return root


@pytest.fixture
def example_root(tmp_path: Path) -> Path:
    """A copy of the bundled example register."""
    root = tmp_path / "example"
    for name in ("policies", "register", "schema"):
        shutil.copytree(PROJECT / name, root / name)
    return root


def write_record(root: Path, record_id: str, text: str) -> Path:
    path = root / "register" / f"{record_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def run_csi() -> Callable[..., Result]:
    """Run the csi command line in-process against a register root."""

    def run(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, ["--root", str(root), *args], env=env, catch_exceptions=False)

    return run


def git(cwd: Path, *args: str) -> str:
    """Run real git in `cwd` and return its output."""
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout


def tree_digest(root: Path) -> dict[str, str]:
    """Hash of every file under root, to prove a command modified nothing."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        # the lock an editing command takes is not data (csi init's .gitignore lists it)
        if p.is_file() and ".git" not in p.parts and p.name != ".csi-lock"
    }
