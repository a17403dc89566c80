"""backlog.html: work not yet started, ranked, in one table filtered by lane; findings.

Work in flight is on the delivery page. Ranks are the register's, across every lane and the
work in flight, so the ranks shown have gaps; the page says why. Each score's arithmetic is
behind a disclosure, and a finding shared by several records (an owner's capacity) once.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePosixPath
from urllib.parse import quote_plus

from csi_tool.backlog.delivery import in_flight_states
from csi_tool.backlog.ranking import Blocker
from csi_tool.report import counted
from csi_tool.site.data import SiteData
from csi_tool.site.markup import bullets, label, page_link, text
from csi_tool.site.pages import Page, Section
from csi_tool.site.tables import Cell, Column, Kind, data_table


def _record(record_id: str) -> str:
    return page_link(f"records/{record_id}.html", record_id)


LIST_SHOWN = 50  # per list below the table: a page stays small at 10,000 records
COLUMNS = (
    Column("rank", "Rank", Kind.NUMBER),
    Column("id", "Id", Kind.RECORD),
    Column("title", "Title"),
    Column("lane", "Lane", choose=True),
    Column("score", "Score", Kind.DISCLOSED),
    Column("state", "State", choose=True),
    Column("owner", "Owner", choose=True),
    Column("service", "Service", choose=True, shown=False),
    Column("blocked", "Blocked by"),
)


def backlog_page(data: SiteData) -> Page:
    """backlog.html: one table of the work not started, by rank, filterable by lane."""
    backlog = data.backlog
    flight = set(in_flight_states(data.policies))
    waiting = [i for i in backlog.ranked if i.status not in flight]
    titles = {lane.key: lane.title for lane in backlog.lanes}
    rows: list[list[Cell]] = [
        [
            i.rank,
            i.record_id,
            " ".join(i.title.split()),
            titles.get(i.lane, i.lane),
            [f"{i.score.value:.2f}", i.score.breakdown],
            label(i.status),
            i.owner,
            i.service,
            _blockers(i.blocked_by) if i.blocked_by else None,
        ]
        for i in waiting
    ]
    found = data_table("backlog", COLUMNS, rows, "improvement")
    lanes = " &middot; ".join(
        page_link(f"backlog.html?lane={quote_plus(lane.title)}", f"{lane.title} ({count})")
        for lane in backlog.lanes
        if (count := sum(1 for i in waiting if i.lane == lane.key))
    )
    intro = (
        f"<p>{counted(len(waiting), 'improvement')} not yet started, ranked on every build "
        "from <code>policies/scoring.yaml</code> (ranks are never stored in records); work in "
        f"flight is on the {page_link('delivery.html', 'delivery')} page. Ranks run across "
        "all lanes and include work in flight, so the ranks shown have gaps: a missing rank "
        "is a record already started. A record blocked by a dependency ranks after every "
        "unblocked one, whatever its score. Open a score to see its arithmetic.</p>"
        + (f"<p>By lane: {lanes}.</p>" if lanes else "")
    )
    sections = [Section(intro + found.html)]
    if backlog.unassessed:
        unassessed = [f"{_record(u.record_id)} {text(u.title)}" for u in backlog.unassessed]
        more = "in the register, where their rank is empty"
        sections.append(Section(_capped(unassessed, more), f"Not yet assessed ({len(unassessed)})"))
    findings = _findings(data)
    sections.append(
        Section(_capped(findings, "from `csi prioritize`"), f"Findings ({len(findings)})")
    )
    return Page("backlog", "Backlog", "Ranked backlog", sections, tables=[found])


def _findings(data: SiteData) -> list[str]:
    """Each finding once: a capacity finding names every record of its owner, so it is the
    same message for each of them and is shown once, with all of them."""
    records: dict[tuple[str, str], list[str]] = defaultdict(list)
    for finding in data.findings:
        records[(finding.code, finding.message)].append(PurePosixPath(finding.path).stem)
    shown = []
    for (code, message), ids in records.items():
        if code == "capacity":
            shown.append(text(message))
        else:
            shown.append(f"{', '.join(_record(i) for i in ids)}: {text(message)}")
    return shown


def _blockers(blockers: tuple[Blocker, ...]) -> str:
    """`CSI-0004 (In progress)`: states as people read them."""
    return ", ".join(
        f"{b.record_id} ({label(b.status) if b.status else 'not in the register'})"
        for b in blockers
    )


def _capped(items: list[str], where: str) -> str:
    """The first LIST_SHOWN items, and how many more there are and where to find them."""
    if not items:
        return "<p>None.</p>"
    more = len(items) - LIST_SHOWN
    return bullets(items[:LIST_SHOWN]) + (
        f"<p>&hellip; and {more} more {text(where)}.</p>" if more > 0 else ""
    )
