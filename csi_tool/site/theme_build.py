"""The MkDocs build of the site's project, in a fresh interpreter of its own.

MkDocs and its theme take over a hundred megabytes; loaded into the process that already
holds a register of 10,000 records, they pushed `csi site build` past 700 MB. A fresh
interpreter holds only MkDocs, and what csi built meanwhile is freed or kept on disk. The
child prints the build's warnings as JSON when the build fails, and nothing else.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from csi_tool.errors import CsiError


class SiteBuildError(CsiError):
    """MkDocs refused to build the site (strict mode turns its warnings into this)."""


def build_with_mkdocs(config_file: Path, out: Path, site_url: str | None) -> None:
    """Build the MkDocs project at `config_file` into `out`; raises SiteBuildError."""
    command = [sys.executable, "-m", __name__, str(config_file), str(out), site_url or ""]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode == 1:
        try:
            reason = json.loads(done.stdout)["error"]
        except (ValueError, KeyError, TypeError):  # it failed before it could say why
            reason = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise SiteBuildError(f"the site build failed: {reason}")
    if done.returncode != 0:
        raise RuntimeError(f"MkDocs stopped unexpectedly: {done.stderr.strip()[-2000:]}")


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _build(config_file: str, out: str, site_url: str) -> str | None:
    """The build in this process; the reason it failed, or None."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    warnings = _WarningCollector()
    logging.getLogger("mkdocs").addHandler(warnings)
    try:
        # Plain .html files: the generated links expect them, and the site opens from disk.
        overrides = {"site_url": site_url.rstrip("/") + "/"} if site_url else {}
        config = load_config(
            config_file=config_file,
            site_dir=out,
            strict=True,
            use_directory_urls=False,
            **overrides,
        )
        build(config)
    except MkDocsException as e:
        return "; ".join(warnings.messages[:10]) or str(e)
    return None


if __name__ == "__main__":
    try:
        failure = _build(*sys.argv[1:4])
    except Exception as e:  # noqa: BLE001 - a template that fails on a setting (a number
        failure = f"{type(e).__name__}: {e}"  # where an address belongs): said, not a crash
    if failure is not None:
        print(json.dumps({"error": failure}))
        sys.exit(1)
