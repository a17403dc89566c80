"""One page per record: every section, a chart per metric, decisions, history, dependencies.

All record text is untrusted: it goes through `md_inline`/`md_block` (escaped HTML, inert
Markdown) or `html_text` inside raw HTML; links are made only for http(s) URLs.
"""

from __future__ import annotations

from collections.abc import Iterator

from csi_tool.benefits import MetricReview
from csi_tool.markdown import md_block, md_code, md_inline, safe_link
from csi_tool.models import Metric, Record
from csi_tool.site.charts import Line, metric_chart
from csi_tool.site.data import SiteData


def record_page(record: Record, data: SiteData, needed_by: list[str], pr_url: str | None) -> str:
    """The Markdown of records/<ID>.md."""
    sections = [
        f"---\ntitle: {record.id}\n---\n",  # the id is pattern-checked: safe as the page title
        f"# {record.id}: {md_inline(record.title)}\n",
        _facts(record, data),
        *_source(record),
        *_vision(record),
        *_current_state(record),
        *_metrics(record, data.reviews_of(record.id)),
        *_options_and_assessment(record, data),
        *_dependencies(record, data, needed_by),
        *_root_cause(record),
        *_plan(record),
        *_decision(record),
        *_review_and_lessons(record),
        *_history(record, data, pr_url),
    ]
    return "\n".join(sections) + "\n"


