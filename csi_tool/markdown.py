"""Make untrusted record text inert inside generated Markdown (job summaries, site pages)."""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_inline(value: str) -> str:
    """Text shown literally in Markdown: no HTML, links, emphasis, code or table breaks.

    HTML is escaped first (so `<script>` shows as text), then every Markdown punctuation
    character is backslash-escaped, and line breaks become spaces so a table row stays one row.
    """
    one_line = " ".join(value.split())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(one_line, quote=True))


def md_code(value: str) -> str:
    """An identifier such as a record id shown as inline code, safely."""
    return f"`{value.replace('`', 'ˋ')}`"
