"""Click commands only: parse arguments, call one core function, map the result to an exit code.

Exit codes: 0 ok, 1 findings, 2 usage or configuration error, 3 unexpected error.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import click

from csi_tool import __version__
from csi_tool.codeowners import codeowners_is_current, write_codeowners
from csi_tool.errors import ConfigError, CsiError, FindingsError, display_path
from csi_tool.gate import run_gate
from csi_tool.gate_report import render_gate, render_summary
from csi_tool.history import build_trails, lead_time_stats
from csi_tool.history_report import render_history
from csi_tool.newrecord import create_record
from csi_tool.policy_set import Policies
from csi_tool.prioritization import prioritize as run_prioritize
from csi_tool.prioritization import ranking_delta
from csi_tool.priority_report import BACKLOG_FORMATS, render_backlog, render_delta
from csi_tool.register import find_root, load_policies, load_work_tree
from csi_tool.report import (
    FORMATS,
    neutralise_workflow_commands,
    render_findings,
    resolve_format,
    summary_line,
)
from csi_tool.schema_export import stale_schema_files, write_schema_files
from csi_tool.sources import WorkTree
from csi_tool.validation import validate_paths

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNEXPECTED = 0, 1, 2, 3


class _CsiGroup(click.Group):
    """Turns every error into a message and an exit code; bad input never shows a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except FindingsError as e:
            _say(render_findings(e.findings, "text", 0), err=True)
            raise click.exceptions.Exit(EXIT_FINDINGS) from e
        except CsiError as e:
            _say(f"csi: {e}", err=True)
            raise click.exceptions.Exit(e.exit_code) from e
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130) from None
        except OSError as e:  # the machine, not csi: a missing folder, a full disk, permissions
            _say(f"csi: {e}", err=True)
            raise click.exceptions.Exit(EXIT_USAGE) from e
        except Exception as e:  # the one place that catches everything
            _say(
                f"csi: unexpected error ({type(e).__name__}: {e}). "
                "This is a bug in csi; please report it with the command you ran.",
                err=True,
            )
            raise click.exceptions.Exit(EXIT_UNEXPECTED) from e


def _say(text: str, err: bool = False) -> None:
    if text:
        click.echo(neutralise_workflow_commands(text), err=err)


def _emit(output: str, fmt: str) -> None:
    """Findings output; the github format is already escaped, and its `::` lines are meant."""
    if fmt != "github":
        _say(output)
    elif output:
        click.echo(output)


def _policies(root: Path) -> Policies:
    policies, findings = load_policies(WorkTree(root))
    if policies is None:
        raise FindingsError(findings)
    return policies


def _root(ctx: click.Context) -> Path:
    given: Path | None = ctx.obj
    return given.resolve() if given is not None else find_root(Path.cwd())


