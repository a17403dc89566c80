"""What every command shares: the error handling group, output, the register root, options.

Exit codes: 0 ok, 1 findings, 2 usage or configuration error, 3 unexpected error.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from csi_tool import clock
from csi_tool.errors import CsiError, FindingsError
from csi_tool.layout import find_root
from csi_tool.progress import silence
from csi_tool.report import (
    FORMATS,
    neutralise_workflow_commands,
    render_findings,
)

if TYPE_CHECKING:
    from csi_tool.policies.policy_set import Policies
    from csi_tool.records.register import Register


EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNEXPECTED = 0, 1, 2, 3


class CsiGroup(click.Group):
    """Turns every error into a message and an exit code; bad input never shows a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        silence(False)  # each command decides afresh whether to show progress
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except FindingsError as e:
            say(render_findings(e.findings, "text", 0), err=True)
            raise click.exceptions.Exit(EXIT_FINDINGS) from e
        except CsiError as e:
            say(f"csi: {e}", err=True)
            raise click.exceptions.Exit(e.exit_code) from e
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130) from None
        except OSError as e:  # the machine, not csi: a missing folder, a full disk, permissions
            say(f"csi: {e}", err=True)
            raise click.exceptions.Exit(EXIT_USAGE) from e
        except Exception as e:  # the one place that catches everything
            say(
                f"csi: unexpected error ({type(e).__name__}: {e}). "
                "This is a bug in csi; please report it with the command you ran.",
                err=True,
            )
            raise click.exceptions.Exit(EXIT_UNEXPECTED) from e
        finally:
            silence(False)


def say(text: str, err: bool = False) -> None:
    if text:
        click.echo(neutralise_workflow_commands(text), err=err)


def emit(output: str, fmt: str) -> None:
    """Findings output; the github format is already escaped, and its `::` lines are meant."""
    if fmt != "github":
        say(output)
    elif output:
        click.echo(output)


def register_policies(root: Path) -> Policies:
    """The register's policies, or its policy findings as an error."""
    from csi_tool.git.sources import WorkTree
    from csi_tool.policies.loading import load_policies

    policies, findings = load_policies(WorkTree(root))
    if policies is None:
        raise FindingsError(findings)
    return policies


def register_root(ctx: click.Context) -> Path:
    """--root if given, else the nearest folder above the current one that holds policies/."""
    given: Path | None = ctx.obj
    return given.resolve() if given is not None else find_root(Path.cwd())


def valid_register(root: Path, record_id: str | None = None) -> tuple[Register, Policies]:
    """The register; refused while its policies, or the record to be edited, have findings.

    Findings in other records do not stop an edit: they are printed as a warning.
    """
    from csi_tool.layout import RECORD_SUFFIX, REGISTER_DIR
    from csi_tool.records.register import load_work_tree

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
        say(render_findings(others, "text", 0), err=True)
        say(f"csi: warning: {len(others)} finding(s) elsewhere in the register", err=True)
    return register, register.policies


# Options several commands share, declared once so their help reads the same everywhere.
as_of_option = click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Judge due and target dates as on this day (records are read as they are now).",
)
findings_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="auto means github inside GitHub Actions, text elsewhere.",
)


def option_date(text: str | None, option: str) -> dt.date:
    from csi_tool.benefits.measurements import parse_date

    if text is None:
        return clock.today()
    try:
        return parse_date(text)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint=option) from e
