"""Commands on records: csi validate, csi new, csi schema."""

from __future__ import annotations

import os
from pathlib import Path

import click

from csi_tool.cli.support import (
    EXIT_FINDINGS,
    EXIT_OK,
    emit,
    findings_format_option,
    register_policies,
    register_root,
    say,
    valid_register,
)
from csi_tool.clock import today
from csi_tool.errors import FindingsError, display_path
from csi_tool.progress import silence
from csi_tool.report import (
    render_findings,
    resolve_format,
    summary_line,
)
from csi_tool.yaml.journal import register_lock


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@findings_format_option
@click.option(
    "--data",
    is_flag=True,
    help="Also recompute every bound baseline and measurement from the exports and report "
    "each the data contradicts (a source not available here is a notice).",
)
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: str, data: bool) -> None:
    """Check records and policies; report every finding with file, line and field.

    With PATHS, only findings in those files or folders are reported (the whole register is
    still read, since dependencies and ids span files).
    """
    from csi_tool.records.validation import ValidationResult, validate_paths

    root = register_root(ctx)
    concrete = resolve_format(fmt, os.environ)
    if concrete != "text":
        silence()
    try:
        result = validate_paths(root, paths)
    except FindingsError as e:  # the register cannot be read at all (a linked folder)
        result = ValidationResult(e.findings, 0)
    if data and not result.findings:  # the data judges records that are valid themselves
        from csi_tool.measures.verify import Judgement, verify_with_data

        try:
            judgement = verify_with_data(root)
        except FindingsError as e:  # an export that cannot be read, a measure that cannot run
            judgement = Judgement(findings=e.findings)
        for source, why in judgement.unavailable.items():
            say(
                f"csi: notice: source {source!r} is not available here, so its bound metrics "
                f"were not checked against the data: {why}",
                err=True,
            )
        for note in judgement.unjudged:
            say(f"csi: notice: {note}", err=True)
        contradicted = judgement.findings
        result = ValidationResult(contradicted, result.records_checked)
    output = render_findings(result.findings, concrete, result.records_checked)
    emit(output, concrete)
    if concrete != "json":
        say(summary_line(result.findings, result.records_checked), err=True)
    ctx.exit(EXIT_FINDINGS if result.findings else EXIT_OK)


@click.command()
@click.option("--title", required=True, help="The improvement in one line.")
@click.option("--service", help="The service that improves.")
@click.option("--owner", help="Accountable handle, e.g. @acme/service-desk.")
@click.pass_context
def new(ctx: click.Context, title: str, service: str | None, owner: str | None) -> None:
    """Write a new record in the initial state with the next id free on every branch."""
    from csi_tool.records.new import create_record

    root = register_root(ctx)
    with register_lock(root):  # two `csi new` at once never pick the same id
        policies = register_policies(root)
        new_record = create_record(root, policies, title, service, owner, today())
    say(display_path(new_record.path, root))
    if not new_record.branches_checked:
        say(
            "csi: warning: not in a git repository, so ids taken on other branches were not "
            "checked; rename the file and id if a colleague's pull request has the same one",
            err=True,
        )


@click.command()
@click.option(
    "--check", is_flag=True, help="Exit 1 if the files in schema/ are stale; write nothing."
)
@click.pass_context
def schema(ctx: click.Context, check: bool) -> None:
    """Write the JSON Schemas of records and policies to schema/."""
    from csi_tool.records.schema import stale_schema_files, write_schema_files

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


@click.command()
@click.option("--check", is_flag=True, help="Exit 1 if any record needs migrating; write nothing.")
@click.pass_context
def migrate(ctx: click.Context, check: bool) -> None:
    """Rewrite records of an older schema version as the current one (comments kept)."""
    from csi_tool.records.migration import migrate_register

    root = register_root(ctx)
    result = migrate_register(root, write=not check)
    for path in result.outdated:
        say(f"{path}: outdated; run `csi migrate`" if check else f"migrated {path}")
    if check:
        ctx.exit(EXIT_FINDINGS if result.outdated else EXIT_OK)
    say(f"{len(result.outdated)} record(s) migrated", err=True)


@click.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option(
    "--base",
    metavar="REF",
    help="The branch whose records keep their ids. Default: origin/main, else main.",
)
@click.pass_context
def renumber(ctx: click.Context, old: str, new: str, base: str | None) -> None:
    """Give a record your branch added a new id: file name, id and every depends_on."""
    from csi_tool.records.new import ids_known_at_base, renumber_record

    root = register_root(ctx)
    known = ids_known_at_base(root, base)
    with register_lock(root):
        register, policies = valid_register(root, old)
        written = renumber_record(root, register, policies, old, new, known)
    for path in written:
        say(f"wrote {path}")
    say(f"{old} is now {new}", err=True)
