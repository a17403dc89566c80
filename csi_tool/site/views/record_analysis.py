"""The record page's analysis sections: root cause (five whys as a chain, the fishbone
drawn) and the process map (a swimlane per map, its figures before and after)."""

from __future__ import annotations

from collections.abc import Iterator

from csi_tool.records.analysis import MapFigures, ProcessStep, figures
from csi_tool.records.models import Record
from csi_tool.site.diagrams import FISHBONE_CATEGORIES, fishbone, swimlane
from csi_tool.site.markup import numbered, table, text


def root_cause_section(record: Record) -> Iterator[str]:
    """The five whys as a chain from the problem down, then the fishbone and its causes."""
    if record.root_cause is None:
        return
    whys = record.root_cause.five_whys
    if whys:
        steps = "".join(f"<li>{text(why)}</li>" for why in whys)
        yield (
            f'<p class="csi-why-problem"><strong>Problem:</strong> {text(record.title)}</p>'
            f'<ol class="csi-whys" aria-label="Five whys, each answering why the one before '
            f'happened">{steps}</ol>'
        )
    causes = record.root_cause.fishbone
    if causes is None or not any(getattr(causes, c) for c in FISHBONE_CATEGORIES):
        return
    described = "; ".join(
        f"{category}: {', '.join(getattr(causes, category)) or 'none'}"
        for category in FISHBONE_CATEGORIES
    )
    svg = fishbone("fishbone", " ".join(record.title.split()), causes, described)
    lists = "".join(
        f"<li><strong>{category.capitalize()}</strong>: "
        f"{'; '.join(text(c) for c in getattr(causes, category)) or '&mdash;'}</li>"
        for category in FISHBONE_CATEGORIES
    )
    yield f'<figure class="csi-figure csi-wide">{svg}</figure><ul>{lists}</ul>'


def process_map_section(record: Record) -> Iterator[str]:
    """A swimlane per map, with its steps in order as text, and the figures compared."""
    process = record.process_map
    if process is None or not process.before:
        return
    maps = [("before", "Before", process.before)]
    if process.after:
        maps.append(("after", "After", process.after))
    counted = {name: figures(steps) for name, _, steps in maps}
    yield _figures_table(counted)
    for name, heading, steps in maps:
        shown = counted[name]
        words = [_step_words(step) for step in steps]  # the drawing's description and the list
        description = (
            f"{heading} the change: {shown.steps} steps, {shown.approvals} approvals, "
            f"{shown.handoffs} handoffs, {shown.lead_hours:g} hours end to end. "
            + " Then ".join(words)
        )
        svg = swimlane(
            f"map-{name}", f"{record.id} process {name.lower()}", steps, description, process.actors
        )
        yield f"<h3>{heading}</h3>"
        yield f'<figure class="csi-figure csi-wide">{svg}</figure>'
        yield (
            "<details><summary>The steps in order</summary>"
            + numbered(map(text, words))
            + "</details>"
        )
    if not process.after:
        yield "<p>The process after the change is mapped once it runs.</p>"


def _step_words(step: ProcessStep) -> str:
    system = f" in {step.system}" if step.system else ""
    return (
        f"{step.name} ({step.kind.value}, {step.actor}{system}): {step.touch_hours:g} h of "
        f"work after {step.wait_hours:g} h of waiting."
    )


def _figures_table(counted: dict[str, MapFigures]) -> str:
    rows = []
    names = list(counted)
    for label in _FIGURES:
        values = [_figure(label, counted[name]) for name in names]
        cells = [
            "&mdash;" if v is None else f"{v:g}{'%' if label == _WAITING else ''}" for v in values
        ]
        if len(names) == 2 and None not in values:
            before, after = values
            assert before is not None and after is not None
            delta = after - before
            cells.append(f"{delta:+g}{' pts' if label == _WAITING else ''}" if delta else "0")
        elif len(names) == 2:
            cells.append("&mdash;")
        rows.append((label, *cells))
    headers = ("Figure", *(name.capitalize() for name in names))
    headers += ("Change",) if len(names) == 2 else ()
    return table(headers, rows, numeric=tuple(range(1, len(headers))))


_WAITING = "Share spent waiting"
_FIGURES = (
    "Steps",
    "Approvals",
    "Handoffs between actors",
    "Systems touched",
    "Lead time (hours)",
    _WAITING,
)


def _figure(label: str, shown: MapFigures) -> float | None:
    return {
        "Steps": shown.steps,
        "Approvals": shown.approvals,
        "Handoffs between actors": shown.handoffs,
        "Systems touched": shown.systems,
        "Lead time (hours)": shown.lead_hours,
        _WAITING: shown.wait_share,
    }[label]
