"""lessons.html: every lesson learned once, by service, with its tags as filters.

Each lesson shows the improvement it came from with that improvement's review outcome and
date, and its knowledge article as a link when `extra.kb_url` in site/mkdocs.yml gives the
pattern (`https://kb.example.com/{kb}`). Each is also a search result of its own.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from csi_tool.records.models import Lesson, Record
from csi_tool.report import counted
from csi_tool.site.data import SiteData
from csi_tool.site.markup import code, label, link, page_link, text
from csi_tool.site.pages import Page, SearchEntry, Section


def lessons_page(data: SiteData, kb_url: str | None = None) -> Page:
    """lessons.html."""
    lessons = [
        (item.record, number, lesson)
        for _, item in sorted(data.register.records.items())
        for number, lesson in enumerate(item.record.lessons, start=1)
    ]
    tags = Counter(tag for _, _, lesson in lessons for tag in lesson.tags)
    chips = "".join(
        f'<button type="button" class="csi-chip" data-tag="{text(tag)}" aria-pressed="false">'
        f"{text(tag)} <span>({count})</span></button>"
        for tag, count in sorted(tags.items())
    )
    intro = (
        f"<p>{counted(len(lessons), 'lesson')} from "
        f"{counted(len({r.id for r, _, _ in lessons}), 'improvement')}, by service. Each "
        "links back to its improvement and says how that improvement's review came out.</p>"
    )
    if chips:
        intro += (
            f'<div class="csi-chips" role="group" aria-label="Show lessons tagged">{chips}</div>'
        )
    sections = [Section(intro)]
    by_service: dict[str, list[str]] = defaultdict(list)
    for record, number, lesson in lessons:
        by_service[record.service or "No service"].append(_lesson(record, number, lesson, kb_url))
    for service in sorted(by_service):
        items = "".join(by_service[service])
        sections.append(Section(f'<ul class="csi-lessons">{items}</ul>', service, level=2))
    search = [
        SearchEntry(
            f"lessons.html#{_anchor(record, number)}",
            f"Lesson from {record.id}: {record.title}",
            " ".join([lesson.text, *lesson.tags, lesson.kb_ref or ""]),
        )
        for record, number, lesson in lessons
    ]
    return Page("lessons", "Lessons learned", "Lessons learned", sections, search)


def _anchor(record: Record, number: int) -> str:
    return f"lesson-{record.id.lower()}-{number}"


def _lesson(record: Record, number: int, lesson: Lesson, kb_url: str | None) -> str:
    tags = " ".join(text(tag) for tag in lesson.tags)
    outcome = (
        f"review {text(label(record.review.outcome.value).lower())} on {record.review.date}"
        if record.review
        else f"{text(label(record.status).lower())}, not yet reviewed"
    )
    kb = ""
    if lesson.kb_ref:
        kb = f" · {_kb(lesson.kb_ref, kb_url)}"
    chips = "".join(f'<span class="csi-tag">{text(tag)}</span>' for tag in lesson.tags)
    return (
        f'<li id="{_anchor(record, number)}" data-tags="{tags}"><p>{text(lesson.text)}</p>'
        f'<p class="csi-lesson__from">{page_link(f"records/{record.id}.html", record.id)} '
        f"{text(record.title)} — {outcome}{kb} {chips}</p></li>"
    )


def _kb(reference: str, kb_url: str | None) -> str:
    if reference.lower().startswith(("http://", "https://")):
        return link(reference)
    if kb_url and "{kb}" in kb_url:
        return link(kb_url.replace("{kb}", reference), reference)
    return code(reference)
