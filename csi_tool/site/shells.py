"""Put csi's page content into pages that MkDocs rendered with the theme.

MkDocs passes every page through Markdown, the theme's templates and the search indexer:
about 5 ms a page here, nearly a minute for 10,000 records, more than the rest of `csi site
build` together. csi already writes its pages' content as HTML, so MkDocs renders only
placeholder pages: one per navigation page (its headings, for the table of contents, and a
marker where each section's content goes) and a single shell shared by every record page,
since they all sit in records/ and so share every link of the theme around them. csi fills
copies of these in. Every marker is checked: a theme that renders one differently fails the
build instead of publishing a page with a hole in it.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from csi_tool.errors import CsiError
from csi_tool.markdown import md_inline
from csi_tool.site.markup import composed_too, searchable, text
from csi_tool.site.pages import Page, RecordPage, SearchEntry

_SLOT = '<div data-csi-slot="{}"></div>'
# Lower case with a dash: no record id can look like this (ids are upper case).
RECORD_SHELL = "records/record-shell"
_TITLE = "csi-record-title-slot"
_TOC = "csi-toc-slot"  # the shell's one heading: its table of contents entry and its anchor
_TOC_ITEMS = "csi-toc-items"  # where the record's table of contents goes
_FIRST_ANCHOR = f"#{_TOC}"  # links to the first heading, such as the theme's "skip to content"
_RECORD_BODY = _SLOT.format("record")
_SHELL_FILE = RECORD_SHELL.rpartition("/")[2] + ".html"  # in links to the page itself
_TOC_ITEM = re.compile(r'<li class="md-nav__item">\s*<a href="#' + _TOC + r'".*?</li>', re.S)
_BODY = re.compile(r'<h2 id="' + _TOC + r'"[^>]*>.*?</h2>\s*' + re.escape(_RECORD_BODY), re.S)


class ShellError(CsiError):
    """The theme rendered a placeholder page in a way csi cannot fill in."""


def write_placeholders(docs: Path, pages: Sequence[Page]) -> None:
    """The Markdown MkDocs renders: each navigation page's headings and markers, and the
    record shell (a title, one heading for the table of contents, one marker)."""
    for page in pages:
        # A page with a wide data table gives it the table of contents' width.
        lines = [_front_matter(page.title, bool(page.tables)), f"# {md_inline(page.heading)}", ""]
        for number, section in enumerate(page.sections):
            if section.heading is not None:
                lines += [f"{'#' * section.level} {md_inline(section.heading)}", ""]
            lines += [_SLOT.format(number), ""]
        (docs / f"{page.name}.md").write_text("\n".join(lines), encoding="utf-8")
    shell = docs / f"{RECORD_SHELL}.md"
    shell.parent.mkdir(parents=True, exist_ok=True)
    shell.write_text(f"{_front_matter(_TITLE)}## {_TOC}\n\n{_RECORD_BODY}\n", encoding="utf-8")


def _front_matter(title: str, wide: bool = False) -> str:
    # Placeholders stay out of MkDocs' search index: csi adds its own entries.
    hide = "hide:\n  - navigation\n  - toc\n" if wide else ""
    return f"---\ntitle: {title}\n{hide}search:\n  exclude: true\n---\n"


def fill_pages(site: Path, pages: Sequence[Page]) -> None:
    """Put each navigation page's sections where MkDocs left their markers."""
    for page in pages:
        path = site / f"{page.name}.html"
        rendered = path.read_text(encoding="utf-8")
        for number, section in enumerate(page.sections):
            marker = _SLOT.format(number)
            if rendered.count(marker) != 1:
                raise ShellError(f"{path.name}: the theme did not keep section marker {number}")
            rendered = rendered.replace(marker, section.content)
        path.write_text(rendered, encoding="utf-8")


