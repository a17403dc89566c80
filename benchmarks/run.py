"""Benchmarks: every csi command on a realistic and a synthetic register, side by side,
each with its peer.

    python -m benchmarks.run --records 10000 [--kind realistic|synthetic]

Peers are measured in the same run on the same files: check-jsonschema validating the
records against csi's exported JSON Schema, and a bare MkDocs-material build of as many
pages. Each command runs in its own process; its wall time and peak memory (max RSS) are
reported, with ratios to peers and the targets of the performance issue. Results go to
benchmarks/RESULTS.md (or --out) with a description of the machine.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import functools
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate_register import KINDS, PROJECT, generate_register
from benchmarks.results import write_section

BIN = Path(sys.executable).parent
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)"
    ".returncode\n"
    "seconds = time.perf_counter() - start\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "cpu = usage.ru_utime + usage.ru_stime\n"
    "print(f'{seconds:.3f} {usage.ru_maxrss / 1024:.1f} {code} {cpu:.3f}')\n"
)
# csi's own work in `csi site build`, without MkDocs: read the register and render every page.
_GENERATE_PAGES = (
    "import datetime, sys\n"
    "from pathlib import Path\n"
    "from csi_tool.collector import tune_for_command\n"
    "from csi_tool.site.builder import RecordPages, navigation_pages\n"
    "from csi_tool.site.data import collect_site_data\n"
    "tune_for_command()  # as the csi command does\n"
    "root = Path(sys.argv[1])\n"
    "data = collect_site_data(root, datetime.date(2026, 11, 25))\n"
    "records = RecordPages(root, data)\n"
    "size = sum(len(s.content) for page in navigation_pages(data) for s in page.sections)\n"
    "size += sum(len(page.body) for page in records)\n"
)


@dataclass(frozen=True)
class Measurement:
    """One command's wall time, peak memory and exit code, and the CPU time it used."""

    name: str
    seconds: float
    peak_mb: float
    exit_code: int
    # user and system time of the command and of every process it forked (each waited for):
    # divided by the machine's cores, the least wall time the same work could take
    cpu_seconds: float


RUNS = 3  # each command runs this many times; the fastest run counts, as timeit does


def _measure(
    name: str, command: list[str], cwd: Path, cache: Path, cold: bool = False, runs: int = RUNS
) -> Measurement:
    """The fastest of `runs` runs of a command, each in its own process, measured from a tiny
    parent process. csi's cache lives in `cache`; with `cold`, it is emptied before each run."""
    results = []
    for _ in range(runs):
        if cold:
            shutil.rmtree(cache, ignore_errors=True)
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, *command],
            cwd=cwd,
            env={**os.environ, "CSI_CACHE_DIR": str(cache)},
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, peak, code, cpu = done.stdout.split()
        results.append(Measurement(name, float(seconds), float(peak), int(code), float(cpu)))
    return min(results, key=lambda m: m.seconds)


