"""One page per record: every section, a chart per metric, decisions, history, dependencies.

All record text is untrusted: it reaches the page only through `markup` (escaped text,
links only for http(s) URLs).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from urllib.parse import quote

from csi_tool.records.models import Decision, Record
from csi_tool.site.data import SiteData
from csi_tool.site.markup import (
    bullets,
    code,
    heading,
    link,
    page_link,
    paragraphs,
    table,
    text,
)
from csi_tool.site.pages import RecordPage, SearchEntry
from csi_tool.site.views.record_analysis import process_map_section, root_cause_section
from csi_tool.site.views.record_metrics import metric_sections
from csi_tool.site.views.record_search import search_text
from csi_tool.site.views.summary import record_summary


def record_page(
    record: Record, data: SiteData, needed_by: list[str], pr_url: str | None
) -> RecordPage:
    """The content of records/<ID>.html."""
    sections = [
        ("source", "Source", _source(record, data)),
        ("vision", "Vision", _vision(record)),
        ("current-state", "Current state", _current_state(record)),
        ("metrics", "Metrics", metric_sections(record, data.reviews_of(record.id))),
        ("options", "Options considered", _options(record)),
        ("assessment", "Assessment", _assessment(record, data)),
        ("dependencies", "Dependencies", _dependencies(record, data, needed_by)),
        ("root-cause", "Root cause analysis", root_cause_section(record)),
        ("process-map", "Process map", process_map_section(record)),
        ("plan", "Plan", _plan(record)),
        ("decision", "Decision", _decision(record)),
        ("revisions", "Revisions of baselines and targets", _revisions(record)),
        ("withdrawn", "Withdrawn", _withdrawal(record)),
        ("review", "Post-implementation review", _review(record)),
        ("lessons", "Lessons learned", _lessons(record)),
        ("history", "History", _history(record, data, pr_url)),
    ]
    shown = [(anchor, label, "".join(parts)) for anchor, label, parts in sections]
    shown = [item for item in shown if item[2]]
    body = (
        record_summary(record, data)
        + _facts(record, data, pr_url)
        + "".join(_section_heading(anchor, label) + content for anchor, label, content in shown)
    )
    title = f"{record.id}: {' '.join(record.title.split())}"
    return RecordPage(
        record.id,
        title,
        [(anchor, label) for anchor, label, _ in shown],
        body,
        SearchEntry(f"records/{record.id}.html", title, search_text(record)),
    )


@functools.cache
def _section_heading(anchor: str, label: str) -> str:
    """A section's heading: the same few on every page, so each is made once."""
    return heading(2, anchor, label)


def _facts(record: Record, data: SiteData, repository: str | None) -> str:
    ranked = data.ranked(record.id)
    service = text(record.service) if record.service else "&mdash;"
    if repository and record.service:  # the issue form, its service answered already
        form = f"{repository}/issues/new?template=improvement.yml&service="
        service += " &middot; " + link(
            form + quote(record.service, safe=""), "suggest an improvement"
        )
    rows = [  # status and owner are in the summary above
        ("Service", service),
        ("Created", record.created.isoformat()),
        ("Practices", ", ".join(text(p) for p in record.practices) or "&mdash;"),
        ("Tags", ", ".join(text(t) for t in record.tags) or "&mdash;"),
    ]
    if record.source and record.source.raised_by:
        rows.append(("Raised by", text(record.source.raised_by)))
    if record.roles:
        for role in ("validator", "approver", "outcome_confirmer"):
            handle = getattr(record.roles, role)
            if handle:
                rows.append((role.replace("_", " ").capitalize(), text(handle)))
    if ranked:
        rows.append(("Rank", f"{ranked.rank} ({text(ranked.lane)}, score {ranked.score.value:g})"))
    return table(("About", "Value"), rows)


def _labelled(label: str, content: str) -> str:
    return f"<p><strong>{label}:</strong> {content}</p>"


def _source(record: Record, data: SiteData) -> Iterator[str]:
    if record.source is None:
        return
    refs = record.source.references
    yield _labelled("Kind", record.source.kind.value.replace("_", " "))
    if record.source.signal:
        signal = data.signals.by_id.get(record.source.signal)
        if signal is None:  # no row to link to: its data was not read where the site was built
            shown = f"{code(record.source.signal)} (not in the data this site was built from)"
        else:
            row = page_link(f"../signals.html#{signal.id.lower()}", signal.id)
            shown = f"{row} ({text(signal.headline)})"
        yield _labelled("Signal", shown)
    for label, values in (
        ("Incidents", refs.incidents),
        ("Problems", refs.problems),
        ("Surveys", refs.surveys),
    ):
        if values:
            yield _labelled(label, ", ".join(code(v) for v in values))
    if refs.links:
        yield _labelled("Links", ", ".join(link(url) for url in refs.links))
    if record.source.note:
        yield paragraphs(record.source.note)


def _vision(record: Record) -> Iterator[str]:
    if record.vision is None:
        return
    yield _labelled("What should improve", text(record.vision.statement))
    yield _labelled("Why it matters", text(record.vision.business_value))


def _current_state(record: Record) -> Iterator[str]:
    if record.current_state is None:
        return
    yield paragraphs(record.current_state.summary)
    if record.current_state.evidence:
        yield bullets(text(fact) for fact in record.current_state.evidence)


