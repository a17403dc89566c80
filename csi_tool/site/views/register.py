"""register.html: every record, filtered, sorted and paged in the browser (see tables.py)."""

from __future__ import annotations

from collections import Counter, defaultdict

from csi_tool.report import counted
from csi_tool.site.data import SiteData
from csi_tool.site.markup import label
from csi_tool.site.pages import Page, Section
from csi_tool.site.tables import Cell, Column, DataTable, Kind, data_table

COLUMNS = (
    Column("id", "Id", Kind.RECORD),
    Column("title", "Title"),
    Column("state", "State", choose=True),
    Column("service", "Service", choose=True),
    Column("owner", "Owner", choose=True),
    Column("rank", "Rank", Kind.NUMBER),
    Column("impact", "Impact", Kind.NUMBER, choose=True),
    Column("effort", "Effort", Kind.NUMBER, choose=True),
    Column("ranked", "Ranked", choose=True, shown=False),  # the matrix's cells filter by it
    Column("due", "Due", Kind.DATE),
    Column("benefit", "Benefit"),
)


def register_table(data: SiteData) -> DataTable:
    """Every record, in id order, one row each."""
    benefits: dict[str, Counter[str]] = defaultdict(Counter)
    for review in data.reviews:
        benefits[review.record_id][review.benefit] += 1
    rows: list[list[Cell]] = []
    for record_id, item in sorted(data.register.records.items()):
        r = item.record
        ranked = data.ranked(record_id)
        counts = benefits.get(record_id, Counter())
        benefit = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        due = r.plan.due.isoformat() if r.plan and r.plan.due else None
        rows.append(
            [
                record_id,
                " ".join(r.title.split()),
                label(r.status),
                r.service,
                r.owner,
                ranked.rank if ranked else None,
                r.assessment.impact if r.assessment else None,
                r.assessment.effort if r.assessment else None,
                "yes" if ranked else "no",
                due,
                benefit or None,
            ]
        )
    return data_table("register", COLUMNS, rows, "improvement")


def register_page(data: SiteData) -> Page:
    """register.html."""
    found = register_table(data)
    intro = (
        f"<p>All {counted(len(data.register.records), 'improvement')}. Type to filter by any "
        "word, id or person; choose a state, service or owner; select a column's heading to "
        "sort by it. The address keeps the filter, so a view can be shared.</p>"
    )
    return Page("register", "Register", "Register", [Section(intro + found.html)], tables=[found])