def prepare(work: Path, records: int, kind: str = "synthetic") -> Path:
    """A git repository holding the register on main, and a PR branch changing 5 records."""
    root = generate_register(work / "register-repo", records, kind=kind)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }
    for command in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "commit", "-qm", "Register"],
        ["git", "switch", "-qc", "pr"],
    ):
        subprocess.run(command, cwd=root, env=env, check=True)
    for number in sorted({max(1, records * k // 6) for k in range(1, 6)}):
        path = root / "register" / f"CSI-{number:05d}.yaml"
        # a comment changes the file whatever the record says: the gate judges five records
        path.write_text(path.read_text() + "# reviewed in this pull request\n", encoding="utf-8")
    subprocess.run([str(BIN / "csi"), "schema"], cwd=root, check=True, capture_output=True)
    subprocess.run(["git", "commit", "-qam", "Touch five records"], cwd=root, env=env, check=True)
    return root


def compile_csi() -> None:
    """csi's modules compiled to bytecode, as installing a release does (and as the peers'
    are). An editable install otherwise compiles them on every command wherever
    PYTHONDONTWRITEBYTECODE is set, as it is on the machines these benchmarks run on:
    0.2-0.3 s of each command's time that no user of an installed csi pays."""
    compileall.compile_dir(PROJECT / "csi_tool", quiet=1)


def bare_mkdocs_project(work: Path, pages: int) -> Path:
    """MkDocs-material with as many small pages as the site has, kept out of the navigation."""
    project = work / "bare-mkdocs"
    docs = project / "docs" / "records"
    docs.mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Index\n\nA bare site.\n")
    for number in range(pages):
        (docs / f"page-{number:05d}.md").write_text(
            f"# Page {number}\n\n" + "Some text about an improvement. " * 40 + "\n"
        )
    (project / "mkdocs.yml").write_text(
        "site_name: Bare\nuse_directory_urls: false\ntheme:\n  name: material\n  font: false\n"
        "nav:\n  - Home: index.md\nnot_in_nav: |\n  /records/*.md\nplugins:\n  - search\n"
    )
    return project


@dataclass(frozen=True)
class Row:
    """One line of the results: a measurement, what it is compared with, and whether it met
    its target (None where it has none)."""

    measurement: Measurement
    target: str = ""
    ratio: str = ""  # to its peer, measured in the same run
    met: bool | None = None


def run(records: int, work: Path, runs: int = RUNS, kind: str = "synthetic") -> list[Row]:
    """Every benchmark on one register of `kind`, in a fixed order."""
    measure = functools.partial(_measure, runs=runs)
    compile_csi()
    root = prepare(work, records, kind)
    cache = work / "cache"  # never the user's: an earlier run on the same register would hit
    csi = str(BIN / "csi")
    files = sorted(str(p) for p in (root / "register").glob("*.yaml"))
    peer_schema = measure(
        "check-jsonschema (peer)",
        [str(BIN / "check-jsonschema"), "--schemafile", "schema/record.schema.json", *files],
        root,
        cache,
    )
    cold = measure("csi validate (cold)", [csi, "validate"], root, cache, cold=True)
    warm = measure("csi validate (warm)", [csi, "validate"], root, cache)
    prioritize = measure(
        "csi prioritize", [csi, "prioritize", "--as-of", "2026-11-25"], root, cache
    )
    gate = measure("csi gate (5 records changed)", [csi, "gate", "--base", "main"], root, cache)
    review = measure("csi review", [csi, "review", "--as-of", "2026-11-25"], root, cache)
    generate = measure(
        "site page generation", [sys.executable, "-c", _GENERATE_PAGES, str(root)], root, cache
    )
    site = measure(
        "csi site build (whole)",
        [csi, "site", "build", "--out", str(work / "site"), "--as-of", "2026-11-25"],
        root,
        cache,
    )
    bare = bare_mkdocs_project(work, records)
    peer_mkdocs = measure(
        "bare MkDocs build (peer)", [str(BIN / "mkdocs"), "build", "-q"], bare, cache
    )
    return [
        Row(peer_schema),
        Row(
            cold,
            "≤ 0.15× check-jsonschema",
            f"{cold.seconds / peer_schema.seconds:.3f}×",
            cold.seconds <= 0.15 * peer_schema.seconds,
        ),
        Row(warm, "≤ 0.5 s", met=warm.seconds <= 0.5),
        Row(prioritize),
        Row(gate, "≤ 2 s", met=gate.seconds <= 2.0),
        Row(review),
        Row(generate, "≤ 3 s", met=generate.seconds <= 3.0),
        Row(
            site,
            "≤ 1.15× bare MkDocs",
            f"{site.seconds / peer_mkdocs.seconds:.3f}×",
            site.seconds <= 1.15 * peer_mkdocs.seconds,
        ),
        Row(peer_mkdocs),
    ]


@dataclass(frozen=True)
class KindResult:
    """One register's measurements and the share of its files on the fast path."""

    rows: list[Row]
    fast_share: float


def fast_path_share(root: Path) -> float:
    """The share of the register's files csi reads with yaml-rs, not the strict parser."""
    from csi_tool.yaml.fast import needs_strict_parser

    files = list((root / "register").glob("*.yaml"))
    slow = sum(needs_strict_parser(path.read_text(encoding="utf-8")) for path in files)
    return 1 - slow / len(files) if files else 1.0


def machine() -> str:
    """What the numbers were measured on."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            cpu,
        )
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def report(results: Mapping[str, KindResult], records: int, runs: int = RUNS) -> str:
    """RESULTS.md's section: every command on each kind of register, side by side."""
    kinds = list(results)
    shares = ", ".join(f"{kind} {results[kind].fast_share:.1%}" for kind in kinds)
    option = "" if kinds == list(KINDS) else f" --kind {kinds[0]}"
    lines = [
        f"## The register's commands: {' and '.join(kinds)} records",
        "",
        f"{records} records of each kind (benchmarks/generate_register.py), measured on "
        f"{dt.date.today()} with `python -m benchmarks.run --records {records}{option}`. "
        f"Files on the fast path: {shares} (target for realistic: ≥ 99%).",
        "",
        f"Machine: {machine()}. Shared and noisy: compare ratios measured in the same run.",
        f"Each command ran {runs} times in its own process; the fastest run is shown (with "
        "that run's peak memory and CPU time: user and system time of the command and of the "
        "processes it forked, which divided by the cores is the least wall time the same work "
        "could take). The cold validation empties csi's cache before each run. "
        "csi's modules are compiled to bytecode first, as installing a release does.",
        "",
        "| Command | Target | " + " | ".join(kind.capitalize() for kind in kinds) + " |",
        "|---|---|" + "---|" * len(kinds),
    ]
    by_kind = [results[kind].rows for kind in kinds]
    for same in zip(*by_kind, strict=True):
        cells = " | ".join(_cell(row) for row in same)
        lines.append(f"| {same[0].measurement.name} | {same[0].target} | {cells} |")
    lines.append("")
    for kind, rows in zip(kinds, by_kind, strict=True):
        ours = [row.measurement for row in rows if "(peer)" not in row.measurement.name]
        worst = max(ours, key=lambda m: m.peak_mb)
        lines.append(
            f"Peak memory of csi commands, {kind}: at most {worst.peak_mb:.0f} MB "
            f"({worst.name}); target under 500 MB: {'met' if worst.peak_mb < 500 else 'NOT met'}."
        )
    return "\n".join(lines) + "\n"


def _cell(row: Row) -> str:
    m = row.measurement
    shown = f"{m.seconds:.2f} s ({m.cpu_seconds:.2f} s CPU), {m.peak_mb:.0f} MB"
    if m.exit_code:
        shown += f" (exit {m.exit_code})"
    if row.ratio:
        shown += f", {row.ratio}"
    if row.met is not None:
        shown += ": met" if row.met else ": NOT met"
    return shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per command (fastest counts)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md")
    parser.add_argument("--kind", choices=KINDS, help="one kind only (default: both)")
    args = parser.parse_args()
    results = {}
    for kind in [args.kind] if args.kind else KINDS:
        work = Path(tempfile.mkdtemp(prefix="csi-bench-"))
        try:
            rows = run(args.records, work, args.runs, kind)
            results[kind] = KindResult(rows, fast_path_share(work / "register-repo"))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    text = report(results, args.records, args.runs)
    write_section(args.out, "register", text)
    print(text)


if __name__ == "__main__":
    main()
