"""The engine is imported only by commands that query data: DuckDB's import costs every other
command 40 to 70 ms (a `csi validate` of a warm register takes about 0.35 s)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT

_RUN_AND_SAY = """
import sys
from csi_tool.cli.main import cli
try:
    cli(sys.argv[1:], prog_name="csi")
except SystemExit as e:
    code = e.code
print(f"exit {code}, duckdb imported: {'duckdb' in sys.modules}")
"""


def _run(tmp_path: Path, *arguments: str) -> str:
    environment = {**os.environ, "CSI_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_SAY, "--root", str(PROJECT), *arguments],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("command", ["validate", "prioritize", "review"])
def test_commands_that_query_no_export_never_import_duckdb(tmp_path: Path, command: str) -> None:
    """`csi review` once imported it with the benefit review's modules, for nothing."""
    assert _run(tmp_path, command) == "exit 0, duckdb imported: False"


def test_finding_signals_in_an_export_imports_it(tmp_path: Path) -> None:
    """The other side: a command that reads the bundled export imports DuckDB where it
    connects (so the check above would see an import at the top of any module)."""
    assert _run(tmp_path, "signals") == "exit 0, duckdb imported: True"
