"""The workflows themselves: linted by actionlint and zizmor, and run step by step."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.builders import record_yaml
from tests.conftest import MINIMAL_RECORD, PINNED_SOURCE, PROJECT, git
from tests.signals.exports import SERVICENOW_HEADER, servicenow_row, write_csv
from tests.workflow_runner import StepRun, job_runs, load_workflow, run_job

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((PROJECT / ".github" / "workflows").glob("*.yml"))
TEMPLATE_WORKFLOWS = sorted(
    (PROJECT / "csi_tool" / "templates" / ".github" / "workflows").glob("*.yml")
)
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


@pytest.mark.parametrize("tool", ["actionlint", "zizmor"])
def test_linters_find_nothing(tool: str) -> None:
    files = [str(p) for p in [*WORKFLOWS, *TEMPLATE_WORKFLOWS]]
    # zizmor reads whole folders: workflows, dependabot.yml and whatever else lands there
    folders = [str(PROJECT / ".github"), str(PROJECT / "csi_tool" / "templates" / ".github")]
    command = (
        [str(BIN / "actionlint"), *files]
        if tool == "actionlint"
        else [str(BIN / "zizmor"), "--offline", "--persona", "pedantic", *folders]
    )
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", [*WORKFLOWS, *TEMPLATE_WORKFLOWS], ids=lambda p: p.name)
def test_workflows_are_secure_by_construction(path: Path) -> None:
    text = path.read_text()
    workflow = load_workflow(path)
    assert workflow["permissions"] == {}
    assert "pull_request_target" not in text
    assert "concurrency" in workflow
    for job in workflow["jobs"].values():
        assert "permissions" in job
        for step in job["steps"]:
            if "uses" in step:
                line = next(x for x in text.splitlines() if f"uses: {step['uses']}" in x)
                assert PINNED.match(line.split("uses: ", 1)[1]), line
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
            # PR-controlled values reach scripts only through env:, never inside run:
            assert "${{" not in step.get("run", "")


def test_this_repository_runs_the_workflows_it_gives_others() -> None:
    for template in TEMPLATE_WORKFLOWS:
        assert (
            PROJECT / ".github" / "workflows" / template.name
        ).read_text() == template.read_text()


def test_dependabot_keeps_actions_current() -> None:
    for path in (
        PROJECT / ".github" / "dependabot.yml",
        PROJECT / "csi_tool" / "templates" / ".github" / "dependabot.yml",
    ):
        config = load_workflow(path)
        assert "github-actions" in {u["package-ecosystem"] for u in config["updates"]}


def _register_repo(tmp_path: Path, source: Callable[[Path], None]) -> Path:
    """An 'origin' repository with a register on main, cloned as a runner's checkout."""
    origin = tmp_path / "origin"
    origin.mkdir()
    source(origin)
    git(origin, "init", "-q")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "Register")
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", str(origin), str(checkout))
    git(checkout, "switch", "-qc", "pr")
    return checkout


def _from_this_repository(target: Path) -> None:
    for name in ("policies", "register", "schema", "site", ".github"):
        shutil.copytree(PROJECT / name, target / name)


def _from_csi_init(run_csi: Callable[..., Result]) -> Callable[[Path], None]:
    def make(target: Path) -> None:
        result = run_csi(target, "init", str(target), "--install-source", PINNED_SOURCE)
        assert result.exit_code == 0, result.output

    return make


def _pr(checkout: Path, record: str, text: str) -> None:
    (checkout / "register" / f"{record}.yaml").write_text(text)
    git(checkout, "add", "-A")
    git(checkout, "commit", "-qm", "Change the register")


def _run_pr(checkout: Path, tmp_path: Path) -> tuple[list[StepRun], str]:
    temp = tmp_path / "runner"
    temp.mkdir(parents=True)
    context = {
        "github.event_name": "pull_request",
        "github.base_ref": "main",
        "github.head_ref": "pr",
        "github.event.merge_group.base_sha": "",
        "github.event.pull_request.user.login": "proposer",
    }
    steps = run_job(
        checkout / ".github" / "workflows" / "register-pr.yml", "gate", checkout, context, temp
    )
    summary = (temp / "step_summary.md").read_text() if (temp / "step_summary.md").exists() else ""
    return steps, summary


NEW_RECORD = MINIMAL_RECORD.format(id="CSI-0100", title="A new improvement")
SKIPPING = MINIMAL_RECORD.format(id="CSI-0100", title="A new improvement").replace(
    "status: logged", "status: closed"
)