def _facts(record: Record, data: SiteData) -> str:
    ranked = data.ranked(record.id)
    rows = [
        ("Status", md_inline(record.status)),
        ("Service", md_inline(record.service or "—")),
        ("Owner", md_inline(record.owner or "—")),
        ("Created", record.created.isoformat()),
        ("Practices", ", ".join(md_inline(p) for p in record.practices) or "—"),
        ("Tags", ", ".join(md_inline(t) for t in record.tags) or "—"),
    ]
    if record.roles:
        for role in ("validator", "approver", "outcome_confirmer"):
            handle = getattr(record.roles, role)
            if handle:
                rows.append((role.replace("_", " ").capitalize(), md_inline(handle)))
    if ranked:
        rows.append(
            ("Rank", f"{ranked.rank} ({md_inline(ranked.lane)}, score {ranked.score.value:g})")
        )
    lines = ["| About | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
    return "\n".join(lines) + "\n"


def _source(record: Record) -> Iterator[str]:
    if record.source is None:
        return
    refs = record.source.references
    yield "## Source\n"
    yield f"**Kind:** {record.source.kind.value.replace('_', ' ')}\n"
    for label, values in (
        ("Incidents", refs.incidents),
        ("Problems", refs.problems),
        ("Surveys", refs.surveys),
    ):
        if values:
            yield f"**{label}:** " + ", ".join(md_code(v) for v in values) + "\n"
    if refs.links:
        yield "**Links:** " + ", ".join(safe_link(url) for url in refs.links) + "\n"
    if record.source.note:
        yield md_block(record.source.note) + "\n"


def _vision(record: Record) -> Iterator[str]:
    if record.vision is None:
        return
    yield "## Vision\n"
    yield f"**What should improve:** {md_block(record.vision.statement)}\n"
    yield f"**Why it matters:** {md_block(record.vision.business_value)}\n"


def _current_state(record: Record) -> Iterator[str]:
    if record.current_state is None:
        return
    yield "## Current state\n"
    yield md_block(record.current_state.summary) + "\n"
    for fact in record.current_state.evidence:
        yield f"- {md_inline(fact)}"
    yield ""


def _metrics(record: Record, reviews: list[MetricReview]) -> Iterator[str]:
    if not record.metrics:
        return
    yield "## Metrics\n"
    by_key = {review.metric: review for review in reviews}
    for index, metric in enumerate(record.metrics):
        yield f"### {md_inline(metric.name)}\n"
        yield (
            f"{md_code(metric.key)} · {metric.kind.value} · {md_inline(metric.unit)} · "
            f"should {metric.direction.value} · "
            f"reviewed {metric.review_cadence.value.replace('_', ' ')}\n"
        )
        review = by_key.get(metric.key)
        if review:
            alerts = (" · **threshold breached**" if review.breach else "") + (
                f" · **regressed:** {md_inline(review.regression)}" if review.regression else ""
            )
            progress = "" if review.progress is None else f" · progress {review.progress:g}%"
            yield (
                f"**Benefit:** {review.benefit}{progress} · review {review.review} "
                f"({review.next_review}){alerts}\n"
            )
        yield _chart(record, index, metric)
        yield _metric_table(metric)


def _chart(record: Record, index: int, metric: Metric) -> str:
    points = [(m.date, m.value) for m in metric.measurements]
    lines = []
    if metric.baseline:
        points = [(metric.baseline.date, metric.baseline.value), *points]
        lines.append(Line("baseline", metric.baseline.value, "ref-baseline"))
    if metric.target:
        lines.append(Line(f"target by {metric.target.by}", metric.target.value, "ref-target"))
    if metric.action_threshold is not None:
        lines.append(Line("action threshold", metric.action_threshold, "ref-threshold"))
    described = ", ".join(f"{d}: {v:g}" for d, v in points) or "no measurements yet"
    description = f"{metric.name} in {metric.unit} over time: {described}. " + "; ".join(
        f"{line.label} {line.value:g}" for line in lines
    )
    svg = metric_chart(
        f"m{index}", f"{record.id} {metric.name}", metric.unit, points, lines, description
    )
    return f'<figure class="csi-figure">{svg}</figure>\n' if svg else ""


def _metric_table(metric: Metric) -> str:
    rows = ["| Date | Value | Source | Note |", "|---|---:|---|---|"]
    if metric.baseline:
        b = metric.baseline
        rows.append(f"| {b.date} | {b.value:g} | {md_inline(b.source)} | baseline |")
    for m in metric.measurements:
        rows.append(
            f"| {m.date} | {m.value:g} | {md_inline(m.source or '')} | {md_inline(m.note or '')} |"
        )
    if metric.target:
        rows.append(f"| {metric.target.by} | {metric.target.value:g} | | target |")
    return "\n".join(rows) + "\n"


def _options_and_assessment(record: Record, data: SiteData) -> Iterator[str]:
    if record.options:
        yield "## Options considered\n"
        for option in record.options:
            chosen = " **(chosen)**" if option.chosen else ""
            yield f"- {md_inline(option.summary)}{chosen}: {md_inline(option.expected_outcome)}"
        yield ""
    if record.assessment:
        a = record.assessment
        yield "## Assessment\n"
        confidence = "" if a.confidence is None else f" · confidence {a.confidence:g}"
        yield (
            f"Impact {a.impact} · urgency {a.urgency} · effort {a.effort} · "
            f"risk {a.risk}{confidence}\n"
        )
        ranked = data.ranked(record.id)
        if ranked:
            yield f"**Score:** {md_inline(ranked.score.breakdown)}\n"


def _dependencies(record: Record, data: SiteData, needed_by: list[str]) -> Iterator[str]:
    if not (record.depends_on or needed_by):
        return
    yield "## Dependencies\n"
    if record.depends_on:
        yield (
            "**Depends on:** " + ", ".join(_record_link(d, data) for d in record.depends_on) + "\n"
        )
    if needed_by:
        yield "**Needed by:** " + ", ".join(_record_link(d, data) for d in needed_by) + "\n"


def _record_link(record_id: str, data: SiteData) -> str:
    item = data.register.records.get(record_id)
    if item is None:
        return md_code(record_id)
    return f"[{record_id}]({record_id}.md) ({md_inline(item.record.status)})"


def _root_cause(record: Record) -> Iterator[str]:
    if record.root_cause is None:
        return
    yield "## Root cause analysis\n"
    for i, why in enumerate(record.root_cause.five_whys, start=1):
        yield f"{i}. {md_inline(why)}"
    yield ""
    fishbone = record.root_cause.fishbone
    if fishbone:
        for category in ("people", "process", "tools", "environment", "policy"):
            causes = getattr(fishbone, category)
            if causes:
                yield (
                    f"**{category.capitalize()}:** "
                    + "; ".join(md_inline(c) for c in causes)
                    + "\n"
                )


def _plan(record: Record) -> Iterator[str]:
    if record.plan is None:
        return
    plan = record.plan
    yield "## Plan\n"
    yield f"Start {plan.start or '—'} · due {plan.due or '—'}\n"
    for milestone in plan.milestones:
        mark = "x" if milestone.done else " "
        yield f"- [{mark}] {md_inline(milestone.name)} (due {milestone.due})"
    yield ""
    for label, values in (
        ("Changes", plan.changes),
        ("Problems", plan.problems),
        ("Releases", plan.releases),
    ):
        if values:
            yield f"**{label}:** " + ", ".join(md_code(v) for v in values) + "\n"


def _decision(record: Record) -> Iterator[str]:
    if record.decision:
        d = record.decision
        yield "## Decision\n"
        revisit = f" · revisit {d.revisit}" if d.revisit else ""
        yield f"**{d.outcome.value.capitalize()}** on {d.date} by {md_inline(d.by)}{revisit}\n"
        if d.rationale:
            yield md_block(d.rationale) + "\n"
    if record.revisions:
        yield "## Revisions of baselines and targets\n"
        yield "| Date | Metric | Changed | Reason | Approved by |\n|---|---|---|---|---|"
        for r in record.revisions:
            yield (
                f"| {r.date} | {md_code(r.metric)} | {r.field.value} | {md_inline(r.reason)} "
                f"| {md_inline(r.approved_by)} |"
            )
        yield ""
    if record.withdrawal:
        w = record.withdrawal
        yield "## Withdrawn\n"
        yield f"On {w.date} by {md_inline(w.by)}: {md_block(w.reason)}\n"


def _review_and_lessons(record: Record) -> Iterator[str]:
    if record.review:
        r = record.review
        yield "## Post-implementation review\n"
        by = f" by {md_inline(r.by)}" if r.by else ""
        yield f"**{r.outcome.value.replace('_', ' ').capitalize()}** on {r.date}{by}\n"
        yield md_block(r.summary) + "\n"
    if record.lessons:
        yield "## Lessons learned\n"
        for lesson in record.lessons:
            tags = " ".join(md_code(t) for t in lesson.tags)
            kb = f" (knowledge: {_knowledge(lesson.kb_ref)})" if lesson.kb_ref else ""
            yield f"- {md_inline(lesson.text)} {tags}{kb}"
        yield ""


def _knowledge(reference: str) -> str:
    return safe_link(reference) if reference.startswith("http") else md_code(reference)


def _history(record: Record, data: SiteData, pr_url: str | None) -> Iterator[str]:
    yield "## History\n"
    trail = data.trails.get(record.id)
    if not trail or not trail.events:
        yield md_inline(data.history_note or "No history in git yet.") + "\n"
        return
    yield "| Date | Change | By | Pull request |\n|---|---|---|---|"
    for event in trail.events:
        pr = ""
        if event.pull_request:
            pr = (
                safe_link(f"{pr_url}/pull/{event.pull_request}", f"#{event.pull_request}")
                if pr_url
                else f"\\#{event.pull_request}"
            )
        who = event.author + (f" (merged by {event.merged_by})" if event.merged_by else "")
        yield f"| {event.date} | {md_inline(event.what)} | {md_inline(who)} | {pr} |"
    yield ""
