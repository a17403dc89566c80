"""Tables that stay usable at 10,000 rows: filtered, sorted and paged in the browser.

A page carries its first rows as ordinary HTML (read without JavaScript, and by search
engines) and the whole table as data in a script file of its own, which csi.js turns into
a filter box, a select per filterable column, sortable headers and pages, with the state in
the URL so a filtered view can be shared. The page's HTML stays the same size however large
the register grows; the data is loaded only by the page that shows it. A script file, not
JSON fetched at run time, because the site must also work opened from disk, where browsers
refuse to fetch.

Why not a table library: the ones that do all of this (DataTables, Tabulator) weigh
100-400 KB and style themselves; what is needed here is about 200 lines of csi.js that
render through textContent only, so record text can never become markup.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from csi_tool.report import counted
from csi_tool.site.markup import link, page_link, text, verbatim

FIRST_ROWS = 100  # the rows a page carries as HTML; the script pages through the rest
FILTER = "filter"  # the text filter's name in the address (the theme's search owns ?q=)
MAX_OPTIONS = 60  # a select longer than this weighs more than it helps


class Kind(StrEnum):
    """How a column's values are shown and sorted."""

    TEXT = "text"
    NUMBER = "number"
    RECORD = "record"  # a record id, linked to its page
    BADGE = "badge"  # a status shown in colour and in words
    DISCLOSED = "disclosed"  # [summary, detail]: the detail behind a disclosure, sorted by summary
    LINK = "link"  # [label, http(s) address]: a link out (only an http(s) address is linked)
    DATE = "date"  # an ISO date, kept on one line


@dataclass(frozen=True)
class Column:
    key: str  # also its name in the URL when filtered or sorted
    label: str
    kind: Kind = Kind.TEXT
    choose: bool = False  # a select of the column's values filters it
    shown: bool = True  # False: not a column of its own, yet filtered by and found by text
    tokens: bool = False  # the value is words (tags): its select matches any one of them


Cell = str | float | int | list[str] | None


@dataclass(frozen=True)
class DataTable:
    """A table's HTML and the script file with all of its rows."""

    html: str
    script_path: str  # relative to the site's root
    script: str
    csv: str  # the same rows, published as exports/<name>.csv


