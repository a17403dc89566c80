"""recognition.html: delivered benefits, credited to the people and teams who did the work.

People repeat what gets rewarded: each quarter lists the improvements closed in it with
their owner, everyone whose commits changed the record (from git history), and what each
metric achieved against its baseline. Above them, a tally of credits per person or team.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from csi_tool.benefits.verdict import REALISED
from csi_tool.records.models import Record
from csi_tool.report import counted
from csi_tool.site.data import SiteData
from csi_tool.site.markup import label, page_link, quarter_of, table, text
from csi_tool.site.pages import Page, Section
from csi_tool.site.tables import badge

PER_QUARTER = 50  # improvements listed per quarter; the register lists every one
CREDITS_SHOWN = 30


def recognition_page(data: SiteData) -> Page:
    """recognition.html."""
    quarters: dict[str, list[Record]] = defaultdict(list)
    for _, item in sorted(data.register.records.items()):
        day = data.closed_on(item.record)
        if day is not None and day <= data.as_of:
            quarters[quarter_of(day)].append(item.record)
    credits: Counter[str] = Counter()
    realised: Counter[str] = Counter()
    for records in quarters.values():
        for record in records:
            wins = sum(r.benefit == REALISED for r in data.reviews_of(record.id))
            for person in _people(record, data):
                credits[person] += 1
                realised[person] += wins
    intro = (
        f"<p>{counted(sum(map(len, quarters.values())), 'improvement')} delivered, "
        "credited to their owners and to everyone whose changes to the record are in the "
        "history, and ideas to whoever raised them. Realised: metrics whose target is met.</p>"
    )
    sections = [Section(intro)]
    delivered = {record.id for records in quarters.values() for record in records}
    ideas = _ideas(data, delivered)
    if ideas:
        headers = ("Person or team", "Ideas raised", "Delivered")
        sections.append(Section(table(headers, ideas, numeric=(1, 2)), "Ideas raised"))
    if credits:
        rows = [
            (text(person), str(count), str(realised[person]))
            for person, count in sorted(credits.items(), key=lambda kv: (-kv[1], kv[0]))[
                :CREDITS_SHOWN
            ]
        ]
        headers = ("Person or team", "Improvements delivered", "Metrics realised")
        sections.append(Section(table(headers, rows, numeric=(1, 2)), "Credits"))
    for quarter in sorted(quarters, reverse=True):
        records = quarters[quarter]
        items = "".join(_delivered(record, data) for record in records[:PER_QUARTER])
        more = len(records) - PER_QUARTER
        tail = f"<p>&hellip; and {more} more in the register.</p>" if more > 0 else ""
        sections.append(
            Section(f'<ul class="csi-credits">{items}</ul>{tail}', f"{quarter} ({len(records)})")
        )
    if len(sections) == 1:
        sections.append(Section("<p>Nothing delivered yet.</p>"))
    return Page("recognition", "Recognition", "Delivered, and who delivered it", sections)


def _ideas(data: SiteData, delivered: set[str]) -> list[tuple[str, str, str]]:
    """Who raised ideas that are in the register (through the issue form), most first."""
    raised: Counter[str] = Counter()
    landed: Counter[str] = Counter()
    for record_id, item in data.register.records.items():
        person = item.record.source.raised_by if item.record.source else None
        if person:
            raised[person] += 1
            landed[person] += record_id in delivered
    ranked = sorted(raised.items(), key=lambda kv: (-kv[1], kv[0]))[:CREDITS_SHOWN]
    return [(text(person), str(count), str(landed[person])) for person, count in ranked]


def _people(record: Record, data: SiteData) -> list[str]:
    """The owner, then who raised the idea, then the authors of the record's history, each
    once."""
    trail = data.trails.get(record.id)
    authors = [event.author for event in trail.events] if trail else []
    raiser = record.source.raised_by if record.source else None
    return list(dict.fromkeys([p for p in [record.owner or "", raiser or "", *authors] if p]))


def _delivered(record: Record, data: SiteData) -> str:
    people = ", ".join(text(p) for p in _people(record, data)) or "&mdash;"
    benefits = "; ".join(
        f"{text(r.name)}: {'&mdash;' if r.baseline is None else f'{r.baseline:g}'} &rarr; "
        f"{'&mdash;' if r.latest is None else f'{r.latest:g}'} {text(r.unit)} {badge(r.benefit)}"
        for r in data.reviews_of(record.id)
    )
    outcome = f" Review: {text(label(record.review.outcome.value))}." if record.review else ""
    return (
        f"<li>{page_link(f'records/{record.id}.html', record.id)} {text(record.title)}"
        f"<br>By {people}.{outcome}" + (f"<br>{benefits}" if benefits else "") + "</li>"
    )
