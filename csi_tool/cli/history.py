"""The audit trail command: csi history."""

from __future__ import annotations

import click

from csi_tool.cli.support import register_root, say
from csi_tool.errors import ConfigError


@click.command()
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
    from csi_tool.history.report import render_history
    from csi_tool.history.trail import build_trails, lead_time_stats

    root = register_root(ctx)
    trails = build_trails(root, ref)
    if record_id is not None:
        if record_id not in trails:
            raise ConfigError(f"{record_id} has no history in the register up to {ref}")
        say(render_history([trails[record_id]], None, fmt))
        return
    ordered = [trails[rid] for rid in sorted(trails)]
    say(render_history(ordered, lead_time_stats(trails), fmt))
