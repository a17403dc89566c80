"""backlog.html: work not yet started, ranked per lane; what blocks it; backlog findings.

Work in flight is on the delivery page. Ranks are the register's, across lanes, so a lane's
ranks have gaps: the missing ones are in another lane, in flight, or blocked; the page says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import PurePosixPath

from csi_tool.backlog.delivery import in_flight_states
from csi_tool.backlog.report import blockers_text
from csi_tool.report import counted
from csi_tool.site.data import SiteData
from csi_tool.site.markup import bullets, label, page_link, table, text
from csi_tool.site.pages import Page, Section


def _record(record_id: str) -> str:
    return page_link(f"records/{record_id}.html", record_id)


def backlog_page(data: SiteData) -> Page:
    """backlog.html."""
    backlog = data.backlog
    flight = set(in_flight_states(data.policies))
    waiting = [i for i in backlog.ranked if i.status not in flight]
    sections = [
        Section(
            f"<p>{counted(len(waiting), 'improvement')} not yet started, ranked on every build "
            "from <code>policies/scoring.yaml</code> (ranks are never stored in records). "
            f"Ranks run across all lanes: a gap in a lane's ranks is a record in another lane, "
            f"one already in flight (see {page_link('delivery.html', 'Delivery')}), or one "
            "blocked by a dependency, which ranks after every unblocked record whatever its "
            "score.</p>"
        )
    ]
    for lane in backlog.lanes:
        items = [i for i in backlog.lane_records(lane.key) if i.status not in flight]
        rows = (
            (
                str(i.rank),
                f"{_record(i.record_id)} {text(i.title)}",
                f"<details><summary>{i.score.value:.2f}</summary>{text(i.score.breakdown)}"
                "</details>",
                text(label(i.status))
                + (
                    f" — <strong>blocked</strong> by {text(blockers_text(i.blocked_by))}"
                    if i.blocked_by
                    else ""
                ),
                text(i.owner or "—"),
            )
            for i in items
        )
        headers = ("Rank", "Improvement", "Score", "State", "Owner")
        content = table(headers, rows, numeric=(0,)) if items else "<p>None.</p>"
        sections.append(Section(content, f"{lane.title} ({len(items)})"))
    blocked = [i for i in backlog.blocked() if i.status not in flight]
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
    findings = _findings(data)
    sections.append(Section(_list(iter(findings)), f"Findings ({len(findings)})"))
    return Page("backlog", "Backlog", "Ranked backlog", sections)


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


def _list(items: Iterator[str]) -> str:
    shown = list(items)
    return bullets(shown) if shown else "<p>None.</p>"
