"""The release: the files the release workflow would publish, built here the same way."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.workflow_runner import load_workflow

RELEASE = PROJECT / ".github" / "workflows" / "release.yml"


def test_the_release_publishes_with_trusted_publishing_only() -> None:
    workflow = load_workflow(RELEASE)
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert build["permissions"] == {"contents": "read"}
    assert publish["permissions"] == {"id-token": "write"}  # and nothing else
    assert publish["environment"]["name"] == "pypi"
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert uses[-1].startswith("pypa/gh-action-pypi-publish@")
    assert "password" not in str(publish) and "secrets." not in RELEASE.read_text()


@pytest.mark.skipif(os.environ.get("CSI_SKIP_NETWORK_TESTS") == "1", reason="needs PyPI")
def test_the_sdist_and_wheel_build_and_carry_everything_csi_needs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(tmp_path), str(PROJECT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    wheel = next(tmp_path.glob("csi_improvement_register-*-py3-none-any.whl"))
    sdist = next(tmp_path.glob("csi_improvement_register-*.tar.gz"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "Name: csi-improvement-register" in archive.read(metadata).decode()
        assert "csi = csi_tool.cli.main:main" in archive.read(entry_points).decode()
    for needed in (
        "csi_tool/templates/.gitignore",
        "csi_tool/templates/.pre-commit-config.yaml",
        "csi_tool/templates/.github/workflows/register-pr.yml",
        "csi_tool/templates/.github/PULL_REQUEST_TEMPLATE/approve.md",
        "csi_tool/templates/site/overrides/main.html",
        "csi_tool/gate/judge.py",
    ):
        assert needed in names, needed
    with tarfile.open(sdist) as archive:
        members = {Path(m.name).relative_to(Path(m.name).parts[0]).as_posix() for m in archive}
    assert {"pyproject.toml", "csi_tool/cli/main.py", "README.md"} <= members
