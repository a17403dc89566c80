"""Diagrams of how a problem was studied, as static SVG: process swimlanes and fishbones.

Like the charts, drawn at build time with a title and description for screen readers; the
record page puts the same content beside each as text (the steps in order, the causes by
category). Record text is untrusted: every piece is escaped, and long text is cut to fit
its box (the full text is in the list beside the drawing).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from itertools import pairwise

from csi_tool.records.analysis import Fishbone, ProcessStep, StepKind
from csi_tool.site.labels import cut, wrap
from csi_tool.site.markup import verbatim

_LABEL, _BOX, _GAP, _LANE, _PAD = 140, 124, 26, 74, 12
FISHBONE_CATEGORIES = ("people", "process", "tools", "environment", "policy")

# One wrapper per width, made once: a page of diagrams wraps hundreds of labels.
_STEP_LABEL = textwrap.TextWrapper(20)
_HEAD_LABEL = textwrap.TextWrapper(22)


def swimlane(
    key: str,
    title: str,
    steps: Sequence[ProcessStep],
    description: str,
    lanes: Sequence[str] = (),
) -> str:
    """One lane per actor (the map's `actors` in their order, else in order of first
    appearance), the steps left to right, each box shaped by its kind, arrows between."""
    listed = [*(a.strip() for a in lanes), *(step.actor.strip() for step in steps)]
    actors = list(dict.fromkeys(listed))
    width = _LABEL + len(steps) * (_BOX + _GAP) + _PAD
    height = len(actors) * _LANE + 2 * _PAD
    parts = [_open(key, title, description, width, height, "csi-diagram csi-swimlane")]
    for i, actor in enumerate(actors):
        top = _PAD + i * _LANE
        parts.append(
            f'<rect class="lane" x="0" y="{top}" width="{width}" height="{_LANE}"/>'
            f'<text class="lane-label" x="8" y="{top + _LANE / 2 + 4}">'
            f"{verbatim(cut(actor, 20))}</text>"
        )
    centres = []
    for i, step in enumerate(steps):
        x = _LABEL + i * (_BOX + _GAP)
        y = _PAD + actors.index(step.actor.strip()) * _LANE + 8
        centres.append((x, y))
        parts.append(
            f'<rect class="step step-{step.kind.value}" x="{x}" y="{y}" width="{_BOX}" '
            f'height="{_LANE - 16}" rx="{14 if step.kind is StepKind.APPROVAL else 3}"/>'
        )
        wrapped = wrap(_STEP_LABEL, step.name)
        lines = wrapped[:2]
        if len(wrapped) > 2:
            lines[-1] = cut(lines[-1] + " …", 20)
        for j, line in enumerate(lines):
            parts.append(
                f'<text class="step-label" x="{x + 6}" y="{y + 15 + j * 13}">'
                f"{verbatim(line)}</text>"
            )
        parts.append(
            f'<text class="step-time" x="{x + 6}" y="{y + _LANE - 22}">'
            f"{_hours(step.touch_hours)} h &middot; waits {_hours(step.wait_hours)} h</text>"
        )
    for (x1, y1), (x2, y2) in pairwise(centres):
        start, end = (x1 + _BOX, y1 + (_LANE - 16) / 2), (x2, y2 + (_LANE - 16) / 2)
        middle = (start[0] + end[0]) / 2
        parts.append(
            f'<path class="flow" d="M{start[0]},{start[1]} H{middle} V{end[1]} H{end[0] - 4}"/>'
            f'<path class="flow-head" d="M{end[0] - 7},{end[1] - 4} L{end[0]},{end[1]} '
            f'L{end[0] - 7},{end[1] + 4} Z"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def fishbone(key: str, problem: str, causes: Fishbone, description: str) -> str:
    """The problem at the head, a bone per category with its first causes along it."""
    width, height, spine = 680, 340, 170  # fits the theme's content column
    head = 526
    parts = [_open(key, f"Fishbone: {problem}", description, width, height, "csi-diagram")]
    parts.append(f'<line class="spine" x1="20" y1="{spine}" x2="{head}" y2="{spine}"/>')
    parts.append(f'<rect class="head" x="{head}" y="{spine - 46}" width="150" height="92" rx="6"/>')
    for j, line in enumerate(wrap(_HEAD_LABEL, problem)[:5]):
        parts.append(
            f'<text class="head-label" x="{head + 8}" y="{spine - 26 + j * 14}">'
            f"{verbatim(line)}</text>"
        )
    places = {"people": (190, -1), "process": (345, -1), "tools": (500, -1)}
    places |= {"environment": (268, 1), "policy": (422, 1)}
    for category in FISHBONE_CATEGORIES:
        x, side = places[category]
        end_x, end_y = x - 90, spine + side * 140
        parts.append(f'<line class="bone" x1="{x}" y1="{spine}" x2="{end_x}" y2="{end_y}"/>')
        label_y = end_y - 8 if side < 0 else end_y + 18
        label = category.capitalize()
        parts.append(f'<text class="bone-label" x="{end_x - 10}" y="{label_y}">{label}</text>')
        listed: list[str] = getattr(causes, category)
        shown = [cut(cause, 22) for cause in listed[:3]]
        if len(listed) > 3:
            shown.append(f"+{len(listed) - 3} more")
        for k, cause in enumerate(shown):
            rise = 28 + k * 28  # along the bone, away from the spine
            along = x - 90 * rise / 140 - 6  # left of the bone, like a rib
            parts.append(
                f'<text class="cause" x="{along:.0f}" y="{spine + side * rise + 4}" '
                f'text-anchor="end">{verbatim(cause)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _open(key: str, title: str, description: str, width: int, height: int, css: str) -> str:
    return (
        f'<svg class="{css}" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="{key}-t {key}-d">'
        f'<title id="{key}-t">{verbatim(title)}</title>'
        f'<desc id="{key}-d">{verbatim(description)}</desc>'
    )


def _hours(value: float) -> str:
    """Hours as people write them: 0.05, 12, 1,250 (never 1e-07)."""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value else "0"
