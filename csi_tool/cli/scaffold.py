"""Adding csi to a repository: csi init."""

from __future__ import annotations

from pathlib import Path

import click

from csi_tool.cli.support import say


@click.command("init")
@click.argument(
    "directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--install-source",
    metavar="REQUIREMENT|FILE",
    help="How CI installs csi: a git URL at a full commit, or a requirements file with every "
    "requirement pinned and hashed. Default: the commit csi itself runs from.",
)
def init_command(directory: Path, install_source: str | None) -> None:
    """Add a register to a repository: records, policies, site, workflows, templates, hooks.

    Existing files are never overwritten; they are listed as skipped (a .gitignore gets the
    lines csi needs added). CI installs csi from a commit or from hashes, never a bare name.
    """
    from csi_tool.scaffold.repository import BRANCH_PROTECTION, init_repository

    result = init_repository(directory, install_source)
    for relative in result.written:
        say(f"wrote   {relative}")
    for relative in result.extended:
        say(f"added   lines to {relative}")
    for relative in result.skipped:
        say(f"skipped {relative} (exists)")
    if result.install_source:
        say(f"CI installs csi as: {result.install_source}", err=True)
    say(
        f"{len(result.written)} file(s) written, {len(result.skipped)} skipped. Next: edit "
        "policies/governance.yaml (your approvers) and .github/csi-requirements.txt, then "
        "run `csi validate` and `csi codeowners`.",
        err=True,
    )
    say("Then protect the default branch (Settings → Branches or Rules):", err=True)
    for setting in BRANCH_PROTECTION:
        say(f"  - {setting}", err=True)
