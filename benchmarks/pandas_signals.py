"""The peer of `csi signals` in the benchmark: the same aggregations, written plainly in pandas.

    python -m benchmarks.pandas_signals incidents.csv [--tuned] > figures.json

What an analyst would write by hand: read the export, keep each incident's last update,
parse the dates, then for every field the same figures csi computes (tickets, SLA
breaches, reopens, ping-pong, slow resolutions, the later half, handling hours, resolution
percentiles, example ids), and the incidents behind each problem and change. Plainly, the
export is read whole with pandas' defaults; `--tuned` reads only the columns the analysis
needs, as text, which is what a pandas expert would do.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pandas as pd

COLUMNS = {
    "number": "id",
    "incident_state": "state",
    "sys_mod_count": "sys_mod_count",
    "opened_at": "opened_at",
    "resolved_at": "resolved_at",
    "category": "category",
    "subcategory": "subcategory",
    "u_symptom": "symptom",
    "cmdb_ci": "service",
    "assignment_group": "assignment_group",
    "priority": "priority",
    "reopen_count": "reopen_count",
    "reassignment_count": "reassignment_count",
    "made_sla": "sla_met",
    "problem_id": "problem_id",
    "caused_by": "caused_by_change",
}
DIMENSIONS = ["category", "subcategory", "service", "symptom", "assignment_group"]
LINKED = ["problem_id", "caused_by_change"]
EXAMPLES = 5


def tickets(path: str, tuned: bool) -> pd.DataFrame:
    """One row per incident: its last update by sys_mod_count, then file order."""
    if tuned:
        frame = pd.read_csv(
            path, dtype=str, usecols=list(COLUMNS), na_values=["?", ""], keep_default_na=False
        )
    else:
        frame = pd.read_csv(path, na_values=["?"])
    frame = frame[list(COLUMNS)].rename(columns=COLUMNS)
    frame["id"] = frame["id"].astype(str)
    frame["row"] = range(len(frame))
    frame["sys_mod_count"] = pd.to_numeric(frame["sys_mod_count"], errors="coerce")
    frame = frame.sort_values(["id", "sys_mod_count", "row"]).drop_duplicates("id", keep="last")
    for column in ("opened_at", "resolved_at"):
        frame[column] = pd.to_datetime(frame[column], format="%d-%m-%Y %H:%M", errors="coerce")
    for column in ("reopen_count", "reassignment_count"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["sla_met"] = frame["sla_met"].astype(str).str.upper().map({"TRUE": True, "FALSE": False})
    frame["hours"] = 1.0
    resolution = (frame["resolved_at"] - frame["opened_at"]).dt.total_seconds() / 3600
    frame["resolution_hours"] = resolution.where(resolution >= 0)
    return frame


def figures(frame: pd.DataFrame) -> dict[str, Any]:
    """Every field's figures, as csi's analysis computes them."""
    start, end = frame["opened_at"].min(), frame["opened_at"].max()
    midpoint = start + (end - start) / 2
    median = frame["resolution_hours"].median()
    conditions = {
        "all": pd.Series(True, index=frame.index),
        "sla_breach": frame["sla_met"] == False,  # noqa: E712 (a nullable column)
        "reopen": frame["reopen_count"] > 0,
        "ping_pong": frame["reassignment_count"] >= 3,
        "slow_resolution": frame["resolution_hours"] > median,
        "later": frame["opened_at"] >= midpoint,
    }
    for name, condition in conditions.items():
        frame[f"hit_{name}"] = condition.fillna(False).astype(bool)
    result: dict[str, Any] = {"tickets": len(frame), "median_hours": median}
    for field in DIMENSIONS + LINKED:
        grouped = frame.dropna(subset=[field]).groupby(field)
        table = grouped.agg(
            tickets=("id", "size"),
            hours=("hours", "sum"),
            p50=("resolution_hours", lambda s: s.quantile(0.5)),
            p90=("resolution_hours", lambda s: s.quantile(0.9)),
            **{f"{n}_hit": (f"hit_{n}", "sum") for n in conditions},
        )
        for name in conditions:
            hit = frame[frame[f"hit_{name}"]].dropna(subset=[field])
            table[f"{name}_examples"] = hit.groupby(field)["id"].apply(
                lambda ids: sorted(ids)[:EXAMPLES]
            )
        result[field] = json.loads(table.to_json(orient="index"))
    return result


def main() -> None:
    path, tuned = sys.argv[1], "--tuned" in sys.argv[2:]
    json.dump(figures(tickets(path, tuned)), sys.stdout, default=str)


if __name__ == "__main__":
    main()
