"""The README's quick start stays true: exactly two commands, and CI runs the test one."""

from __future__ import annotations

import re

from tests.conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")
QUICK_START = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
COMMANDS = re.findall(r"```sh\n(.+?)\n```", QUICK_START, flags=re.DOTALL)


def test_quick_start_has_exactly_two_commands() -> None:
    assert len(COMMANDS) == 2
    assert all("\n" not in command for command in COMMANDS)
    steps = [step.strip() for step in COMMANDS[0].split("&&")]
    assert steps[-4:] == [
        ".venv/bin/csi validate",
        ".venv/bin/csi prioritize",
        ".venv/bin/csi review",
        ".venv/bin/csi site build",
    ]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = COMMANDS[1].removeprefix("python3 -m venv .venv && ")
    assert test_command in ci
    for tool in ("ruff check", "ruff format --check", "mypy", "pytest"):
        assert tool in test_command
