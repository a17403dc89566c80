"""Progress: shown to a person at a terminal for long work, never in CI logs or JSON."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate_register import generate_register
from csi_tool.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_redraws_one_line_and_clears_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CI", "GITHUB_ACTIONS", "CSI_NO_PROGRESS"):
        monkeypatch.delenv(name, raising=False)
    terminal = _Terminal()
    progress = Progress("reading records", 1000, terminal)
    for _ in range(1000):
        progress.advance()
    progress.finish()
    text = terminal.getvalue()
    assert text.count("\r") == 4 + 1 + 1  # every 250 items, then a blank-out
    assert "reading records 1000/1000" in text
    assert text.endswith("\r")


def test_no_progress_in_ci_when_piped_or_for_small_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert not Progress("x", 5000, _Terminal()).enabled
    monkeypatch.delenv("CI")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert not Progress("x", 5000, io.StringIO()).enabled  # piped: not a terminal
    assert not Progress("x", 10, _Terminal()).enabled
    assert Progress("x", 5000, _Terminal()).enabled


def test_a_real_terminal_sees_progress_and_json_output_stays_clean(tmp_path: Path) -> None:
    root = generate_register(tmp_path / "big", 1200)
    csi = str(Path(sys.executable).parent / "csi")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}

    def in_terminal(*args: str) -> str:
        parent, child = pty.openpty()
        done = subprocess.run(
            [csi, *args],
            cwd=root,
            env=env,
            stdin=child,
            stdout=child,
            stderr=child,
            check=False,
            timeout=120,
        )
        os.close(child)
        output = b""
        while True:
            try:
                chunk = os.read(parent, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        os.close(parent)
        assert done.returncode == 0
        return output.decode()

    assert "reading records (work tree) 1000/1200" in in_terminal("validate")
    assert "reading records" not in in_terminal("validate", "--format", "json")
