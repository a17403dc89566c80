"""What the intake workflow posts: the pull request's title and body, or the comment that
says what is missing. Written to files the workflow hands to `gh` as arguments and body
files, never into a shell command or an expression."""

from __future__ import annotations

from pathlib import Path

from csi_tool.intake.issue_form import FORM_PATH, Proposal
from csi_tool.yaml.atomic import replace_file


def branch_name(proposal: Proposal) -> str:
    """The branch of the pull request: from the issue's number only."""
    return f"csi-intake/issue-{proposal.number}"


def pull_request_title(record_id: str, title: str) -> str:
    return f"{record_id}: {title}"


def commit_message(record_id: str, proposal: Proposal) -> str:
    """Only csi's words: a title in a commit message could close other issues (`fixes #3`)
    once merged."""
    return f"Add {record_id}, the idea of issue #{proposal.number}\n"


def pull_request_body(proposal: Proposal, record_id: str, path: str) -> str:
    credit = f" raised by @{proposal.author}" if proposal.author else ""
    return (
        f"Adds `{path}`: the idea{credit} in #{proposal.number}, drafted by `csi intake` "
        f"from the issue form's answers.\n\n"
        f"{record_id} starts `logged`. Before merging, read it as a record: tighten the "
        "wording, give it an owner, and move it on with `csi transition` when it is "
        "validated. The proposer stays credited (`source.raised_by`).\n"
    )


def missing_comment(problems: list[str]) -> str:
    lines = "".join(f"- {problem}\n" for problem in problems)
    return (
        "Thank you for the idea. It cannot become a register record yet:\n\n"
        f"{lines}\n"
        "Edit the issue to fix this, then a maintainer can add the `csi-accepted` label "
        f"again (remove it first). The questions are those of `{FORM_PATH}`.\n"
    )


def write_outputs(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        replace_file(folder / name, text)
