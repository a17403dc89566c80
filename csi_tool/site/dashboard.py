"""The dashboard: pipeline, impact-versus-effort matrix, benefits, alerts, throughput."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence

from csi_tool.benefits import MetricReview
from csi_tool.history import lead_time_stats
from csi_tool.markdown import md_inline
from csi_tool.site.charts import bar_chart, matrix_chart
from csi_tool.site.data import SiteData

_BENEFITS = ("realised", "on track", "at risk", "not realised", "no data")


def dashboard_page(data: SiteData) -> str:
    """The Markdown of index.md."""
    records = [item.record for item in data.register.records.values()]
    parts = [
        "---\ntitle: Dashboard\n---\n",
        "# Continual improvement dashboard\n",
        f"{len(records)} improvements in the register, as of {data.as_of}.\n",
        *_pipeline(data),
        *_matrix(data),
        *_benefits(data),
        *_alerts(data),
        *_throughput(data),
    ]
    return "\n".join(parts) + "\n"


def _figure(svg: str, rows: Sequence[tuple[str, str]], headers: tuple[str, str]) -> str:
    """A chart with its numbers as a table: the text alternative anyone can read or copy."""
    table = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
    return (
        f'<figure class="csi-figure">{svg}</figure>\n\n'
        f"<details><summary>Data</summary><table><thead><tr><th>{headers[0]}</th>"
        f"<th>{headers[1]}</th></tr></thead><tbody>{table}</tbody></table></details>\n"
    )


def _pipeline(data: SiteData) -> Iterator[str]:
    counts = Counter(item.record.status for item in data.register.records.values())
    bars = [(state, counts.get(state, 0)) for state in data.policies.workflow.states]
    yield "## Pipeline\n"
    described = ", ".join(f"{state} {count}" for state, count in bars)
    svg = bar_chart(
        "pipeline", "Records per state", bars, f"Records per workflow state: {described}."
    )
    yield _figure(svg, [(s, str(c)) for s, c in bars], ("State", "Records"))


def _matrix(data: SiteData) -> Iterator[str]:
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
    yield "## Impact versus effort\n"
    legend = " · ".join(
        f'<span class="legend lane-{lane.key}">{md_inline(lane.title)}</span>'
        for lane in data.policies.scoring.lanes
    )
    yield f"Ranked records by impact and effort; colours show the lanes: {legend}\n"
    described = (
        "; ".join(f"impact {i}, effort {e}: {len(ids)}" for (i, e), ids in sorted(cells.items()))
        or "no ranked records"
    )
    svg = matrix_chart(
        "matrix", "Impact versus effort", cells, lanes, f"Records per cell: {described}."
    )
    rows = [
        (f"impact {i}, effort {e} ({lanes[(i, e)]})", ", ".join(ids))
        for (i, e), ids in sorted(cells.items())
    ]
    yield _figure(svg, rows, ("Cell", "Records"))
    yield "See the [backlog](backlog.md) for the ranked list.\n"


def _benefits(data: SiteData) -> Iterator[str]:
    counts = Counter(review.benefit for review in data.reviews)
    bars = [(name, counts.get(name, 0)) for name in _BENEFITS]
    yield "## Benefits\n"
    described = ", ".join(f"{name} {count}" for name, count in bars)
    svg = bar_chart(
        "benefits",
        "Metrics by benefit status",
        bars,
        f"Metrics of reviewed records by benefit status: {described}.",
    )
    yield _figure(svg, [(n, str(c)) for n, c in bars], ("Benefit", "Metrics"))


def _alerts(data: SiteData) -> Iterator[str]:
    overdue = [r for r in data.reviews if r.review == "overdue"]
    breaches = [r for r in data.reviews if r.breach]
    regressions = [r for r in data.reviews if r.regression]
    yield "## Needs attention\n"
    sections: list[tuple[str, list[MetricReview], Callable[[MetricReview], str]]] = [
        ("Overdue reviews", overdue, lambda r: f"review was due {r.next_review}"),
        ("Threshold breaches", breaches, lambda r: f"latest {r.latest:g} {md_inline(r.unit)}"),
        ("Regressions", regressions, lambda r: md_inline(r.regression or "")),
    ]
    for title, items, what in sections:
        yield f"### {title} ({len(items)})\n"
        if not items:
            yield "None.\n"
            continue
        for r in items:
            yield f"- [{r.record_id}](records/{r.record_id}.md) {md_inline(r.name)}: {what(r)}"
        yield ""


def _throughput(data: SiteData) -> Iterator[str]:
    yield "## Throughput and lead times\n"
    if not data.trails:
        yield md_inline(data.history_note or "No git history.") + "\n"
        return
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
    yield _figure(svg, [(m, str(c)) for m, c in bars], ("Month", "Closed"))
    yield "| Lead time | Records | Median (days) | 90th percentile (days) |\n|---|---:|---:|---:|"
    for stat in lead_time_stats(data.trails):
        median = "—" if stat.median is None else f"{stat.median:g}"
        p90 = "—" if stat.p90 is None else f"{stat.p90:g}"
        yield f"| {stat.name} | {stat.count} | {median} | {p90} |"
    yield ""
