"""The dashboard: the figures a CIO asks for first, then what needs attention, then detail.

Tiles come first (in flight, delivered this quarter, targets achieved, overdue, at risk,
breaches and regressions), each linking to the list behind it; then the records needing
attention; then the pipeline in the workflow's order, the impact-versus-effort matrix,
review outcomes per quarter and throughput.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from urllib.parse import quote_plus

from csi_tool.benefits.verdict import AT_RISK, NOT_REALISED, ON_TRACK, REALISED, VERDICTS
from csi_tool.history.trail import lead_time_stats
from csi_tool.report import counted
from csi_tool.site.charts import bar_chart, matrix_chart
from csi_tool.site.data import SiteData
from csi_tool.site.markup import bullets, label, page_link, quarter_of, table, text
from csi_tool.site.pages import Page, Section
from csi_tool.site.views.attention import Attention
from csi_tool.site.views.tiles import tiles_html

# verdicts shown on the benefit chart even when none has them; the others when some do
SHOWN = (REALISED, ON_TRACK, AT_RISK, NOT_REALISED)

ATTENTION_SHOWN = 10  # the rest are on attention.html
CELL_IDS = 8  # record ids named per cell of the matrix; the register lists them all
OUTCOMES = ("achieved", "partially_achieved", "not_achieved")


def dashboard_page(data: SiteData, attention: list[Attention]) -> Page:
    """The content of index.html; `attention` is what `needing_attention` found."""
    sections = [
        Section(tiles_html(data, attention)),
        Section(_attention(attention), "Needs attention"),
        _benefits(data),
        _pipeline(data),
        _matrix(data),
        Section(_outcomes(data), "Review outcomes"),
        _throughput(data),
    ]
    return Page("index", "Dashboard", "Continual improvement dashboard", sections)


def _attention(items: list[Attention]) -> str:
    if not items:
        return "<p>Nothing needs attention.</p>"
    lines = []
    for a in items[:ATTENTION_SHOWN]:
        owner = f" ({text(a.owner)})" if a.owner else ""
        days = f", {counted(a.days_overdue, 'day')} overdue" if a.days_overdue else ""
        why = "; ".join(text(words) for _, words in a.reasons)
        lines.append(
            f"{page_link(f'records/{a.record_id}.html', a.record_id)} {text(a.title)}{owner}"
            f"{days}: {why}"
        )
    more = (
        f"<p>{page_link('attention.html', f'All {len(items)} that need attention')}.</p>"
        if len(items) > ATTENTION_SHOWN
        else f"<p>{page_link('attention.html', 'As a table')}.</p>"
    )
    return bullets(lines) + more


def _figure(svg: str, rows: Sequence[tuple[str, str]], headers: tuple[str, str]) -> str:
    """A chart with its numbers as a table: the text alternative anyone can read or copy."""
    return (
        f'<figure class="csi-figure">{svg}</figure>'
        f"<details><summary>Data</summary>{table(headers, rows)}</details>"
    )


def _benefits(data: SiteData) -> Section:
    counts = Counter(review.benefit for review in data.reviews)
    bars = [(status, counts[status]) for status in VERDICTS if counts[status] or status in SHOWN]
    described = ", ".join(f"{status} {count}" for status, count in bars)
    svg = bar_chart(
        "benefits",
        "Metrics by benefit",
        bars,
        f"Metrics of the improvements reviewed, by benefit: {described}.",
        [f"benefit-{_slug(status)}" for status, _ in bars],
    )
    rows = [
        (page_link(f"scoreboard.html?benefit={quote_plus(status)}", status), str(count))
        for status, count in bars
    ]
    content = f'<figure class="csi-figure">{svg}</figure>' + table(("Benefit", "Metrics"), rows)
    return Section(content, "Benefits")


def _slug(status: str) -> str:
    return "-".join(status.split())


def _pipeline(data: SiteData) -> Section:
    counts = Counter(item.record.status for item in data.register.records.values())
    bars = [(label(state), counts.get(state, 0)) for state in data.policies.workflow.states]
    described = ", ".join(f"{state} {count}" for state, count in bars)
    svg = bar_chart(
        "pipeline", "Improvements per state", bars, f"Improvements per state: {described}."
    )
    rows = [(text(s), str(c)) for s, c in bars]
    return Section(_figure(svg, rows, ("State", "Improvements")), "Pipeline")


def _matrix(data: SiteData) -> Section:
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for item in data.register.records.values():
        a = item.record.assessment
        if a is not None and item.record.status in data.policies.scoring.ranked_states:
            cells[(a.impact, a.effort)].append(item.record.id)
    lanes = {
        (impact, effort): data.policies.scoring.lane_for(impact, effort)
        for impact in range(1, 6)
        for effort in range(1, 6)
    }
    legend = " &middot; ".join(
        f'<span class="legend lane-{text(lane.key)}">{text(lane.title)}</span>'
        for lane in data.policies.scoring.lanes
    )
    described = (
        "; ".join(f"impact {i}, effort {e}: {len(ids)}" for (i, e), ids in sorted(cells.items()))
        or "no ranked records"
    )
    svg = matrix_chart(
        "matrix",
        "Impact versus effort",
        cells,
        {cell: lane.key for cell, lane in lanes.items()},
        f"Ranked improvements per cell: {described}.",
    )
    rows = []
    for (i, e), ids in sorted(cells.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        filtered = f"register.html?impact={i}&effort={e}&ranked=yes"
        named = ", ".join(page_link(f"records/{rid}.html", rid) for rid in sorted(ids)[:CELL_IDS])
        more = len(ids) - CELL_IDS
        rows.append(
            (
                page_link(filtered, f"impact {i}, effort {e} ({lanes[(i, e)].title})"),
                named + (f", {page_link(filtered, f'and {more} more')}" if more > 0 else ""),
            )
        )
    content = (
        f"<p>Ranked improvements by impact and effort; colours show the lanes: {legend}</p>"
        f'<figure class="csi-figure">{svg}</figure>'
        + table(("Cell", "Improvements"), rows)
        + f"<p>See the {page_link('backlog.html', 'backlog')} for the ranked list.</p>"
    )
    return Section(content, "Impact versus effort")


def _outcomes(data: SiteData) -> str:
    by_quarter: dict[str, Counter[str]] = defaultdict(Counter)
    for item in data.register.records.values():
        review = item.record.review
        if review is not None:
            by_quarter[quarter_of(review.date)][review.outcome.value] += 1
    if not by_quarter:
        return "<p>No post-implementation reviews yet.</p>"
    rows = [
        (quarter, *(str(counts[o]) for o in OUTCOMES), str(sum(counts.values())))
        for quarter, counts in sorted(by_quarter.items(), reverse=True)
    ]
    headers = ("Quarter", *(label(o) for o in OUTCOMES), "Reviews")
    regressed = sorted(
        {
            r.record_id
            for r in data.reviews
            if r.regression
            and (review := data.register.records[r.record_id].record.review) is not None
            and review.outcome.value == "achieved"
        }
    )
    note = (
        "<p>Reviewed as achieved, yet regressed since: "
        + ", ".join(page_link(f"records/{rid}.html", rid) for rid in regressed)
        + "</p>"
        if regressed
        else ""
    )
    return table(headers, rows, numeric=(1, 2, 3, 4)) + note


def _throughput(data: SiteData) -> Section:
    closed = Counter(
        day.strftime("%Y-%m")
        for item in data.register.records.values()
        if (day := data.closed_on(item.record)) is not None and day <= data.as_of
    )
    bars = [(month, closed.get(month, 0)) for month in _months(closed, data.as_of)]
    if bars:
        described = ", ".join(f"{month}: {count}" for month, count in bars)
        svg = bar_chart(
            "throughput",
            "Improvements closed per month",
            bars,
            f"Improvements closed per month: {described}.",
        )
        content = _figure(svg, [(m, str(c)) for m, c in bars], ("Month", "Closed"))
    else:
        content = "<p>No improvement has closed yet.</p>"
    if data.trails:
        rows = [
            (
                text(stat.name),  # "logged→approved": escaped, so in ASCII too
                str(stat.count),
                "&mdash;" if stat.median is None else f"{stat.median:g}",
                "&mdash;" if stat.p90 is None else f"{stat.p90:g}",
            )
            for stat in lead_time_stats(data.trails)
        ]
        headers = ("Lead time", "Records", "Median (days)", "90th percentile (days)")
        content += table(headers, rows, numeric=(1, 2, 3))
    else:
        content += f"<p>{text(data.history_note or 'No git history.')} Closing dates come "
        content += "from the reviews; lead times need the history.</p>"
    return Section(content, "Throughput and lead times")


def _months(counts: Counter[str], as_of: dt.date) -> list[str]:
    """Every month from the first closing to the site's date, those with none included."""
    if not counts:
        return []
    year, month = map(int, min(counts).split("-"))
    months = []
    while (year, month) <= (as_of.year, as_of.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
