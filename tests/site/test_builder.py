"""`csi site build`: a strict MkDocs build, checked in a real headless Chromium."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from playwright.sync_api import Browser, Page

from benchmarks.generate_register import generate_register
from csi_tool.site import pages
from csi_tool.site.shells import RecordShell, ShellError, fill_pages
from csi_tool.yaml.strict import load_fast
from tests.conftest import PROJECT, git
from tests.site.browser import Watch, serve
from tests.site.conftest import ARTIFACTS, only_local


def test_the_build_is_strict_and_publishes_exports(example_site: Path) -> None:
    assert (example_site / "index.html").is_file()
    assert (example_site / "records" / "CSI-0001.html").is_file()
    register = json.loads((example_site / "exports" / "register.json").read_text())
    assert len(register["records"]) == 18
    priorities = json.loads((example_site / "exports" / "priorities.json").read_text())
    assert priorities["ranked"][0]["rank"] == 1
    review = json.loads((example_site / "exports" / "review.json").read_text())
    assert review["summary"]["regressions"] >= 1
    with (example_site / "exports" / "register.csv").open(
        newline="", encoding="utf-8-sig"
    ) as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 18 and rows[0]["Id"] == "CSI-0001" and rows[0]["State"] == "Closed"
    assert rows[0]["Owner"] == "@acme/service-desk"  # a handle is no formula: left as it is
    scoreboard = (example_site / "exports" / "scoreboard.csv").read_text()
    assert scoreboard.count("\n") == len(review["metrics"]) + 1
    assert list(example_site.rglob("*.map")) == []  # the theme's sources are not published
    assert "sourceMappingURL" not in "".join(p.read_text() for p in example_site.rglob("*.min.js"))


def test_a_csv_cell_a_spreadsheet_would_run_stays_text() -> None:
    from csi_tool.site.tables import Column, table_csv

    cells = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "@acme/desk", "ok"]
    written = table_csv([Column("t", "Title")], [[cell] for cell in cells])
    assert written.startswith("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    read = [row[0] for row in csv.reader(written.removeprefix("\ufeff").splitlines())]
    assert read == [
        "Title",
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "@acme/desk",
        "ok",
    ]


def test_pages_are_whole_and_every_search_entry_leads_somewhere(example_site: Path) -> None:
    pages = sorted(example_site.rglob("*.html"))
    for page in pages:
        text = page.read_text()
        for leftover in ("data-csi-slot", "csi-toc-slot", "csi-record-title-slot", "record-shell"):
            assert leftover not in text, (page, leftover)
    assert not (example_site / "records" / "record-shell.html").exists()
    record = (example_site / "records" / "CSI-0001.html").read_text()
    assert (
        "<title>CSI-0001: Cut repeat incidents caused by outdated knowledge articles - " in record
    )
    toc = record.split('data-md-component="toc"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="#([a-z-]+)"', toc)[:3] == ["source", "vision", "current-state"]
    assert '<a href="#source" class="md-skip">' in record
    index = json.loads((example_site / "search" / "search_index.json").read_text())
    locations = [doc["location"] for doc in index["docs"]]
    records = [loc for loc in locations if loc.startswith("records/") and "#" not in loc]
    assert len(records) == 18  # one per record; each lesson is one more, at its record
    for location in locations:  # every entry names an existing page and, if any, an anchor on it
        page, _, anchor = location.partition("#")
        target = (example_site / page).read_text()
        assert not anchor or f'id="{anchor}"' in target, location


def test_with_a_site_url_the_sitemap_lists_every_record(
    example_root: Path, run_csi: Callable[..., Result]
) -> None:
    shutil.copytree(PROJECT / "site", example_root / "site")
    config = example_root / "site" / "mkdocs.yml"
    config.write_text(config.read_text() + "site_url: https://csi.example.invalid/\n")
    assert run_csi(example_root, "site", "build").exit_code == 0
    sitemap = (example_root / "build" / "site" / "sitemap.xml").read_text()
    records = sorted(p.stem for p in (example_root / "register").glob("*.yaml"))
    listed = re.findall(r"<loc>https://csi.example.invalid/records/([^<]+)\.html</loc>", sitemap)
    assert listed == records
    compressed = (example_root / "build" / "site" / "sitemap.xml.gz").read_bytes()
    assert gzip.decompress(compressed).decode() == sitemap


def test_a_theme_that_loses_a_marker_fails_the_build(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    (tmp_path / "index.html").write_text("<html><body><h1>Dashboard</h1></body></html>")
    with pytest.raises(ShellError, match="section marker 0"):
        page = pages.Page("index", "Dashboard", "Dashboard", [pages.Section("<p>x</p>")])
        fill_pages(tmp_path, [page])
    (tmp_path / "records" / "record-shell.html").write_text("<html><body></body></html>")
    with pytest.raises(ShellError, match="record shell"):
        RecordShell.take(tmp_path)


def test_a_warning_fails_the_build(example_root: Path, run_csi: Callable[..., Result]) -> None:
    shutil.copytree(PROJECT / "site", example_root / "site")
    about = example_root / "site" / "docs" / "about.md"
    about.write_text(about.read_text() + "\nSee [the missing page](missing.md).\n")
    result = run_csi(example_root, "site", "build")
    assert result.exit_code == 1
    assert "the site build failed" in result.stderr and "missing.md" in result.stderr


def test_the_output_folder_is_never_the_register(
    example_root: Path, run_csi: Callable[..., Result]
) -> None:
    shutil.copytree(PROJECT / "site", example_root / "site")
    for out in (".", "register", str(example_root.parent)):
        result = run_csi(example_root, "site", "build", "--out", out)
        assert result.exit_code == 2, out
    assert (example_root / "register" / "CSI-0001.yaml").is_file()


def test_dashboard_record_page_and_search_in_chromium(
    example_site: Path, page: tuple[Page, Watch]
) -> None:
    tab, watch = page
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(example_site) as base:
        tab.goto(f"{base}/index.html")
        charts = tab.locator("svg.csi-chart")
        assert charts.count() >= 3  # pipeline, matrix, throughput
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 60
        tab.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

        tab.goto(f"{base}/records/CSI-0001.html")
        chart = tab.locator("svg.csi-chart").nth(1)  # the lagging one: leading comes first
        assert chart.locator("polyline.series").count() == 1
        assert chart.locator("circle.point").count() == 5  # baseline and four measurements
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300
        tab.screenshot(path=str(ARTIFACTS / "record-CSI-0001.png"), full_page=True)

        tab.goto(f"{base}/index.html")
        tab.locator("label.md-search__icon, .md-search__input").first.click()
        # a lesson of CSI-0001: "Article ownership matters more than article quality..."
        tab.locator("input.md-search__input").press_sequentially("ownership", delay=30)
        tab.locator(".md-search-result__item").first.wait_for(timeout=15_000)
        links = tab.locator(".md-search-result__link").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert any("CSI-0001.html" in href and href.endswith("#lessons") for href in links)
        assert any("records/CSI-0001.html" in href for href in links), links
        only_local(watch, base)


HOSTILE = """\
schema_version: 2
id: CSI-0001
title: '<script>window.__csi_pwned=1</script> | <img src=x onerror=window.__csi_pwned=2> \
[x](javascript:window.__csi_pwned=3)'
created: 2026-01-05
service: '# Heading <b>svc</b>'
practices: ['<img src=x onerror=window.__csi_pwned=8>']
owner: '@acme/desk'
status: validated
source:
  kind: audit
  references: {links: ['https://example.invalid/a)](javascript:window.__csi_pwned=9)']}
  note: '<iframe src="javascript:window.__csi_pwned=5"></iframe>'
