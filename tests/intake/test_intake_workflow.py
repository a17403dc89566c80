"""The intake workflow run step by step on a real clone: an accepted idea becomes a pull
request, a form that cannot become a record gets a comment, and the issue's text, however
hostile, never reaches a shell or the log as a command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import git
from tests.intake.events import ANSWERS, issue_event
from tests.test_workflows import _from_this_repository, _register_repo
from tests.workflow_runner import StepRun, job_runs, run_job

CANARY = "csi-intake-pwned"
HOSTILE_TITLE = f"[Improvement]: $(touch {CANARY}-title) `touch {CANARY}-tick` ; echo hi"
HOSTILE_ANSWER = (
    f"$(touch {CANARY}-body)\n::error::pwned\n::set-env name=PATH::/tmp\n"
    f"`touch {CANARY}-tick2` ${{{{ github.token }}}} <script>alert(1)</script>"
)


def _context(label: str = "csi-accepted") -> dict[str, str]:
    return {
        "github.event_name": "issues",
        "github.token": "token",
        "secrets.CSI_PROPOSALS_TOKEN || github.token": "token",
        "github.event.label.name": label,
        "github.event.issue.labels.*.name": f"csi-proposal,{label}",
        "github.event.issue.number": "17",
        "github.event.repository.default_branch": "main",
    }


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of a repository made from this one, on main, with a stand-in for `gh` that
    logs each argument it is given between brackets."""
    checkout = _register_repo(tmp_path, _from_this_repository)
    git(checkout, "switch", "-q", "main")
    fake = tmp_path / "fake-bin"
    fake.mkdir()
    log = tmp_path / "gh.log"
    script = """#!/bin/sh
for a in "$@"; do printf '[%s]' "$a" >> LOG; done
echo >> LOG
case "$1 $2" in "pr list") grep -c '^\\[pr\\]\\[create\\]' LOG || true;; esac
"""  # `gh pr list … --jq length`: how many proposals it opened
    (fake / "gh").write_text(script.replace("LOG", str(log)))
    (fake / "gh").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.chdir(tmp_path)  # where a canary would land if a command ran
    return checkout


def _run(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **event: object
) -> list[StepRun]:
    path = issue_event(tmp_path / "event.json", **event)  # type: ignore[arg-type]
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))
    temp = tmp_path / "runner"
    temp.mkdir(exist_ok=True)
    workflow = checkout / ".github" / "workflows" / "register-intake.yml"
    return run_job(workflow, "intake", checkout, _context(), temp)


def test_only_an_accepted_proposal_starts_the_job(checkout: Path) -> None:
    workflow = checkout / ".github" / "workflows" / "register-intake.yml"
    assert job_runs(workflow, "intake", _context())
    assert not job_runs(workflow, "intake", _context("bug"))
    other = {**_context(), "github.event.issue.labels.*.name": "csi-accepted"}
    assert not job_runs(workflow, "intake", other)  # not raised with the form


def test_an_accepted_hostile_idea_becomes_a_pull_request_and_nothing_runs(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {**ANSWERS, "What is wrong today": HOSTILE_ANSWER}
    steps = _run(checkout, tmp_path, monkeypatch, answers=answers, title=HOSTILE_TITLE)
    assert not [(s.name, s.exit_code) for s in steps if s.ran and s.exit_code], steps
    assert not steps[-1].ran  # no comment: the record was drafted
    assert not list(tmp_path.rglob(f"{CANARY}*"))  # no command of the issue ran
    for step in steps:  # and none reached the log as a workflow command
        assert not any(line.lstrip().startswith("::") for line in step.output.splitlines())
    title = HOSTILE_TITLE.removeprefix("[Improvement]: ")
    log = (tmp_path / "gh.log").read_text()
    assert "[auth][setup-git]" in log
    assert (
        f"[pr][create][--base][main][--head][csi-intake/issue-17][--title][CSI-0019: {title}]"
        in log
    )
    origin = tmp_path / "origin"
    assert "csi-intake/issue-17" in git(origin, "branch", "--list", "csi-intake/issue-17")
    added = git(origin, "show", "csi-intake/issue-17:register/CSI-0019.yaml")
    assert "raised_by: '@alice'" in added
    message = git(origin, "log", "-1", "--format=%B", "csi-intake/issue-17").strip()
    assert message == "Add CSI-0019, the idea of issue #17"  # no title: `fixes #3` closes #3
    # accepted again after an edit: the branch is updated, no second pull request
    git(checkout, "switch", "-q", "main")
    git(checkout, "branch", "-qD", "csi-intake/issue-17")  # a runner's checkout is fresh
    again = _run(checkout, tmp_path, monkeypatch, answers=answers, title=HOSTILE_TITLE)
    assert "Updated the open proposal on csi-intake/issue-17" in again[-2].output, again
    assert (tmp_path / "gh.log").read_text().count("[pr][create]") == 1
    assert (
        f"[pr][edit][csi-intake/issue-17][--title][CSI-0019: {title}]"
        in (tmp_path / "gh.log").read_text()
    )  # the same id again: its own earlier branch does not push it to CSI-0020
    assert git(origin, "show", "csi-intake/issue-17:register/CSI-0019.yaml")


def test_a_form_that_cannot_become_a_record_gets_a_comment_instead(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = _run(checkout, tmp_path, monkeypatch, answers={**ANSWERS, "Service": None})
    ran = {step.name: step for step in steps if step.ran}
    assert ran["Draft the record from the issue"].exit_code == 1
    assert "Propose it as a pull request" not in ran
    assert ran["Say what is missing"].exit_code == 0
    log = (tmp_path / "gh.log").read_text()
    assert "[issue][comment][17][--body-file]" in log
    assert "[pr]" not in log
    assert "csi-intake" not in git(tmp_path / "origin", "branch", "--list")
