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
    records = [
        item.record.model_dump(mode="json", exclude_defaults=True)
        for _, item in sorted(data.register.records.items())
    ]
    _write(folder / "register.json", {"as_of": data.as_of.isoformat(), "records": records})
    result = Prioritization(data.backlog, data.findings, [], data.as_of)
    lanes = [lane.key for lane in data.backlog.lanes]
    _write(folder / "priorities.json", backlog_payload(result, lanes))
    _write(folder / "review.json", review_payload(data.reviews, data.as_of))
    for page in pages:
        for table in page.tables:
            (folder / f"{page.name}.csv").write_text(table.csv, encoding="utf-8")


def _write(path: Path, payload: object) -> None:
    # compact: Python's JSON encoder is many times slower when it indents, and tools read these
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
