"""What the site's search finds a record by: its identifiers whole, and the start of its
prose (the theme shows it under each result)."""

from __future__ import annotations

from csi_tool.records.models import Record
from csi_tool.site.diagrams import FISHBONE_CATEGORIES

_SEARCH_PROSE_LIMIT = 600  # enough words to find a record by; keeps the index small


def search_text(record: Record) -> str:
    """What search finds a record by: every identifier people type (tickets, changes,
    problems, knowledge articles, people, metric names and keys, its signal), whole; then
    its prose (vision, current state, root causes, lessons, review) up to a limit, which
    keeps the index small at 10,000 records."""
    words = [record.id, record.status, record.service or "", *record.practices, *record.tags]
    words += [record.owner or ""]  # handles are found with and without their @, below
    if record.roles:
        roles = record.roles
        words += [h or "" for h in (roles.validator, roles.approver, roles.outcome_confirmer)]
    words += [decision.by for decision in record.decisions]
    if record.review and record.review.by:
        words.append(record.review.by)
    if record.source:
        refs = record.source.references
        words += [*refs.incidents, *refs.problems, *refs.surveys, record.source.signal or ""]
    if record.plan:
        words += [*record.plan.changes, *record.plan.problems, *record.plan.releases]
    words += [lesson.kb_ref or "" for lesson in record.lessons]
    for metric in record.metrics:
        words += [metric.key, metric.name]
    prose: list[str] = []
    if record.vision:
        prose.append(record.vision.statement)
    if record.current_state:
        prose.append(record.current_state.summary)
    if record.root_cause:
        prose += record.root_cause.five_whys
        if record.root_cause.fishbone:
            for category in FISHBONE_CATEGORIES:
                prose += getattr(record.root_cause.fishbone, category)
    prose += [lesson.text for lesson in record.lessons]
    if record.review:
        prose.append(record.review.summary)
    words += [word[1:] for word in words if word.startswith("@")]
    identifiers = " ".join(" ".join(words).split())
    # prose first: the theme shows the start of the text under each result
    return f"{_start(prose, _SEARCH_PROSE_LIMIT)} {identifiers}".strip()


def _start(pieces: list[str], limit: int) -> str:
    """The first `limit` characters of the pieces of prose on one line (`" ".join(" ".join(
    pieces).split())`), from only as many pieces as give them: a page's prose runs to
    kilobytes, and the first two or three pieces are usually enough."""
    lines, size = [], -1
    for piece in pieces:
        line = " ".join(piece.split())
        if line:
            lines.append(line)
            size += len(line) + 1
            if size >= limit:
                break
    return " ".join(lines)[:limit]