def data_table(
    name: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], noun: str
) -> DataTable:
    """The table `name` (its page's name): first rows as HTML, all rows as data."""
    script_path = f"assets/tables/{name}.js"
    controls = "".join(
        _select(i, column, rows) for i, column in enumerate(columns) if column.choose
    )
    head = "".join(
        f'<th data-key="{text(c.key)}" data-kind="{c.kind.value}"{_numeric(c)}>{text(c.label)}</th>'
        for c in columns
        if c.shown
    )
    body = (
        "".join(
            "<tr>"
            + "".join(_cell(c, v) for c, v in zip(columns, row, strict=True) if c.shown)
            + "</tr>"
            for row in rows[:FIRST_ROWS]
        )
        or f'<tr><td colspan="{sum(c.shown for c in columns)}">None yet.</td></tr>'
    )
    more = (
        f'<p class="csi-more">The first {FIRST_ROWS} of {counted(len(rows), noun)}; '
        "with JavaScript on, all of them can be filtered and paged here, and every one is in "
        f"{page_link('exports/' + name + '.csv', f'{name}.csv')}.</p>"
        if len(rows) > FIRST_ROWS
        else ""
    )
    html = (
        f'<form class="csi-filters" data-table="{text(name)}" role="search" '
        f'aria-label="Filter the {text(noun)} list">'
        f'<label>Filter <input type="search" name="{FILTER}" autocomplete="off" '
        f'placeholder="words, ids, people&hellip;"></label> {controls}'
        f'<output aria-live="polite">{counted(len(rows), noun)}</output></form>'
        f'<div class="csi-table" id="csi-table-{text(name)}" data-script="{script_path}">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
        f'<nav class="csi-pager" aria-label="Pages of the {text(noun)} list"></nav>{more}'
        f'<script src="{script_path}"></script>'
    )
    payload = {"noun": noun, "columns": [c.key for c in columns], "rows": list(map(list, rows))}
    # ensure_ascii: every character outside ASCII (U+2028 included) becomes an escape, and
    # "</" cannot close anything in a script file of its own.
    data = json.dumps(payload, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    script = f"(window.csiTables = window.csiTables || {{}})[{json.dumps(name)}] = {data};\n"
    return DataTable(html, script_path, script, table_csv(columns, rows))


def badge(status: str) -> str:
    """A status in colour and in words (the colour alone tells nothing to many readers)."""
    return f'<span class="csi-badge csi-badge--{_slug(status)}">{text(status)}</span>'


def _numeric(column: Column) -> str:
    if column.kind is Kind.NUMBER:
        return ' class="csi-num"'
    return ' class="csi-nowrap"' if column.kind in (Kind.RECORD, Kind.DATE) else ""


def _cell(column: Column, value: Cell) -> str:
    if value is None or value == "":
        return f"<td{_numeric(column)}>&mdash;</td>"
    if column.kind is Kind.NUMBER:
        shown = f"{value:g}" if isinstance(value, float) else text(str(value))
        return f'<td class="csi-num">{shown}</td>'
    if column.kind is Kind.RECORD:
        return f"<td{_numeric(column)}>{page_link(f'records/{value}.html', str(value))}</td>"
    if column.kind is Kind.DATE:
        return f"<td{_numeric(column)}>{text(str(value))}</td>"
    if column.kind is Kind.BADGE:
        return f"<td>{badge(str(value))}</td>"
    if isinstance(value, list) and column.kind is Kind.LINK:
        return f"<td>{link(value[1], value[0])}</td>"
    if isinstance(value, list):
        summary, detail = value
        return f"<td><details><summary>{text(summary)}</summary>{text(detail)}</details></td>"
    return f"<td>{text(str(value))}</td>"


def _select(index: int, column: Column, rows: Sequence[Sequence[Cell]]) -> str:
    found = [str(row[index]) for row in rows if row[index] not in (None, "")]
    if column.tokens:
        found = [word for value in found for word in value.split()]
    values = sorted(set(found), key=_natural)
    if len(values) > MAX_OPTIONS:  # hundreds of teams: the filter box finds them instead
        return ""
    options = "".join(f'<option value="{verbatim(v)}">{text(v)}</option>' for v in values)
    tokens = " data-tokens" if column.tokens else ""
    return (
        f'<label>{text(column.label)} <select name="{text(column.key)}"{tokens}>'
        f'<option value="">all</option>{options}</select></label> '
    )


def _natural(value: str) -> tuple[float, str]:
    """Numbers in number order (2 before 10), then text."""
    try:
        return (float(value), "")
    except ValueError:
        return (float("inf"), value)


def _slug(status: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", status.lower()).strip("-") or "none"


def table_csv(columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> str:
    """The table as CSV. A cell a spreadsheet would run as a formula (=, +, -, @ first) is
    prefixed with an apostrophe: record text is untrusted, and spreadsheets open CSV. A
    byte-order mark comes first (Excel reads UTF-8 only with one); a handle such as
    @acme/desk is no formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.label for c in columns])
    # None is written as an empty cell; only text and lists can need `_inert` (tens of
    # thousands of cells: the test comes first, the call only where it may change something)
    writer.writerows(
        [
            _inert(v)
            if isinstance(v, list) or (isinstance(v, str) and v[:1] in _FORMULA_STARTS)
            else v
            for v in row
        ]
        for row in rows
    )
    return out.getvalue()


_FORMULA_STARTS = frozenset("=+-@\t\r")
_HANDLE = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9._/-]*$")


def _inert(value: str | float | int | list[str]) -> str | float | int:
    if isinstance(value, list):  # a disclosure's summary (a score), or a link's label
        value = value[0]
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS and not _HANDLE.match(value):
        return "'" + value
    return value
