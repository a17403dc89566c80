"""The dashboard: pipeline, impact-versus-effort matrix, benefits, alerts, throughput."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence

from csi_tool.benefits.review import BENEFIT_STATUSES, MetricReview
from csi_tool.history.trail import lead_time_stats
from csi_tool.site.charts import bar_chart, matrix_chart
from csi_tool.site.data import SiteData
from csi_tool.site.markup import bullets, page_link, table, text
from csi_tool.site.pages import Page, Section

_BENEFITS = BENEFIT_STATUSES


def dashboard_page(data: SiteData) -> Page:
    """The content of index.html."""
    records = len(data.register.records)
    sections = [
        Section(f"<p>{records} improvements in the register, as of {data.as_of}.</p>"),
        _pipeline(data),
        _matrix(data),
        _benefits(data),
        *_alerts(data),
        _throughput(data),
    ]
    return Page("index", "Dashboard", "Continual improvement dashboard", sections)


def _figure(svg: str, rows: Sequence[tuple[str, str]], headers: tuple[str, str]) -> str:
    """A chart with its numbers as a table: the text alternative anyone can read or copy."""
    return (
        f'<figure class="csi-figure">{svg}</figure>'
        f"<details><summary>Data</summary>{table(headers, rows)}</details>"
    )


def _pipeline(data: SiteData) -> Section:
    counts = Counter(item.record.status for item in data.register.records.values())
    bars = [(state, counts.get(state, 0)) for state in data.policies.workflow.states]
    described = ", ".join(f"{state} {count}" for state, count in bars)
    svg = bar_chart(
        "pipeline", "Records per state", bars, f"Records per workflow state: {described}."
    )
    return Section(_figure(svg, [(s, str(c)) for s, c in bars], ("State", "Records")), "Pipeline")


def _matrix(data: SiteData) -> Section:
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for item in data.register.records.values():
        a = item.record.assessment
        if a is not None and item.record.status in data.policies.scoring.ranked_states:
            cells[(a.impact, a.effort)].append(item.record.id)
    lanes = {
        (impact, effort): data.policies.scoring.lane_for(impact, effort).key
        for impact in range(1, 6)
        for effort in range(1, 6)
    }
    legend = " · ".join(
        f'<span class="legend lane-{text(lane.key)}">{text(lane.title)}</span>'
        for lane in data.policies.scoring.lanes
    )
    described = (
        "; ".join(f"impact {i}, effort {e}: {len(ids)}" for (i, e), ids in sorted(cells.items()))
        or "no ranked records"
    )
    svg = matrix_chart(
        "matrix", "Impact versus effort", cells, lanes, f"Records per cell: {described}."
    )
    rows = [
        (f"impact {i}, effort {e} ({text(lanes[(i, e)])})", ", ".join(ids))
        for (i, e), ids in sorted(cells.items())
    ]
    content = (
        f"<p>Ranked records by impact and effort; colours show the lanes: {legend}</p>"
        + _figure(svg, rows, ("Cell", "Records"))
        + f"<p>See the {page_link('backlog.html', 'backlog')} for the ranked list.</p>"
    )
    return Section(content, "Impact versus effort")


def _benefits(data: SiteData) -> Section:
    counts = Counter(review.benefit for review in data.reviews)
    bars = [(name, counts.get(name, 0)) for name in _BENEFITS]
    described = ", ".join(f"{name} {count}" for name, count in bars)
    svg = bar_chart(
        "benefits",
        "Metrics by benefit status",
        bars,
        f"Metrics of reviewed records by benefit status: {described}.",
    )
    return Section(_figure(svg, [(n, str(c)) for n, c in bars], ("Benefit", "Metrics")), "Benefits")


def _alerts(data: SiteData) -> Iterator[Section]:
    overdue = [r for r in data.reviews if r.review == "overdue"]
    breaches = [r for r in data.reviews if r.breach]
    regressions = [r for r in data.reviews if r.regression]
    yield Section("", "Needs attention")
    sections: list[tuple[str, list[MetricReview], Callable[[MetricReview], str]]] = [
        ("Overdue reviews", overdue, lambda r: f"review was due {r.next_review}"),
        ("Threshold breaches", breaches, lambda r: f"latest {r.latest:g} {text(r.unit)}"),
        ("Regressions", regressions, lambda r: text(r.regression or "")),
    ]
    for title, items, what in sections:
        content = (
            bullets(
                f"{page_link(f'records/{r.record_id}.html', r.record_id)} {text(r.name)}: {what(r)}"
                for r in items
            )
            if items
            else "<p>None.</p>"
        )
        yield Section(content, f"{title} ({len(items)})", level=3)


def _throughput(data: SiteData) -> Section:
    heading = "Throughput and lead times"
    if not data.trails:
        return Section(f"<p>{text(data.history_note or 'No git history.')}</p>", heading)
    closed = Counter(
        day.strftime("%Y-%m")
        for trail in data.trails.values()
        if (day := trail.reached.get("closed"))
    )
    bars = sorted(closed.items())
    described = ", ".join(f"{month}: {count}" for month, count in bars) or "none yet"
    svg = bar_chart(
        "throughput", "Records closed per month", bars, f"Records closed per month: {described}."
    )
    rows = [
        (
            stat.name,
            str(stat.count),
            "—" if stat.median is None else f"{stat.median:g}",
            "—" if stat.p90 is None else f"{stat.p90:g}",
        )
        for stat in lead_time_stats(data.trails)
    ]
    headers = ("Lead time", "Records", "Median (days)", "90th percentile (days)")
    content = _figure(svg, [(m, str(c)) for m, c in bars], ("Month", "Closed")) + table(
        headers, rows, numeric=(1, 2, 3)
    )
    return Section(content, heading)
