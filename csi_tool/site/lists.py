"""The list pages: ranked backlog, the whole register (filterable), lessons learned."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

from csi_tool.backlog.report import blockers_text
from csi_tool.records.models import Lesson, Record
from csi_tool.report import counted
from csi_tool.site.data import SiteData
from csi_tool.site.markup import bullets, code, page_link, table, text
from csi_tool.site.pages import Page, SearchEntry, Section


def _record(record_id: str) -> str:
    return page_link(f"records/{record_id}.html", record_id)


def backlog_page(data: SiteData) -> Page:
    """backlog.html: the ranked list per lane with score breakdowns; blocked records."""
    backlog = data.backlog
    sections = [
        Section(
            f"<p>{counted(len(backlog.ranked), 'ranked improvement')}, computed on every build "
            "from <code>policies/scoring.yaml</code>; ranks are never stored in records. Blocked "
            "records rank after every unblocked one, whatever their score.</p>"
        )
    ]
    for lane in backlog.lanes:
        items = backlog.lane_records(lane.key)
        rows = (
            (
                str(i.rank),
                f"{_record(i.record_id)} {text(i.title)}",
                f"{i.score.value:.2f}",
                text(i.score.breakdown),
                text(i.status)
                + (
                    f" — <strong>blocked</strong> by {text(blockers_text(i.blocked_by))}"
                    if i.blocked_by
                    else ""
                ),
                text(i.owner or "—"),
            )
            for i in items
        )
        headers = ("Rank", "Record", "Score", "Why", "Status", "Owner")
        content = table(headers, rows, numeric=(0, 2)) if items else "<p>None.</p>"
        sections.append(Section(content, f"{lane.title} ({len(items)})"))
    blocked = backlog.blocked()
    sections.append(
        Section(
            _list(
                f"{_record(i.record_id)} {text(i.title)}: waits for "
                f"{text(blockers_text(i.blocked_by))}"
                for i in blocked
            ),
            f"Blocked ({len(blocked)})",
        )
    )
    if backlog.unassessed:
        sections.append(
            Section(
                _list(f"{_record(u.record_id)} {text(u.title)}" for u in backlog.unassessed),
                f"Not yet assessed ({len(backlog.unassessed)})",
            )
        )
    sections.append(
        Section(
            _list(
                f"{_record(PurePosixPath(f.path).stem)} {text(f.message)}" for f in data.findings
            ),
            f"Findings ({len(data.findings)})",
        )
    )
    return Page("backlog", "Backlog", "Ranked backlog", sections)


def _list(items: Iterator[str]) -> str:
    shown = list(items)
    return bullets(shown) if shown else "<p>None.</p>"


def register_page(data: SiteData) -> Page:
    """register.html: every record in one table, filterable by state, service and owner."""
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
            f'<tr data-state="{text(r.status)}" data-service="{text(r.service or "")}" '
            f'data-owner="{text(r.owner or "")}">'
            f"<td>{_record(r.id)}</td><td>{text(r.title)}</td>"
            f"<td>{text(r.status)}</td><td>{text(r.service or '—')}</td>"
            f"<td>{text(r.owner or '—')}</td><td>{ranked.rank if ranked else '—'}</td>"
            f"<td>{text(benefit)}</td></tr>"
        )
    filters = "".join(
        _select(name, label, sorted({getattr(i.record, name) or "" for i in items} - {""}))
        for name, label in (("status", "State"), ("service", "Service"), ("owner", "Owner"))
    )
    content = (
        f"<p>All {counted(len(items), 'improvement')}. Choose a state, service or owner to "
        "filter the table.</p>"
        f'<form class="csi-filters" id="csi-filters">{filters}'
        '<output id="csi-count" aria-live="polite"></output></form>'
        '<table class="csi-register" id="csi-register"><thead><tr><th>Id</th><th>Title</th>'
        "<th>State</th><th>Service</th><th>Owner</th><th>Rank</th><th>Benefit</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return Page("register", "Register", "Register", [Section(content)])


def _select(name: str, label: str, values: list[str]) -> str:
    key = "state" if name == "status" else name
    options = "".join(f'<option value="{text(v)}">{text(v)}</option>' for v in values)
    return (
        f'<label>{label} <select data-filter="{key}"><option value="">all</option>'
        f"{options}</select></label> "
    )


def lessons_page(data: SiteData) -> Page:
    """lessons.html: the knowledge base of lessons learned, by service, practice and tag.

    Each lesson is also a search result of its own, leading to its place under its service.
    """
    lessons = [
        (item.record, number, lesson)
        for item in sorted(data.register.records.values(), key=lambda i: i.record.id)
        for number, lesson in enumerate(item.record.lessons, start=1)
    ]
    sections = [
        Section(
            f"<p>{counted(len(lessons), 'lesson')} from "
            f"{counted(len({r.id for r, _, _ in lessons}), 'improvement')}, "
            "grouped by service, practice and tag. Each links back to its improvement.</p>"
        )
    ]
    sections += _grouped(
        "By service", lessons, lambda record, lesson: [record.service or "No service"], True
    )
    sections += _grouped(
        "By practice", lessons, lambda record, lesson: record.practices or ["None"], False
    )
    sections += _grouped(
        "By tag", lessons, lambda record, lesson: lesson.tags or ["untagged"], False
    )
    search = [
        SearchEntry(
            f"lessons.html#{_lesson_anchor(record, number)}",
            f"Lesson from {record.id}: {record.title}",
            lesson.text,
        )
        for record, number, lesson in lessons
    ]
    return Page("lessons", "Lessons learned", "Lessons learned", sections, search)


def _lesson_anchor(record: Record, number: int) -> str:
    return f"lesson-{record.id.lower()}-{number}"


def _grouped(
    title: str,
    lessons: list[tuple[Record, int, Lesson]],
    keys: Callable[[Record, Lesson], list[str]],
    anchored: bool,
) -> Iterator[Section]:
    """One section per group; with `anchored`, each lesson carries the id search links to
    (every lesson appears once in such a grouping, so the ids stay unique)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for record, number, lesson in lessons:
        anchor = f' id="{_lesson_anchor(record, number)}"' if anchored else ""
        line = (
            f"<li{anchor}>{text(lesson.text)} — {_record(record.id)} {text(record.title)}"
            + (f" ({code(lesson.kb_ref)})" if lesson.kb_ref else "")
            + "</li>"
        )
        for key in keys(record, lesson):
            groups[key].append(line)
    yield Section("", title)
    for key in sorted(groups):
        yield Section("<ul>" + "".join(groups[key]) + "</ul>", key, level=3)
