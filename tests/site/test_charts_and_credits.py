"""Charts that tell, credits for who delivered, lessons linked to their knowledge articles."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from playwright.sync_api import Browser

from csi_tool.yaml.strict import load_fast
from tests.conftest import PROJECT
from tests.site.browser import serve
from tests.site.conftest import AS_OF


def _chart(page: str, key: str) -> str:
    match = re.search(rf'<svg class="csi-chart"[^>]*aria-labelledby="{key}-t.*?</svg>', page, re.S)
    assert match, key
    return match[0]


def test_a_metric_chart_runs_to_its_target_with_the_verdicts_trend(example_site: Path) -> None:
    """CSI-0004's categorisation accuracy is on track: its chart shows why, the trend
    through the four values since the start reaching the target by its date."""
    page = (example_site / "records" / "CSI-0004.html").read_text()
    record = load_fast((PROJECT / "register" / "CSI-0004.yaml").read_text(), "CSI-0004.yaml")
    metric = record["metrics"][0]
    svg = _chart(page, "m0")
    assert '<text class="verdict"' in svg and ">on track</text>" in svg
    ticks = re.findall(r'class="tick"[^>]*>(\d{4}-\d{2}-\d{2})<', svg)
    # the axis, shared by the record's charts, reaches the latest target date
    assert ticks[-1] == max(str(m["target"]["by"]) for m in record["metrics"])
    assert '<polyline class="trend"' in svg and 'class="tick unit"' in svg
    assert f">{metric['unit']}</text>" in svg
    assert "trend from" in svg  # the description says where the trend goes
    table = page.split(f'id="metric-{metric["key"]}"', 1)[1].split("</table>", 1)[0]
    dates = re.findall(r"<td>(\d{4}-\d{2}-\d{2})</td>", table)
    assert dates == sorted(dates) and str(metric["target"]["by"]) in dates


def test_a_metric_chart_draws_its_process_limits_and_the_values_that_signal(
    example_site: Path,
) -> None:
    """CSI-0018's stale passwords: five monthly values before the work set the limits;
    October's 58 % lies below the lower one, so it signals, and the verdict is improving."""
    page = (example_site / "records" / "CSI-0018.html").read_text()
    svg = _chart(page, "m1")
    lines = re.findall(r'<line class="(pbc-(?:limit|centre))" x1="[\d.]+" y1="([\d.]+)"', svg)
    assert [kind for kind, _ in lines] == ["pbc-limit", "pbc-centre", "pbc-limit"]
    upper, centre, lower = (float(y) for _, y in lines)
    assert upper < centre < lower  # svg y grows downwards
    assert "natural limits 59.08 to 69.72, centre 64.4" in svg
    signalling = re.findall(r'<circle class="point signal"[^>]*><title>([^<]*)</title>', svg)
    assert signalling == ["2026-10-31: 58 % (signals a shift: beyond a limit)"]
    assert svg.count('class="point"') == 5  # the values before the work do not signal
    assert ">improving</text>" in svg and "verdict: improving" in svg
    assert "<strong>Process:</strong> shifted down: beyond a limit" in page


def test_the_scoreboard_names_each_verdict_and_its_alerts(example_site: Path) -> None:
    page = (example_site / "scoreboard.html").read_text()
    row = re.search(
        r"<tr>(?:(?!</tr>).)*?Incidents recurring within 7 days(?:(?!</tr>).)*</tr>", page, re.S
    )
    assert row, "CSI-0001 repeat rate"
    assert "csi-badge--realised-but-not-sustained" in row[0]
    assert "regressed: latest value 12.9 is past the action threshold 12" in row[0]
    row = re.search(
        r"<tr>(?:(?!</tr>).)*?Days for the supplier to deliver(?:(?!</tr>).)*</tr>", page, re.S
    )
    assert row and "csi-badge--worse-than-baseline" in row[0]
    for verdict, meaning in (("no signal yet", "too few values"), ("improving", "shifted towards")):
        assert f"<strong>{verdict}</strong>: " in page and meaning in page


def test_throughput_shows_every_month_from_the_first_closing(example_site: Path) -> None:
    page = (example_site / "index.html").read_text()
    svg = _chart(page, "throughput")
    months = re.findall(r'class="tick"[^>]*text-anchor="end">(\d{4}-\d{2})<', svg)
    year, month = map(int, months[0].split("-"))
    expected = []
    while (year, month) <= (2026, 11):
        expected.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    assert months == expected and ">0</text>" in svg  # months with none closed are shown


