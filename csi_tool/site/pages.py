"""What the page generators produce: HTML content, headings and search entries, no theme.

csi renders every generated page's content itself; MkDocs renders the theme around a few
placeholder pages, and `shells` puts the content in (see builder.py for why).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from csi_tool.site.tables import DataTable


@dataclass(frozen=True)
class SearchEntry:
    """One result the site's search can find; `title` and `text` are plain, unescaped text."""

    location: str
    title: str
    text: str


@dataclass(frozen=True)
class Section:
    """Part of a page: an optional heading (plain text) and its HTML content."""

    content: str
    heading: str | None = None
    level: int = 2


@dataclass(frozen=True)
class Page:
    """A page in the navigation (dashboard, backlog, register, lessons)."""

    name: str  # the file name without .md or .html
    title: str  # in the navigation and the window title
    heading: str  # the page's first heading
    sections: list[Section]
    search: list[SearchEntry] = field(default_factory=list)
    tables: list[DataTable] = field(default_factory=list)  # their data files go beside it


@dataclass(frozen=True)
class RecordPage:
    """One record's page: its HTML, its table of contents and its search entry."""

    record_id: str
    title: str  # plain text: "CSI-0001: Reduce repeat incidents"
    contents: list[tuple[str, str]]  # (anchor, heading) of each section, in order
    body: str
    search: SearchEntry
