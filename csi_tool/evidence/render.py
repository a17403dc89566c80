"""The evidence pack as one self-contained HTML file and as JSON.

The HTML loads nothing (no script, font, image or stylesheet from anywhere: its style is
inline) and prints cleanly to PDF from a browser. Every piece of record text is escaped.
Commits and pull requests link to the repository when its web address is known
(`extra.pull_request_base` in site/mkdocs.yml); otherwise they are named.
"""

from __future__ import annotations

import dataclasses
import html
import json
from typing import Any

from csi_tool import clock
from csi_tool.evidence.chain import Chain, EvidencePack, Link
from csi_tool.history.trail import Event

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; color: #1b1b1b; max-width: 60rem; margin: 2rem auto;
  padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; }
table { border-collapse: collapse; margin: 0.8rem 0; }
table { display: block; max-width: 100%; overflow-x: auto; }
th, td { border: 1px solid #c4c7c5; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
.step { margin: 0.6rem 0 0.6rem 0; padding-left: 0.8rem; border-left: 4px solid #3f51b5; }
.gap { border-left-color: #c5221f; } .gap-text { color: #a50e0e; font-weight: 700; }
.commits { font-size: 0.9em; color: #444; }
a { color: #1a47b8; }
@media print { body { margin: 0; max-width: none; } section.record { break-inside: avoid-page; }
  a { color: inherit; text-decoration: none; } }
"""


def render_html(pack: EvidencePack) -> str:
    """One HTML file, nothing loaded from elsewhere."""
    e = html.escape
    gaps = [(chain, gap) for chain in pack.chains for gap in chain.gaps]
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>Continual improvement evidence, {pack.since} to {pack.until}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Continual improvement evidence, {pack.since} to {pack.until}</h1>",
        "<p>ISO/IEC 20000-1, clause 10: for each improvement decided or closed in the window, "
        "the chain from trigger to measured result, each link backed by the commits that "
        "recorded it. Links with nothing behind them are listed as gaps.</p>",
    ]
    if pack.history_note:
        parts.append(f"<p><strong>{e(pack.history_note)}</strong></p>")
    parts.append('<h2 id="figures">The register in the window</h2>')
    parts.append(_figures(pack))
    parts.append(f'<h2 id="gaps">Gaps ({len(gaps)})</h2>')
    if gaps:
        items = "".join(
            f'<li><a href="#{_anchor(chain)}">{e(chain.record_id)}</a> {e(gap)}</li>'
            for chain, gap in gaps
        )
        parts.append(f"<ul>{items}</ul>")
    else:
        parts.append("<p>None: every link of every chain is backed.</p>")
    parts.append(f'<h2 id="improvements">Improvements ({len(pack.chains)})</h2><ul>')
    parts += [
        f'<li><a href="#{_anchor(c)}">{e(c.record_id)}</a> {e(c.title)}: '
        f"{e(', '.join(c.in_window))}</li>"
        for c in pack.chains
    ]
    parts.append("</ul>")
    for chain in pack.chains:
        parts.append(_chain(chain, pack.repository))
    parts.append("</body></html>\n")
    return "".join(parts)


def render_json(pack: EvidencePack) -> str:
    """The same pack as data."""
    data: dict[str, Any] = {
        "since": pack.since.isoformat(),
        "until": pack.until.isoformat(),
        "history_note": pack.history_note,
        "outcomes": pack.outcomes,
        "lead_times": [dataclasses.asdict(stat) for stat in pack.lead_times],
        "overdue_reviews": pack.overdue_reviews,
        "improvements": [
            {
                "id": c.record_id,
                "title": c.title,
                "status": c.status,
                "owner": c.owner,
                "service": c.service,
                "in_window": c.in_window,
                "gaps": c.gaps,
                "chain": [
                    {
                        "step": link.step,
                        "statements": link.statements,
                        "gap": link.gap,
                        "pending": link.pending,
                        "commits": [
                            {
                                "commit": ev.commit,
                                "date": ev.date.isoformat(),
                                "author": ev.author,
                                "pull_request": ev.pull_request,
                                "what": ev.what,
                            }
                            for ev in link.commits
                        ],
                    }
                    for link in c.links
                ],
            }
            for c in pack.chains
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def _anchor(chain: Chain) -> str:
    return chain.record_id.lower()


def _figures(pack: EvidencePack) -> str:
    e = html.escape
    outcomes = (
        "".join(
            f"<tr><td>{e(name.replace('_', ' '))}</td><td>{count}</td></tr>"
            for name, count in pack.outcomes.items()
        )
        or '<tr><td colspan="2">No review in the window.</td></tr>'
    )
    leads = "".join(
        f"<tr><td>{e(s.name)}</td><td>{s.count}</td><td>{_days(s.median)}</td>"
        f"<td>{_days(s.p90)}</td></tr>"
        for s in pack.lead_times
    )
    overdue = "".join(f"<li>{e(item)}</li>" for item in pack.overdue_reviews)
    return (
        "<table><tr><th>Review outcome</th><th>Reviews</th></tr>"
        + outcomes
        + "</table>"
        + "<table><tr><th>Lead time</th><th>Records</th><th>Median (days)</th>"
        "<th>90th percentile (days)</th></tr>"
        + leads
        + "</table>"
        + f"<p>Metric reviews overdue on {min(pack.until, clock.today())}: "
        f"{len(pack.overdue_reviews)}</p>" + (f"<ul>{overdue}</ul>" if overdue else "")
    )


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _chain(chain: Chain, repository: str | None) -> str:
    e = html.escape
    head = (
        f'<section class="record"><h2 id="{_anchor(chain)}">'
        f"{e(chain.record_id)}: {e(chain.title)}</h2>"
        f"<p>{e(chain.status)} · owner {e(chain.owner or '—')} · service {e(chain.service or '—')}"
        f" · in the window: {e(', '.join(chain.in_window))}</p>"
    )
    return head + "".join(_link(link, repository) for link in chain.links) + "</section>"


def _link(link: Link, repository: str | None) -> str:
    e = html.escape
    statements = "".join(f"<li>{e(s)}</li>" for s in link.statements)
    gap = f'<p class="gap-text">Gap: {e(link.gap)}</p>' if link.gap else ""
    gap += f"<p><em>{e(link.pending)}</em></p>" if link.pending else ""
    commits = "".join(f"<li>{_commit(ev, repository)}</li>" for ev in link.commits)
    return (
        f'<div class="step{" gap" if link.gap else ""}"><h3>{e(link.step.capitalize())}</h3>'
        + (f"<ul>{statements}</ul>" if statements else "")
        + gap
        + (f'<ul class="commits">{commits}</ul>' if commits else "")
        + "</div>"
    )


def _commit(event: Event, repository: str | None) -> str:
    e = html.escape
    sha = event.commit[:12]
    commit = (
        f'<a href="{e(repository)}/commit/{e(event.commit)}">{sha}</a>'
        if repository
        else f"<code>{sha}</code>"
    )
    pull = ""
    if event.pull_request is not None:
        number = event.pull_request
        pull = (
            f' · <a href="{e(repository)}/pull/{number}">#{number}</a>'
            if repository
            else f" · #{number}"
        )
    return f"{event.date} · {e(event.author)} · {commit}{pull} · {e(event.what)}"