@pytest.mark.parametrize("origin", ["this repository", "csi init"])
def test_a_legal_pull_request_passes_every_step(
    origin: str, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    source = _from_this_repository if origin == "this repository" else _from_csi_init(run_csi)
    checkout = _register_repo(tmp_path, source)
    _pr(checkout, "CSI-0100", NEW_RECORD)  # no CODEOWNERS line needed: routed by /register/

    steps, summary = _run_pr(checkout, tmp_path)

    assert [(s.name, s.exit_code) for s in steps if s.exit_code] == [], steps
    assert all(s.ran for s in steps if s.name != "Install csi"), steps
    assert summary.startswith("## csi gate: ✅ passes")
    assert "| `CSI-0100` | A new improvement | added | logged |" in summary
    assert (checkout / "build" / "site" / "records" / "CSI-0100.html").is_file()


@pytest.mark.parametrize("origin", ["this repository", "csi init"])
def test_an_illegal_pull_request_fails_with_annotations_and_a_summary(
    origin: str, tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    source = _from_this_repository if origin == "this repository" else _from_csi_init(run_csi)
    checkout = _register_repo(tmp_path, source)
    _pr(checkout, "CSI-0100", SKIPPING.replace("A new improvement", "::add-mask::secret"))
    git(checkout, "tag", "origin/main")  # a tag named like the base must not stand in for it

    steps, summary = _run_pr(checkout, tmp_path)

    by_name = {s.name: s for s in steps}
    assert by_name["Validate records and policies"].exit_code == 1
    gate = by_name["Gate the change against its base"]
    assert gate.ran and gate.exit_code == 1  # still runs after validate failed: !cancelled()
    assert (
        "::error file=register/CSI-0100.yaml,line=5,col=1,title=status::a new record starts"
        in gate.output
    )
    assert by_name["CODEOWNERS is current (fix with `csi codeowners`)"].exit_code == 0
    assert summary.startswith("## csi gate: ❌ refused")
    for step in steps:  # record text never becomes a workflow command
        for line in step.output.splitlines():
            assert not line.lstrip().startswith("::") or line.startswith("::error file="), line


def test_publishing_and_the_scheduled_watch(tmp_path: Path) -> None:
    checkout = _register_repo(tmp_path, _from_this_repository)
    temp = tmp_path / "runner"
    temp.mkdir()
    workflow = checkout / ".github" / "workflows" / "register-publish.yml"
    pages = "https://acme.github.io/improvements"  # what configure-pages gives a project site
    context = {"github.event_name": "schedule", "steps.pages.outputs.base_url": pages}

    build = run_job(workflow, "build", checkout, context, temp)
    watch = run_job(workflow, "watch", checkout, context, temp)

    assert [s.exit_code for s in build] == [0] * len(build), build
    summary = (temp / "step_summary.md").read_text()
    assert "## Ranked backlog" in summary and "## Benefit review" in summary
    assert (checkout / "build" / "site" / "index.html").is_file()
    # the 404 page is served at any depth: its links carry the project site's path
    missing = (checkout / "build" / "site" / "404.html").read_text()
    assert 'href="/improvements/assets/csi.css"' in missing
    assert watch[-1].ran and watch[-1].exit_code == 1  # the example register has overdue reviews
    assert "failing: overdue" in watch[-1].output
    assert "needs" not in load_workflow(workflow)["jobs"]["watch"]  # Pages may be off


@pytest.mark.parametrize(
    ("event", "branch", "runs"),
    [
        ("push", "trunk", True),  # the default branch, whatever its name
        ("push", "feature", False),
        ("schedule", "trunk", True),
        ("workflow_dispatch", "feature", True),
    ],
)
def test_publishing_follows_the_default_branch(event: str, branch: str, runs: bool) -> None:
    context = {
        "github.event_name": event,
        "github.ref_name": branch,
        "github.event.repository.default_branch": "trunk",
    }
    for workflow in (
        PROJECT / ".github" / "workflows" / "register-publish.yml",
        PROJECT / "csi_tool" / "templates" / ".github" / "workflows" / "register-publish.yml",
    ):
        assert job_runs(workflow, "build", context) is runs
        assert "branches" not in (load_workflow(workflow)["on"]["push"] or {})


def test_a_green_check_cannot_go_stale_in_the_merge_queue(
    tmp_path: Path, run_csi: Callable[..., Result]
) -> None:
    """A branch cut before a record was approved moves its baseline: legal then, and its check
    passed. Main approves the record; the clean merge would land a moved baseline. The merge
    queue runs the gate again on the merged result, against the base it lands on."""
    checkout = _register_repo(tmp_path, _from_this_repository)
    origin = tmp_path / "origin"
    assessed = record_yaml("CSI-0100", "assessed").replace(_DECISION, "")
    _on_main(origin, checkout, run_csi, assessed)
    git(checkout, "switch", "-qC", "pr", "origin/main")
    _pr(checkout, "CSI-0100", assessed.replace("baseline: {value: 10,", "baseline: {value: 14,"))
    steps, _ = _run_pr(checkout, tmp_path / "before")
    assert [(s.name, s.exit_code) for s in steps if s.exit_code] == [], steps

    main_sha = _on_main(origin, checkout, run_csi, record_yaml("CSI-0100", "approved"))
    git(checkout, "switch", "-qc", "gh-readonly-queue/main/pr-1", main_sha)
    git(checkout, "merge", "-q", "--no-edit", "pr")  # merges cleanly
    temp = tmp_path / "queue"
    temp.mkdir()
    context = {
        "github.event_name": "merge_group",
        "github.base_ref": "",
        "github.head_ref": "",
        "github.event.merge_group.base_sha": main_sha,
        "github.event.pull_request.user.login": "",
    }
    workflow = checkout / ".github" / "workflows" / "register-pr.yml"
    queued = {s.name: s for s in run_job(workflow, "gate", checkout, context, temp)}
    gate = queued["Gate the change against its base"]
    assert gate.exit_code == 1, gate.output
    assert "file=register/CSI-0100.yaml" in gate.output and "baseline" in gate.output
    assert "merge_group" in load_workflow(workflow)["on"]


_DECISION = "decisions: [{outcome: approved, date: 2026-02-01, by: '@board', rationale: Agreed}]\n"


def _on_main(origin: Path, checkout: Path, run_csi: Callable[..., Result], text: str) -> str:
    """Commit a version of CSI-0100 on the origin's main, fetch it, and return its commit."""
    (origin / "register" / "CSI-0100.yaml").write_text(text)
    run_csi(origin, "codeowners")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "On main")
    git(checkout, "fetch", "-q", "origin")
    return git(checkout, "rev-parse", "origin/main").strip()


def test_installing_csi_never_imports_from_the_checkout(tmp_path: Path) -> None:
    """A pull request that adds a `pip/` package would run it as pip in `python -m pip`."""
    fake = tmp_path / "pip"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text("print('pwned')\n")
    for workflow in [*WORKFLOWS, *TEMPLATE_WORKFLOWS]:
        for job in load_workflow(workflow)["jobs"].values():
            for step in job["steps"]:
                if "pip install" in step.get("run", ""):
                    assert "python -P -m pip" in step["run"], (workflow.name, step["run"])
    done = subprocess.run(
        [sys.executable, "-P", "-m", "pip", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "pwned" not in done.stdout
    assert done.stdout.startswith("pip ")


def test_the_scheduled_refresh_proposes_new_measurements_as_a_pull_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export step is the team's: here it is an export kept in the repository."""

    def register_with_data(target: Path) -> None:
        _from_this_repository(target)
        (target / "policies" / "sources.yaml").write_text(
            "schema_version: 1\nsources:\n  - {name: incidents, path: exports/*.csv, "
            "profile: servicenow}\n"
        )
        rows = [
            row
            for i in range(90)
            for row in servicenow_row(
                f"INC{i:04}",
                dt.datetime(2026, 1, 2) + dt.timedelta(hours=40 * i),
                reopened=int(i % 4 == 0),
            )
        ]
        write_csv(target / "exports" / "incidents.csv", SERVICENOW_HEADER, rows)
        (target / "register" / "CSI-0100.yaml").write_text(BOUND_RECORD)

    checkout = _register_repo(tmp_path, register_with_data)
    git(checkout, "switch", "-q", "main")
    fake = tmp_path / "fake-bin"
    fake.mkdir()
    log = tmp_path / "gh.log"  # a stand-in for GitHub's CLI: it counts proposals it opened
    (fake / "gh").write_text(
        f'#!/bin/sh\necho "$@" >> {log}\n'
        f'case "$1 $2" in "pr list") grep -c "^pr create" {log} || true;; esac\n'
    )
    (fake / "gh").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("CSI_TODAY", "2026-05-10")
    temp = tmp_path / "runner"
    temp.mkdir()
    workflow = checkout / ".github" / "workflows" / "register-refresh.yml"
    context = {"github.event_name": "schedule", "github.token": "token"}

    steps = run_job(workflow, "refresh", checkout, context, temp)

    assert [s.exit_code for s in steps] == [0] * len(steps), steps
    assert "added 2 measurement(s) to 1 record file(s)" in steps[-2].output  # March, April
    assert "csi/refresh" in git(tmp_path / "origin", "branch", "--list", "csi/refresh")
    assert "auth setup-git" in log.read_text()
    assert "pr create --head csi/refresh" in log.read_text()
    # the next week, with the proposal still open: it is updated, not opened twice
    git(checkout, "switch", "-q", "main")
    git(checkout, "branch", "-qD", "csi/refresh")
    again = run_job(workflow, "refresh", checkout, context, temp)
    assert "Updated the open proposal on csi/refresh" in again[-1].output
    assert log.read_text().count("pr create") == 1
    # once merged, nothing is left to propose
    git(tmp_path / "origin", "merge", "-q", "csi/refresh")
    git(checkout, "switch", "-q", "main")
    git(checkout, "pull", "-q", "--ff-only", "origin", "main")
    done = run_job(workflow, "refresh", checkout, context, temp)
    assert "Nothing to propose" in done[-1].output


BOUND_RECORD = """\
schema_version: 2
id: CSI-0100
title: Fewer reopened incidents
created: 2026-01-05
status: logged
metrics:
  - key: reopen_rate
    name: Incidents reopened
    kind: lagging
    unit: "%"
    direction: decrease
    measure: {key: reopen_rate}
    baseline: {value: 25, date: 2026-02-28, source: agreed with the service owner}
"""
