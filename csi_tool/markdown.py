"""Make untrusted record text inert inside generated Markdown (job summaries, site pages)."""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|~-])")  # < > & are escaped as HTML


def md_inline(value: str) -> str:
    """Text shown literally in Markdown: no HTML, links, emphasis, code or table breaks.

    HTML is escaped first (so `<script>` shows as text), then every Markdown punctuation
    character is backslash-escaped, and line breaks become spaces so a table row stays one row.
    """
    one_line = " ".join(value.split())
    # Markdown first, then HTML: escaping in the other order would break `&#x27;` entities.
    return html.escape(_MARKDOWN_SPECIALS.sub(r"\\\1", one_line), quote=False)


def md_code(value: str) -> str:
    """An identifier such as a record id shown as inline code, safely."""
    one_line = " ".join(value.split())  # a newline would end the table row, or start a heading
    return "`" + one_line.replace("`", "ˋ").replace("|", "\\|") + "`"


def md_block(value: str) -> str:
    """Multi-paragraph text shown literally: paragraphs kept, everything else inert."""
    paragraphs = [p for p in value.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "\n\n".join(md_inline(paragraph) for paragraph in paragraphs)


def html_text(value: str) -> str:
    """Text for a raw HTML block: escaped, on one line (Markdown leaves raw HTML alone)."""
    return html.escape(" ".join(value.split()), quote=True)


def safe_link(url: str, label: str | None = None) -> str:
    """An anchor for an http(s) URL; anything else is shown as plain text, never linked."""
    if not url.lower().startswith(("http://", "https://")) or any(c in url for c in "<>\"' \n"):
        return md_inline(url)
    shown = html.escape(label if label is not None else url, quote=True)
    return (
        f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer nofollow">{shown}</a>'
    )
