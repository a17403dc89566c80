"""`csi intake`: an accepted idea from the issue form, as a draft record."""

from __future__ import annotations

from pathlib import Path

import click

from csi_tool.cli.support import EXIT_FINDINGS, register_policies, register_root, say
from csi_tool.clock import today
from csi_tool.errors import ConfigError, display_path
from csi_tool.layout import RECORD_SUFFIX, REGISTER_DIR
from csi_tool.yaml.journal import register_lock


@click.command()
@click.argument("issue_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write, for the workflow, the pull request's branch.txt, title.txt and "
    "body.md, or comment.md saying what is missing.",
)
@click.pass_context
def intake(ctx: click.Context, issue_json: Path, out_dir: Path | None) -> None:
    """Write a logged record from an issue raised with the register's issue form.

    ISSUE_JSON is the issue event GitHub gives a workflow ($GITHUB_EVENT_PATH), or an
    issue's JSON. Exit 1, writing nothing, when the answers cannot make a valid record.
    """
    from csi_tool.intake.draft import draft_record, write_draft
    from csi_tool.intake.issue_form import read_event
    from csi_tool.intake.messages import (
        branch_name,
        commit_message,
        missing_comment,
        pull_request_body,
        pull_request_title,
        write_outputs,
    )

    root = register_root(ctx)
    proposal = read_event(issue_json)
    if out_dir is not None:  # a folder that cannot be made stops before any record is written
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ConfigError(f"--out-dir {out_dir}: {e.strerror}") from e
    with register_lock(root):  # two intakes at once never pick the same id
        policies = register_policies(root)
        draft = draft_record(root, policies, proposal, today())
        if draft.tree is None:
            if out_dir is not None:
                write_outputs(out_dir, {"comment.md": missing_comment(draft.problems)})
            # only csi's own words: the issue's text never reaches the log
            for problem in draft.problems:
                say(f"csi: issue #{proposal.number}: {problem}", err=True)
            ctx.exit(EXIT_FINDINGS)
        record_id = str(draft.tree["id"])
        path = f"{REGISTER_DIR}/{record_id}{RECORD_SUFFIX}"
        if out_dir is not None:  # first: a record is never left without what proposes it
            write_outputs(
                out_dir,
                {
                    "branch.txt": branch_name(proposal) + "\n",
                    "title.txt": pull_request_title(record_id, str(draft.tree["title"])) + "\n",
                    "commit.txt": commit_message(record_id, proposal),
                    "body.md": pull_request_body(proposal, record_id, path),
                },
            )
        new_record = write_draft(root, policies, draft)
    say(f"wrote {display_path(new_record.path, root)} from issue #{proposal.number}")
