"""Registers for benchmarks and scale tests: N valid records of one of two kinds.

- `realistic` (the default): the bundled example records, cloned in batches of as many as
  there are, each batch with its own ids (and its dependencies and mentions of ids within
  it). Every construct people write is there in the examples' proportions: URLs in flow
  lists, quoted strings with colons, folded paragraphs, one-line mappings, five whys with
  question marks, comments, process maps.
- `synthetic`: generated records that cycle through every workflow state with the content
  each state requires, with metrics, baselines, targets and measurements, and dependencies
  on earlier records.

The same N, kind and seed always give the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
STATES = [
    "logged",
    "validated",
    "assessed",
    "approved",
    "deferred",
    "rejected",
    "in_progress",
    "measuring",
    "closed",
    "withdrawn",
]
SERVICES = [
    "Service Desk",
    "Change Enablement",
    "Identity & Access",
    "Network",
    "HR Onboarding",
    "Workplace Services",
    "Monitoring & Event Management",
]
PRACTICES = [
    "incident management",
    "problem management",
    "change enablement",
    "knowledge management",
    "service request management",
    "monitoring and event management",
]
SUBJECTS = [
    "repeat incidents",
    "ticket reopen rate",
    "emergency changes",
    "approval chains",
    "new-joiner readiness",
    "supplier outages",
    "SLA breaches",
    "alert noise",
    "knowledge search",
    "categorisation accuracy",
]


def record_text(number: int, rng: random.Random) -> str:
    """One valid record in a state chosen by its number."""
    state = STATES[number % len(STATES)]
    created = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 300))
    subject = SUBJECTS[number % len(SUBJECTS)]
    lines = [
        "# yaml-language-server: $schema=../schema/record.schema.json",
        "schema_version: 2",
        f"id: CSI-{number:05d}",
        f"title: Reduce {subject} for {SERVICES[number % len(SERVICES)]} (batch {number})",
        f"created: {created}",
        f"service: {SERVICES[number % len(SERVICES)]}",
        f"practices: [{PRACTICES[number % len(PRACTICES)]}]",
        f"owner: '@acme/team-{number % 500}'",
        f"tags: [{subject.lower().replace(' ', '-')}]",
        f"status: {state}",
    ]
    if number > 10 and number % 7 == 0:
        lines.append(f"depends_on: [CSI-{number - 10:05d}]")
    if state == "logged":
        return "\n".join(lines) + "\n"
    lines += [
        "source:",
        "  kind: incident_trend",
        f"  references: {{incidents: [INC{number:07d}, INC{number + 1:07d}]}}",
        "  note: Raised from the monthly trend report.",
        "current_state:",
        f"  summary: {subject.capitalize()} cost the service desk about "
        f"{rng.randrange(20, 90)} hours a month.",
        "  evidence: [Trend report for the last quarter.]",
    ]
    if state in ("validated", "withdrawn"):
        if state == "withdrawn":
            lines.append(
                f"withdrawal: {{date: {created + dt.timedelta(days=20)}, by: '@acme/csi', "
                "reason: Superseded.}"
            )
        return "\n".join(lines) + "\n"
    impact, effort = rng.randint(1, 5), rng.randint(1, 5)
    lines += [
        f"assessment: {{impact: {impact}, urgency: {rng.randint(1, 5)}, effort: {effort}, "
        f"risk: {rng.randint(1, 5)}, confidence: {rng.choice([0.5, 0.7, 0.9])}}}",
        "options:",
        "  - {summary: Automate the manual step, expected_outcome: Fewer hand-offs, chosen: true}",
        "  - {summary: Train the team, expected_outcome: Fewer errors}",
    ]
    if state == "assessed":
        return "\n".join(lines) + "\n"
    decided = created + dt.timedelta(days=30)
    outcome = {"deferred": "deferred", "rejected": "rejected"}.get(state, "approved")
    revisit = f", revisit: {decided + dt.timedelta(days=120)}" if outcome == "deferred" else ""
    lines.append(
        f"decisions: [{{outcome: {outcome}, date: {decided}, by: '@acme/board', "
        f"rationale: Decided at the monthly board{revisit}}}]"
    )
    baseline = float(rng.randrange(20, 60))
    lines += [
        "metrics:",
        "  - key: hours_lost",
        "    name: Hours lost per month",
        "    kind: lagging",
        "    unit: hours",
        "    direction: decrease",
        f"    baseline: {{value: {baseline}, date: {created}, source: Trend report}}",
        f"    target: {{value: {baseline / 2}, by: {decided + dt.timedelta(days=240)}}}",
        f"    action_threshold: {baseline * 0.9:.1f}",
        "    review_cadence: monthly",
    ]
    if state in ("deferred", "rejected", "approved"):
        return "\n".join(lines) + "\n"
    start = decided + dt.timedelta(days=10)
    lines.append("    measurements:")
    value = baseline
    for month in range(1, 7):
        value = max(1.0, value - rng.uniform(0, baseline / 8))
        lines.append(
            f"      - {{date: {start + dt.timedelta(days=30 * month)}, value: {value:.1f}}}"
        )
    lines.append(
        f"plan: {{start: {start}, due: {start + dt.timedelta(days=200)}, "
        f"changes: [CHG{number:07d}]}}"
    )
    if state == "closed":
        met = value <= baseline / 2  # the outcome agrees with the metric, as validate demands
        outcome, summary = ("achieved", "Target met") if met else ("partially_achieved", "Short")
        lines += [
            f"review: {{date: {start + dt.timedelta(days=200)}, outcome: {outcome}, "
            f"summary: {summary} and holding.}}",
            "lessons:",
            f"  - {{text: Measure {subject} before and after every change., tags: [measurement]}}",
        ]
    return "\n".join(lines) + "\n"


KINDS = ("realistic", "synthetic")
_EXAMPLE_ID = re.compile(r"\bCSI-(\d{4})\b")
_TEAM = re.compile(r"@acme/[a-z-]+")


def _renumbered(offset: int) -> Callable[[re.Match[str]], str]:
    """CSI-0004 of the examples as the id of its clone in a batch starting at `offset`."""
    return lambda match: f"CSI-{offset + int(match[1]):05d}"


def _suffixed(batch: int) -> Callable[[re.Match[str]], str]:
    """@acme/service-desk as the team of a batch: @acme/service-desk-12."""
    return lambda match: f"{match[0]}-{batch}"


def generate_register(target: Path, count: int, seed: int = 42, kind: str = "realistic") -> Path:
    """A register folder with the project's policies and `count` records of `kind`."""
    rng = random.Random(seed)
    for folder in ("policies", "site"):
        shutil.copytree(PROJECT / folder, target / folder, dirs_exist_ok=True)
    register = target / "register"
    register.mkdir(parents=True, exist_ok=True)
    examples = sorted((PROJECT / "register").glob("CSI-*.yaml"))
    texts = [path.read_text(encoding="utf-8") for path in examples]
    for number in range(1, count + 1):
        if kind == "synthetic":
            text = record_text(number, rng)
        else:
            batch, index = divmod(number - 1, len(texts))
            text = _EXAMPLE_ID.sub(_renumbered(batch * len(texts)), texts[index])
            if batch:  # each batch its own teams: a register this size has more than four
                text = _TEAM.sub(_suffixed(batch), text)
        (register / f"CSI-{number:05d}.yaml").write_text(text, encoding="utf-8")
    if kind == "realistic":  # work in progress spread over thousands of teams, not services
        scoring = target / "policies" / "scoring.yaml"
        scoring.write_text(
            scoring.read_text().replace("max_per_service: 3", "max_per_service: 400")
        )
    (target / "policies" / "register.yaml").write_text(
        "schema_version: 1\nid: {prefix: CSI, digits: 5}\nmax_file_bytes: 262144\n",
        encoding="utf-8",
    )
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--kind", choices=KINDS, default="realistic")
    args = parser.parse_args()
    generate_register(args.target, args.records, args.seed, args.kind)


if __name__ == "__main__":
    main()
