"""benchmarks/RESULTS.md holds one section per harness; each run replaces its own section."""

from __future__ import annotations

from pathlib import Path

TITLE = "# Benchmark results\n"


def write_section(path: Path, name: str, text: str) -> None:
    """Replace (or add) the section `name` of the results file with `text`."""
    begin, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
    block = f"{begin}\n{text.strip()}\n{end}\n"
    current = path.read_text(encoding="utf-8") if path.exists() else TITLE
    if begin in current and end in current:
        before, _, rest = current.partition(begin)
        _, _, after = rest.partition(end)
        updated = before + block.rstrip("\n") + after
    else:
        updated = current.rstrip("\n") + "\n\n" + block
    path.write_text(updated if updated.startswith(TITLE) else TITLE + "\n" + updated, "utf-8")
