"""Click commands only: parse arguments, call one core function, map the result to an exit code.

Exit codes: 0 ok, 1 findings, 2 usage or configuration error, 3 unexpected error.
Commands import what they use when they run: `csi validate` answering from its cache should
not pay for loading the site builder, git and the record models.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from csi_tool import __version__
from csi_tool.cli_edit import measure, review, transition_command
from csi_tool.cli_support import (
    EXIT_FINDINGS,
    EXIT_OK,
    CsiGroup,
    emit,
    option_date,
    register_policies,
    register_root,
    say,
    tune_garbage_collector,
)
from csi_tool.errors import ConfigError, FindingsError, display_path
from csi_tool.progress import silence
from csi_tool.report import (
    BACKLOG_FORMATS,
    FORMATS,
    render_findings,
    resolve_format,
    summary_line,
)
from csi_tool.site import DEFAULT_OUT


@click.group(cls=CsiGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    from csi_tool.validation import validate_paths

    root = register_root(ctx)
    concrete = resolve_format(fmt, os.environ)
    if concrete != "text":
        silence()
    result = validate_paths(root, paths)
    output = render_findings(result.findings, concrete, result.records_checked)
    emit(output, concrete)
    if concrete != "json":
        say(summary_line(result.findings, result.records_checked), err=True)
    ctx.exit(EXIT_FINDINGS if result.findings else EXIT_OK)


@cli.command()
@click.option("--title", required=True, help="The improvement in one line.")
@click.option("--service", help="The service that improves.")
@click.option("--owner", help="Accountable handle, e.g. @acme/service-desk.")
@click.pass_context
def new(ctx: click.Context, title: str, service: str | None, owner: str | None) -> None:
    """Write a new record in the initial state with the next id free on every branch."""
    from csi_tool.newrecord import create_record

    root = register_root(ctx)
    policies = register_policies(root)
    path = create_record(root, policies, title, service, owner, dt.date.today())
    say(display_path(path, root))


@cli.command()
@click.option(
    "--check", is_flag=True, help="Exit 1 if the files in schema/ are stale; write nothing."
)
@click.pass_context
def schema(ctx: click.Context, check: bool) -> None:
    """Write the JSON Schemas of records and policies to schema/."""
    from csi_tool.schema_export import stale_schema_files, write_schema_files

    root = register_root(ctx)
    policies = register_policies(root)
    if check:
        stale = stale_schema_files(root, policies)
        for path in stale:
            say(
                f"{display_path(path, root)}: stale; run `csi schema` and commit the result",
                err=True,
            )
        ctx.exit(EXIT_FINDINGS if stale else EXIT_OK)
    for path in write_schema_files(root, policies):
        say(f"wrote {display_path(path, root)}")


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
    from csi_tool.prioritization import prioritize as run_prioritize
    from csi_tool.prioritization import ranking_delta
    from csi_tool.priority_report import render_backlog, render_delta

    root = register_root(ctx)
    if fmt == "json":
        silence()
    if base is not None:
        say(render_delta(ranking_delta(root, base), "markdown" if fmt == "markdown" else fmt))
        return
    known = [lane.key for lane in register_policies(root).scoring.lanes]
    unknown = [lane for lane in lanes if lane not in known]
    if unknown:
        raise click.BadParameter(
            f"{unknown[0]!r}; lanes are: {', '.join(known)}", param_hint="--lane"
        )
    result = run_prioritize(root, as_of.date() if as_of else dt.date.today())
    say(render_backlog(result, fmt, lanes))


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
    from csi_tool.gate import run_gate
    from csi_tool.gate_report import render_gate, render_summary

    root = register_root(ctx)
    concrete = resolve_format(fmt, os.environ)
    if concrete != "text":
        silence()
    result = run_gate(root, base, head)
    output = render_gate(result, concrete)
    emit(output, concrete)
    if summary is not None:
        with summary.open("a", encoding="utf-8") as stream:
            stream.write(render_summary(result))
    ctx.exit(EXIT_FINDINGS if result.refusals else EXIT_OK)


@cli.command()
@click.option("--check", is_flag=True, help="Exit 1 if .github/CODEOWNERS is stale; write nothing.")
@click.pass_context
def codeowners(ctx: click.Context, check: bool) -> None:
    """Write .github/CODEOWNERS from policies/governance.yaml."""
    from csi_tool.codeowners import codeowners_is_current, write_codeowners
    from csi_tool.register import load_work_tree

    root = register_root(ctx)
    register = load_work_tree(root)
    if register.policies is None:
        raise FindingsError([f for f in register.findings if f.path.startswith("policies/")])
    if check:
        if not codeowners_is_current(root, register):
            say(".github/CODEOWNERS: stale; run `csi codeowners` and commit the result", err=True)
            ctx.exit(EXIT_FINDINGS)
        return
    if write_codeowners(root, register):
        say("wrote .github/CODEOWNERS")


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
    from csi_tool.history import build_trails, lead_time_stats
    from csi_tool.history_report import render_history

    root = register_root(ctx)
    trails = build_trails(root, ref)
    if record_id is not None:
        if record_id not in trails:
            raise ConfigError(f"{record_id} has no history in the register up to {ref}")
        say(render_history([trails[record_id]], None, fmt))
        return
    ordered = [trails[rid] for rid in sorted(trails)]
    say(render_history(ordered, lead_time_stats(trails), fmt))


@cli.group()
def site() -> None:
    """Build or preview the stakeholder site (MkDocs-material)."""


@site.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for the built site (relative to the register root).",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Judge due and target dates as on this day (records are read as they are now).",
)
@click.pass_context
def site_build(ctx: click.Context, out: Path, as_of: str | None) -> None:
    """Generate the register's pages and build the site in strict mode."""
    from csi_tool.site.builder import build_site

    root = register_root(ctx)
    built = build_site(root, out, option_date(as_of, "--as-of"))
    say(
        f"built {built.pages} pages into {built.out} "
        f"(generated in {built.generate_seconds:.1f} s, built in {built.build_seconds:.1f} s); "
        f"open {built.out / 'index.html'}"
    )


@site.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Judge due and target dates as on this day (records are read as they are now).",
)
@click.pass_context
def site_serve(ctx: click.Context, port: int, as_of: str | None) -> None:
    """Build the site and serve it on http://127.0.0.1:PORT/ for a local preview."""
    from csi_tool.site.builder import serve_site

    root = register_root(ctx)
    say(f"building, then serving on http://127.0.0.1:{port}/ (Ctrl-C stops)", err=True)
    serve_site(root, port, option_date(as_of, "--as-of"))


@cli.command("init")
@click.argument(
    "directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
def init_command(directory: Path) -> None:
    """Add a register to a repository: records, policies, site, workflows, templates, hooks.

    Existing files are never overwritten; they are listed as skipped.
    """
    from csi_tool.init import init_repository

    result = init_repository(directory)
    for relative in result.written:
        say(f"wrote   {relative}")
    for relative in result.skipped:
        say(f"skipped {relative} (exists)")
    say(
        f"{len(result.written)} file(s) written, {len(result.skipped)} skipped. Next: edit "
        "policies/governance.yaml (your approvers) and .github/csi-requirements.txt, then "
        "run `csi validate` and `csi codeowners`.",
        err=True,
    )


for _command in (measure, transition_command, review):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    tune_garbage_collector()
    cli(prog_name="csi")
