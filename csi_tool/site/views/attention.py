"""What needs someone's attention, one entry per record, most severe first.

A record gathers every reason at once (a metric past its action threshold, a gain fading,
a late plan or milestone, an overdue review), so an owner reads one line per improvement,
not one per metric. The dashboard shows the first few; attention.html lists them all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from csi_tool.site.data import SiteData
from csi_tool.site.pages import Page, Section
from csi_tool.site.tables import Cell, Column, DataTable, Kind, data_table

# Severity, most severe first: a benefit being lost outranks a date being missed.
BREACH, REGRESSION, LATE, OVERDUE_REVIEW = "breach", "regression", "late", "review overdue"
_ORDER = {BREACH: 0, REGRESSION: 1, LATE: 2, OVERDUE_REVIEW: 3}
COLUMNS = (
    Column("id", "Id", Kind.RECORD),
    Column("title", "Title"),
    Column("owner", "Owner", choose=True),
    Column("severity", "Most severe", Kind.BADGE, choose=True),
    Column("days", "Days overdue", Kind.NUMBER),
    Column("why", "Why"),
    # what the dashboard's tiles open the list filtered to
    Column("overdue", "Late or review overdue", choose=True, shown=False),
    Column("fading", "Past a threshold or fading", choose=True, shown=False),
)


@dataclass
class Attention:
    """One record and every reason it needs attention."""

    record_id: str
    title: str
    owner: str | None
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (severity, words)
    days_overdue: int = 0

    @property
    def overdue(self) -> bool:
        """Late (plan or milestone) or with a review overdue."""
        return any(kind in (LATE, OVERDUE_REVIEW) for kind, _ in self.reasons)

    @property
    def fading(self) -> bool:
        """A metric past its action threshold, or a closed improvement's gain fading."""
        return any(kind in (BREACH, REGRESSION) for kind, _ in self.reasons)

    @property
    def severity(self) -> str:
        return min((kind for kind, _ in self.reasons), key=_ORDER.__getitem__)


def needing_attention(data: SiteData) -> list[Attention]:
    """Every record that needs attention, most severe first, then most days overdue."""
    found: dict[str, Attention] = {}

    def entry(record_id: str) -> Attention:
        if record_id not in found:
            record = data.register.records[record_id].record
            found[record_id] = Attention(record_id, " ".join(record.title.split()), record.owner)
        return found[record_id]

    overdue: dict[str, list[str]] = defaultdict(list)
    for review in data.reviews:
        if review.breach:  # a closed record's regression then says the same: say it once
            entry(review.record_id).reasons.append(
                (BREACH, f"{review.name}: {review.latest:g} {review.unit} is past its threshold")
            )
        elif review.regression:
            entry(review.record_id).reasons.append(
                (REGRESSION, f"{review.name}: {review.regression}")
            )
        if review.review == "overdue":
            overdue[review.record_id].append(review.name)
            item = entry(review.record_id)
            since = review.overdue_since or review.next_review  # past the grace, not the due date
            item.days_overdue = max(item.days_overdue, (data.as_of - since).days + 1)
    for record_id, names in overdue.items():
        entry(record_id).reasons.append((OVERDUE_REVIEW, f"review overdue: {', '.join(names)}"))
    for delivery in data.deliveries:
        if not delivery.late:
            continue
        item = entry(delivery.record_id)
        late = [delivery.days_late or 0, *(m.days_late for m in delivery.flagged)]
        item.days_overdue = max(item.days_overdue, *late)
        words = [f"plan {delivery.days_late} days late"] if delivery.days_late else []
        words += [f"milestone {m.name}: {m.flag.value}" for m in delivery.flagged]
        item.reasons.append((LATE, "; ".join(words)))
    for item in found.values():
        item.reasons.sort(key=lambda reason: _ORDER[reason[0]])
    return sorted(found.values(), key=lambda a: (_ORDER[a.severity], -a.days_overdue, a.record_id))


def attention_table(items: list[Attention]) -> DataTable:
    rows: list[list[Cell]] = [
        [
            a.record_id,
            a.title,
            a.owner,
            a.severity,
            a.days_overdue or None,
            "; ".join(words for _, words in a.reasons),
            "yes" if a.overdue else "no",
            "yes" if a.fading else "no",
        ]
        for a in items
    ]
    return data_table("attention", COLUMNS, rows, "improvement")


def attention_page(data: SiteData, items: list[Attention]) -> Page:
    """attention.html: the full list the dashboard's section starts (`needing_attention`)."""
    found = attention_table(items)
    intro = (
        "<p>Every improvement that needs someone's attention, as of "
        f"{data.as_of}: a metric past its action threshold, a gain fading after closing, a "
        "late plan or milestone, or a review overdue. Most severe first.</p>"
    )
    return Page(
        "attention",
        "Needs attention",
        "Needs attention",
        [Section(intro + found.html)],
        tables=[found],
    )
