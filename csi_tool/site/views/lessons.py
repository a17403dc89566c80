"""lessons.html: every lesson learned once, filtered by tag, service or any word.

A table (see tables.py), so a register of 10,000 records keeps a small page: each lesson
with its tags, the improvement it came from, that improvement's review outcome and date,
and its knowledge article, linked when `extra.kb_url` in site/mkdocs.yml gives the pattern
(`https://kb.example.com/{kb}`). Tags are chips above the table: each filters it to the
lessons that carry it. Each lesson is also a search result, leading to its record.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote_plus

from csi_tool.records.models import Lesson, Record
from csi_tool.report import counted
from csi_tool.site.data import SiteData
from csi_tool.site.markup import label, text
from csi_tool.site.pages import Page, SearchEntry, Section
from csi_tool.site.tables import Cell, Column, Kind, data_table

COLUMNS = (
    Column("lesson", "Lesson"),
    Column("tags", "Tags", choose=True, tokens=True),
    Column("id", "From", Kind.RECORD),
    Column("improvement", "Improvement", shown=False),
    Column("service", "Service", choose=True),
    Column("outcome", "Review", choose=True),
    Column("date", "Reviewed on", Kind.DATE),
    Column("kb", "Knowledge article", Kind.LINK),
)
CHIPS_SHOWN = 40  # the most used tags; the filter finds any


def lessons_page(data: SiteData, kb_url: str | None = None) -> Page:
    """lessons.html."""
    lessons = [
        (item.record, lesson)
        for _, item in sorted(data.register.records.items())
        for lesson in item.record.lessons
    ]
    rows: list[list[Cell]] = [_row(record, lesson, kb_url) for record, lesson in lessons]
    found = data_table("lessons", COLUMNS, rows, "lesson")
    tags = Counter(tag for _, lesson in lessons for tag in lesson.tags)
    chips = "".join(  # links, so a chosen tag is an address to share; quote_plus: URL-safe
        f'<a class="csi-chip" href="lessons.html?tags={quote_plus(tag)}">{text(tag)} ({count})</a>'
        for tag, count in sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:CHIPS_SHOWN]
    )
    intro = (
        f"<p>{counted(len(lessons), 'lesson')} from "
        f"{counted(len({r.id for r, _ in lessons}), 'improvement')}, each once, with how its "
        "improvement's review came out. Choose a tag to see the lessons that carry it.</p>"
    )
    if chips:
        intro += f'<nav class="csi-chips" aria-label="Lessons by tag">{chips}</nav>'
    search = [
        SearchEntry(
            f"records/{record.id}.html#lessons",
            f"Lesson from {record.id}: {record.title}",
            " ".join([lesson.text, *lesson.tags, lesson.kb_ref or ""]),
        )
        for record, lesson in lessons
    ]
    return Page(
        "lessons",
        "Lessons learned",
        "Lessons learned",
        [Section(intro + found.html)],
        search,
        tables=[found],
    )


def _row(record: Record, lesson: Lesson, kb_url: str | None) -> list[Cell]:
    review = record.review
    return [
        " ".join(lesson.text.split()),
        " ".join(lesson.tags) or None,
        record.id,
        " ".join(record.title.split()),
        record.service,
        label(review.outcome.value) if review else f"not yet ({label(record.status)})",
        review.date.isoformat() if review else None,
        _kb(lesson.kb_ref, kb_url),
    ]


def _kb(reference: str | None, kb_url: str | None) -> Cell:
    """[label, address] of the knowledge article, or its id alone when no pattern is set."""
    if reference is None:
        return None
    if reference.lower().startswith(("http://", "https://")):
        return [reference, reference]
    if kb_url and "{kb}" in kb_url:
        return [reference, kb_url.replace("{kb}", quote_plus(reference))]
    return [reference, ""]
