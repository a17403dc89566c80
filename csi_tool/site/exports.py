"""Machine-readable copies of the register, priorities and review, published with the site."""

from __future__ import annotations

import json
from pathlib import Path

from csi_tool.backlog.prioritize import Prioritization
from csi_tool.backlog.report import backlog_payload
from csi_tool.benefits.report import review_payload
from csi_tool.site.data import SiteData
from csi_tool.site.pages import Page


def write_exports(data: SiteData, folder: Path, pages: list[Page]) -> None:
    """register.json, priorities.json and review.json in `folder`, and each data table of
    the pages as CSV (register.csv, scoreboard.csv, …) for a spreadsheet."""
    folder.mkdir(parents=True, exist_ok=True)
    _write_register(folder / "register.json", data)
    result = Prioritization(data.backlog, data.findings, [], data.as_of)
    lanes = [lane.key for lane in data.backlog.lanes]
    _write(folder / "priorities.json", backlog_payload(result, lanes))
    _write(folder / "review.json", review_payload(data.reviews, data.as_of))
    for page in pages:
        for table in page.tables:
            (folder / f"{page.name}.csv").write_text(table.csv, encoding="utf-8")


def _write_register(path: Path, data: SiteData) -> None:
    """{"as_of": ..., "records": [...]}, written record by record: 10,000 records as one
    structure of dicts took 200 MB more than the register itself."""
    with path.open("w", encoding="utf-8") as stream:
        stream.write(f'{{"as_of":"{data.as_of.isoformat()}","records":[')
        for number, (_, item) in enumerate(sorted(data.register.records.items())):
            stream.write("," if number else "")
            stream.write(item.record.model_dump_json(exclude_defaults=True))
        stream.write("]}\n")


def _write(path: Path, payload: object) -> None:
    # compact: Python's JSON encoder is many times slower when it indents, and tools read these
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
