"""The bundled example export, exports/example-incidents.csv: a small ServiceNow incident
export shaped so that the example register's bound metrics agree with it.

    python -m benchmarks.generate_example_export

CSI-0003's reopen rate is bound to the `reopen_rate` measure for the Service Desk: its
typed baseline (14.2 % in August 2026) and measurements (14.8 % in September, 15.1 % in
October) are what this export gives, so `csi validate --data` and the gate can check them,
and the quick start shows a baseline anyone can recompute. The export was taken in early
November: tickets opened then are still open, which tells csi that October is complete.
Seeded: the same file each time.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
OUT = PROJECT / "exports" / "example-incidents.csv"
HEADER = [
    "number", "incident_state", "reassignment_count", "reopen_count", "sys_mod_count",
    "made_sla", "opened_at", "category", "subcategory", "u_symptom", "cmdb_ci", "priority",
    "assignment_group", "problem_id", "caused_by", "resolved_at", "closed_at",
]  # fmt: skip
# (month, Service Desk tickets resolved, of which reopened): 14.2 %, 14.8 %, 15.1 %
SERVICE_DESK = [(6, 150, 20), (7, 160, 22), (8, 190, 27), (9, 182, 27), (10, 192, 29)]
OTHERS = ["Network", "Identity & Access", "Workplace Services", "HR Onboarding"]
_DATE = "%d-%m-%Y %H:%M"


def generate(path: Path = OUT, seed: int = 3) -> int:
    """Write the export; return how many incidents it has."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    for month, tickets, reopened in SERVICE_DESK:
        for i in range(tickets):
            rows.append(_row(rng, len(rows), month, "Service Desk", i < reopened))
        for service in OTHERS:
            for _ in range(30):
                rows.append(_row(rng, len(rows), month, service, rng.random() < 0.06))
    for _ in range(40):  # still open when the export was taken
        row = _row(rng, len(rows), 11, rng.choice(["Service Desk", *OTHERS]), False)
        opened = dt.datetime(2026, 11, 1, 7) + dt.timedelta(minutes=rng.randrange(4 * 1440))
        row[1], row[6], row[15], row[16] = "In Progress", opened.strftime(_DATE), "?", "?"
        rows.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return len(rows)


def _row(rng: random.Random, n: int, month: int, service: str, reopened: bool) -> list[str]:
    resolved = dt.datetime(2026, month, 1, 8) + dt.timedelta(minutes=rng.randrange(27 * 1440))
    opened = resolved - dt.timedelta(hours=rng.uniform(1, 72))
    category = rng.choice(["Access", "Hardware", "Software", "Email", "Network"])
    return [
        f"INC{n + 10001:07d}",
        "Closed",
        str(min(int(rng.expovariate(1.2)), 6)),
        "1" if reopened else "0",
        "0",
        "FALSE" if rng.random() < 0.12 else "TRUE",
        opened.strftime(_DATE),
        category,
        f"{category} issue",
        "?",
        service,
        rng.choice(["2 - High", "3 - Moderate", "3 - Moderate", "4 - Low"]),
        f"{service} team",
        "?",
        "?",
        resolved.strftime(_DATE),
        (resolved + dt.timedelta(days=3)).strftime(_DATE),
    ]


if __name__ == "__main__":
    print(f"wrote {OUT.relative_to(PROJECT)}: {generate()} incidents")
