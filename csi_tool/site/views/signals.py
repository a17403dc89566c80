"""signals.html: opportunities in the ITSM exports, those no record covers first."""

from __future__ import annotations

from csi_tool.report import counted
from csi_tool.signals.report import data_age
from csi_tool.signals.signal import Signal
from csi_tool.site.data import SiteData
from csi_tool.site.markup import bullets, code, page_link, text
from csi_tool.site.pages import Page, SearchEntry, Section


def signal_anchor(signal_id: str) -> str:
    """The id of a signal's row on the page, for links from record pages."""
    return signal_id.lower()


def signals_page(data: SiteData) -> Page:
    """The Signals page: per source, uncovered opportunities first, each with its evidence."""
    found = data.signals
    if not found.sources and not found.unavailable:
        intro = (
            "<p>No data source is declared. Add your ITSM exports to "
            "<code>policies/sources.yaml</code> and csi lists the opportunities they show, "
            "with their evidence, on every build.</p>"
        )
        return Page("signals", "Signals", "Signals from the data", [Section(intro)])
    sections = [
        Section(
            "<p>Improvement opportunities csi found in the exports of "
            "<code>policies/sources.yaml</code> on this build, ranked by what their tickets "
            "cost to handle. Those no record covers come first; draft a record from one with "
            "<code>csi signals --propose</code> and its id.</p>"
        )
    ]
    search = []
    for name, why in found.unavailable:
        sections.append(
            Section(
                "<p>This source's data was not available where this site was built, so its "
                f"signals are not shown.</p><p><small>For its maintainers: {text(why)}"
                "</small></p>",
                f"Source {name}",
            )
        )
    for source in found.sources:
        ordered = [s for s in source.signals if not s.covered] + [
            s for s in source.signals if s.covered
        ]
        scope = source.scope
        summary = (
            f"<p>{counted(source.loaded.tickets, 'ticket')} in {text(source.shown)}"
            + (f", opened {scope.start} to {scope.end}{text(data_age(scope.end))}" if scope else "")
            + f"; {counted(len(ordered), 'signal')}, "
            f"{sum(not s.covered for s in ordered)} not covered by any record.</p>"
        )
        # a list, not a table: each signal reads top to bottom on a phone as on a desktop
        items = [_item(signal, source.currency) for signal in ordered]
        content = summary + (_list(items) if items else "<p>No signals.</p>")
        sections.append(Section(content, f"Source {source.name}"))
        search += [
            SearchEntry(f"signals.html#{signal_anchor(s.id)}", f"{s.id}: {s.headline}", "")
            for s in ordered
        ]
    return Page("signals", "Signals", "Signals from the data", sections, search)


def _list(items: list[tuple[str, str]]) -> str:
    return (
        '<ol class="csi-signals">'
        + "".join(f'<li id="{anchor}">{body}</li>' for anchor, body in items)
        + "</ol>"
    )


def _item(signal: Signal, currency: str) -> tuple[str, str]:
    """(anchor, HTML) of one signal: headline, cost and coverage first, evidence below."""
    cover = (
        "covered by " + ", ".join(page_link(f"records/{r}.html", r) for r in signal.covered_by)
        if signal.covered
        else "<strong>not covered</strong>: draft a record with "
        + code("csi signals --propose " + signal.id)
    )
    evidence = bullets(text(line) for line in signal.evidence)
    examples = ", ".join(code(t) for t in signal.examples)
    same = ""
    if signal.same_tickets_as:
        earlier = page_link(f"#{signal_anchor(signal.same_tickets_as)}", signal.same_tickets_as)
        same = f"<br>The same tickets as {earlier}, ranked above: do not add their costs up."
    return signal_anchor(signal.id), (
        f"<p><strong>{text(signal.headline)}</strong><br>{code(signal.id)} &middot; handling cost "
        f"{signal.cost:,.0f} {text(currency)} &middot; {cover}{same}</p>{evidence}"
        f"<p><small>{text(signal.method)}. Examples: {examples}</small></p>"
    )
