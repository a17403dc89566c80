"""Click commands only: parse arguments, call one core function, map the result to an exit code.

Exit codes: 0 ok, 1 findings, 2 usage or configuration error, 3 unexpected error.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from csi_tool import __version__
from csi_tool.errors import ConfigError, CsiError, FindingsError, display_path
from csi_tool.progress import silence
from csi_tool.report import (
    BACKLOG_FORMATS,
    FAIL_ON_CHOICES,
    FORMATS,
    REVIEW_FORMATS,
    neutralise_workflow_commands,
    render_findings,
    resolve_format,
    summary_line,
)
from csi_tool.site import DEFAULT_OUT

if TYPE_CHECKING:
    from csi_tool.policy_set import Policies
    from csi_tool.register import Register

# Commands import what they use when they run: `csi validate` answering from its cache should
# not pay for loading the site builder, git and the record models.

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNEXPECTED = 0, 1, 2, 3


class _CsiGroup(click.Group):
    """Turns every error into a message and an exit code; bad input never shows a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        silence(False)  # each command decides afresh whether to show progress
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
        finally:
            silence(False)


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
    from csi_tool.register import load_policies
    from csi_tool.sources import WorkTree

    policies, findings = load_policies(WorkTree(root))
    if policies is None:
        raise FindingsError(findings)
    return policies


def _root(ctx: click.Context) -> Path:
    from csi_tool.register import find_root

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
    from csi_tool.validation import validate_paths

    root = _root(ctx)
    concrete = resolve_format(fmt, os.environ)
    if concrete != "text":
        silence()
    result = validate_paths(root, paths)
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
    from csi_tool.newrecord import create_record

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
    from csi_tool.schema_export import stale_schema_files, write_schema_files

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
    from csi_tool.prioritization import prioritize as run_prioritize
    from csi_tool.prioritization import ranking_delta
    from csi_tool.priority_report import render_backlog, render_delta

    root = _root(ctx)
    if fmt == "json":
        silence()
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
    from csi_tool.gate import run_gate
    from csi_tool.gate_report import render_gate, render_summary

    root = _root(ctx)
    concrete = resolve_format(fmt, os.environ)
    if concrete != "text":
        silence()
    result = run_gate(root, base, head)
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
    from csi_tool.codeowners import codeowners_is_current, write_codeowners
    from csi_tool.register import load_work_tree

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
    from csi_tool.history import build_trails, lead_time_stats
    from csi_tool.history_report import render_history

    root = _root(ctx)
    trails = build_trails(root, ref)
    if record_id is not None:
        if record_id not in trails:
            raise ConfigError(f"{record_id} has no history in the register up to {ref}")
        _say(render_history([trails[record_id]], None, fmt))
        return
    ordered = [trails[rid] for rid in sorted(trails)]
    _say(render_history(ordered, lead_time_stats(trails), fmt))


@cli.command()
@click.argument("record_id", required=False, metavar="[ID]")
@click.argument("metric", required=False)
@click.argument("value", required=False)
@click.option("--date", "on", metavar="YYYY-MM-DD", help="When it was measured. Default: today.")
@click.option("--source", help="Where the figure comes from.")
@click.option("--note", help="Anything a reader needs to interpret it.")
@click.option(
    "--import",
    "import_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Add every row of a CSV (id, metric, date, value[, source, note]); all or nothing.",
)
@click.pass_context
def measure(
    ctx: click.Context,
    record_id: str | None,
    metric: str | None,
    value: str | None,
    on: str | None,
    source: str | None,
    note: str | None,
    import_file: Path | None,
) -> None:
    """Record a measurement: csi measure ID METRIC VALUE, or csi measure --import FILE.csv."""
    from csi_tool.measurements import NewMeasurement, import_measurements, record_measurement

    root = _root(ctx)
    register, policies = _valid_register(root, record_id)
    if import_file is not None:
        if record_id or metric or value:
            raise click.UsageError("give either ID METRIC VALUE or --import FILE, not both")
        count, written = import_measurements(
            root, register, policies, import_file, str(import_file)
        )
        _say(f"imported {count} measurement(s) into {len(written)} record file(s)")
        return
    if not (record_id and metric and value):
        raise click.UsageError("give ID METRIC VALUE, or --import FILE.csv")
    new = NewMeasurement(
        record_id, metric, _option_date(on, "--date"), _option_value(value), source, note
    )
    written = record_measurement(root, register, policies, new)
    _say(f"{record_id} {metric}: {new.value} on {new.date}" + ("" if written else " (no change)"))


