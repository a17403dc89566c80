"""The Signals page and a record's link to its signal, in a real build and a real Chromium,
on a phone-sized screen, with export values written to attack the page."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from playwright.sync_api import ViewportSize

from tests.conftest import PROJECT
from tests.signals.exports import SERVICENOW_HEADER, servicenow_row, sources_policy, write_csv
from tests.site.browser import Watch, chromium, serve

HOSTILE = "<img src=x onerror=window.__csi_pwned=1>Network"
PHONE: ViewportSize = {"width": 390, "height": 844}


def _register(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name in ("policies", "site"):
        shutil.copytree(PROJECT / name, root / name)
    (root / "register").mkdir()
    rows: list[list[str]] = []
    start = dt.datetime(2026, 3, 1, 8, 0)
    for i in range(60):
        rows += servicenow_row(f"INC1{i:03}", start + dt.timedelta(hours=11 * i))
    for i in range(30):
        opened = start + dt.timedelta(hours=20 * i + 5)
        rows += servicenow_row(f"INC2{i:03}", opened, category=HOSTILE, made_sla=i % 5 == 0)
    write_csv(root / "exports" / "incidents.csv", SERVICENOW_HEADER, rows)
    sources_policy(
        root, "sources:\n  - {name: incidents, path: exports/*.csv, profile: servicenow}\n"
    )
    return root


def test_the_signals_page_lists_uncovered_first_and_links_records(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    root = _register(tmp_path)
    listed = run_csi(root, "signals", "--format", "json")
    breach = next(s for s in _signals(listed) if s["kind"] == "sla_breach")
    proposed = run_csi(root, "signals", "--propose", breach["id"])
    assert proposed.exit_code == 0, proposed.output
    built = run_csi(root, "site", "build")
    assert built.exit_code == 0, built.output
    site = root / "build" / "site"
    html = (site / "signals.html").read_text()
    assert "<img src=x" not in html and "&lt;img src=x onerror" in html
    covered_at = html.index('<a href="records/CSI-0001.html">CSI-0001</a>')
    assert html.rindex("<strong>not covered</strong>") < covered_at  # uncovered first
    record = (site / "records" / "CSI-0001.html").read_text()
    assert f'href="../signals.html#{breach["id"].lower()}"' in record
    with chromium() as browser, serve(site) as base:
        context = browser.new_context(viewport=PHONE)
        tab = context.new_page()
        watch = Watch()
        watch.attach(tab)
        tab.goto(f"{base}/records/CSI-0001.html")
        tab.locator(f'a[href="../signals.html#{breach["id"].lower()}"]').click()
        tab.wait_for_load_state("load")
        assert tab.url.endswith(f"signals.html#{breach['id'].lower()}")
        item = tab.locator(f"#{breach['id'].lower()}")
        assert item.is_visible() and breach["id"] in item.inner_text()
        assert "covered by CSI-0001" in item.inner_text()
        assert tab.evaluate("window.__csi_pwned") is None
        assert HOSTILE in tab.locator("article").inner_text()
        # the page itself never scrolls sideways on a phone: wide tables scroll in their box
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
        outside = [url for url in watch.requests if not url.startswith(base + "/")]
        assert outside == [] and watch.console_errors == [] and watch.dialogs == []
        context.close()


def test_a_source_the_build_cannot_read_is_named_and_the_site_still_builds(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    root = _register(tmp_path)
    sources_policy(
        root, "sources:\n  - {name: incidents, env: CSI_SITE_TEST_EXPORT, profile: servicenow}\n"
    )
    built = run_csi(root, "site", "build", env={"CSI_SITE_TEST_EXPORT": ""})
    assert built.exit_code == 0, built.output
    html = (root / "build" / "site" / "signals.html").read_text()
    assert "was not available where this site was built" in html
    assert "CSI_SITE_TEST_EXPORT is empty" in html


def _signals(result: Result) -> list[dict[str, str]]:
    import json

    assert result.exit_code == 0, result.output
    signals: list[dict[str, str]] = json.loads(result.stdout)["sources"][0]["signals"]
    return signals
