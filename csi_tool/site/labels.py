"""Labels fitted to a box in a drawing: wrapped and cut by width, between characters as read.

A diagram's box holds a label of so many columns. A Chinese, Japanese or Korean character
takes two (it is drawn about twice as wide as a Latin letter), a combining mark none, and a
label is never broken inside a character as read: an accent or kana mark written as a
combining mark, a joined emoji, a skin tone, a flag, Hangul written as jamo or a
Devanagari conjunct stays whole (a close reading of Unicode's grapheme clusters, without
their tables). Labels in ASCII, most of them, take fast paths: a character a column.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from unicodedata import east_asian_width


def wrap(wrapper: textwrap.TextWrapper, label: str) -> list[str]:
    """`wrapper.wrap(label)`, without its machinery for the labels most are: printable (no
    tab or newline), single-spaced, not padded, without hyphens (textwrap may break after
    one) and without a word longer than a line (textwrap cuts it). Such a label wraps
    greedily between words, as textwrap wraps it. A label with wide characters (Chinese,
    Japanese, Korean) wraps by width instead: see `_wrap_wide`."""
    width = wrapper.width
    if has_wide(label):
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


def _wrap_wide(label: str, width: int) -> list[str]:
    """Lines of at most `width` columns, a wide character counting two (it is drawn about
    twice as wide as a Latin letter). Lines break between words, and on either side of a
    wide character, as Chinese and Japanese text breaks; a longer word is cut between
    characters as read. Only ASCII whitespace separates words, as in textwrap: a no-break
    space holds its neighbours together."""
    lines: list[str] = []
    line = ""
    for unit in _units(_ASCII_SPACES.sub(" ", label).strip(" ")):
        if unit == " ":
            line += " " if line else ""
            continue
        while columns(line + unit) > width:
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


def cut(label: str, length: int) -> str:
    """The label on one line, cut to `length` columns with an ellipsis (a wide character
    counts two), never inside a character as read: an accent written as a combining mark,
    an emoji joined from several (👩‍💻), with a skin tone or as a flag (two regional
    indicators) stays whole or goes."""
    shown = " ".join(label.split())
    if columns(shown) <= length:
        return shown
    return shown[: _fitting(shown, length - 1)] + "…"


def has_wide(label: str) -> bool:
    return not label.isascii() and any(east_asian_width(c) in "WF" for c in label)


def columns(text: str) -> int:
    """How many columns the text takes (see `_cluster_columns`)."""
    if text.isascii():
        return len(text)
    return sum(map(_cluster_columns, _clusters(text)))


def _fitting(text: str, room: int) -> int:
    """How many of the text's first characters fit in `room` columns, whole characters as
    read."""
    if text.isascii():  # most labels: a character a column (a page cuts dozens)
        return min(len(text), max(room, 0))
    used = end = 0
    for cluster in _clusters(text):
        used += _cluster_columns(cluster)
        if used > room:
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
