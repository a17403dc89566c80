"""The pull-request gate commands: csi gate, csi codeowners."""

from __future__ import annotations

import os
from pathlib import Path

import click

from csi_tool.cli.support import (
    EXIT_FINDINGS,
    EXIT_OK,
    emit,
    findings_format_option,
    register_root,
    say,
)
from csi_tool.errors import FindingsError
from csi_tool.progress import silence
from csi_tool.report import (
    render_findings,
    resolve_format,
)


@click.command()
@click.option(
    "--base", required=True, metavar="REF", help="The pull request's base, e.g. origin/main."
)
@click.option("--head", metavar="REF", help="The revision to judge. Default: the work tree.")
@click.option(
    "--author",
    metavar="@HANDLE",
    help="The pull request's author, who is never listed as its approver.",
)
@findings_format_option
@click.option(
    "--summary",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append a Markdown job summary here (e.g. $GITHUB_STEP_SUMMARY).",
)
@click.pass_context
def gate(
    ctx: click.Context,
    base: str,
    head: str | None,
    author: str | None,
    fmt: str,
    summary: Path | None,
) -> None:
    """Refuse register changes the policy does not allow; list who must approve.

    Exits 1 when anything is refused.
    """
    from csi_tool.gate.judge import run_gate
    from csi_tool.gate.report import render_gate, render_summary

    root = register_root(ctx)
    concrete = resolve_format(fmt, os.environ)
    if concrete != "text":
        silence()
    try:
        result = run_gate(root, base, head, _handle(author))
    except FindingsError as e:  # the register cannot be read at all: report in the format asked
        emit(render_findings(e.findings, concrete, 0), concrete)
        ctx.exit(EXIT_FINDINGS)
    output = render_gate(result, concrete)
    emit(output, concrete)
    if summary is not None:
        with summary.open("a", encoding="utf-8") as stream:
            stream.write(render_summary(result))
    ctx.exit(EXIT_FINDINGS if result.refusals else EXIT_OK)


@click.command()
@click.option("--check", is_flag=True, help="Exit 1 if .github/CODEOWNERS is stale; write nothing.")
@click.option(
    "--base",
    metavar="REF",
    help="With --check: records added since the branch left REF may lack their line.",
)
@click.pass_context
def codeowners(ctx: click.Context, check: bool, base: str | None) -> None:
    """Write csi's block of .github/CODEOWNERS from policies/governance.yaml."""
    from csi_tool.gate.codeowners import codeowners_state, write_codeowners
    from csi_tool.git.revisions import file_stems_at_fork
    from csi_tool.layout import REGISTER_DIR
    from csi_tool.records.register import load_work_tree

    root = register_root(ctx)
    register = load_work_tree(root)
    if register.policies is None:
        raise FindingsError([f for f in register.findings if f.path.startswith("policies/")])
    if check:
        base_ids = file_stems_at_fork(root, base, REGISTER_DIR) if base is not None else None
        state = codeowners_state(root, register, base_ids)
        if not state.current:
            fix = "run `csi codeowners` and commit the result"
            say(f".github/CODEOWNERS: {state.problem}; {fix}", err=True)
            ctx.exit(EXIT_FINDINGS)
        return
    if base is not None:
        raise click.UsageError("--base goes with --check")
    if write_codeowners(root, register):
        say("wrote .github/CODEOWNERS")


def _handle(author: str | None) -> str | None:
    """`@alice` from `alice` or `@alice`; GitHub gives the login without the @."""
    if author is None or not author.strip():
        return None
    return "@" + author.strip().removeprefix("@")
