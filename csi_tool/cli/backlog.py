"""The backlog command: csi prioritize."""

from __future__ import annotations

import datetime as dt

import click

from csi_tool import clock
from csi_tool.cli.support import register_policies, register_root, say
from csi_tool.progress import silence
from csi_tool.report import (
    BACKLOG_FORMATS,
)


@click.command()
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
    from csi_tool.backlog.prioritize import prioritize as run_prioritize
    from csi_tool.backlog.prioritize import ranking_delta
    from csi_tool.backlog.report import render_backlog, render_delta

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
    result = run_prioritize(root, as_of.date() if as_of else clock.today())
    say(render_backlog(result, fmt, lanes))
