"""`csi evidence`: the ISO/IEC 20000-1 clause 10 evidence pack, as HTML and JSON."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from csi_tool.cli.support import option_date, register_root, say

DEFAULT_OUT = Path("build") / "evidence"


@click.command()
@click.option("--from", "since", metavar="YYYY-MM-DD", help="Window start. Default: a year ago.")
@click.option("--to", "until", metavar="YYYY-MM-DD", help="Window end. Default: today.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for evidence.html and evidence.json (relative to the register root).",
)
@click.pass_context
def evidence(ctx: click.Context, since: str | None, until: str | None, out: Path) -> None:
    """For each improvement decided or closed in the window, the chain an auditor follows:
    trigger, decision, change, measured result, lessons, each linked to its commits; and the
    register's figures for the window. Gaps in a chain are listed, not hidden."""
    from csi_tool.evidence.chain import evidence_pack
    from csi_tool.evidence.render import render_html, render_json
    from csi_tool.site.builder import site_setting
    from csi_tool.yaml.atomic import replace_file

    root = register_root(ctx)
    end = option_date(until, "--to")
    try:
        start = option_date(since, "--from") if since is not None else end - dt.timedelta(days=365)
    except OverflowError as e:  # a window's end in year 1
        raise click.BadParameter("give --from: a year before --to is before year 1") from e
    if start > end:
        raise click.BadParameter(f"{start} is after the window's end {end}", param_hint="--from")
    pack = evidence_pack(root, start, end, site_setting(root, "pull_request_base"))
    folder = out if out.is_absolute() else root / out
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as e:
        raise click.BadParameter(
            f"{out} is not a folder csi can write in", param_hint="--out"
        ) from e
    replace_file(folder / "evidence.html", render_html(pack))
    replace_file(folder / "evidence.json", render_json(pack))
    gaps = sum(len(chain.gaps) for chain in pack.chains)
    say(
        f"{len(pack.chains)} improvement(s) decided or closed from {start} to {end}, "
        f"{gaps} gap(s): {folder / 'evidence.html'} and evidence.json"
    )
