"""`csi site build` and `csi site serve`: render the pages, let MkDocs build the theme.

csi renders every generated page's content as HTML. MkDocs, in strict mode, builds a
temporary copy of the hand-written `site/` project holding placeholders for those pages
(see shells.py for why); csi then fills the placeholders in and adds its entries to the
search index. No MkDocs plugin is involved, so the site can move to the theme's successor
engines without a rewrite.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from csi_tool.errors import ConfigError, CsiError
from csi_tool.parallel import FromBothEnds
from csi_tool.site.data import SiteData, collect_site_data
from csi_tool.site.exports import write_exports
from csi_tool.site.pages import Page, RecordPage, SearchEntry
from csi_tool.site.shells import (
    RecordShell,
    SearchIndex,
    fill_pages,
    list_in_sitemap,
    write_placeholders,
)
from csi_tool.site.theme_build import build_with_mkdocs
from csi_tool.site.views.attention import attention_page, needing_attention
from csi_tool.site.views.backlog import backlog_page
from csi_tool.site.views.dashboard import dashboard_page
from csi_tool.site.views.delivery import delivery_page
from csi_tool.site.views.lessons import lessons_page
from csi_tool.site.views.recognition import recognition_page
from csi_tool.site.views.record_page import record_page
from csi_tool.site.views.register import register_page
from csi_tool.site.views.scoreboard import scoreboard_page
from csi_tool.site.views.signals import signals_page
from csi_tool.yaml.strict import load_fast

SITE_PROJECT = "site"
GENERATED_PAGES = (
    "index",
    "scoreboard",
    "delivery",
    "backlog",
    "register",
    "lessons",
    "recognition",
    "signals",
    "attention",
)
_MARKER = ".csi-site"  # marks a folder csi built, so a rebuild may empty it


@dataclass(frozen=True)
class SiteBuild:
    """Where the site went, how many pages it has, and how long each step took."""

    out: Path
    pages: int
    generate_seconds: float  # csi's own work: reading the register, rendering every page
    build_seconds: float  # MkDocs


def navigation_pages(data: SiteData, kb_url: str | None = None) -> list[Page]:
    """The generated pages (all in the navigation but attention.html, the dashboard's list)."""
    attention = needing_attention(data)  # the dashboard starts the list attention.html shows
    return [
        dashboard_page(data, attention),
        scoreboard_page(data),
        delivery_page(data),
        backlog_page(data),
        register_page(data),
        lessons_page(data, kb_url),
        recognition_page(data),
        signals_page(data),
        attention_page(data, attention),
    ]


# Below this many records, a second process costs more than it saves.
PARALLEL_FROM = 2000


class RecordPages:
    """One page per record. In a large register, a second process renders them from the last
    one back (see parallel.py) from the moment this is made, while this one goes on with
    the navigation pages and MkDocs, then renders from the first one on as it is iterated,
    until the two meet."""

    def __init__(self, root: Path, data: SiteData) -> None:
        self._data = data
        self._pull_requests = site_setting(root, "pull_request_base")
        self._needed_by = data.needed_by()
        self._ids = list(data.register.records)
        data.prepare_lookups()  # before the fork: else each process would work them out
        self._pages: Iterable[RecordPage] = (
            FromBothEnds(len(self._ids), self._render_at)
            if len(self._ids) >= PARALLEL_FROM
            else map(self._render_at, range(len(self._ids)))
        )

    def __iter__(self) -> Iterator[RecordPage]:
        return iter(self._pages)

    def _render_at(self, index: int) -> RecordPage:
        record_id = self._ids[index]
        record = self._data.register.records[record_id].record
        return record_page(
            record, self._data, self._needed_by.get(record_id, []), self._pull_requests
        )


def build_site(root: Path, out: Path, as_of: dt.date, site_url: str | None = None) -> SiteBuild:
    """Render the pages and build the site into `out` with MkDocs in strict mode; `site_url`
    (where it is published) overrides site/mkdocs.yml's."""
    out = out if out.is_absolute() else root / out
    _refuse_dangerous_output(root, out)
    _require_project(root)
    started = time.perf_counter()
    data = collect_site_data(root, as_of)
    records = RecordPages(root, data)
    pages = navigation_pages(data, site_setting(root, "kb_url"))
    with tempfile.TemporaryDirectory(prefix="csi-site-") as workspace:
        project = Path(workspace) / "project"
        write_project(root, project, data, pages)
        mkdocs_started = time.perf_counter()
        build_with_mkdocs(project / "mkdocs.yml", out, site_url)
        mkdocs_seconds = time.perf_counter() - mkdocs_started
    fill_pages(out, pages)
    write_table_scripts(out, pages)
    drop_source_maps(out)
    shell = RecordShell.take(out)
    search = [SearchEntry(f"{page.name}.html", page.heading, "") for page in pages]
    for page in pages:
        search += page.search
    # The theme groups a page's sections under the page's own entry, which must come first:
    # sections of record pages (a lesson found from the lessons page) follow their record's.
    search.sort(key=lambda entry: (entry.location.partition("#")[0], "#" in entry.location))
    in_records: dict[str, list[SearchEntry]] = defaultdict(list)
    for entry in search:
        if entry.location.startswith("records/"):
            in_records[entry.location.partition("#")[0]].append(entry)
    with SearchIndex(out) as index:
        index.add(entry for entry in search if not entry.location.startswith("records/"))
        for record in records:  # written as its page is: the index is never whole in memory
            shell.write(out, record)
            index.add([record.search, *in_records.pop(record.search.location, [])])
        index.add(entry for entries in in_records.values() for entry in entries)
    list_in_sitemap(out, data.register.records)
    (out / _MARKER).write_text("built by csi site build\n", encoding="utf-8")
    total = time.perf_counter() - started
    return SiteBuild(
        out, len(pages) + len(data.register.records), total - mkdocs_seconds, mkdocs_seconds
    )


def write_project(root: Path, project: Path, data: SiteData, pages: list[Page]) -> None:
    """The MkDocs project the theme engine builds: site/ with the placeholders and exports
    (what the Zensical check builds too)."""
    _copy_project(root, project)
    write_placeholders(project / "docs", pages)
    write_exports(data, project / "docs" / "exports", pages)


def serve_site(root: Path, port: int, as_of: dt.date) -> None:
    """Build into a temporary folder and serve it on localhost until interrupted."""
    import http.server  # here: its imports (ssl among them) cost every site build 20 ms

    with tempfile.TemporaryDirectory(prefix="csi-serve-") as folder:
        site = Path(folder) / "site"
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
        try:  # the port first: a busy one is known before a build, not after
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError as e:
            raise ConfigError(
                f"port {port} on 127.0.0.1 cannot be used ({e.strerror}); choose another "
                "with --port"
            ) from e
        with server:
            build_site(root, site, as_of)
            logging.getLogger(__name__).warning("serving http://127.0.0.1:%d/", port)
            server.serve_forever()


def _require_project(root: Path) -> None:
    if not (root / SITE_PROJECT / "mkdocs.yml").is_file():
        raise ConfigError(
            f"{SITE_PROJECT}/mkdocs.yml is missing (csi init creates the site project)"
        )


def _copy_project(root: Path, project: Path) -> None:
    source = root / SITE_PROJECT
    shutil.copytree(source, project, ignore=shutil.ignore_patterns(".*"))
    generated = [
        p
        for p in (
            *(f"{name}.md" for name in GENERATED_PAGES),
            "records",
            "exports",
            "assets/tables",
        )
        if (project / "docs" / p).exists()
    ]
    if generated:
        raise ConfigError(
            f"{SITE_PROJECT}/docs/{generated[0]} would be overwritten: those pages are generated"
        )


def _refuse_dangerous_output(root: Path, out: Path) -> None:
    """MkDocs empties its output folder: never let that be the register or anything above it."""
    resolved, top = out.resolve(), root.resolve()
    if resolved == top or top.is_relative_to(resolved):
        raise ConfigError(f"--out {out} would contain the register itself; choose a new folder")
    for folder in ("register", "policies", "site", "schema", ".git"):
        if resolved.is_relative_to(top / folder):
            raise ConfigError(f"--out {out} is inside {folder}/; choose another folder")
    if resolved.is_dir() and any(resolved.iterdir()) and not (resolved / _MARKER).exists():
        raise ConfigError(
            f"--out {out} holds files csi did not build; csi empties its output folder, "
            "so choose an empty or new folder"
        )


def site_setting(root: Path, name: str) -> str | None:
    """An https address set in site/mkdocs.yml's `extra` (pull_request_base, kb_url), if any."""
    try:
        config = load_fast(
            (root / SITE_PROJECT / "mkdocs.yml").read_text(encoding="utf-8"),
            f"{SITE_PROJECT}/mkdocs.yml",
        )
    except (CsiError, OSError):  # no site project yet: `csi site build` says so itself
        return None
    value = (config.get("extra") or {}).get(name)
    return value.rstrip("/") if isinstance(value, str) and value.startswith("https://") else None


_SOURCE_MAP_COMMENT = re.compile(rb"\n?/[/*]# sourceMappingURL=[^\n]*$")


def drop_source_maps(site: Path) -> None:
    """The theme's source maps, and the comments that point at them: a stakeholder site
    publishes what it runs, not the theme's sources (and they are a third of its bytes)."""
    for path in site.rglob("*.map"):
        path.unlink()
    for path in [*site.rglob("*.min.js"), *site.rglob("*.min.css")]:
        data = path.read_bytes()
        stripped = _SOURCE_MAP_COMMENT.sub(b"", data.rstrip())
        if stripped != data.rstrip():
            path.write_bytes(stripped + b"\n")


def write_table_scripts(site: Path, pages: list[Page]) -> None:
    """Each data table's rows, in the script file its page loads (see tables.py)."""
    for page in pages:
        for found in page.tables:
            path = site / found.script_path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(found.script, encoding="utf-8")
