"""Issue events as GitHub sends them to a workflow ($GITHUB_EVENT_PATH), with the body GitHub
renders from the issue form: one `### <label>` heading per question, `_No response_` for an
optional question left empty, and CRLF line endings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

ANSWERS: dict[str, str | None] = {
    "Service": "Service Desk",
    "What is wrong today": "About one in seven resolved incidents is reopened within a week.\n"
    "Users call back because the fix did not hold.",
    "What better looks like": "Incidents stay resolved the first time.",
    "How often it happens or what it costs": "About 300 reopened incidents a month, roughly "
    "150 hours of rework.",
    "References": "INC0012345, PRB0004567 and https://reports.example.com/reopens CHG0031337",
    "Where the idea comes from": "Incident trend",
}


def form_body(answers: Mapping[str, str | None]) -> str:
    """The Markdown GitHub writes for the form's answers (None: left empty)."""
    parts = [f"### {label}\n\n{answer or '_No response_'}" for label, answer in answers.items()]
    return "\n\n".join(parts).replace("\n", "\r\n")


def issue_event(
    path: Path,
    answers: Mapping[str, str | None] | None = None,
    title: str = "[Improvement]: Stop incidents being reopened",
    login: str = "alice",
    number: int = 17,
) -> Path:
    """An `issues` event with action `labeled`, as documented by GitHub, written to `path`."""
    event = {
        "action": "labeled",
        "label": {"name": "csi-accepted"},
        "issue": {
            "number": number,
            "title": title,
            "body": form_body(ANSWERS if answers is None else answers),
            "user": {"login": login, "type": "User"},
            "html_url": f"https://github.com/acme/register/issues/{number}",
            "labels": [{"name": "csi-proposal"}, {"name": "csi-accepted"}],
            "state": "open",
        },
        "repository": {"full_name": "acme/register", "default_branch": "main"},
        "sender": {"login": "maintainer"},
    }
    path.write_text(json.dumps(event), encoding="utf-8")
    return path