@click.group(cls=_CsiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="csi")
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    envvar="CSI_ROOT",
    help="Register folder (holds register/ and policies/). "
    "Default: the nearest one above the current folder.",
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """csi: a git-native continual improvement register."""
    ctx.obj = root


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="auto means github inside GitHub Actions, text elsewhere.",
)
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Check records and policies; report every finding with file, line and field.

    With PATHS, only findings in those files or folders are reported (the whole register is
    still read, since dependencies and ids span files).
    """
    root = _root(ctx)
    result = validate_paths(root, paths)
    concrete = resolve_format(fmt, os.environ)
    output = render_findings(result.findings, concrete, result.records_checked)
    _emit(output, concrete)
    if concrete != "json":
        _say(summary_line(result.findings, result.records_checked), err=True)
    ctx.exit(EXIT_FINDINGS if result.findings else EXIT_OK)


@cli.command()
@click.option("--title", required=True, help="The improvement in one line.")
@click.option("--service", help="The service that improves.")
@click.option("--owner", help="Accountable handle, e.g. @acme/service-desk.")
@click.pass_context
def new(ctx: click.Context, title: str, service: str | None, owner: str | None) -> None:
    """Write a new record in the initial state with the next id free on every branch."""
    root = _root(ctx)
    policies = _policies(root)
    path = create_record(root, policies, title, service, owner, dt.date.today())
    _say(display_path(path, root))


@cli.command()
@click.option(
    "--check", is_flag=True, help="Exit 1 if the files in schema/ are stale; write nothing."
)
@click.pass_context
def schema(ctx: click.Context, check: bool) -> None:
    """Write the JSON Schemas of records and policies to schema/."""
    root = _root(ctx)
    policies = _policies(root)
    if check:
        stale = stale_schema_files(root, policies)
        for path in stale:
            _say(
                f"{display_path(path, root)}: stale; run `csi schema` and commit the result",
                err=True,
            )
        ctx.exit(EXIT_FINDINGS if stale else EXIT_OK)
    for path in write_schema_files(root, policies):
        _say(f"wrote {display_path(path, root)}")


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(BACKLOG_FORMATS),
    default="table",
    show_default=True,
    help="table for people, markdown for job summaries, json for tools.",
)
@click.option("--lane", "lanes", multiple=True, help="Show only this lane (repeatable).")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Judge staleness on this date.")
@click.option("--base", metavar="REF", help="Show how the ranking differs from git revision REF.")
@click.pass_context
def prioritize(
    ctx: click.Context,
    fmt: str,
    lanes: tuple[str, ...],
    as_of: dt.datetime | None,
    base: str | None,
) -> None:
    """Rank the backlog per lane with score breakdowns, blocked records and findings.

    Ranks are computed on every run and never written into records.
    """
    root = _root(ctx)
    if base is not None:
        _say(render_delta(ranking_delta(root, base), "markdown" if fmt == "markdown" else fmt))
        return
    known = [lane.key for lane in _policies(root).scoring.lanes]
    unknown = [lane for lane in lanes if lane not in known]
    if unknown:
        raise click.BadParameter(
            f"{unknown[0]!r}; lanes are: {', '.join(known)}", param_hint="--lane"
        )
    result = run_prioritize(root, as_of.date() if as_of else dt.date.today())
    _say(render_backlog(result, fmt, lanes))


@cli.command()
@click.option(
    "--base", required=True, metavar="REF", help="The pull request's base, e.g. origin/main."
)
@click.option("--head", metavar="REF", help="The revision to judge. Default: the work tree.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="auto means github inside GitHub Actions, text elsewhere.",
)
@click.option(
    "--summary",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append a Markdown job summary here (e.g. $GITHUB_STEP_SUMMARY).",
)
@click.pass_context
def gate(ctx: click.Context, base: str, head: str | None, fmt: str, summary: Path | None) -> None:
    """Refuse register changes the policy does not allow; list who must approve.

    Exits 1 when anything is refused.
    """
    root = _root(ctx)
    result = run_gate(root, base, head)
    concrete = resolve_format(fmt, os.environ)
    output = render_gate(result, concrete)
    _emit(output, concrete)
    if summary is not None:
        with summary.open("a", encoding="utf-8") as stream:
            stream.write(render_summary(result))
    ctx.exit(EXIT_FINDINGS if result.refusals else EXIT_OK)


@cli.command()
@click.option("--check", is_flag=True, help="Exit 1 if .github/CODEOWNERS is stale; write nothing.")
@click.pass_context
def codeowners(ctx: click.Context, check: bool) -> None:
    """Write .github/CODEOWNERS from policies/governance.yaml."""
    root = _root(ctx)
    register = load_work_tree(root)
    if register.policies is None:
        raise FindingsError([f for f in register.findings if f.path.startswith("policies/")])
    if check:
        if not codeowners_is_current(root, register):
            _say(".github/CODEOWNERS: stale; run `csi codeowners` and commit the result", err=True)
            ctx.exit(EXIT_FINDINGS)
        return
    if write_codeowners(root, register):
        _say("wrote .github/CODEOWNERS")


@cli.command()
@click.argument("record_id", required=False, metavar="[ID]")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--ref", default="HEAD", show_default=True, help="Read the history up to this revision."
)
@click.pass_context
def history(ctx: click.Context, record_id: str | None, fmt: str, ref: str) -> None:
    """The audit trail from git: status, decision, baseline, target and review changes,
    with commit, author, date and pull request; lead times per record and for the register."""
    root = _root(ctx)
    trails = build_trails(root, ref)
    if record_id is not None:
        if record_id not in trails:
            raise ConfigError(f"{record_id} has no history in the register up to {ref}")
        _say(render_history([trails[record_id]], None, fmt))
        return
    ordered = [trails[rid] for rid in sorted(trails)]
    _say(render_history(ordered, lead_time_stats(trails), fmt))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="csi")
