"""The example register's site, built once per test module, and the browser that reads it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page

from csi_tool.cli.main import cli
from tests.conftest import PROJECT, git
from tests.site.browser import Watch, chromium

AS_OF = "2026-11-25"
ARTIFACTS = PROJECT / "test-artifacts"  # screenshots, uploaded by the tests workflow


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example")
    for name in ("policies", "register", "schema", "site"):
        shutil.copytree(PROJECT / name, root / name)
    git(root, "init", "-q")  # history gives the dashboard its throughput and lead times
    git(root, "add", "-A")
    git(
        root,
        "-c",
        "user.name=Test",
        "-c",
        "user.email=t@example.invalid",
        "commit",
        "-qm",
        "Import",
    )
    result = CliRunner().invoke(cli, ["--root", str(root), "site", "build", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    return root / "build" / "site"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, Watch]]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    watch = Watch()
    watch.attach(tab)
    yield tab, watch
    context.close()


def only_local(watch: Watch, base: str) -> None:
    """Nothing left the site, and nothing went wrong in the page's scripts."""
    outside = [url for url in watch.requests if not url.startswith(base + "/")]
    assert outside == [], f"requests left localhost: {outside}"
    assert watch.console_errors == []
