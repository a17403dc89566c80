"""Runs a workflow job's `run:` steps the way a GitHub runner would, on a local repository.

Steps that `uses:` an action are not run: checkout is the test's own git clone, setup-python
is the test's interpreter, and the upload actions are checked by the paths they would
upload. The `install` step is skipped too: csi is already installed in the test
environment. Everything else runs in bash with the runner's options and variables, and the
expressions the workflows use are evaluated from a small context; any other expression
fails the test, so the simulation cannot silently drift from the files.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csi_tool.yaml import strict

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass(frozen=True)
class StepRun:
    """What one step did: its name, whether it ran, its exit code and output."""

    name: str
    ran: bool
    exit_code: int
    output: str


def load_workflow(path: Path) -> dict[str, Any]:
    """A workflow file read with csi's YAML 1.2 loader (`on:` stays a string key)."""
    return strict.load_fast(path.read_text(encoding="utf-8"), str(path))


def run_job(
    workflow: Path, job: str, repo: Path, context: dict[str, str], runner_temp: Path
) -> list[StepRun]:
    """Run every step of a job in order, honouring `if:` and stopping as a runner would."""
    steps = load_workflow(workflow)["jobs"][job]["steps"]
    summary = runner_temp / "step_summary.md"
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(repo),
        "GITHUB_EVENT_NAME": context["github.event_name"],
        "GITHUB_BASE_REF": context.get("github.base_ref", ""),
        "GITHUB_HEAD_REF": context.get("github.head_ref", ""),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(runner_temp / "output"),
        "GITHUB_ENV": str(runner_temp / "env"),
        "RUNNER_TEMP": str(runner_temp),
    }
    results: list[StepRun] = []
    failed = False
    for step in steps:
        name = step.get("name") or step.get("uses") or step.get("run", "")[:40]
        if not _should_run(step.get("if"), failed, context):
            results.append(StepRun(name, False, 0, ""))
            continue
        if "uses" in step:
            results.append(_use_action(step, repo))
            failed = failed or results[-1].exit_code != 0
            continue
        if step.get("id") == "install":
            results.append(StepRun(name, False, 0, "csi is installed in the test environment"))
            continue
        env = {key: _expand(str(value), context) for key, value in (step.get("env") or {}).items()}
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=repo,
            env={**environment, **env},
            capture_output=True,
            text=True,
            check=False,
        )
        results.append(StepRun(name, True, done.returncode, done.stdout + done.stderr))
        failed = failed or done.returncode != 0
        if "id" in step:  # what `steps.<id>.outcome` says to later steps
            context = {
                **context,
                f"steps.{step['id']}.outcome": "failure" if done.returncode else "success",
            }
    return results


def _use_action(step: dict[str, Any], repo: Path) -> StepRun:
    action = str(step["uses"]).split("@")[0]
    path = (step.get("with") or {}).get("path")
    if path and not (repo / path).exists():
        return StepRun(action, True, 1, f"nothing to upload at {path}")
    return StepRun(action, True, 0, "")


def _should_run(condition: object, failed: bool, context: dict[str, str]) -> bool:
    if condition is None:
        return not failed
    expression = str(condition)
    match = _EXPRESSION.fullmatch(expression.strip())
    expression = match.group(1) if match else expression
    if expression in ("!cancelled()", "always()"):
        return True
    if expression == "failure()":
        return failed
    if "failure()" in expression:  # `failure() && …`: runs only after a failure
        return evaluate(expression, {**context, "failure()": "true" if failed else "false"})
    return not failed and evaluate(expression, context)


def job_runs(workflow: Path, job: str, context: dict[str, str]) -> bool:
    """Whether a job's own `if:` lets it run in this context."""
    condition = load_workflow(workflow)["jobs"][job].get("if")
    if condition is None:
        return True
    match = _EXPRESSION.fullmatch(str(condition).strip())
    return evaluate(match.group(1) if match else str(condition), context)


def evaluate(expression: str, context: dict[str, str]) -> bool:
    """The comparisons the workflows use: `a == b`, `a != b`, joined by `||` and `&&`."""
    return any(
        all(_compare(part.strip(), context) for part in alternative.split("&&"))
        for alternative in expression.split("||")
    )


def _compare(expression: str, context: dict[str, str]) -> bool:
    if expression == "failure()":
        return context["failure()"] == "true"
    contains = re.fullmatch(r"contains\((\S+), '([^']*)'\)", expression)
    if contains:  # a list in the context is its items joined by commas
        return contains.group(2) in _operand(contains.group(1), context).split(",")
    comparison = re.fullmatch(r"(\S+) (==|!=) (\S+)", expression)
    if comparison is None:
        raise AssertionError(f"the simulator does not know the condition {expression!r}")
    left, operator, right = comparison.groups()
    same = _operand(left, context) == _operand(right, context)
    return same if operator == "==" else not same


def _operand(text: str, context: dict[str, str]) -> str:
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1]
    if text not in context:
        raise AssertionError(f"the simulator does not know the expression {text!r}")
    return context[text]


def _expand(value: str, context: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in context:
            raise AssertionError(f"the simulator does not know the expression {key!r}")
        return context[key]

    return _EXPRESSION.sub(replace, value)