@dataclass(frozen=True)
class RecordShell:
    """The rendered record shell, cut into fixed text and the places each record fills."""

    pieces: list[str]  # fixed text; odd positions hold the name of a place to fill
    toc_item: str  # the theme's table-of-contents entry for one heading, as a template

    @classmethod
    def take(cls, site: Path) -> RecordShell:
        """Read the shell MkDocs rendered, and remove it from the site."""
        path = site / f"{RECORD_SHELL}.html"
        rendered = path.read_text(encoding="utf-8")
        items, bodies = _TOC_ITEM.findall(rendered), _BODY.findall(rendered)
        if len(items) != 1 or len(bodies) != 1:
            raise ShellError(
                f"{path.name}: the theme rendered the record shell in an unexpected way "
                f"({len(items)} table-of-contents entries, {len(bodies)} content markers)"
            )
        rendered = rendered.replace(items[0], _TOC_ITEMS).replace(bodies[0], _RECORD_BODY)
        places = (_RECORD_BODY, _SHELL_FILE, _TITLE, _TOC_ITEMS, _FIRST_ANCHOR)
        pieces = re.split("(" + "|".join(re.escape(place) for place in places) + ")", rendered)
        if any(_TOC in piece for piece in pieces[::2]):
            raise ShellError(f"{path.name}: the theme used the record shell's heading elsewhere")
        path.unlink()
        return cls(pieces, items[0])

    def write(self, site: Path, page: RecordPage) -> None:
        """records/<ID>.html: the shell with the record's title, contents and body."""
        toc = "".join(
            self.toc_item.replace(f"#{_TOC}", f"#{anchor}").replace(_TOC, text(label))
            for anchor, label in page.contents
        )
        fill = {
            _RECORD_BODY: page.body,
            _SHELL_FILE: f"{page.record_id}.html",
            _TITLE: text(page.title),
            _TOC_ITEMS: toc,
            _FIRST_ANCHOR: f"#{page.contents[0][0]}" if page.contents else "#",
        }
        pieces = self.pieces
        filled = "".join(fill[piece] if i % 2 else piece for i, piece in enumerate(pieces))
        (site / "records" / f"{page.record_id}.html").write_text(filled, encoding="utf-8")


def list_in_sitemap(site: Path, record_ids: Iterable[str]) -> None:
    """Give every record page the sitemap entry MkDocs gave the shell (only with site_url)."""
    path = site / "sitemap.xml"
    sitemap = path.read_text(encoding="utf-8") if path.is_file() else ""
    entry = re.search(
        r"<url>\s*<loc>[^<]*/" + re.escape(_SHELL_FILE) + r"</loc>.*?</url>", sitemap, re.S
    )
    if entry is None:
        return
    # Record ids are pattern-checked (letters, digits, a dash): nothing to escape in XML.
    entries = "\n    ".join(entry[0].replace(_SHELL_FILE, f"{rid}.html") for rid in record_ids)
    sitemap = sitemap.replace(entry[0], entries)
    path.write_text(sitemap, encoding="utf-8")
    compressed = path.with_name("sitemap.xml.gz")
    if compressed.is_file():
        compressed.write_bytes(gzip.compress(sitemap.encode("utf-8"), mtime=0))


class SearchIndex:
    """The theme's search index, extended with csi's entries as its pages are written.

    Written entry by entry (the index of 10,000 records never sits in memory whole), into a
    file beside it that replaces it when complete. The theme shows a result's title and text
    as HTML: both are escaped here. Without the index (search turned off), entries go nowhere.
    """

    def __init__(self, site: Path) -> None:
        self._path = site / "search" / "search_index.json"
        self._partial = self._path.with_name(".search_index.json.partial")
        self._stream: TextIO | None = None
        self._written = 0
        if not self._path.is_file():
            return
        index = json.loads(self._path.read_text(encoding="utf-8"))
        theirs = index.pop("docs")
        self._stream = self._partial.open("w", encoding="utf-8")
        head = _compact(index)[:-1]  # the other keys, docs last so entries can stream
        self._stream.write(head + ("," if index else "") + '"docs":[')
        for document in theirs:  # the theme engine's own entries, escaped by it
            self._write(document)

    def add(self, entries: Iterable[SearchEntry]) -> None:
        for entry in entries:
            title, body = searchable(entry.title), searchable(entry.text)
            composed = composed_too(f"{entry.title}\n{entry.text}")
            if composed:  # found however it is typed (see composed_too)
                body += " " + searchable(composed)
            self._write({"location": entry.location, "title": title, "text": body})

    def _write(self, document: object) -> None:
        if self._stream is not None:
            self._stream.write(("," if self._written else "") + _compact(document))
            self._written += 1

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if self._stream is None:
            return
        self._stream.write("]}")
        self._stream.close()
        if error is None:
            self._partial.replace(self._path)
        else:
            self._partial.unlink()


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
