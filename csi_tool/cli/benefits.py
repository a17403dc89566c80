"""The commands that record benefit: csi measure, csi transition, csi review."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import click

from csi_tool.cli.support import (
    EXIT_FINDINGS,
    as_of_option,
    option_date,
    register_root,
    say,
    valid_register,
)
from csi_tool.clock import today
from csi_tool.report import FAIL_ON_CHOICES, REVIEW_FORMATS
from csi_tool.yaml.journal import register_lock


@click.command()
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
@click.option(
    "--delimiter",
    type=click.Choice([",", ";", "tab"]),
    help="The CSV's delimiter. Default: the one its header line uses.",
)
@click.option(
    "--refresh",
    is_flag=True,
    help="For metrics bound to a measure: add every ended period's value from the data since "
    "the last one (of the record given as ID, else of every record).",
)
@click.option(
    "--ignore-columns",
    metavar="NAMES",
    default="",
    help="Columns of the CSV to leave out, comma-separated (e.g. an export's own columns).",
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
    delimiter: str | None,
    ignore_columns: str,
    refresh: bool,
) -> None:
    """Record a measurement: csi measure ID METRIC VALUE, csi measure --import FILE.csv, or
    csi measure --refresh [ID] for metrics bound to a measure."""
    from csi_tool.benefits.measurements import (
        NewMeasurement,
        import_measurements,
        record_measurement,
    )

    root = register_root(ctx)
    if refresh:
        if metric or value or import_file or on or source or note:
            raise click.UsageError(
                "--refresh takes one record id at most, and no other option: the data dates "
                "and sources each value (csi measure --refresh [ID])"
            )
        _refresh(root, [record_id] if record_id else [])
        return
    with register_lock(root):  # read, change and write with no other csi edit between
        register, policies = valid_register(root, record_id)
        if import_file is not None:
            if record_id or metric or value:
                raise click.UsageError("give either ID METRIC VALUE or --import FILE, not both")
            count, written = import_measurements(
                root,
                register,
                policies,
                import_file,
                str(import_file),
                "\t" if delimiter == "tab" else delimiter,
                [name for name in ignore_columns.split(",") if name.strip()],
            )
            say(f"imported {count} measurement(s) into {len(written)} record file(s)")
            return
        if not (record_id and metric and value):
            raise click.UsageError("give ID METRIC VALUE, or --import FILE.csv")
        if delimiter or ignore_columns:
            raise click.UsageError("--delimiter and --ignore-columns go with --import")
        new = NewMeasurement(
            record_id, metric, option_date(on, "--date"), _option_value(value), source, note
        )
        written = record_measurement(root, register, policies, new)
        say(
            f"{record_id} {metric}: {new.value} on {new.date}" + ("" if written else " (no change)")
        )


@click.command("transition")
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
    from csi_tool.benefits.transitions import TransitionRequest
    from csi_tool.benefits.transitions import transition as run_transition

    root = register_root(ctx)
    with register_lock(root):  # read, change and write with no other csi edit between
        register, policies = valid_register(root, record_id)
        request = TransitionRequest(
            record_id,
            state,
            option_date(on, "--date"),
            rationale,
            by,
            option_date(revisit, "--revisit") if revisit else None,
            outcome,
        )
        source, _ = run_transition(root, register, policies, request)
        say(f"{record_id}: {source} → {state}")


@click.command()
@as_of_option
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
    from csi_tool.benefits.earlier import earlier_values
    from csi_tool.benefits.report import failing_findings, render_review
    from csi_tool.benefits.review import review_records

    names = [name.strip() for name in fail_on.split(",") if name.strip()]
    unknown = [name for name in names if name not in FAIL_ON_CHOICES]
    if unknown:
        raise click.BadParameter(
            f"{unknown[0]!r}; choose from {', '.join(FAIL_ON_CHOICES)}", param_hint="--fail-on"
        )
    root = register_root(ctx)
    register, policies = valid_register(root)  # other findings are printed as a warning
    day = option_date(as_of, "--as-of")
    # a record with findings of its own is not judged: measurements out of order, say,
    # would make an older value the latest and raise a false overdue alarm
    flawed = {finding.path for finding in register.findings}
    items = register.records.values()
    records = [item.record for item in items if item.document.path not in flawed]
    not_reviewed = [item.record.id for item in items if item.document.path in flawed]
    # a file that could not be read has no record to take an id from: its name says which
    not_reviewed += [PurePosixPath(path).stem for path in register.unreadable]
    earlier, unavailable = earlier_values(root, policies, records)
    for source, why in unavailable.items():
        say(
            f"csi: notice: source {source!r} is not available here, so the process charts of "
            f"its bound metrics start at their baselines: {why}",
            err=True,
        )
    reviews = review_records(records, policies.review, day, earlier)
    say(render_review(reviews, day, fmt, sorted(not_reviewed)))
    failing = failing_findings(reviews, names)
    if failing:
        say("failing: " + ", ".join(f"{n} {c}" for n, c in failing.items()), err=True)
    if failing or register.findings:  # exit 0 only for a register without findings
        ctx.exit(EXIT_FINDINGS)


def _option_value(text: str) -> int | float:
    from csi_tool.benefits.measurements import parse_value

    try:
        return parse_value(text)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="VALUE") from e


def _refresh(root: Path, record_ids: list[str]) -> None:
    from csi_tool.benefits.bound import refresh_measurements

    with register_lock(root):
        register, policies = valid_register(root)
        done = refresh_measurements(root, register, policies, record_ids, today())
    for source, why in done.unavailable.items():
        say(
            f"csi: notice: source {source!r} is not available here, so its metrics were not "
            f"refreshed: {why}",
            err=True,
        )
    for waiting in done.waiting:
        say(f"csi: notice: {waiting} has no baseline yet: `csi baseline` sets it first", err=True)
    for empty in done.empty:
        say(f"csi: notice: {empty}: no ticket in scope, so no value to measure", err=True)
    for new in done.added:
        say(f"{new.record_id} {new.metric}: {new.value:g} for the period ending {new.date}")
    say(
        f"added {len(done.added)} measurement(s) to {len(done.written)} record file(s)"
        if done.added
        else "nothing to add: every bound metric is up to date"
    )


@click.command("baseline")
@click.argument("record_id", metavar="ID")
@click.argument("metric")
@click.option(
    "--period",
    metavar="P",
    help="The ended period to take: 2026-08, 2026-W35 or 2026-Q3, as the measure counts. "
    "Default: the latest one that has ended.",
)
@click.pass_context
def baseline(ctx: click.Context, record_id: str, metric: str, period: str | None) -> None:
    """Set a bound metric's baseline from the data: its measure's value for one ended period,
    dated by the period's last day, with the measure, tickets, source and fingerprint."""
    from csi_tool.benefits.bound import write_baseline

    root = register_root(ctx)
    with register_lock(root):
        register, policies = valid_register(root, record_id)
        try:
            written, value, span = write_baseline(
                root, register, policies, record_id, metric, period, today()
            )
        except ValueError as e:  # a period that is none
            raise click.BadParameter(str(e), param_hint="--period") from e
    say(
        f"{record_id} {metric}: baseline {value:g} on {span.last}"
        + ("" if written else " (no change)")
    )
