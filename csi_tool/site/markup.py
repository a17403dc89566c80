"""HTML for the generated pages, built from untrusted record text that must stay inert.

Every piece of record text passes through `text` (escaped, one line) or `paragraphs`
before it reaches a page; links are made only for plain http(s) URLs. The page generators
assemble HTML from these pieces and from numbers and dates csi computed itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence


def text(value: str) -> str:
    """Text shown literally, on one line: `<script>` shows as the word, never runs.

    In ASCII: a character beyond it is written as a character reference (`&#233;`), which
    the browser shows as the character itself. The pages csi generates are ASCII (its own
    symbols are references too: `&middot;`, `&mdash;`), which Python pickles and encodes
    as it is, where one character beyond it makes the whole page convert: a record page of
    13.5 KB is sent from the second process in 8 µs instead of 20, and encoded to be
    written in 0.4 µs instead of 20."""
    # " ".join(value.split()) and html.escape(..., quote=True) written out: a page makes
    # about a hundred of these calls. Most text is ASCII on one line already, which a few
    # character searches tell faster than splitting it into words and joining them again
    # (the ASCII whitespace str.split knows: tab to carriage return, \x1c to \x1f, space).
    if (
        value.isascii()
        and value[:1] != " "
        and value[-1:] != " "
        and "  " not in value
        and "\n" not in value
        and "\t" not in value
        and "\r" not in value
        and "\x0b" not in value
        and "\x0c" not in value
        and "\x1c" not in value
        and "\x1d" not in value
        and "\x1e" not in value
        and "\x1f" not in value
    ):
        shown = value
    else:
        shown = " ".join(value.split())
    if "&" in shown:
        shown = shown.replace("&", "&amp;")
    shown = (
        shown.replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )
    return shown if shown.isascii() else _references(shown)


def searchable(value: str) -> str:
    """Text for the theme's search index: escaped and on one line as `text` is, with every
    character as written. The theme's search splits the index's text into words without
    reading character references: `Z&#252;rich` would never be found by typing Zürich."""
    return html.escape(" ".join(value.split()), quote=True)


def composed_too(value: str) -> str:
    """The text's composed form (NFC), where it differs from the text as written, else "".
    The theme's search matches what is typed as it is: an accent written as a combining
    mark (as text pasted from a PDF often is) is found by typing the accented letter only
    if the index holds that form too, and by pasting the text only if it holds the other."""
    composed = unicodedata.normalize("NFC", value)
    return "" if composed == value else composed


def verbatim(value: str) -> str:
    """Text escaped and in ASCII as `text` is, every character kept, its spaces too: an
    attribute value read back exactly (a filter's choice, which csi.js compares with the
    value as written: a full-width space made one match nothing), or text in a drawing,
    which SVG lays out itself (half the cost of `text`: a record page draws about forty
    labels)."""
    escaped = html.escape(value, quote=True)
    return escaped if escaped.isascii() else _references(escaped)


def _references(escaped: str) -> str:
    """Escaped HTML with every character beyond ASCII written as a character reference, but
    the C1 controls (U+0080 to U+009F): HTML reads a reference to one as a Windows-1252
    character (`&#145;` shows as ‘), so they stay as they are, and their page beyond ASCII."""
    if _C1_CONTROL.search(escaped) is None:
        return escaped.encode("ascii", "xmlcharrefreplace").decode("ascii")
    return "".join(c if c < "\xa0" else f"&#{ord(c)};" for c in escaped)


_C1_CONTROL = re.compile("[\x80-\x9f]")


def paragraphs(value: str) -> str:
    """Multi-paragraph text shown literally: blank lines separate paragraphs."""
    parts = [p for p in value.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{text(part)}</p>" for part in parts)


def code(value: str) -> str:
    """An identifier (a ticket, a metric key) shown as code."""
    return f"<code>{text(value)}</code>"


def link(url: str, label: str | None = None) -> str:
    """An anchor for an http(s) URL; anything else is shown as plain text, never linked."""
    if not url.lower().startswith(("http://", "https://")) or any(c in url for c in "<>\"' \n"):
        return text(url)
    shown = text(label if label is not None else url)
    address = _references(html.escape(url, quote=True))  # é in a link reads back as é
    return f'<a href="{address}" rel="noopener noreferrer nofollow">{shown}</a>'


def page_link(href: str, label: str) -> str:
    """A link to another page of the site; `href` is built by csi, `label` is escaped."""
    return f'<a href="{html.escape(href, quote=True)}">{text(label)}</a>'


def heading(level: int, anchor: str, label: str) -> str:
    """A section heading with an id to link to; `label` is escaped."""
    return f'<h{level} id="{html.escape(anchor, quote=True)}">{text(label)}</h{level}>'


def bullets(items: Iterable[str]) -> str:
    """A list of already-built HTML items."""
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def numbered(items: Iterable[str]) -> str:
    """A numbered list of already-built HTML items."""
    return "<ol>" + "".join(f"<li>{item}</li>" for item in items) + "</ol>"


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = ()
) -> str:
    """A table of already-built HTML cells; columns in `numeric` align right, as numbers do."""
    head, opening = _table_head(tuple(headers), tuple(numeric))
    width = len(opening)
    plain = width > 0 and not numeric
    shown = []
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} cells in a table of {width} columns")
        if plain:  # every cell opens alike: one join does the row
            shown.append(f"<tr><td>{'</td><td>'.join(row)}</td></tr>")
        else:
            cells = [f"{start}{cell}</td>" for start, cell in zip(opening, row, strict=True)]
            shown.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(shown)}</tbody></table>"


@functools.lru_cache(maxsize=256)
def _table_head(headers: tuple[str, ...], numeric: tuple[int, ...]) -> tuple[str, tuple[str, ...]]:
    """The header cells and how each column's cells open: most tables of a site share a few
    headings (every metric's table has the same four), so each is made once."""
    right = ' style="text-align: right"'
    opening = tuple(f"<td{right}>" if i in numeric else "<td>" for i in range(len(headers)))
    head = "".join(
        f"<th{right if i in numeric else ''}>{text(h)}</th>" for i, h in enumerate(headers)
    )
    return head, opening


def label(key: str) -> str:
    """A policy key as people read it: `in_progress` → `In progress` (plain, unescaped)."""
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def quarter_of(day: dt.date) -> str:
    """`2026 Q3`."""
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"
