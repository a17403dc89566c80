"""Machine-readable copies of the register, priorities and review, published with the site."""

from __future__ import annotations

import json
from pathlib import Path

from csi_tool.benefits import MetricReview
from csi_tool.prioritization import Prioritization
from csi_tool.priority_report import render_backlog
from csi_tool.review_report import render_review
from csi_tool.site.data import SiteData


def write_exports(data: SiteData, folder: Path) -> None:
    """register.json, priorities.json and review.json in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    records = [
        item.record.model_dump(mode="json", exclude_defaults=True)
        for _, item in sorted(data.register.records.items())
    ]
    _write(
        folder / "register.json",
        json.dumps({"as_of": data.as_of.isoformat(), "records": records}, indent=1),
    )
    result = Prioritization(data.backlog, data.findings, [], data.as_of)
    _write(folder / "priorities.json", render_backlog(result, "json", []))
    _write(folder / "review.json", _review_json(data.reviews, data))


def _review_json(reviews: list[MetricReview], data: SiteData) -> str:
    return render_review(reviews, data.as_of, "json")


def _write(path: Path, text: str) -> None:
    path.write_text(text + "\n", encoding="utf-8")
