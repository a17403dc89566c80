"""A synthetic ServiceNow incident event log, shaped like the real export csi reads.

    python -m benchmarks.generate_export incidents.csv --rows 1000000

One row per update (about five per incident), day-first dates, `?` for empty, TRUE/FALSE,
the ServiceNow column names; categories, groups and symptoms skewed the way real exports
are, with a few planted opportunities (a group that breaches its SLA, a category that
reopens, a rising symptom, problems and changes behind several incidents). Seeded: the same
arguments give the same file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

HEADER = [
    "number", "incident_state", "active", "reassignment_count", "reopen_count",
    "sys_mod_count", "made_sla", "caller_id", "opened_at", "sys_updated_at", "category",
    "subcategory", "u_symptom", "cmdb_ci", "priority", "assignment_group", "problem_id",
    "caused_by", "resolved_at", "closed_at",
]  # fmt: skip
PRIORITIES = ["1 - Critical", "2 - High", "3 - Moderate", "4 - Low"]
START = dt.datetime(2025, 1, 1)
DAYS = 365
_DATE = "%d-%m-%Y %H:%M"


def _skewed(rng: random.Random, prefix: str, values: int) -> str:
    """A value of a field where a few values hold most tickets (as real exports do)."""
    return f"{prefix} {(int(rng.paretovariate(1.2)) - 1) % values + 1}"


def generate_event_log(path: Path, rows: int, seed: int = 15) -> int:
    """Write about `rows` update rows (whole incidents only); return the incidents written."""
    rng = random.Random(seed)
    written = incidents = 0
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        while written < rows:
            incidents += 1
            group = _skewed(rng, "Group", 50)
            category = _skewed(rng, "Category", 60)
            symptom = _skewed(rng, "Symptom", 300)
            later_half = rng.random() < 0.5
            if symptom == "Symptom 7" and rng.random() < 0.5:
                later_half = True  # planted: a symptom on the rise
            opened = START + dt.timedelta(
                minutes=rng.randrange((DAYS // 2) * 1440) + (DAYS // 2) * 1440 * later_half
            )
            hours = rng.lognormvariate(2.5, 1.3)
            breach_odds = 0.45 if group == "Group 3" else 0.15  # planted: a group that breaches
            reopen_odds = 0.2 if category == "Category 4" else 0.04  # planted: reopens
            updates = rng.randint(2, 8)
            resolved = opened + dt.timedelta(hours=hours)
            problem = f"PRB{rng.randrange(400):07d}" if rng.random() < 0.05 else "?"
            change = f"CHG{rng.randrange(300):07d}" if rng.random() < 0.02 else "?"
            made_sla = "FALSE" if rng.random() < breach_odds else "TRUE"
            reassigned = min(int(rng.expovariate(0.9)), 9)
            reopened = 1 if rng.random() < reopen_odds else 0
            for update in range(updates):
                last = update == updates - 1
                writer.writerow(
                    [
                        f"INC{incidents:07d}",
                        "Closed" if last else rng.choice(["New", "Active", "Awaiting User Info"]),
                        "FALSE" if last else "TRUE",
                        reassigned if last else min(update, reassigned),
                        reopened if last else 0,
                        update,
                        made_sla if last else "TRUE",
                        f"Caller {rng.randrange(5000)}",
                        opened.strftime(_DATE),
                        (opened + dt.timedelta(hours=hours * update / updates)).strftime(_DATE),
                        category,
                        f"Subcategory {int(category.split()[1]) * 3 + rng.randrange(3)}",
                        symptom,
                        f"CI {rng.randrange(100)}" if rng.random() < 0.7 else "?",
                        PRIORITIES[min(int(rng.expovariate(1.0)) + 1, 3)],
                        group,
                        problem,
                        change,
                        resolved.strftime(_DATE) if last else "?",
                        (resolved + dt.timedelta(days=2)).strftime(_DATE) if last else "?",
                    ]
                )
            written += updates
    return incidents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    incidents = generate_event_log(args.out, args.rows)
    print(f"wrote {args.out}: {incidents} incidents")


if __name__ == "__main__":
    main()