current_state:
  summary: |
    ---
    title: pwned
    ---
    # Fake heading
    <script>window.__csi_pwned=4</script>

    | a | b |
    |---|---|
    | c | d |
  evidence: ['[click](javascript:window.__csi_pwned=7)']
lessons:
  - text: '<svg onload=window.__csi_pwned=6>'
"""


def test_hostile_text_shows_literally_and_nothing_executes(
    tmp_path: Path, browser: Browser, run_csi: Callable[..., Result]
) -> None:
    root = tmp_path / "hostile"
    for name in ("policies", "site"):
        shutil.copytree(PROJECT / name, root / name)
    (root / "register").mkdir()
    (root / "register" / "CSI-0001.yaml").write_text(HOSTILE)
    assert run_csi(root, "validate").exit_code == 0, run_csi(root, "validate").output
    assert run_csi(root, "site", "build").exit_code == 0
    site = root / "build" / "site"
    context = browser.new_context()
    tab = context.new_page()
    watch = Watch()
    watch.attach(tab)
    with serve(site) as base:
        for name in (
            "records/CSI-0001.html",
            "register.html",
            "lessons.html",
            "backlog.html",
            "index.html",
        ):
            tab.goto(f"{base}/{name}")
            tab.wait_for_load_state("load")
            assert tab.evaluate("window.__csi_pwned") is None, name
        tab.goto(f"{base}/records/CSI-0001.html")
        text = tab.locator("article").inner_text()
        assert "<script>window.__csi_pwned=1</script>" in text
        assert "[x](javascript:window.__csi_pwned=3)" in text
        assert "# Fake heading" in text and "title: pwned" in text
        assert tab.locator("article h1").count() == 1  # no heading injected
        assert "<script>window.__csi_pwned=1</script>" in tab.title()
        assert tab.locator("article a[href^='javascript']").count() == 0
        assert tab.locator("article iframe, article img, article td:text-is('c')").count() == 0
        # search results show titles from the index: they must stay inert too
        tab.locator("label.md-search__icon, .md-search__input").first.click()
        tab.locator("input.md-search__input").press_sequentially("pwned", delay=30)
        tab.locator(".md-search-result__item").first.wait_for(timeout=15_000)
        tab.wait_for_timeout(300)
        assert tab.evaluate("window.__csi_pwned") is None
        only_local(watch, base)
    assert watch.dialogs == []
    context.close()
    index = (site / "search" / "search_index.json").read_text()
    assert "<script>" not in index and "&lt;script&gt;window.__csi_pwned=1" in index


# Text beyond ASCII wherever a record page shows it: title, metric, five whys, fishbone,
# process map (the diagram cuts a long step name with an ellipsis), lessons.
_ARABIC = "وافق المجلس على أداة IAM ونظام ERP."
_ARABIC_WHY = "لماذا يذهب كل تغيير إلى CAB كل أسبوع."
_BEYOND_ASCII = {
    # "Cafe" and a combining accent, as text pasted from a PDF is: found by typing "café"
    "title: Bring emergency changes": (
        "title: Zürich — “dringend” ✓ Cafe\u0301 Re\u0301union emergency changes"
    ),
    "service: Change Enablement": "service: 変更管理\u3000Change Enablement",  # a full-width space
    "name: Emergency changes as a share": "name: Änderungen — share",
    'unit: "%"': "unit: ‰",
    "- Why? The weekly CAB cut-off": "- Warum? 日本語 the weekly CAB cut-off",
    "- A single weekly CAB": "- Ein wöchentliches CAB",
    "- Why does routine work go to the CAB at all? Only three standard change models exist, "
    "so even low-risk changes need CAB approval.": f"- {_ARABIC_WHY}",
    # Arabic with Latin words in it, laid out right to left (csi.css: unicode-bidi plaintext)
    "rationale: >-\n      High impact on release predictability and major incident risk, at "
    "moderate effort; the\n      standard change models also benefit every team that raises "
    "changes.\n": f"rationale: {_ARABIC}\n",
    "{name: Raise the change, actor: Change requester": (
        "{name: Änderung erfassen und 日本語で説明する, actor: Équipe ✓"
    ),
    # a noncharacter, a character beyond the basic plane and a combining accent (records
    # refuse C1 controls, whose references HTML reads otherwise: see test_markup.py)
    "lessons:\n": 'lessons:\n  - text: "U+FDD0 \\uFDD0, \\U0001F600 and e\\u0301."\n',
}
_LESSON = "U+FDD0 \ufdd0, \U0001f600 and e\u0301."
SERVICE = "変更管理\u3000Change Enablement"


def test_generated_html_is_ascii_and_shows_every_character_beyond_it(
    example_root: Path, browser: Browser, run_csi: Callable[..., Result]
) -> None:
    # ASCII pages are joined, handed between processes and written without conversion;
    # what lies beyond ASCII is a character reference, which the browser shows as written.
    from csi_tool.site.builder import RecordPages, navigation_pages
    from csi_tool.site.data import collect_site_data

    record = example_root / "register" / "CSI-0002.yaml"
    written = record.read_text(encoding="utf-8")
    for before, after in _BEYOND_ASCII.items():
        assert before in written, before
        written = written.replace(before, after)
    record.write_text(written, encoding="utf-8")
    for folder in ("site", "exports"):  # the signals page with its data
        shutil.copytree(PROJECT / folder, example_root / folder)
    git(example_root, "init", "-q")  # the dashboard's lead times need the history
    git(example_root, "add", "-A")
    git(
        example_root,
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.invalid",
        "commit",
        "-qm",
        "A",
    )
    data = collect_site_data(example_root, dt.date(2026, 11, 25))
    assert data.trails and data.signals.sources
    for page in RecordPages(example_root, data):
        assert page.body.isascii(), (page.record_id, _beyond_ascii(page.body))
    for nav in navigation_pages(data, "https://kb.example.invalid/search?q="):
        for html in [*(s.content for s in nav.sections), *(t.html for t in nav.tables)]:
            assert html.isascii(), (nav.name, _beyond_ascii(html))
    assert run_csi(example_root, "site", "build", "--as-of", "2026-11-25").exit_code == 0
    context = browser.new_context()
    tab = context.new_page()
    with serve(example_root / "build" / "site") as base:
        tab.goto(f"{base}/records/CSI-0002.html")
        shown = tab.locator("article").inner_text()
        for words in ("Zürich — “dringend” ✓", "Änderungen — share", "Warum? 日本語", _LESSON):
            assert words in shown, words
        assert "Ein wöchentliches CAB" in " ".join(tab.locator("svg text").all_text_contents())
        labels = tab.locator("svg.csi-swimlane text").all_text_contents()
        assert "Équipe ✓" in labels and any(label.endswith("…") for label in labels), labels
        assert "‰" in " ".join(tab.locator("svg.csi-chart text").all_text_contents())
        assert "Zürich — “dringend” ✓" in tab.title()
        # a paragraph in Arabic reads right to left: its first letter on the right, the full
        # stop that ends it on the left, the Latin words in between where they belong
        # (a why too, though "Why 3:" comes first: the label is isolated from its text)
        for shown_in, written in (("p", _ARABIC), ("ol.csi-whys li", _ARABIC_WHY)):
            first, last = tab.locator(f"{shown_in}:text-is('{written}')").evaluate(
                """p => {
                    const at = (i) => { const r = document.createRange();
                        r.setStart(p.firstChild, i); r.setEnd(p.firstChild, i + 1);
                        return r.getBoundingClientRect().x; };
                    return [at(0), at(p.firstChild.length - 1)];
                }"""
            )
            assert first > last, (shown_in, first, last)
        # the search index keeps every character as written: the theme's search splits its
        # text into words without reading character references
        tab.locator("label.md-search__icon, .md-search__input").first.click()
        tab.locator("input.md-search__input").press_sequentially("Zürich", delay=30)
        tab.locator(".md-search-result__item").first.wait_for(timeout=15_000)
        found = tab.locator(".md-search-result__link").first.get_attribute("href") or ""
        assert "records/CSI-0002.html" in found, found
        # a filter's choice is the value as written, whatever its spaces
        tab.goto(f"{base}/register.html")
        tab.select_option("select[name=service]", SERVICE)
        rows = tab.locator("#csi-table-register tbody tr td:first-child")
        assert rows.all_inner_texts() == ["CSI-0002"]
        # an accent typed finds the same accent written as a combining mark
        tab.goto(f"{base}/register.html")
        tab.fill("form[data-table=register] input[name=filter]", "café")
        assert rows.all_inner_texts() == ["CSI-0002"]
        # the search matches what is typed as it is: the index holds the text as written
        # and, where it differs, composed, so either way of writing Réunion finds it
        for typed in ("Réunion", "Re\u0301union"):
            tab.goto(f"{base}/register.html")
            tab.locator("label.md-search__icon, .md-search__input").first.click()
            tab.locator("input.md-search__input").press_sequentially(typed, delay=30)
            tab.locator(".md-search-result__item").first.wait_for(timeout=15_000)
            found = tab.locator(".md-search-result__link").first.get_attribute("href") or ""
            assert "records/CSI-0002.html" in found, (typed, found)
    context.close()


def _beyond_ascii(html: str) -> list[str]:
    return sorted({html[max(0, i - 20) : i + 3] for i, c in enumerate(html) if not c.isascii()})


def test_record_pages_do_not_grow_with_the_register(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    sizes = {}
    for count in (200, 2000):
        root = generate_register(tmp_path / f"r{count}", count)
        result = run_csi(root, "site", "build", "--as-of", "2026-11-25")
        assert result.exit_code == 0, result.output
        site = root / "build" / "site"
        sizes[count] = (site / "records" / "CSI-00101.html").stat().st_size
        assert len(list((site / "records").glob("*.html"))) == count
    assert abs(sizes[2000] - sizes[200]) <= 0.02 * sizes[200], sizes


def test_a_record_page_keeps_every_earlier_decision_escaped(example_root: Path) -> None:
    import datetime as dt

    from csi_tool.site.builder import RecordPages
    from csi_tool.site.data import collect_site_data

    record = example_root / "register" / "CSI-0009.yaml"
    text = record.read_text()
    earlier = (
        "  - {outcome: deferred, date: 2026-07-01, by: '@acme/csi-board', "
        "rationale: '<script>alert(1)</script> wait for August', revisit: 2026-08-15}\n"
    )
    record.write_text(text.replace("decisions:\n", "decisions:\n" + earlier, 1))
    data = collect_site_data(example_root, dt.date(2026, 11, 27))
    page = next(p for p in RecordPages(example_root, data) if p.record_id == "CSI-0009")
    assert 'id="earlier-decisions"' in page.body
    assert "<strong>Deferred</strong> on 2026-07-01" in page.body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; wait for August" in page.body
    assert "<script>alert" not in page.body


def test_leading_indicators_come_first_on_the_lagging_ones_time_axis(example_site: Path) -> None:
    page = (example_site / "records" / "CSI-0001.html").read_text()
    assert "Leading indicators first, then lagging ones, on one time axis" in page
    record = load_fast((PROJECT / "register" / "CSI-0001.yaml").read_text(), "CSI-0001.yaml")
    leading = next(m for m in record["metrics"] if m["kind"] == "leading")
    lagging = next(m for m in record["metrics"] if m["kind"] == "lagging")
    assert page.index(f'id="metric-{leading["key"]}"') < page.index(f'id="metric-{lagging["key"]}"')
    charts = re.findall(r"<svg class=\"csi-chart\".*?</svg>", page, re.S)
    axes = {tuple(re.findall(r'class="tick"[^>]*>(\d{4}-\d{2}-\d{2})<', svg)) for svg in charts}
    assert len(charts) >= 2 and len(axes) == 1  # one time axis for every metric of the record


def test_a_bound_metric_says_it_is_computed_from_the_data(example_site: Path) -> None:
    page = (example_site / "records" / "CSI-0003.html").read_text()
    assert "computed from the data by measure reopen_rate where service = Service Desk" in page
    assert "csi: measure reopen_rate where service = Service Desk, 2026-08, 190 tickets" in page


def test_every_search_section_follows_its_pages_entry(example_site: Path) -> None:
    """The theme groups a section under the page entry before it: the index is written
    record by record, and a lesson found from the lessons page still follows its record."""
    index = json.loads((example_site / "search" / "search_index.json").read_text())
    seen: set[str] = set()
    sections_of_records = 0
    for entry in index["docs"]:
        page, _, section = entry["location"].partition("#")
        if section:
            assert page in seen, entry["location"]
            sections_of_records += page.startswith("records/")
        else:
            seen.add(page)
    assert sections_of_records > 0
    assert len([p for p in seen if p.startswith("records/")]) == 18
    assert not list((example_site / "search").glob(".*partial"))
