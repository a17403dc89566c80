"""The same pages built with Zensical, MkDocs-material's successor (non-blocking).

Material for MkDocs reaches end of life on 2027-05-05; its authors' successor reads the same
mkdocs.yml. This builds the project csi hands to MkDocs with Zensical instead, then fills its
pages the way `csi site build` fills MkDocs' (every section marker, the record shell), and
reports each difference. It runs in its own CI job, which may fail without blocking a merge:
`pytest -m zensical`, with `zensical` installed (skipped where it is not).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from csi_tool.site.builder import build_site, navigation_pages, write_project
from csi_tool.site.data import collect_site_data
from csi_tool.site.shells import RecordShell, ShellError, fill_pages
from tests.conftest import PROJECT
from tests.site.conftest import ARTIFACTS

pytestmark = pytest.mark.zensical
ZENSICAL = os.environ.get("CSI_ZENSICAL") or shutil.which("zensical")
AS_OF = dt.date(2026, 11, 25)


def _pages(site: Path) -> set[str]:
    """Every HTML page a build wrote, but csi's own record pages (made from the shell)."""
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.parent.name != "records" or p.name == "record-shell.html"
    }


@pytest.mark.skipif(ZENSICAL is None, reason="zensical is not installed (its CI job installs it)")
def test_zensical_builds_the_pages_csi_fills(tmp_path: Path) -> None:
    data = collect_site_data(PROJECT, AS_OF)
    pages = navigation_pages(data)
    project = tmp_path / "project"
    write_project(PROJECT, project, data, pages)
    done = subprocess.run(
        [str(ZENSICAL), "build"], cwd=project, capture_output=True, text=True, check=False
    )
    differences = [] if done.returncode == 0 else [f"zensical build failed: {done.stderr}"]
    built = project / "site"
    reference = build_site(PROJECT, tmp_path / "mkdocs", AS_OF).out
    if done.returncode == 0:
        ours, theirs = _pages(reference) | {"records/record-shell.html"}, _pages(built)
        differences += [f"only MkDocs wrote {page}" for page in sorted(ours - theirs)]
        differences += [f"only Zensical wrote {page}" for page in sorted(theirs - ours)]
        try:
            fill_pages(built, pages)
            RecordShell.take(built)
        except ShellError as e:
            differences.append(f"csi cannot fill Zensical's pages: {e}")
    ARTIFACTS.mkdir(exist_ok=True)
    report = "\n".join(differences) or "no difference csi depends on"
    (ARTIFACTS / "zensical.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
    assert differences == []
