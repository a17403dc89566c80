"""The `csi` command group: every command of cli/ added to it, and the console-script entry.

Commands (one module per group of commands) only parse arguments, call one core function and
map the result to an exit code.

Exit codes: 0 ok, 1 findings, 2 usage or configuration error, 3 unexpected error.
Commands import what they use when they run: `csi validate` answering from its cache should
not pay for loading the site builder, git and the record models.
"""

from __future__ import annotations

from pathlib import Path

import click

from csi_tool import __version__
from csi_tool.cli.backlog import prioritize
from csi_tool.cli.benefits import baseline, measure, review, transition_command
from csi_tool.cli.evidence import evidence
from csi_tool.cli.gate import codeowners, gate
from csi_tool.cli.history import history
from csi_tool.cli.intake import intake
from csi_tool.cli.records import migrate, new, renumber, schema, validate
from csi_tool.cli.scaffold import init_command
from csi_tool.cli.signals import signals
from csi_tool.cli.site import site
from csi_tool.cli.support import CsiGroup
from csi_tool.collector import tune_for_command


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


for _command in (
    baseline,
    codeowners,
    evidence,
    gate,
    history,
    init_command,
    intake,
    measure,
    migrate,
    new,
    prioritize,
    renumber,
    review,
    schema,
    signals,
    site,
    transition_command,
    validate,
):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    tune_for_command()
    cli(prog_name="csi")


if __name__ == "__main__":  # python -m csi_tool.cli.main, as well as python -m csi_tool
    main()
