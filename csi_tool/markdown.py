"""Make untrusted record text inert inside generated Markdown (job summaries, reports)."""

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
