"""Diagrams of how a problem was studied, as static SVG: process swimlanes and fishbones.

Like the charts, drawn at build time with a title and description for screen readers; the
record page puts the same content beside each as text (the steps in order, the causes by
category). Record text is untrusted: every piece is escaped, and long text is cut to fit
its box (the full text is in the list beside the drawing).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Sequence
from itertools import pairwise
from unicodedata import east_asian_width

from csi_tool.records.analysis import Fishbone, ProcessStep, StepKind
from csi_tool.site.markup import verbatim

_LABEL, _BOX, _GAP, _LANE, _PAD = 140, 124, 26, 74, 12
FISHBONE_CATEGORIES = ("people", "process", "tools", "environment", "policy")

# One wrapper per width, made once: a page of diagrams wraps hundreds of labels.
_STEP_LABEL = textwrap.TextWrapper(20)
_HEAD_LABEL = textwrap.TextWrapper(22)


def _wrap(wrapper: textwrap.TextWrapper, label: str) -> list[str]:
    """`wrapper.wrap(label)`, without its machinery for the labels most are: printable (no
    tab or newline), single-spaced, not padded, without hyphens (textwrap may break after
    one) and without a word longer than a line (textwrap cuts it). Such a label wraps
    greedily between words, as textwrap wraps it. A label with wide characters (Chinese,
    Japanese, Korean) wraps by width instead: see `_wrap_wide`."""
    width = wrapper.width
    if _has_wide(label):
        return _wrap_wide(label, width)
    if not (label.isprintable() and "  " not in label and label.strip(" ") == label):
        return wrapper.wrap(label)
    if len(label) <= width:
        return [label] if label else []
    words = label.split(" ")
    if "-" in label or max(map(len, words)) > width:
        return wrapper.wrap(label)
    lines, line = [], words[0]
    for word in words[1:]:
        if len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


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
            f"{verbatim(_cut(actor, 20))}</text>"
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
        wrapped = _wrap(_STEP_LABEL, step.name)
        lines = wrapped[:2]
        if len(wrapped) > 2:
            lines[-1] = _cut(lines[-1] + " …", 20)
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
    for j, line in enumerate(_wrap(_HEAD_LABEL, problem)[:5]):
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
        shown = [_cut(cause, 22) for cause in listed[:3]]
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


def _wrap_wide(label: str, width: int) -> list[str]:
    """Lines of at most `width` columns, a wide character counting two (it is drawn about
    twice as wide as a Latin letter). Lines break between words, and on either side of a
    wide character, as Chinese and Japanese text breaks; a longer word is cut between
    characters as read. Only ASCII whitespace separates words, as in textwrap: a no-break
    space holds its neighbours together."""
    lines: list[str] = []
    line = ""
    for unit in _units(" ".join(_ASCII_SPACES.split(label)).strip(" ")):
        if unit == " ":
            line += " " if line else ""
            continue
        while _columns(line + unit) > width:
            if line.strip(" "):  # the unit starts the next line
                lines.append(line.rstrip(" "))
                line = ""
                continue
            # a word longer than a line: what fits of it, at least its first character
            room = _fitting(unit, width) or len(_clusters(unit)[0])
            lines.append(unit[:room])
            unit = unit[room:]
        line += unit
    if line.strip(" "):
        lines.append(line.rstrip(" "))
    return lines


def _units(label: str) -> list[str]:
    """What a wide label breaks between: a space, a wide character as read, or a run of
    other characters (a word)."""
    units: list[str] = []
    word = ""
    for cluster in _clusters(label):
        if cluster == " " or _cluster_columns(cluster) == 2:
            if word:
                units.append(word)
                word = ""
            units.append(cluster)
        else:
            word += cluster
    return [*units, word] if word else units


def _cut(label: str, length: int) -> str:
    """The label on one line, cut to `length` columns with an ellipsis (a wide character
    counts two), never inside a character as read: an accent written as a combining mark,
    an emoji joined from several (👩‍💻), with a skin tone or as a flag (two regional
    indicators) stays whole or goes."""
    shown = " ".join(label.split())
    if _columns(shown) <= length:
        return shown
    return shown[: _fitting(shown, length - 1)] + "…"


def _has_wide(label: str) -> bool:
    return not label.isascii() and any(east_asian_width(c) in "WF" for c in label)


def _columns(text: str) -> int:
    """How many columns the text takes (see `_cluster_columns`)."""
    if text.isascii():
        return len(text)
    return sum(map(_cluster_columns, _clusters(text)))


def _fitting(text: str, columns: int) -> int:
    """How many of the text's first characters fit in `columns`, whole characters as read."""
    if text.isascii():  # most labels: a character a column (a page cuts dozens)
        return min(len(text), max(columns, 0))
    used = end = 0
    for cluster in _clusters(text):
        used += _cluster_columns(cluster)
        if used > columns:
            break
        end += len(cluster)
    return end


def _clusters(text: str) -> list[str]:
    """The text's characters as read: each with the marks, joined emoji, skin tone or flag
    half that belong to it (see `_continues`)."""
    clusters: list[str] = []
    for index, character in enumerate(text):
        if clusters and _continues(text, index):
            clusters[-1] += character
        else:
            clusters.append(character)
    return clusters


def _cluster_columns(cluster: str) -> int:
    """Two columns for a wide character or a flag, none for a mark on its own, else one."""
    if cluster.isascii():
        return len(cluster)
    if (
        any(east_asian_width(c) in "WF" for c in cluster)
        or _REGIONAL <= cluster[0] <= _REGIONAL_LAST
    ):
        return 2
    return 0 if all(unicodedata.category(c) in _ZERO_WIDTH for c in cluster) else 1


def _continues(shown: str, index: int) -> bool:
    """Whether the character at `index` belongs to the one before it (a close reading of
    Unicode's grapheme clusters, without their tables)."""
    here, before = shown[index], shown[index - 1]
    if here.isascii() and before.isascii():  # most labels, which a page cuts dozens of
        return False
    if unicodedata.category(here) in _EXTENDING or here in _JOINERS or before == "\u200d":
        return True
    if "\U0001f3fb" <= here <= "\U0001f3ff":  # a skin tone modifies the emoji before it
        return True
    if "\u1160" <= here <= "\u11ff" or "\ud7b0" <= here <= "\ud7fb":  # Hangul vowel, final
        return True
    if here in "\u0e33\u0eb3":  # Thai and Lao sara am, written after their consonant
        return True
    if unicodedata.combining(before) == 9 and unicodedata.category(here) == "Lo":
        return True  # a consonant joined by a virama (Devanagari क्ष)
    if _REGIONAL <= here <= _REGIONAL_LAST:  # the second of a flag's pair, if the run is odd
        run = index
        while run > 0 and _REGIONAL <= shown[run - 1] <= _REGIONAL_LAST:
            run -= 1
        return (index - run) % 2 == 1
    return False


_ASCII_SPACES = re.compile("[\t\n\x0b\x0c\r ]+")
_EXTENDING = ("Mn", "Mc", "Me")
_ZERO_WIDTH = ("Mn", "Me", "Cf")
_JOINERS = "\u200d\ufe0e\ufe0f"  # zero-width joiner, text and emoji presentation selectors
_REGIONAL, _REGIONAL_LAST = "\U0001f1e6", "\U0001f1ff"


def _hours(value: float) -> str:
    """Hours as people write them: 0.05, 12, 1,250 (never 1e-07)."""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value else "0"