@cli.command("transition")
@click.argument("record_id", metavar="ID")
@click.argument("state")
@click.option(
    "--rationale", help="Why: the decision's rationale, the review's summary, the reason."
)
@click.option("--by", help="Who decided, reviewed or withdrew (a handle such as @alice).")
@click.option("--date", "on", metavar="YYYY-MM-DD", help="When. Default: today.")
@click.option("--revisit", metavar="YYYY-MM-DD", help="For a deferral: when to look again.")
@click.option("--outcome", help="For closing: achieved, partially_achieved or not_achieved.")
@click.pass_context
def transition_command(
    ctx: click.Context,
    record_id: str,
    state: str,
    rationale: str | None,
    by: str | None,
    on: str | None,
    revisit: str | None,
    outcome: str | None,
) -> None:
    """Move a record to STATE if the workflow allows it and the record has what STATE needs."""
    from csi_tool.transitions import TransitionRequest
    from csi_tool.transitions import transition as run_transition

    root = _root(ctx)
    register, policies = _valid_register(root, record_id)
    request = TransitionRequest(
        record_id,
        state,
        _option_date(on, "--date"),
        rationale,
        by,
        _option_date(revisit, "--revisit") if revisit else None,
        outcome,
    )
    source, _ = run_transition(root, register, policies, request)
    _say(f"{record_id}: {source} → {state}")


@cli.command()
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Judge due and target dates as on this day (records are read as they are now).",
)
@click.option(
    "--format", "fmt", type=click.Choice(REVIEW_FORMATS), default="text", show_default=True
)
@click.option(
    "--fail-on",
    metavar="LIST",
    default="",
    help="Exit 1 when any of these exist: overdue, breach, regressed (comma-separated).",
)
@click.pass_context
def review(ctx: click.Context, as_of: str | None, fmt: str, fail_on: str) -> None:
    """Reviews due and overdue, threshold breaches, progress, benefit status and regressions."""
    from csi_tool.benefits import review_records
    from csi_tool.review_report import failing_findings, render_review

    names = [name.strip() for name in fail_on.split(",") if name.strip()]
    unknown = [name for name in names if name not in FAIL_ON_CHOICES]
    if unknown:
        raise click.BadParameter(
            f"{unknown[0]!r}; choose from {', '.join(FAIL_ON_CHOICES)}", param_hint="--fail-on"
        )
    root = _root(ctx)
    register, policies = _valid_register(root)
    day = _option_date(as_of, "--as-of")
    reviews = review_records((i.record for i in register.records.values()), policies.review, day)
    _say(render_review(reviews, day, fmt))
    failing = failing_findings(reviews, names)
    if failing:
        _say("failing: " + ", ".join(f"{n} {c}" for n, c in failing.items()), err=True)
        ctx.exit(EXIT_FINDINGS)


def _valid_register(root: Path, record_id: str | None = None) -> tuple[Register, Policies]:
    """The register; refused while its policies, or the record to be edited, have findings.

    Findings in other records do not stop an edit: they are printed as a warning.
    """
    from csi_tool.layout import RECORD_SUFFIX, REGISTER_DIR
    from csi_tool.register import load_work_tree

    register = load_work_tree(root)
    if register.policies is None:
        raise FindingsError(register.findings)
    item = register.records.get(record_id or "")
    path = item.document.path if item else f"{REGISTER_DIR}/{record_id}{RECORD_SUFFIX}"
    own = [f for f in register.findings if record_id and f.path == path]
    if own:
        raise FindingsError(own)
    others = [f for f in register.findings if f not in own]
    if others:
        _say(render_findings(others, "text", 0), err=True)
        _say(f"csi: warning: {len(others)} finding(s) elsewhere in the register", err=True)
    return register, register.policies


def _option_date(text: str | None, option: str) -> dt.date:
    from csi_tool.measurements import parse_date

    if text is None:
        return dt.date.today()
    try:
        return parse_date(text)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint=option) from e


def _option_value(text: str) -> int | float:
    from csi_tool.measurements import parse_value

    try:
        return parse_value(text)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="VALUE") from e


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

    root = _root(ctx)
    built = build_site(root, out, _option_date(as_of, "--as-of"))
    _say(
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

    root = _root(ctx)
    _say(f"building, then serving on http://127.0.0.1:{port}/ (Ctrl-C stops)", err=True)
    serve_site(root, port, _option_date(as_of, "--as-of"))


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
        _say(f"wrote   {relative}")
    for relative in result.skipped:
        _say(f"skipped {relative} (exists)")
    _say(
        f"{len(result.written)} file(s) written, {len(result.skipped)} skipped. Next: edit "
        "policies/governance.yaml (your approvers) and .github/csi-requirements.txt, then "
        "run `csi validate` and `csi codeowners`.",
        err=True,
    )


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="csi")
