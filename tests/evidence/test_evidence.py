"""`csi evidence` over the bundled register in a real git repository: every link resolves."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from csi_tool.yaml.strict import load_fast
from tests.conftest import PROJECT, git
from tests.site.browser import chromium

REPOSITORY = "https://github.com/acme/improvements"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The bundled register, imported in one pull request and then changed in another."""
    root = tmp_path / "repo"
    for name in ("policies", "register", "site"):
        shutil.copytree(PROJECT / name, root / name)
    config = root / "site" / "mkdocs.yml"
    config.write_text(
        config.read_text().replace('pull_request_base: ""', f'pull_request_base: "{REPOSITORY}"')
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Import the register (#1)")
    path = root / "register" / "CSI-0010.yaml"
    path.write_text(path.read_text().replace("status: approved", "status: in_progress"))
    git(root, "commit", "-qam", "Start CSI-0010 (#2)")
    return root


def _records() -> dict[str, dict]:  # type: ignore[type-arg]
    return {
        p.stem: load_fast(p.read_text(), p.name)
        for p in sorted((PROJECT / "register").glob("*.yaml"))
    }


def test_the_pack_holds_every_improvement_decided_or_closed_and_every_link_resolves(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    result = run_csi(repo, "evidence", "--from", "2026-01-01", "--to", "2026-11-25")
    assert result.exit_code == 0, result.output
    out = repo / "build" / "evidence"
    pack = json.loads((out / "evidence.json").read_text())
    expected = sorted(
        rid
        for rid, r in _records().items()
        if any("2026-01-01" <= str(d["date"]) <= "2026-11-25" for d in r.get("decisions", []))
        or (r["status"] == "closed" and "2026-01-01" <= str(r["review"]["date"]) <= "2026-11-25")
    )
    assert [i["id"] for i in pack["improvements"]] == expected
    page = (out / "evidence.html").read_text()
    # self-contained: nothing is loaded from anywhere, and the browser is told so
    assert not re.search(r"<(script|link|img|iframe)\b|\bsrc=", page)
    assert "default-src 'none'" in page
    anchors = set(re.findall(r'id="([^"]+)"', page))
    for target in re.findall(r'href="#([^"]+)"', page):
        assert target in anchors, target
    commits = set(re.findall(rf'href="{REPOSITORY}/commit/([0-9a-f]{{40}})"', page))
    assert commits
    for sha in commits:  # every statement's commit is in the repository
        subprocess.run(["git", "cat-file", "-e", sha], cwd=repo, check=True)
    pulls = set(re.findall(rf'href="{REPOSITORY}/pull/(\d+)"', page))
    assert pulls == {"1", "2"}
    started = next(i for i in pack["improvements"] if i["id"] == "CSI-0010")
    change = next(link for link in started["chain"] if link["step"] == "change")
    assert [c["pull_request"] for c in change["commits"]] == [2]  # the commit that started it
    corrective = next(i for i in pack["improvements"] if i["id"] == "CSI-0005")
    assert "corrective action for IA-2025-07" in corrective["chain"][0]["statements"]
    assert pack["outcomes"] and pack["overdue_reviews"]


def test_a_missing_link_is_a_gap_not_a_silence(repo: Path, run_csi: Callable[..., Result]) -> None:
    path = repo / "register" / "CSI-0001.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"\n  changes: \[[^\]]*\]", "", text, count=1))
    git(repo, "commit", "-qam", "Forget the change reference")
    run_csi(repo, "evidence", "--from", "2026-01-01", "--to", "2026-11-25")
    pack = json.loads((repo / "build" / "evidence" / "evidence.json").read_text())
    first = next(i for i in pack["improvements"] if i["id"] == "CSI-0001")
    assert first["gaps"] == ["change: no change or release reference in the plan"]
    page = (repo / "build" / "evidence" / "evidence.html").read_text()
    assert "Gap: no change or release reference in the plan" in page
    assert '<li><a href="#csi-0001">CSI-0001</a> change: no change or release reference' in page


def test_the_pack_prints_to_pdf_and_keeps_record_text_inert(
    repo: Path, run_csi: Callable[..., Result]
) -> None:
    path = repo / "register" / "CSI-0001.yaml"
    path.write_text(
        path.read_text().replace(
            "title: Cut repeat incidents",
            "title: <script>window.pwned=1</script> Cut repeat incidents",
            1,
        )
    )
    git(repo, "commit", "-qam", "A hostile title")
    assert run_csi(repo, "evidence", "--from", "2026-01-01", "--to", "2026-11-25").exit_code == 0
    page = repo / "build" / "evidence" / "evidence.html"
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page.read_text()
    with chromium() as browser:
        tab = browser.new_page()
        tab.goto(page.as_uri())
        assert tab.evaluate("window.pwned") is None
        pdf = tab.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_a_commit_backs_only_what_it_recorded(repo: Path, run_csi: Callable[..., Result]) -> None:
    """Found by trying: a decision made only in the work tree was 'backed' by the commit that
    had added the record before it was decided."""
    deferred = (repo / "register" / "CSI-0009.yaml").read_text().replace("CSI-0009", "CSI-0020")
    path = repo / "register" / "CSI-0020.yaml"  # a new record, assessed in its first commit
    undecided = deferred.replace("status: deferred", "status: assessed")
    path.write_text(undecided[: undecided.index("\ndecisions:")] + "\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Log CSI-0020 (#3)")
    path.write_text(deferred)  # the deferral, not committed
    result = run_csi(repo, "evidence", "--from", "2026-01-01", "--to", "2026-11-25")
    assert result.exit_code == 0, result.output
    pack = json.loads((repo / "build" / "evidence" / "evidence.json").read_text())
    record = next(i for i in pack["improvements"] if i["id"] == "CSI-0020")
    assert record["gaps"][0] == "record: uncommitted changes: commit them first"
    decision = next(link for link in record["chain"] if link["step"] == "decision")
    assert decision["commits"] == [] and decision["gap"] == "no commit in the history records it"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--to", "0001-06-01"), "a year before --to is before year 1"),
        (("--from", "2026-12-01", "--to", "2026-01-01"), "is after the window's end"),
        (("--out", "site/mkdocs.yml/evidence"), "is not a folder csi can write in"),
    ],
)
def test_a_window_or_folder_that_cannot_be_is_a_usage_error(
    repo: Path, run_csi: Callable[..., Result], args: tuple[str, ...], message: str
) -> None:
    result = run_csi(repo, "evidence", *args)
    assert result.exit_code == 2 and message in result.output
