"""Ideas on the site: a "Suggest an improvement" link on every page, and the proposer
credited on the record's page, in its history and on the recognition page."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import PROJECT
from tests.intake.events import issue_event
from tests.site.conftest import AS_OF

SUGGEST = (
    '<a href="https://github.com/acme/register/issues/new?template=improvement.yml">'
    "Suggest an improvement</a>"
)


def _site(tmp_path: Path, run_csi: Callable[..., Result], repository: str) -> Path:
    root = tmp_path / "repo"
    for name in ("policies", "register", "site"):
        shutil.copytree(PROJECT / name, root / name)
    config = root / "site" / "mkdocs.yml"
    config.write_text(
        config.read_text().replace('pull_request_base: ""', f"pull_request_base: '{repository}'")
    )
    event = issue_event(tmp_path / "e.json", title="[Improvement]: <script>alert(1)</script>")
    assert run_csi(root, "intake", str(event)).exit_code == 0
    result = run_csi(root, "site", "build", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return root / "build" / "site"


def test_every_page_invites_ideas_and_the_proposer_is_credited(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    site = _site(tmp_path, run_csi, "https://github.com/acme/register")
    pages = ["index.html", "backlog.html", "recognition.html", "records/CSI-0001.html"]
    for name in [*pages, "records/CSI-0019.html"]:
        assert SUGGEST in (site / name).read_text(), name
    record = (site / "records" / "CSI-0019.html").read_text()
    assert "<td>Raised by</td><td>@alice</td>" in record
    # the record's service answered already in the form it links to
    assert (
        '<a href="https://github.com/acme/register/issues/new?template=improvement.yml'
        '&amp;service=Service%20Desk" rel="noopener noreferrer nofollow">'
        "suggest an improvement</a>"
    ) in record
    assert "<p>The idea was raised by @alice.</p>" in record
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in record and "<script>alert(1)" not in record
    recognition = (site / "recognition.html").read_text()
    ideas = recognition.split('id="ideas-raised"', 1)[1].split("</table>", 1)[0]
    assert '<td>@alice</td><td style="text-align: right">1</td>' in ideas


def test_no_repository_no_link_and_a_hostile_address_stays_inert(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    site = _site(tmp_path / "none", run_csi, "")
    assert "Suggest an improvement" not in (site / "index.html").read_text()
    hostile = _site(tmp_path / "hostile", run_csi, 'https://x.example/" onmouseover="alert(1)')
    page = (hostile / "index.html").read_text()
    assert "Suggest an improvement" in page
    assert 'onmouseover="alert(1)' not in page


def test_a_repository_setting_that_is_no_text_builds_without_the_link(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    root = tmp_path / "repo"
    for name in ("policies", "register", "site"):
        shutil.copytree(PROJECT / name, root / name)
    config = root / "site" / "mkdocs.yml"
    config.write_text(config.read_text().replace('pull_request_base: ""', "pull_request_base: 5"))
    result = run_csi(root, "site", "build", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "Suggest an improvement" not in (root / "build" / "site" / "index.html").read_text()
