"""What a stakeholder's browser downloads, at 1,000 and at 10,000 records.

    python -m benchmarks.site_sizes [--records 10000]

Builds the site of a synthetic register (benchmarks/generate_register.py) at a tenth of the
size and at full size, and reports the bytes of every navigation page, of the table data
each page loads, and of the search index (raw and gzipped, as a web server sends it). The
peer is the same site at a tenth of the records: a page whose HTML grows with the register
shows a ratio near 10×, one that stays small shows about 1×.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import shutil
import tempfile
from pathlib import Path

from benchmarks.generate_register import generate_register
from benchmarks.results import write_section
from csi_tool.site.builder import GENERATED_PAGES, build_site

AS_OF = dt.date(2026, 11, 25)


def sizes(records: int, work: Path) -> dict[str, int]:
    """Bytes of each page, table script and the search index of a built site."""
    root = generate_register(work / f"r{records}", records)
    site = build_site(root, work / f"site{records}", AS_OF).out
    found = {f"{name}.html": (site / f"{name}.html").stat().st_size for name in GENERATED_PAGES}
    for script in sorted((site / "assets" / "tables").glob("*.js")):
        found[f"assets/tables/{script.name}"] = script.stat().st_size
    index = (site / "search" / "search_index.json").read_bytes()
    found["search index"] = len(index)
    found["search index, gzipped"] = len(gzip.compress(index, mtime=0))
    first = min((site / "records").glob("*.html"))
    found["a record page"] = first.stat().st_size
    return found


def report(small: dict[str, int], large: dict[str, int], records: int) -> str:
    lines = [
        "## What the site's pages weigh",
        "",
        f"Synthetic registers of {records // 10:,} and {records:,} records, measured on "
        f"{dt.date.today()} with `python -m benchmarks.site_sizes --records {records}`. "
        "Navigation pages carry their first 100 rows and cap their lists; whole tables "
        "travel as data loaded only by the page that shows them.",
        "",
        f"| File | KB at {records // 10:,} | KB at {records:,} | Ratio |",
        "|---|---:|---:|---:|",
    ]
    for name, size in large.items():
        before = small.get(name, 0)
        ratio = f"{size / before:.2f}×" if before else "—"
        lines.append(f"| {name} | {before / 1024:.0f} | {size / 1024:.0f} | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="csi-bench-site-"))
    try:
        text = report(sizes(args.records // 10, work), sizes(args.records, work), args.records)
        write_section(args.out, "site", text)
        print(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
