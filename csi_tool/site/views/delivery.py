"""delivery.html: the work in flight, what is late, what was delivered, and the roadmap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from csi_tool.backlog.delivery import Delivery, MilestoneFlag, Phase
from csi_tool.report import counted
from csi_tool.site.data import SiteData
from csi_tool.site.markup import bullets, label, page_link, quarter_of, text
from csi_tool.site.pages import Page, Section
from csi_tool.site.tables import Cell, Column, Kind, data_table

ROADMAP_ITEMS = 12  # per column; the register lists them all
LATE_SHOWN = 20  # the most late; attention.html lists them all
COLUMNS = (
    Column("id", "Id", Kind.RECORD),
    Column("title", "Title"),
    Column("state", "State", choose=True),
    Column("owner", "Owner", choose=True),
    Column("service", "Service", choose=True),
    Column("start", "Start", Kind.DATE),
    Column("due", "Due", Kind.DATE),
    Column("milestones", "Milestones done"),
    Column("late", "Days late", Kind.NUMBER),
    Column("flags", "Flags"),
)


def late_deliveries(data: SiteData) -> list[Delivery]:
    """Records with a late plan or milestone, most days late first."""
    late = [d for d in data.deliveries if d.late]
    return sorted(late, key=lambda d: (-_worst(d), d.record_id))


def delivered_in_quarter(data: SiteData) -> list[tuple[dt.date, str]]:
    """(date closed, record id) of records closed in the quarter of the site's date."""
    quarter = quarter_of(data.as_of)
    found = []
    for record_id, item in sorted(data.register.records.items()):
        day = data.closed_on(item.record)
        if day is not None and quarter_of(day) == quarter and day <= data.as_of:
            found.append((day, record_id))
    return sorted(found)


def delivery_page(data: SiteData) -> Page:
    """delivery.html."""
    flight = [d for d in data.deliveries if d.phase is Phase.NOW]
    rows: list[list[Cell]] = [
        [
            d.record_id,
            " ".join(d.title.split()),
            label(d.status),
            d.owner,
            d.service,
            d.start.isoformat() if d.start else None,
            d.due.isoformat() if d.due else None,
            f"{d.milestones_done} of {d.milestones_total}" if d.milestones_total else None,
            d.days_late,
            _flags(d) or None,
        ]
        for d in sorted(flight, key=lambda d: (d.due or dt.date.max, d.record_id))
    ]
    found = data_table("delivery", COLUMNS, rows, "improvement")
    late = late_deliveries(data)
    sections = [
        Section(
            f"<p>{counted(len(flight), 'improvement')} in flight, "
            f"{counted(len(late), 'improvement')} late, as of {data.as_of}. A plan is late when "
            "its due date has passed before delivery; a milestone when it is not done by its "
            "date, or was left undone when its improvement closed.</p>"
        ),
        Section(found.html, "In flight"),
        Section(_late(late), "Late"),
        Section(_delivered(data), f"Delivered in {quarter_of(data.as_of)}"),
        Section(_roadmap(data), "Roadmap"),
    ]
    return Page("delivery", "Delivery", "Delivery", sections, tables=[found])


def _worst(delivery: Delivery) -> int:
    return max([delivery.days_late or 0, *(m.days_late for m in delivery.flagged)])


def _flags(delivery: Delivery) -> str:
    parts = [f"plan {delivery.days_late} days late"] if delivery.days_late else []
    parts += [f"{m.name}: {m.flag.value}" for m in delivery.flagged]
    return "; ".join(parts)


def _record(record_id: str, title: str) -> str:
    return f"{page_link(f'records/{record_id}.html', record_id)} {text(title)}"


def _late(late: Sequence[Delivery]) -> str:
    if not late:
        return "<p>Nothing is late.</p>"
    items = []
    for d in late[:LATE_SHOWN]:
        parts = (
            [f"plan due {d.due}, {counted(d.days_late or 0, 'day')} late"] if d.days_late else []
        )
        for m in d.flagged:
            if m.flag is MilestoneFlag.LATE:
                parts.append(
                    f"milestone &ldquo;{text(m.name)}&rdquo; due {m.due}, "
                    f"{counted(m.days_late, 'day')} late"
                )
            elif m.flag is MilestoneFlag.UNDONE_AT_CLOSE:
                parts.append(
                    f"milestone &ldquo;{text(m.name)}&rdquo; (due {m.due}) left undone at close"
                )
        owner = f" ({text(d.owner)})" if d.owner else ""
        items.append(f"{_record(d.record_id, d.title)}{owner}: {'; '.join(parts)}")
    more = len(late) - LATE_SHOWN
    everything = f"All {len(late)} late, with all else that needs attention"
    tail = f"<p>{page_link('attention.html', everything)}.</p>" if more > 0 else ""
    return bullets(items) + tail


def _delivered(data: SiteData) -> str:
    done = delivered_in_quarter(data)
    if not done:
        return "<p>None closed yet this quarter.</p>"
    items = []
    for day, record_id in done:
        record = data.register.records[record_id].record
        outcome = f", review: {label(record.review.outcome.value)}" if record.review else ""
        items.append(f"{_record(record_id, record.title)}: closed {day}{outcome}")
    return bullets(items)


def _roadmap(data: SiteData) -> str:
    phases = {phase: [d for d in data.deliveries if d.phase is phase] for phase in Phase}
    phases[Phase.NOW].sort(key=lambda d: (d.due or dt.date.max, d.record_id))
    for phase in (Phase.NEXT, Phase.LATER):
        phases[phase].sort(key=lambda d: (d.rank or 10**9, d.record_id))
    described = {
        Phase.NOW: "In flight, by due date",
        Phase.NEXT: "Approved, not started, by rank",
        Phase.LATER: "In the backlog, by rank",
    }
    columns = "".join(
        f'<section class="csi-roadmap__column" aria-labelledby="roadmap-{phase.value}">'
        f'<h3 id="roadmap-{phase.value}">{label(phase.value)} ({len(items)})</h3>'
        f"<p>{described[phase]}</p>{_roadmap_items(items)}</section>"
        for phase, items in phases.items()
    )
    return f'<div class="csi-roadmap">{columns}</div>'


def _roadmap_items(items: Iterable[Delivery]) -> str:
    shown = list(items)
    if not shown:
        return "<p>None.</p>"
    lines = []
    for d in shown[:ROADMAP_ITEMS]:
        when = f" &mdash; due {d.due}" if d.phase is Phase.NOW and d.due else ""
        when = f" &mdash; revisit {d.revisit}" if d.revisit and d.phase is Phase.LATER else when
        lines.append(f"{_record(d.record_id, d.title)}{when}")
    more = len(shown) - ROADMAP_ITEMS
    tail = (
        f"<p>and {more} more in the {page_link('register.html', 'register')}.</p>"
        if more > 0
        else ""
    )
    return bullets(lines) + tail
