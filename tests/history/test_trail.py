"""`csi history` against a scripted history with known authors, dates and pull requests."""

from __future__ import annotations

import json
import os
import shutil
import statistics
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from csi_tool.history.trail import _percentile, pull_request_number
from tests.conftest import MINIMAL_RECORD, PROJECT, git

APPROVED = """\
decisions: [{outcome: approved, date: 2026-02-09, by: '@board', rationale: Worth it}]
metrics:
  - key: wait
    name: Wait time
    kind: lagging
    unit: days
    direction: decrease
    baseline: {value: 10, date: 2026-01-31, source: ITSM}
    target: {value: 4, by: 2026-09-30}
"""


@pytest.fixture
def as_person() -> Iterator[Callable[[str, str], None]]:
    """Set who commits and when, as a real team's history would have it."""
    saved = {
        k: os.environ.get(k)
        for k in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_DATE", "GIT_COMMITTER_NAME", "GIT_COMMITTER_DATE")
    }

    def become(name: str, day: str) -> None:
        os.environ["GIT_AUTHOR_NAME"] = os.environ["GIT_COMMITTER_NAME"] = name
        os.environ["GIT_AUTHOR_DATE"] = os.environ["GIT_COMMITTER_DATE"] = f"{day}T10:00:00+00:00"

    yield become
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _write(root: Path, status: str, extra: str = "") -> None:
    text = MINIMAL_RECORD.format(id="CSI-0001", title="Shorter waits").replace(
        "status: logged", f"status: {status}"
    )
    (root / "register" / "CSI-0001.yaml").write_text(text + extra)


@pytest.fixture
def history_repo(tmp_path: Path, as_person: Callable[[str, str], None]) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    git(root, "init", "-q")
    as_person("Alice", "2026-01-05")
    _write(root, "logged")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Log CSI-0001")
    # A pull request merged with a merge commit
    git(root, "switch", "-qc", "validate-0001")
    as_person("Bob", "2026-01-20")
    _write(root, "validated")
    git(root, "commit", "-qam", "Validate CSI-0001")
    git(root, "switch", "-q", "main")
    as_person("Carol", "2026-01-21")
    git(
        root,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge pull request #12 from acme/validate-0001",
        "validate-0001",
    )
    # A squash merge
    as_person("Dave", "2026-02-10")
    _write(root, "approved", APPROVED)
    git(root, "commit", "-qam", "Approve shorter waits (#15)")
    # A direct commit closing it
    as_person("Erin", "2026-06-01")
    _write(
        root, "closed", APPROVED + "review: {date: 2026-05-30, outcome: achieved, summary: Done}\n"
    )
    git(root, "commit", "-qam", "Close CSI-0001 (#20)")
    return root


def test_the_trail_names_each_change_its_author_date_and_pull_request(
    history_repo: Path, run_csi: Callable[..., Result]
) -> None:
    payload = json.loads(run_csi(history_repo, "history", "--format", "json").stdout)
    events = [
        (e["date"], e["author"], e["merged_by"], e["pull_request"], e["change"])
        for e in payload["records"][0]["events"]
    ]
    assert events == [
        ("2026-01-05", "Alice", None, None, "created (logged)"),
        ("2026-01-21", "Bob", "Carol", 12, "status logged → validated"),
        ("2026-02-10", "Dave", None, 15, "status validated → approved"),
        ("2026-02-10", "Dave", None, 15, "decision approved on 2026-02-09 by @board"),
        ("2026-02-10", "Dave", None, 15, "baseline of wait set to 10 days"),
        ("2026-02-10", "Dave", None, 15, "target of wait set to 4 days by 2026-09-30"),
        ("2026-06-01", "Erin", None, 20, "status approved → closed"),
        ("2026-06-01", "Erin", None, 20, "review: achieved on 2026-05-30"),
    ]
    # logged = created 2026-01-05; approved 2026-02-10 (36 d); closed 2026-06-01 (111 d)
    assert payload["records"][0]["lead_times_days"] == {
        "logged→approved": 36,
        "approved→closed": 111,
        "logged→closed": 147,
    }
    assert payload["lead_times"][0] == {
        "name": "logged→approved",
        "records": 1,
        "median_days": 36.0,
        "p90_days": 36.0,
    }


