"""The list pages: ranked backlog, the whole register (filterable), lessons learned."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

from csi_tool.markdown import html_text, md_code, md_inline
from csi_tool.models import Lesson, Record
from csi_tool.priority_report import blockers_text
from csi_tool.site.data import SiteData


def backlog_page(data: SiteData) -> str:
    """backlog.md: the ranked list per lane with score breakdowns; blocked records."""
    backlog = data.backlog
    parts = [
        "---\ntitle: Backlog\n---\n",
        "# Ranked backlog\n",
        f"{len(backlog.ranked)} ranked improvements, computed on every build from "
        "`policies/scoring.yaml`; ranks are never stored in records. Blocked records rank after "
        "every unblocked one, whatever their score.\n",
    ]
    for lane in backlog.lanes:
        items = backlog.lane_records(lane.key)
        parts.append(f"## {md_inline(lane.title)} ({len(items)})\n")
        if not items:
            parts.append("None.\n")
            continue
        parts.append(
            "| Rank | Record | Score | Why | Status | Owner |\n|---:|---|---:|---|---|---|"
        )
        parts += [
            f"| {i.rank} | [{i.record_id}](records/{i.record_id}.md) {md_inline(i.title)} "
            f"| {i.score.value:.2f} | {md_inline(i.score.breakdown)} | {md_inline(i.status)}"
            + (
                f" — **blocked** by {md_inline(blockers_text(i.blocked_by))}"
                if i.blocked_by
                else ""
            )
            + f" | {md_inline(i.owner or '—')} |"
            for i in items
        ]
        parts.append("")
    blocked = backlog.blocked()
    parts.append(f"## Blocked ({len(blocked)})\n")
    parts += [
        f"- [{i.record_id}](records/{i.record_id}.md) {md_inline(i.title)}: waits for "
        f"{md_inline(blockers_text(i.blocked_by))}"
        for i in blocked
    ] or ["None."]
    if backlog.unassessed:
        parts.append(f"\n## Not yet assessed ({len(backlog.unassessed)})\n")
        parts += [
            f"- [{u.record_id}](records/{u.record_id}.md) {md_inline(u.title)}"
            for u in backlog.unassessed
        ]
    parts.append(f"\n## Findings ({len(data.findings)})\n")
    parts += [
        f"- [{PurePosixPath(f.path).stem}](records/{PurePosixPath(f.path).stem}.md) "
        f"{md_inline(f.message)}"
        for f in data.findings
    ] or ["None."]
    return "\n".join(parts) + "\n"


def register_page(data: SiteData) -> str:
    """register.md: every record in one table, filterable by state, service and owner."""
    benefits: dict[str, Counter[str]] = defaultdict(Counter)
    for review in data.reviews:
        benefits[review.record_id][review.benefit] += 1
    rows = []
    items = sorted(data.register.records.values(), key=lambda i: i.record.id)
    for item in items:
        r = item.record
        ranked = data.ranked(r.id)
        counts = benefits.get(r.id, Counter())
        benefit = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "—"
        rows.append(
            f'<tr data-state="{html_text(r.status)}" data-service="{html_text(r.service or "")}" '
            f'data-owner="{html_text(r.owner or "")}">'
            f'<td><a href="records/{r.id}.html">{r.id}</a></td><td>{html_text(r.title)}</td>'
            f"<td>{html_text(r.status)}</td><td>{html_text(r.service or '—')}</td>"
            f"<td>{html_text(r.owner or '—')}</td><td>{ranked.rank if ranked else '—'}</td>"
            f"<td>{html_text(benefit)}</td></tr>"
        )
    filters = "".join(
        _select(name, label, sorted({getattr(i.record, name) or "" for i in items} - {""}))
        for name, label in (("status", "State"), ("service", "Service"), ("owner", "Owner"))
    )
    return (
        "---\ntitle: Register\n---\n\n# Register\n\n"
        f"All {len(items)} improvements. Choose a state, service or owner to filter the table.\n\n"
        f'<form class="csi-filters" id="csi-filters">{filters}'
        '<output id="csi-count" aria-live="polite"></output></form>\n\n'
        '<table class="csi-register" id="csi-register"><thead><tr><th>Id</th><th>Title</th>'
        "<th>State</th><th>Service</th><th>Owner</th><th>Rank</th><th>Benefit</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>\n"
    )


def _select(name: str, label: str, values: list[str]) -> str:
    key = "state" if name == "status" else name
    options = "".join(f'<option value="{html_text(v)}">{html_text(v)}</option>' for v in values)
    return (
        f'<label>{label} <select data-filter="{key}"><option value="">all</option>'
        f"{options}</select></label> "
    )


def lessons_page(data: SiteData) -> str:
    """lessons.md: the knowledge base of lessons learned, by service, practice and tag."""
    lessons = [
        (item.record, lesson)
        for item in sorted(data.register.records.values(), key=lambda i: i.record.id)
        for lesson in item.record.lessons
    ]
    parts = [
        "---\ntitle: Lessons learned\n---\n",
        "# Lessons learned\n",
        f"{len(lessons)} lessons from {len({r.id for r, _ in lessons})} improvements, "
        "grouped by service, practice and tag. Each links back to its improvement.\n",
    ]
    parts += _grouped(
        "By service", lessons, lambda record, lesson: [record.service or "No service"]
    )
    parts += _grouped("By practice", lessons, lambda record, lesson: record.practices or ["None"])
    parts += _grouped("By tag", lessons, lambda record, lesson: lesson.tags or ["untagged"])
    return "\n".join(parts) + "\n"


def _grouped(
    title: str,
    lessons: list[tuple[Record, Lesson]],
    keys: Callable[[Record, Lesson], list[str]],
) -> Iterator[str]:
    groups: dict[str, list[str]] = defaultdict(list)
    for record, lesson in lessons:
        line = (
            f"- {md_inline(lesson.text)} — [{record.id}](records/{record.id}.md) "
            f"{md_inline(record.title)}" + (f" ({md_code(lesson.kb_ref)})" if lesson.kb_ref else "")
        )
        for key in keys(record, lesson):
            groups[key].append(line)
    yield f"## {title}\n"
    for key in sorted(groups):
        yield f"### {md_inline(key)}\n"
        yield "\n".join(groups[key]) + "\n"