def test_chart_text_is_never_smaller_than_11_px_on_a_phone(
    example_site: Path, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    with serve(example_site) as base:
        for name in ("index.html", "records/CSI-0004.html"):
            page.goto(f"{base}/{name}")
            smallest = page.evaluate(
                """() => Math.min(...[...document.querySelectorAll('svg.csi-chart text')]
                    .map(t => t.getBoundingClientRect().height).filter(h => h > 0))"""
            )
            assert smallest >= 11, (name, smallest)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_every_chart_label_lies_inside_its_chart(example_site: Path, browser: Browser) -> None:
    """Before: "realised but not sustained" ran off the left edge of the benefit chart."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    with serve(example_site) as base:
        for name in ("index.html", "records/CSI-0018.html"):
            page.goto(f"{base}/{name}")
            outside = page.evaluate(
                """() => [...document.querySelectorAll('svg.csi-chart text')].filter(t => {
                    const box = t.getBoundingClientRect();
                    const svg = t.ownerSVGElement.getBoundingClientRect();
                    return box.width > 0 && (box.left < svg.left - 1 || box.right > svg.right + 1);
                }).map(t => t.textContent)"""
            )
            assert outside == [], name
    context.close()


def test_recognition_credits_owners_and_the_people_in_the_history(example_site: Path) -> None:
    page = (example_site / "recognition.html").read_text()
    credits = page.split('id="credits"', 1)[1].split("</table>", 1)[0]
    assert "@acme/service-desk" in credits and "Test" in credits  # owner, and git's author
    for quarter, records in (("2026 Q3", ["CSI-0001", "CSI-0002"]), ("2026 Q2", ["CSI-0008"])):
        section = page.split(f'id="{quarter.lower().replace(" ", "-")}', 1)[1].split("<h2", 1)[0]
        assert all(f"records/{rid}.html" in section for rid in records), quarter
    assert 'class="csi-badge csi-badge--realised"' in page


@pytest.fixture
def kb_site(tmp_path: Path, run_csi: Callable[..., Result]) -> Iterator[Path]:
    root = tmp_path / "kb"
    for name in ("policies", "register", "site"):
        shutil.copytree(PROJECT / name, root / name)
    config = root / "site" / "mkdocs.yml"
    config.write_text(
        config.read_text().replace('kb_url: ""', 'kb_url: "https://kb.example.com/article?id={kb}"')
    )
    result = run_csi(root, "site", "build", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    yield root / "build" / "site"


def test_a_lessons_knowledge_article_links_where_a_pattern_is_set(kb_site: Path) -> None:
    page = (kb_site / "lessons.html").read_text()
    assert 'href="https://kb.example.com/article?id=KB0010042"' in page
    script = (kb_site / "assets" / "tables" / "lessons.js").read_text()
    assert '["KB0010042","https://kb.example.com/article?id=KB0010042"]' in script


def test_process_maps_fishbone_and_five_whys_are_drawn_with_text_beside(
    example_site: Path, browser: Browser
) -> None:
    record = load_fast((PROJECT / "register" / "CSI-0005.yaml").read_text(), "CSI-0005.yaml")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    with serve(example_site) as base:
        page.goto(f"{base}/records/CSI-0005.html")
        lanes = page.locator("svg.csi-swimlane")
        assert lanes.count() == 2  # before and after
        for i, steps in enumerate(
            (record["process_map"]["before"], record["process_map"]["after"])
        ):
            svg = lanes.nth(i)
            assert svg.get_attribute("role") == "img"
            assert svg.locator("rect.step").count() == len(steps)
            assert svg.locator("desc").text_content().startswith(("Before", "After"))  # type: ignore[union-attr]
            listed = page.locator("details:has(summary:text('The steps in order')) ol").nth(i)
            assert listed.locator("li").count() == len(steps)  # the text alternative
        figures = page.locator("table", has_text="Handoffs between actors").inner_text()
        assert "Approvals\t6\t2\t-4" in figures and "Lead time (hours)\t75.95\t14.3" in figures
        whys = page.locator("ol.csi-whys > li")
        assert whys.count() == len(record["root_cause"]["five_whys"])
        fishbone = page.locator("#root-cause ~ figure svg.csi-diagram").first
        assert (fishbone.locator("title").text_content() or "").startswith("Fishbone: Cut the")
        for category in ("people", "process", "tools", "environment", "policy"):
            assert category in (fishbone.locator("desc").text_content() or "")
        smallest = page.evaluate(
            """() => Math.min(...[...document.querySelectorAll('svg.csi-diagram text')]
                .map(t => t.getBoundingClientRect().height).filter(h => h > 0))"""
        )
        assert smallest >= 11  # readable on a phone: the drawing scrolls in its frame instead
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_a_chart_of_subnormal_values_draws_without_ticks() -> None:
    """Before: a baseline of 5e-324 and a measurement of 0 crashed the site build (exit 3):
    a quarter of their range rounds to zero, whose logarithm does not exist."""
    import datetime as dt

    from csi_tool.site.charts import metric_chart

    points = [(dt.date(2026, 5, 31), 5e-324), (dt.date(2026, 6, 30), 0.0)]
    svg = metric_chart("m0", "Tiny", "units", points, [], "tiny values")
    assert svg.startswith('<svg class="csi-chart"') and svg.count("<circle") == 2


def test_a_point_is_placed_by_its_share_of_the_axis_scaled_to_the_plot() -> None:
    """The place is the share of the span (days, values) times the plot's size, in that
    order: scaling first rounds differently, and a coordinate written to one decimal moved
    by 0.1 (day 11 of 160 was drawn at x 95.0 instead of 95.1)."""
    import datetime as dt
    import re

    from csi_tool.site.charts import _BOTTOM, _LEFT, _RIGHT, _TOP, HEIGHT, WIDTH, metric_chart

    first = dt.date(2026, 1, 1)
    for span in range(1, 400):
        points = [(first, 10.0), (first + dt.timedelta(days=11), 12.0)]
        points.append((first + dt.timedelta(days=span + 11), 11.0))
        svg = metric_chart("m0", "T", "%", points, [], "values")
        low, high = 10 - 0.16, 12 + 0.16  # the values' range, padded by 8%
        expected = [
            f"{_LEFT + (day - first).days / (span + 11) * (WIDTH - _LEFT - _RIGHT):.1f},"
            f"{_TOP + (high - value) / (high - low) * (HEIGHT - _TOP - _BOTTOM):.1f}"
            for day, value in points
        ]
        found = re.search(r'class="series" points="([^"]*)"', svg)
        assert found is not None and found[1].split() == expected, span