def test_text_trail_for_one_record(history_repo: Path, run_csi: Callable[..., Result]) -> None:
    out = run_csi(history_repo, "history", "CSI-0001").stdout
    assert "#12    Bob (merged by Carol): status logged → validated" in out
    assert "lead times: logged→approved 36 d, approved→closed 111 d, logged→closed 147 d" in out
    unknown = run_csi(history_repo, "history", "CSI-0404")
    assert unknown.exit_code == 2


def test_register_lead_times_use_median_and_90th_percentile(
    tmp_path: Path, as_person: Callable[[str, str], None], run_csi: Callable[..., Result]
) -> None:
    """Imported records first seen approved take their dates from their own decision."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    git(root, "init", "-q")
    as_person("Alice", "2026-05-01")
    for n, days in enumerate([10, 20, 30, 40], start=1):
        day = 5 + days // 10 * 5
        decision = f"decisions: [{{outcome: approved, date: 2026-01-{day:02d}, by: '@b'}}]\n"
        text = (
            MINIMAL_RECORD.format(id=f"CSI-000{n}", title="Imported").replace(
                "status: logged", "status: approved"
            )
            + decision
        )
        (root / "register" / f"CSI-000{n}.yaml").write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Import")
    stats = json.loads(run_csi(root, "history", "--format", "json").stdout)["lead_times"][0]
    # created 2026-01-05; decisions 01-10, 01-15, 01-20, 01-25: 5, 10, 15, 20 days. Both
    # percentiles interpolate between the closest ranks, as measures do (before: the p90 took
    # the nearest rank, 20, while the median interpolated)
    lead_times = [5, 10, 15, 20]
    assert stats == {
        "name": "logged→approved",
        "records": 4,
        "median_days": statistics.median(lead_times),
        "p90_days": statistics.quantiles(lead_times, n=10, method="inclusive")[8],
    }
    assert stats["p90_days"] == 18.5


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("Merge pull request #123 from acme/branch", 123),
        ("Approve CSI-0004 (#45)", 45),
        ("Fix typo in CSI-0004", None),
        ("Refers to #9 somewhere", None),
    ],
)
def test_pull_request_numbers_from_merge_and_squash_subjects(
    subject: str, number: int | None
) -> None:
    assert pull_request_number(subject) == number


def test_a_change_is_dated_when_it_landed_on_the_base_branch(
    tmp_path: Path, as_person: Callable[[str, str], None], run_csi: Callable[..., Result]
) -> None:
    """A rebase merge keeps the author's date (written five days before) and sets the
    committer's (when it landed): milestones and lead times take the landing, as staleness
    does."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / "register").mkdir()
    git(root, "init", "-q")
    as_person("Alice", "2026-01-05")
    _write(root, "logged")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Log CSI-0001")
    as_person("Bob", "2026-02-10")
    os.environ["GIT_AUTHOR_DATE"] = "2026-02-05T10:00:00+00:00"  # written, then rebased
    _write(root, "approved", APPROVED)
    git(root, "commit", "-qam", "Approve CSI-0001 (#7)")
    payload = json.loads(run_csi(root, "history", "--format", "json").stdout)
    record = payload["records"][0]
    assert {e["date"] for e in record["events"]} == {"2026-01-05", "2026-02-10"}
    assert record["milestones"]["approved"] == "2026-02-10"
    assert record["lead_times_days"]["logged→approved"] == 36


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.integers(0, 1000), min_size=2, max_size=40), percent=st.integers(1, 99))
def test_percentiles_interpolate_as_the_standard_library_does(
    values: list[int], percent: int
) -> None:
    """Type 7 (statistics.quantiles' "inclusive" method): one definition for every percentile."""
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    assert _percentile(sorted(values), percent) == pytest.approx(cuts[percent - 1])