def _options(record: Record) -> Iterator[str]:
    if record.options:
        yield bullets(
            f"{text(option.summary)}{' <strong>(chosen)</strong>' if option.chosen else ''}: "
            f"{text(option.expected_outcome)}"
            for option in record.options
        )


def _assessment(record: Record, data: SiteData) -> Iterator[str]:
    if record.assessment is None:
        return
    a = record.assessment
    confidence = "" if a.confidence is None else f" &middot; confidence {a.confidence:g}"
    yield (
        f"<p>Impact {a.impact} &middot; urgency {a.urgency} &middot; effort {a.effort} &middot; "
        f"risk {a.risk}{confidence}</p>"
    )
    ranked = data.ranked(record.id)
    if ranked:
        yield _labelled("Score", text(ranked.score.breakdown))


def _dependencies(record: Record, data: SiteData, needed_by: list[str]) -> Iterator[str]:
    if record.depends_on:
        yield _labelled("Depends on", ", ".join(_record_link(d, data) for d in record.depends_on))
    if needed_by:
        yield _labelled("Needed by", ", ".join(_record_link(d, data) for d in needed_by))


def _record_link(record_id: str, data: SiteData) -> str:
    item = data.register.records.get(record_id)
    if item is None:
        return code(record_id)
    return f"{page_link(f'{record_id}.html', record_id)} ({text(item.record.status)})"


def _plan(record: Record) -> Iterator[str]:
    if record.plan is None:
        return
    plan = record.plan
    yield f"<p>Start {plan.start or '&mdash;'} &middot; due {plan.due or '&mdash;'}</p>"
    if plan.milestones:
        yield (
            '<ul class="csi-milestones">'
            + "".join(
                f"<li>{'&#9745;' if milestone.done else '&#9744;'} {text(milestone.name)} "
                f"(due {milestone.due}{', done' if milestone.done else ''})</li>"
                for milestone in plan.milestones
            )
            + "</ul>"
        )
    for label, values in (
        ("Changes", plan.changes),
        ("Problems", plan.problems),
        ("Releases", plan.releases),
    ):
        if values:
            yield _labelled(label, ", ".join(code(v) for v in values))


def _decision(record: Record) -> Iterator[str]:
    if record.decision is None:
        return
    yield from _one_decision(record.decision)
    if len(record.decisions) > 1:  # the trail of earlier decisions, kept for good
        yield heading(3, "earlier-decisions", "Earlier decisions")
        for earlier in reversed(record.decisions[:-1]):
            yield from _one_decision(earlier)


def _one_decision(d: Decision) -> Iterator[str]:
    """A decision as the reader meets it: what, when, by whom, then why (reads on a phone)."""
    revisit = f" &middot; revisit {d.revisit}" if d.revisit else ""
    yield (
        f"<p><strong>{d.outcome.value.capitalize()}</strong> on {d.date} "
        f"by {text(d.by)}{revisit}</p>"
    )
    if d.rationale:
        yield paragraphs(d.rationale)


def _revisions(record: Record) -> Iterator[str]:
    if record.revisions:
        yield table(
            ("Date", "Metric", "Changed", "Reason", "Approved by"),
            (
                (str(r.date), code(r.metric), r.field.value, text(r.reason), text(r.approved_by))
                for r in record.revisions
            ),
        )


def _withdrawal(record: Record) -> Iterator[str]:
    if record.withdrawal:
        w = record.withdrawal
        yield f"<p>On {w.date} by {text(w.by)}:</p>" + paragraphs(w.reason)


def _review(record: Record) -> Iterator[str]:
    if record.review:
        r = record.review
        by = f" by {text(r.by)}" if r.by else ""
        outcome = r.outcome.value.replace("_", " ").capitalize()
        yield f"<p><strong>{outcome}</strong> on {r.date}{by}</p>" + paragraphs(r.summary)


def _lessons(record: Record) -> Iterator[str]:
    if record.lessons:
        yield bullets(
            text(lesson.text)
            + "".join(f" {code(tag)}" for tag in lesson.tags)
            + (f" (knowledge: {_knowledge(lesson.kb_ref)})" if lesson.kb_ref else "")
            for lesson in record.lessons
        )


def _knowledge(reference: str) -> str:
    return link(reference) if reference.startswith("http") else code(reference)


def _history(record: Record, data: SiteData, pr_url: str | None) -> Iterator[str]:
    if record.source and record.source.raised_by:  # an idea from anyone, credited first
        yield f"<p>The idea was raised by {text(record.source.raised_by)}.</p>"
    trail = data.trails.get(record.id)
    if not trail or not trail.events:
        yield f"<p>{text(data.history_note or 'No history in git yet.')}</p>"
        return
    rows = []
    for event in trail.events:
        pr = ""
        if event.pull_request:
            number = f"#{event.pull_request}"
            pr = link(f"{pr_url}/pull/{event.pull_request}", number) if pr_url else number
        who = event.author + (f" (merged by {event.merged_by})" if event.merged_by else "")
        rows.append((str(event.date), text(event.what), text(who), pr))
    yield table(("Date", "Change", "By", "Pull request"), rows)
